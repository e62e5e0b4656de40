import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Conversation, Message, SyncResult } from '@palaver/protocol';
import { io } from 'socket.io-client';
import { type LocalCluster, startLocalCluster } from '../../scripts/local-cluster.js';
import { signToken } from '../src/transport/auth.js';
import { bob, type ClientSocket, productOpen, TEST_SECRET, type TestUser } from './helpers.js';
import { clusterBehindNginxOnly, databaseEnv, dropDatabase } from './test-database.js';

/**
 * The cluster as deployed: nginx in front of two `palaver-server` processes on
 * one PostgreSQL database and one Redis. Buyers and the supplier send through
 * nginx (landing on either node) while the nodes are killed with SIGKILL and
 * restarted in turn, then restarted one by one with SIGTERM (a rolling
 * deploy). Each sender retries a send with the same clientId until it is
 * acknowledged, as the SDK's outbox does; each client catches up with `sync`
 * whenever it reconnects.
 */
const buyers: TestUser[] = [0, 1, 2].map((i) => ({ id: `buyer-chaos-${i}`, name: `Buyer ${i}` }));

/** A reconnecting client that knows what live events and `sync` told it. */
class ChaosClient {
  readonly socket: ClientSocket;
  readonly messages = new Map<string, Message>();
  private cursor: string | null = null;
  private catchingUp: Promise<void> = Promise.resolve();

  constructor(url: string, token: string) {
    this.socket = io(url, {
      auth: { token },
      transports: ['websocket'],
      reconnectionDelay: 50,
      reconnectionDelayMax: 300,
      forceNew: true,
    });
    this.socket.on('message:new', (message) => this.messages.set(message.id, message));
    // After every (re)connection: what was missed while away.
    this.socket.on('connect', () => {
      this.catchingUp = this.catchingUp.then(() => this.catchUp());
    });
  }

  async catchUp(): Promise<void> {
    for (let page = 0; page < 1000; page++) {
      let answer: { ok: boolean } & Partial<SyncResult>;
      try {
        answer = await this.socket.timeout(2000).emitWithAck('sync', { cursor: this.cursor });
      } catch {
        return; // disconnected again: the next connection catches up
      }
      if (!answer.ok) return;
      const result = answer as SyncResult;
      for (const message of result.messages) this.messages.set(message.id, message);
      this.cursor = result.cursor;
      if (!result.hasMore) return;
    }
  }

