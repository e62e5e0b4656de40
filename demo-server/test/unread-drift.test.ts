import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message, UnreadCounts } from '@palaver/protocol';
import fc from 'fast-check';
import {
  type ClientSocket,
  newClientId,
  ok,
  productOpen,
  record,
  settle,
  startTestServer,
  type TestServer,
  type TestUser,
} from './helpers.js';
import { openReader, type TestDatabaseReader } from './test-database.js';

/**
 * Unread counts are stored and kept in step by every write (not counted on
 * every message), so they must never drift from what a full recount of the
 * messages says — whatever mix of sends, reads, deletes and agents joining
 * happened before.
 */
type Step =
  | { op: 'send'; who: number; where: number }
  | { op: 'read'; who: number; where: number; back: number }
  | { op: 'delete'; who: number; pick: number }
  | { op: 'take' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('send'), who: fc.nat(3), where: fc.nat(2) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('read'),
      who: fc.nat(3),
      where: fc.nat(2),
      // How far behind the newest message to read up to (0: all of it).
      back: fc.oneof(fc.constant(0), fc.nat(4)),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete'), who: fc.nat(3), pick: fc.nat() }) },
  // The admin takes the buyer's support thread without writing: they join with its history unread.
  { weight: 1, arbitrary: fc.record({ op: fc.constant('take') }) },
) as fc.Arbitrary<Step>;

describe('stored unread counts', () => {
  let t: TestServer;
  let db: TestDatabaseReader;
  before(async () => {
    t = await startTestServer({ RATE_LIMIT_MESSAGES: '100000' });
    db = await openReader(t.databaseEnv);
  });
  after(async () => {
    await db.close();
    await t.close();
  });

  /** The definition of "unread", counted from the messages themselves. */
  async function recount(userId: string): Promise<UnreadCounts> {
    const rows = await db.all<{ id: string; unread: number }>(
      `SELECT p.conversation_id AS id, COUNT(m.id) AS unread FROM participants p
       JOIN messages m ON m.conversation_id = p.conversation_id AND m.seq > p.last_read_seq
         AND m.sender_id <> p.user_id AND m.deleted_at IS NULL
       WHERE p.user_id = ? GROUP BY p.conversation_id`,
      userId,
    );
    return {
      total: rows.reduce((sum, row) => sum + row.unread, 0),
      conversations: Object.fromEntries(rows.map((row) => [row.id, row.unread])),
    };
  }

  it('match a full recount after any sequence of sends, reads, deletes and an agent joining', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        run += 1;
        // Fresh users each run: a buyer and a supplier in a product conversation,
        // another buyer with the same supplier, the buyer's support conversation,
        // and an admin who joins it by writing in it or by taking it.
        const users: TestUser[] = [
          { id: `drift-buyer-${run}`, name: 'Buyer' },
          { id: `drift-supplier-${run}`, name: 'Supplier' },
          { id: `drift-other-${run}`, name: 'Other buyer' },
          { id: `drift-agent-${run}`, name: 'Agent', admin: true },
        ];
        const sockets: ClientSocket[] = [];
        for (const user of users) sockets.push(await t.connect(user));
        const [buyer, , other, agent] = sockets as [ClientSocket, ClientSocket, ClientSocket, ClientSocket];
        const pushed = sockets.map((socket) => record(socket, 'unread'));
        // A second socket per user takes its counts on `message:new` where they ride there.
        const withCounts: ClientSocket[] = [];
        for (const user of users) withCounts.push(await t.connect(user, { unreadWithMessages: true }));
        const pushedWithCounts = withCounts.map((socket) => {
          const seen: UnreadCounts[] = [];
          socket.on('unread', (counts) => seen.push(counts));
          socket.on('message:new', (_message, counts) => {
            if (counts) seen.push(counts);
          });
          return seen;
        });
        const product = { id: `drift-${run}`, title: 'Drift' };
        const open = (socket: ClientSocket) =>
          ok(
            socket,
            'conversation:open',
            productOpen({ product, supplierId: (users[1] as TestUser).id, supplierName: 'Supplier' }),
          );
        const conversations = [
          (await open(buyer)).conversation.id,
          (await open(other)).conversation.id,
          (await ok(buyer, 'conversation:open', { kind: 'support', subject: 'Drift' })).conversation.id,
        ];
        // Who may write where: the buyer in 0 and 2, the supplier in 0 and 1, the other buyer in 1, the agent in 2.
        const writers = [
          [0, 1],
          [1, 2],
          [0, 3],
        ];
        const sent: Message[][] = users.map(() => []);
        for (const s of steps) {
          if (s.op === 'take') {
            await ok(agent, 'conversation:open', {
              kind: 'support',
              subject: 'Drift',
              clientUserId: (users[0] as TestUser).id,
            });
            continue;
          }
          if (s.op === 'delete') {
            const own = sent[s.who] ?? [];
            const target = own[s.pick % Math.max(own.length, 1)];
            if (target) await ok(sockets[s.who] as ClientSocket, 'message:delete', { messageId: target.id });
            continue;
          }
          const where = conversations[s.where] as string;
          const allowed = writers[s.where] as number[];
          const who = allowed[s.who % allowed.length] as number;
          const socket = sockets[who] as ClientSocket;
          if (s.op === 'send') {
            const { message } = await ok(socket, 'message:send', {
              clientId: newClientId(),
              conversationId: where,
              body: `m${s.who}`,
            });
            sent[who]?.push(message);
          } else {
            const [row] = await db.all<{ last_seq: number }>('SELECT last_seq FROM conversations WHERE id = ?', where);
            const last = Number(row?.last_seq ?? 0);
            const seq = Math.max(1, last - s.back);
            await ok(socket, 'conversation:read', { conversationId: where, seq });
          }
        }
        await settle(...sockets, ...withCounts);
        for (const [index, user] of users.entries()) {
          const expected = await recount(user.id);
          const socket = sockets[index] as ClientSocket;
          const asked = await ok(socket, 'unread:get', {});
          assert.deepEqual({ total: asked.total, conversations: asked.conversations }, expected, `${user.id}`);
          // The last pushed total is the current one too (or nothing was pushed because nothing changed).
          const lastPush = pushed[index]?.at(-1);
          assert.equal(lastPush?.total ?? 0, expected.total, `${user.id}: last pushed total`);
          const lastWithCounts = pushedWithCounts[index]?.at(-1);
          assert.equal(lastWithCounts?.total ?? 0, expected.total, `${user.id}: last total with messages`);
          const listed = await ok(socket, 'sync', { cursor: null });
          for (const conversation of listed.conversations) {
            assert.equal(
              conversation.unreadCount,
              expected.conversations[conversation.id] ?? 0,
              `${user.id}: unreadCount of ${conversation.id}`,
            );
          }
        }
        for (const socket of [...sockets, ...withCounts]) socket.disconnect();
      }),
      { numRuns: 100 },
    );
  });
});
