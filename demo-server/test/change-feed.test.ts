import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Conversation, Message, SyncResult } from '@palaver/protocol';
import fc from 'fast-check';
import {
  alice,
  bob,
  carol,
  connectAs,
  ok,
  openProduct,
  productOpen,
  send,
  spawnServer,
  startTestServer,
  type TestUser,
} from './helpers.js';
import { databaseEnv, dropDatabase } from './test-database.js';

/**
 * The change feed never runs ahead of what is stored: a cursor handed to a
 * client only covers committed changes, and no change number is issued twice,
 * whatever restarts came between. (A cursor used to be an in-memory counter
 * that also counted numbers no row ever kept — a read that moved nothing, a
 * resent clientId, reopening a conversation — and a restart issued those
 * numbers again to changes the old cursor already "covered".)
 */
describe('change feed across restarts', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'palaver-feed-'));
  });
  after(async () => {
    for (const signal of ['SIGTERM', 'SIGKILL']) await dropDatabase(dir, `${signal}.db`);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`an old cursor returns every change after it once the server was stopped with ${signal}`, async () => {
      const env = await databaseEnv(dir, `${signal}.db`);
      const first = await spawnServer(env);
      const aliceSocket = await connectAs(first.url, alice);
      const bobSocket = await connectAs(first.url, bob);
      const conversation = await openProduct(aliceSocket);
      await send(aliceSocket, conversation.id, 'first');
      await ok(bobSocket, 'conversation:read', { conversationId: conversation.id, seq: 1 });
      // Each of these changes nothing that sync could return.
      await ok(bobSocket, 'conversation:read', { conversationId: conversation.id, seq: 1 });
      await openProduct(aliceSocket);
      const { cursor } = await ok(bobSocket, 'sync', { cursor: null });
      aliceSocket.close();
      bobSocket.close();
      await first.stop(signal);

      const second = await spawnServer(env);
      try {
        const aliceAgain = await connectAs(second.url, alice);
        const bobAgain = await connectAs(second.url, bob);
        const sent: Message[] = [];
        for (let i = 0; i < 4; i++) sent.push(await send(aliceAgain, conversation.id, `after restart ${i}`));
        const caught = (await ok(bobAgain, 'sync', { cursor })) as SyncResult;
        assert.equal(caught.reset, undefined, 'the cursor is still this database’s');
        assert.deepEqual(
          caught.messages.map((m) => m.seq),
          [2, 3, 4, 5],
        );
        assert.equal(caught.conversations.find((c) => c.id === conversation.id)?.unreadCount, 4);
        aliceAgain.close();
        bobAgain.close();
      } finally {
        await second.stop('SIGKILL');
      }
    });
  }
});

/**
 * Any interleaving of sends, resends, reads that move nothing, edits, deletes,
 * opens and restarts: after each step, every client that syncs from its last
 * cursor ends up with exactly what a full scan of the database shows.
 */
type Who = 'alice' | 'bob' | 'carol';
type Step =
  | { op: 'send'; who: Who; where: number }
  | { op: 'resend'; who: Who; pick: number }
  | { op: 'read'; who: Who; where: number; seq: number }
  | { op: 'edit' | 'delete'; who: Who; pick: number }
  | { op: 'open'; where: number }
  | { op: 'restart' }
  | { op: 'sync'; who: Who };

const who = fc.constantFrom<Who>('alice', 'bob', 'carol');
const where = fc.nat(2);
const steps: fc.Arbitrary<Step[]> = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant('send' as const), who, where }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('resend' as const), who, pick: fc.nat() }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('read' as const), who, where, seq: fc.nat(8) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('edit' as const), who, pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), who, pick: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('open' as const), where }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('restart' as const) }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('sync' as const), who }) },
  ),
  { minLength: 1, maxLength: 25 },
);

const users: Record<Who, TestUser> = { alice, bob, carol };
// Products 0 and 1 are Alice's with Bob; product 2 is Carol's with Bob.
const buyerOf = (index: number): TestUser => (index === 2 ? carol : alice);

/** What a client knows from sync alone. */
interface ClientView {
  cursor: string | null;
  messages: Map<string, Message>;
  reads: Map<string, number>;
  unread: Map<string, number>;
}

const readKey = (conversationId: string, userId: string) => `${conversationId}/${userId}`;