  /** Sends until acknowledged, always with the same clientId. */
  async send(conversationId: string, clientId: string, body: string): Promise<Message> {
    for (;;) {
      try {
        const answer = await this.socket.timeout(2000).emitWithAck('message:send', { clientId, conversationId, body });
        if (answer.ok) return answer.message;
      } catch {
        // no answer (the node died, or the socket is reconnecting): send again
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async settle(): Promise<void> {
    while (!this.socket.connected) await new Promise((resolve) => setTimeout(resolve, 20));
    await this.catchingUp;
    await this.catchUp();
  }
}

/** nginx answers 502 for a moment while it finds out that a node is back: a client tries again. */
async function retried<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function history(url: string, token: string, conversationId: string): Promise<Message[]> {
  const all: Message[] = [];
  let beforeSeq: number | undefined;
  for (;;) {
    const query = `limit=100${beforeSeq === undefined ? '' : `&beforeSeq=${beforeSeq}`}`;
    const page = await retried(async () => {
      const response = await fetch(`${url}/api/conversations/${conversationId}/messages?${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!response.ok) throw new Error(`history answered ${response.status}`);
      return (await response.json()) as { messages: Message[]; hasMore: boolean };
    });
    all.unshift(...page.messages);
    if (!page.hasMore) return all;
    beforeSeq = page.messages[0]?.seq;
  }
}

describe('chaos on a cluster behind nginx', () => {
  it('nodes killed and restarted, then a rolling restart: 0 lost, 0 duplicated, order kept, clients equal the database', {
    skip: clusterBehindNginxOnly(),
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palaver-chaos-'));
    let cluster: LocalCluster | undefined;
    const clients: ChaosClient[] = [];
    try {
      cluster = await startLocalCluster({
        env: {
          ...(await databaseEnv(dir)),
          REDIS_URL: process.env.REDIS_URL ?? '',
          REDIS_PREFIX: `palaver-chaos-${process.pid}`,
          JWT_SECRET: TEST_SECRET,
          RATE_LIMIT_MESSAGES: '100000',
          PRESENCE_GRACE_MS: '100',
        },
      });
      const { url } = cluster;
      const tokenOf = (user: TestUser) => signToken(TEST_SECRET, user);
      const bobToken = await tokenOf(bob);
      const supplier = new ChaosClient(url, bobToken);
      clients.push(supplier);
      const conversations: Conversation[] = [];
      const buyerClients: ChaosClient[] = [];
      for (const [index, buyer] of buyers.entries()) {
        const client = new ChaosClient(url, await tokenOf(buyer));
        clients.push(client);
        buyerClients.push(client);
        await client.settle();
        const opened = await client.socket.timeout(5000).emitWithAck(
          'conversation:open',
          productOpen({
            product: { id: `p-chaos-${index}`, title: `Product ${index}` },
            supplierId: bob.id,
            supplierName: bob.name,
          }),
        );
        assert.ok(opened.ok);
        conversations.push(opened.conversation);
      }
      await supplier.settle();

      let chaosDone = false;
      const acked = new Map<string, Message[]>();
      const sender = async (name: string, client: ChaosClient, targets: Conversation[]) => {
        const mine: Message[] = [];
        acked.set(name, mine);
        for (let i = 0; !chaosDone || i < 20; i++) {
          const conversation = targets[i % targets.length] as Conversation;
          mine.push(await client.send(conversation.id, `${name}-${i}`, `${name} #${i}`));
          await new Promise((resolve) => setTimeout(resolve, 15));
        }
      };
      const senders = [
        ...buyerClients.map((client, index) => sender(`buyer${index}`, client, [conversations[index] as Conversation])),
        sender('bob', supplier, conversations),
      ];

      const [first, second] = cluster.nodes as [LocalCluster['nodes'][0], LocalCluster['nodes'][0]];
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      await pause(400);
      for (const node of [first, second]) {
        await node.stop('SIGKILL');
        await pause(300);
        await node.start();
        await pause(500);
      }
      // A rolling restart: each node drains (SIGTERM) and comes back before the next goes.
      for (const node of [first, second]) {
        assert.equal(await node.stop('SIGTERM'), 0, 'a node stops cleanly on SIGTERM');
        await node.start();
        await pause(500);
      }
      chaosDone = true;
      await Promise.all(senders);
      for (const client of clients) await client.settle();

      const stored = new Map<string, Message[]>();
      for (const conversation of conversations)
        stored.set(conversation.id, await history(url, bobToken, conversation.id));
      const everything = [...stored.values()].flat();
      const byClientId = new Map<string, number>();
      for (const message of everything) byClientId.set(message.clientId, (byClientId.get(message.clientId) ?? 0) + 1);
      let total = 0;
      for (const [name, mine] of acked) {
        total += mine.length;
        for (const message of mine) {
          assert.equal(byClientId.get(message.clientId), 1, `${message.clientId} stored exactly once`);
        }
        // One sender's messages in one conversation keep the order they were sent in.
        for (const conversation of conversations) {
          const seqs = mine.filter((m) => m.conversationId === conversation.id).map((m) => m.seq);
          assert.deepEqual(
            seqs,
            [...seqs].sort((x, y) => x - y),
            `${name}'s order in ${conversation.id}`,
          );
        }
      }
      assert.equal(everything.length, total, 'nothing stored that was not sent, nothing sent that was lost');
      // Four senders for the whole run (over six seconds of restarts), 15 ms apart when nothing fails.
      assert.ok(total >= 4 * 20, `${total} messages sent`);
      // Every client ends with exactly what the database holds of its conversations.
      const expected = (ids: string[]) =>
        new Map(ids.flatMap((id) => stored.get(id) ?? []).map((message) => [message.id, message]));
      assert.deepEqual(supplier.messages, expected(conversations.map((c) => c.id)), 'the supplier');
      for (const [index, client] of buyerClients.entries()) {
        assert.deepEqual(client.messages, expected([(conversations[index] as Conversation).id]), `buyer ${index}`);
      }
    } finally {
      for (const client of clients) client.socket.close();
      await cluster?.close();
      await dropDatabase(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
