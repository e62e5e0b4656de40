/** The conversations a user may see: theirs, and for admins every support conversation. */
export const VISIBLE_IDS = `
  SELECT conversation_id FROM participants WHERE user_id = @user
  UNION SELECT id FROM conversations WHERE @admin = 1 AND kind = 'support'`;
