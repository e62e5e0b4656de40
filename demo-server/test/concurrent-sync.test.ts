import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Conversation, Message, SyncResult } from '@palaver/protocol';
import {
  alice,
  bob,
  carol,
  newClientId,
  ok,
  productOpen,
  startTestServer,
  type TestServer,
  type TestUser,
} from './helpers.js';
import { dropDatabase, postgresOnly } from './test-database.js';

/**
 * The classic trap of a change feed on PostgreSQL: numbers taken in one order
 * and committed in another, so a reader that saw change 105 later misses a
 * change 104 that committed after its read. Here several writers on two nodes
 * of one database send at once while a reader syncs in a tight loop, through
 * both nodes in turn: it must see every message exactly once, and end with
 * exactly what a full scan shows.
 */
const dave: TestUser = { id: 'buyer-dave', name: 'Dave' };
const buyers = [alice, carol, dave];

describe('sync under concurrent writers on two nodes', () => {
  it('a reader syncing in a tight loop never skips a change and never sees one twice', {
    skip: postgresOnly('several nodes on one database'),
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palaver-concurrent-'));
    const env = { RATE_LIMIT_MESSAGES: '100000' };
    const nodes: TestServer[] = [await startTestServer(env, dir), await startTestServer(env, dir)];
    try {
      const node = (index: number) => nodes[index % 2] as TestServer;
      // Each buyer talks to Bob about one product; buyers and Bob write from sockets on both nodes.
      const conversations: Conversation[] = [];
      for (const [index, buyer] of buyers.entries()) {
        const socket = await node(index).connect(buyer);
        const { conversation } = await ok(
          socket,
          'conversation:open',
          productOpen({
            product: { id: `p-concurrent-${index}`, title: `Product ${index}` },
            supplierId: bob.id,
            supplierName: bob.name,
          }),
        );
        conversations.push(conversation);
      }
      let cursor: string | null = null;
      const seen = new Map<string, number>();
      let pulls = 0;
      const pull = async () => {
        const query = cursor === null ? '' : `?cursor=${encodeURIComponent(cursor)}&limit=7`;
        const { status, body } = await node(pulls++).rest<SyncResult>(bob, 'GET', `/api/sync${query}`);
        assert.equal(status, 200);
        if (cursor !== null) assert.equal(body.reset, undefined);
        for (const message of body.messages) seen.set(message.id, (seen.get(message.id) ?? 0) + 1);
        cursor = body.cursor;
        return body.hasMore;
      };
      await pull();

      let writing = true;
      const reader = (async () => {
        while (writing) await pull();
      })();
      const writers = [...buyers, bob].flatMap((user, userIndex) =>
        [0, 1].map(async (nodeIndex) => {
          const socket = await node(nodeIndex).connect(user);
          const mine = user === bob ? conversations : [conversations[userIndex] as Conversation];
          for (let round = 0; round < 8; round++) {
            // Several sends in flight at once from each socket.
            await Promise.all(
              mine.flatMap((conversation) =>
                [0, 1, 2].map(() =>
                  ok(socket, 'message:send', {
                    clientId: newClientId(),
                    conversationId: conversation.id,
                    body: `${user.id} on node ${nodeIndex}`,
                  }),
                ),
              ),
            );
          }
        }),
      );
      await Promise.all(writers);
      writing = false;
      await reader;
      while (await pull());

      const scanned: Message[] = [];
      for (const conversation of conversations) {
        const { body } = await node(0).rest<{ messages: Message[] }>(
          bob,
          'GET',
          `/api/conversations/${conversation.id}/messages?limit=100`,
        );
        scanned.push(...body.messages);
      }
      // 3 buyers × 2 sockets × 8 rounds × 3, and Bob's 2 sockets × 8 rounds × 3 conversations × 3.
      assert.equal(scanned.length, 3 * 2 * 8 * 3 + 2 * 8 * 3 * 3);
      assert.ok(pulls > 10, `the reader pulled while writers wrote (${pulls} pulls)`);
      const twice = [...seen].filter(([, count]) => count > 1);
      assert.deepEqual(twice, [], 'no message twice');
      const missed = scanned.filter((message) => !seen.has(message.id)).map((message) => message.id);
      assert.deepEqual(missed, [], 'no message skipped');
      assert.equal(seen.size, scanned.length);
    } finally {
      for (const server of nodes) await server.close();
      await dropDatabase(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