describe('change feed property', () => {
  it('after any steps and restarts, every client’s sync from its last cursor equals a full scan', async () => {
    await fc.assert(
      fc.asyncProperty(steps, async (plan) => {
        const dir = mkdtempSync(join(tmpdir(), 'palaver-feed-prop-'));
        const env = { RATE_LIMIT_MESSAGES: '100000' };
        let t = await startTestServer(env, dir);
        const conversations = new Map<number, string>();
        const sentBy = new Map<Who, Array<{ clientId: string; conversationId: string; body: string; id: string }>>();
        const views = new Map<Who, ClientView>();
        let counter = 0;
        try {
          const catchUp = async (name: Who) => {
            const view = views.get(name) ?? { cursor: null, messages: new Map(), reads: new Map(), unread: new Map() };
            views.set(name, view);
            for (let page = 0; page < 100; page++) {
              const query = view.cursor === null ? '' : `?cursor=${encodeURIComponent(view.cursor)}`;
              const { status, body } = await t.rest<SyncResult>(users[name], 'GET', `/api/sync${query}`);
              assert.equal(status, 200);
              // A reset would mean the server no longer recognises its own cursor.
              if (view.cursor !== null) assert.equal(body.reset, undefined, 'no reset for a cursor of this database');
              for (const message of body.messages) view.messages.set(message.id, message);
              for (const read of body.reads) view.reads.set(readKey(read.conversationId, read.userId), read.seq);
              for (const conversation of body.conversations) view.unread.set(conversation.id, conversation.unreadCount);
              view.cursor = body.cursor;
              if (!body.hasMore) break;
            }
            return view;
          };
          const fullScan = async (name: Who) => {
            const listed = await t.rest<{ conversations: Conversation[] }>(users[name], 'GET', '/api/conversations');
            const messages = new Map<string, Message>();
            const reads = new Map<string, number>();
            const unread = new Map<string, number>();
            for (const conversation of listed.body.conversations) {
              unread.set(conversation.id, conversation.unreadCount);
              for (const p of conversation.participants) {
                if (p.lastReadSeq > 0) reads.set(readKey(conversation.id, p.userId), p.lastReadSeq);
              }
              const history = await t.rest<{ messages: Message[] }>(
                users[name],
                'GET',
                `/api/conversations/${conversation.id}/messages?limit=100`,
              );
              for (const message of history.body.messages) messages.set(message.id, message);
            }
            return { messages, reads, unread };
          };
          // Every client starts from the empty database.
          for (const name of Object.keys(users) as Who[]) await catchUp(name);

          for (const step of plan) {
            if (step.op === 'restart') {
              await t.close();
              t = await startTestServer(env, dir);
            } else if (step.op === 'open') {
              const { body } = await t.rest<{ conversation: Conversation }>(
                buyerOf(step.where),
                'POST',
                '/api/conversations',
                productOpen({
                  product: { id: `p-${step.where}`, title: `Product ${step.where}` },
                  supplierId: bob.id,
                  supplierName: bob.name,
                }),
              );
              conversations.set(step.where, body.conversation.id);
            } else if (step.op === 'send') {
              const conversationId = conversations.get(step.where);
              const member = step.who === 'bob' || users[step.who] === buyerOf(step.where);
              if (!conversationId || !member) continue;
              const clientId = `prop-${++counter}`;
              const body = `message ${counter}`;
              const sent = await t.rest<{ message: Message }>(
                users[step.who],
                'POST',
                `/api/conversations/${conversationId}/messages`,
                { clientId, body },
              );
              assert.equal(sent.status, 200);
              const list = sentBy.get(step.who) ?? [];
              list.push({ clientId, conversationId, body, id: sent.body.message.id });
              sentBy.set(step.who, list);
            } else if (step.op === 'resend') {
              const list = sentBy.get(step.who) ?? [];
              const earlier = list[step.pick % Math.max(1, list.length)];
              if (!earlier) continue;
              const again = await t.rest<{ message: Message }>(
                users[step.who],
                'POST',
                `/api/conversations/${earlier.conversationId}/messages`,
                { clientId: earlier.clientId, body: earlier.body },
              );
              assert.equal(again.body.message.id, earlier.id, 'a resend answers the stored message');
            } else if (step.op === 'read') {
              const conversationId = conversations.get(step.where);
              const member = step.who === 'bob' || users[step.who] === buyerOf(step.where);
              if (!conversationId || !member) continue;
              await t.rest(users[step.who], 'POST', `/api/conversations/${conversationId}/read`, { seq: step.seq });
            } else if (step.op === 'edit' || step.op === 'delete') {
              const list = sentBy.get(step.who) ?? [];
              const target = list[step.pick % Math.max(1, list.length)];
              if (!target) continue;
              if (step.op === 'edit') {
                await t.rest(users[step.who], 'PATCH', `/api/messages/${target.id}`, { body: `edited ${++counter}` });
              } else {
                await t.rest(users[step.who], 'DELETE', `/api/messages/${target.id}`);
              }
            } else {
              const view = await catchUp(step.who);
              const scan = await fullScan(step.who);
              assert.deepEqual(view.messages, scan.messages);
              assert.deepEqual(view.reads, scan.reads);
              assert.deepEqual(view.unread, scan.unread);
            }
          }
          for (const name of Object.keys(users) as Who[]) {
            const view = await catchUp(name);
            const scan = await fullScan(name);
            assert.deepEqual(view.messages, scan.messages, `${name}'s messages`);
            assert.deepEqual(view.reads, scan.reads, `${name}'s read pointers`);
            assert.deepEqual(view.unread, scan.unread, `${name}'s unread counts`);
          }
        } finally {
          await t.close();
          await dropDatabase(dir);
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      {
        numRuns: 60,
        examples: [
          // The reproduction: a read that moves nothing, a sync, a restart, new messages.
          [
            [
              { op: 'open', where: 0 },
              { op: 'send', who: 'alice', where: 0 },
              { op: 'read', who: 'bob', where: 0, seq: 1 },
              { op: 'read', who: 'bob', where: 0, seq: 1 },
              { op: 'sync', who: 'bob' },
              { op: 'restart' },
              { op: 'send', who: 'alice', where: 0 },
              { op: 'sync', who: 'bob' },
            ],
          ],
          // A resent clientId, then the same.
          [
            [
              { op: 'open', where: 2 },
              { op: 'send', who: 'carol', where: 2 },
              { op: 'resend', who: 'carol', pick: 0 },
              { op: 'sync', who: 'bob' },
              { op: 'restart' },
              { op: 'send', who: 'carol', where: 2 },
              { op: 'sync', who: 'bob' },
            ],
          ],
        ],
      },
    );
  });
});
