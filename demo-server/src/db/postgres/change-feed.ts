import type { Queryable, Tx } from './pool.js';

/**
 * The next change number, for a write inside `tx`. Moving the stored head
 * takes its row lock, held until `tx` commits or rolls back: the next writer,
 * on any node, waits here. So numbers are issued in commit order, a rolled-back
 * write gives its number back, and a reader whose snapshot shows head N also
 * shows every change numbered up to N — the classic trap of sequences (numbers
 * taken in one order, committed in another) cannot happen.
 *
 * Every write transaction takes its number before it locks any other row, so
 * writers always lock in the same order and never deadlock.
 */
export async function takeChange(tx: Tx): Promise<number> {
  const { rows } = await tx.query<{ head: number }>(
    'UPDATE change_feed SET head = head + 1 WHERE id = 1 RETURNING head',
  );
  return (rows[0] as { head: number }).head;
}

/** The newest committed change number (in the caller's snapshot when inside a transaction). */
export async function feedHead(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ head: number }>('SELECT head FROM change_feed WHERE id = 1');
  return (rows[0] as { head: number }).head;
}

/**
 * The conversations a user may see listed and synced: theirs, and for admins
 * every support conversation — once they have a first message. A conversation
 * nobody wrote in yet is known to its opener only (from their open request).
 */
export const visibleIds = (user: string, admin: string) => `
  SELECT p.conversation_id FROM participants p JOIN conversations c ON c.id = p.conversation_id
  WHERE p.user_id = ${user} AND c.last_seq > 0
  UNION SELECT id FROM conversations WHERE ${admin} AND kind = 'support' AND last_seq > 0`;
