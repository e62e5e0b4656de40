/**
 * The conversations a user may see listed and synced: theirs, and for admins
 * every support conversation — once they have a first message. A conversation
 * nobody wrote in yet is known to its opener only (from their open request).
 */
export const VISIBLE_IDS = `
  SELECT p.conversation_id FROM participants p JOIN conversations c ON c.id = p.conversation_id
  WHERE p.user_id = @user AND c.last_seq > 0
  UNION SELECT id FROM conversations WHERE @admin = 1 AND kind = 'support' AND last_seq > 0`;
