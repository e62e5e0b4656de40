import type { AttachmentLinks } from '../attachments.js';
import { newMessage } from '../rows.js';
import type { InsertMessageInput, StoredMessage } from '../store.js';
import type { Tx } from './pool.js';

interface ParticipantState {
  userId: string;
  unread: number;
  lastReadSeq: number;
  lastReadAt: string | null;
  changeSeq: number;
  changed: boolean;
}

/**
 * A whole group-commit batch in a fixed number of statements, whatever its
 * size: the batch's change numbers in one move of the feed head (which takes
 * the feed lock, so no other writer runs until the commit), every
 * conversation's new `seq`s in one UPDATE, the participants read once, the
 * batch played through in memory in order (exact: nobody else writes while
 * the lock is held), then one INSERT for the messages and one UPDATE for the
 * participants. A message after a message, it would be five round trips each.
 *
 * Not for batches in which an admin joins a conversation by writing (rare):
 * the caller stores those one message at a time. A resent clientId fails the
 * INSERT (unique index); the caller then retries one message at a time.
 */
export async function insertBatch(
  tx: Tx,
  inputs: readonly InsertMessageInput[],
  at: string,
  links: AttachmentLinks,
): Promise<StoredMessage[]> {
  const count = inputs.length;
  const { rows: feed } = await tx.query<{ head: number }>(
    'UPDATE change_feed SET head = head + $1 WHERE id = 1 RETURNING head',
    [count],
  );
  const firstChange = (feed[0] as { head: number }).head - count + 1;
  const changeOf = (index: number) => firstChange + index;

  // Each conversation's new messages, and its last change in the batch.
  const perConversation = new Map<string, { count: number; lastChange: number; nextSeq: number }>();
  inputs.forEach((input, index) => {
    const entry = perConversation.get(input.conversationId) ?? { count: 0, lastChange: 0, nextSeq: 0 };
    entry.count++;
    entry.lastChange = changeOf(index);
    perConversation.set(input.conversationId, entry);
  });
  const ids = [...perConversation.keys()];
  const { rows: conversations } = await tx.query<{ id: string; last_seq: number }>(
    `UPDATE conversations c SET last_seq = c.last_seq + v.k, updated_at = $4, change_seq = v.ch
     FROM unnest($1::text[], $2::int[], $3::bigint[]) AS v(id, k, ch)
     WHERE c.id = v.id RETURNING c.id, c.last_seq`,
    [ids, ids.map((id) => perConversation.get(id)?.count), ids.map((id) => perConversation.get(id)?.lastChange), at],
  );
  for (const row of conversations) {
    const entry = perConversation.get(row.id);
    if (entry) entry.nextSeq = row.last_seq - entry.count + 1;
  }

  const { rows: participantRows } = await tx.query<{
    conversation_id: string;
    user_id: string;
    unread_count: number;
    last_read_seq: number;
    last_read_at: string | null;
    change_seq: number;
  }>(
    `SELECT conversation_id, user_id, unread_count, last_read_seq, last_read_at, change_seq FROM participants
     WHERE conversation_id = ANY($1) ORDER BY conversation_id, joined_at, user_id`,
    [ids],
  );
  const participants = new Map<string, ParticipantState[]>();
  for (const row of participantRows) {
    const list = participants.get(row.conversation_id) ?? [];
    list.push({
      userId: row.user_id,
      unread: row.unread_count,
      lastReadSeq: row.last_read_seq,
      lastReadAt: row.last_read_at,
      changeSeq: row.change_seq,
      changed: false,
    });
    participants.set(row.conversation_id, list);
  }

  // The batch in order: one more unread for everyone but the sender, whose pointer moves onto the message.
  const stored = inputs.map((input, index): StoredMessage => {
    const entry = perConversation.get(input.conversationId) as { nextSeq: number };
    const seq = entry.nextSeq++;
    const change = changeOf(index);
    const members = participants.get(input.conversationId) ?? [];
    let previousUnread = 0;
    for (const member of members) {
      member.changed = true;
      if (member.userId === input.sender.id) {
        previousUnread = member.unread;
        Object.assign(member, { unread: 0, lastReadSeq: seq, lastReadAt: at, changeSeq: change });
      } else {
        member.unread++;
      }
    }
    const message = newMessage(input, seq, at, links);
    // Totals are filled in once the batch is committed.
    const unreadAfter = members.map((member) => ({ userId: member.userId, unread: member.unread, total: 0 }));
    return { message, created: true, previousUnread, unreadAfter, joined: false };
  });

  const messages = stored.map((outcome) => outcome.message);
  await tx.query(
    `INSERT INTO messages (id, conversation_id, seq, client_id, sender_id, from_admin, body, reply_to_id,
       created_at, change_seq, masked_body)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::text[],
       $8::text[], $9::text[], $10::bigint[], $11::text[])`,
    [
      messages.map((m) => m.id),
      messages.map((m) => m.conversationId),
      messages.map((m) => m.seq),
      messages.map((m) => m.clientId),
      messages.map((m) => m.senderId),
      messages.map((m) => (m.fromAdmin ? 1 : 0)),
      inputs.map((input) => input.body),
      messages.map((m) => m.replyToId ?? null),
      messages.map(() => at),
      messages.map((_, index) => changeOf(index)),
      inputs.map((input) => input.maskedBody ?? null),
    ],
  );

  const changed = [...participants].flatMap(([conversationId, members]) =>
    members.filter((member) => member.changed).map((member) => ({ conversationId, ...member })),
  );
  await tx.query(
    `UPDATE participants p SET unread_count = v.unread, last_read_seq = v.seq, last_read_at = v.at, change_seq = v.ch
     FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::bigint[])
       AS v(conversation_id, user_id, unread, seq, at, ch)
     WHERE p.conversation_id = v.conversation_id AND p.user_id = v.user_id`,
    [
      changed.map((row) => row.conversationId),
      changed.map((row) => row.userId),
      changed.map((row) => row.unread),
      changed.map((row) => row.lastReadSeq),
      changed.map((row) => row.lastReadAt),
      changed.map((row) => row.changeSeq),
    ],
  );
  return stored;
}
