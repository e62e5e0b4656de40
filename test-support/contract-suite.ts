/**
 * The contract suite: one set of checks of the wire contract's rules, run
 * against every back-end a client may talk to — the real server and the
 * in-memory `FakeChatBackend` of `@palaver/sdk/testing` (like the Socket.IO
 * adapters' shared test runner). A back-end only has to hand out connected
 * SDK transports; each check opens sessions for fresh users, so the suite
 * needs no clean database and the checks never see each other's data.
 *
 * Run by `packages/sdk/test/contract.test.ts`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type AckResponse,
  CANNOT_WRITE_MESSAGE,
  type Conversation,
  LIMITS,
  type Message,
  type OpenConversationInput,
  type ProductRef,
  type ServerEventName,
} from '@palaver/protocol';
import type { ClientEvent, PayloadOf, ResultOf, Transport } from '../packages/sdk/src/connection/transport.js';

export interface ContractUser {
  id: string;
  name: string;
  admin?: boolean;
}

/** What the suite needs of a back-end. */
export interface ContractBackend {
  /** A fresh transport and a token it accepts for `user`. */
  transportFor(user: ContractUser): Promise<{ transport: Transport; token: string }>;
  /** How this back-end's marketplace vouches for a product sold by `supplier` (a product token). */
  vouch(product: ProductRef, supplier: ContractUser): OpenConversationInput;
  close(): Promise<void>;
}

interface ReceivedEvent {
  event: ServerEventName;
  payload: unknown;
}

/** One user's connection, recording every server event it receives. */
export interface Session {
  readonly user: ContractUser;
  readonly events: ReceivedEvent[];
  request<E extends ClientEvent>(event: E, payload: PayloadOf<E>): Promise<AckResponse<ResultOf<E>>>;
  /** Like `request`, but fails the check unless the answer is ok. */
  ok<E extends ClientEvent>(event: E, payload: PayloadOf<E>): Promise<ResultOf<E>>;
  /** Resolves with the first recorded event (past or future) that matches. */
  waitFor<T>(event: ServerEventName, match: (payload: T) => boolean, ms?: number): Promise<T>;
  close(): void;
}

async function openSession(backend: ContractBackend, user: ContractUser): Promise<Session> {
  const { transport, token } = await backend.transportFor(user);
  const events: ReceivedEvent[] = [];
  await new Promise<void>((resolve, reject) => {
    transport.open(token, {
      connected: () => resolve(),
      disconnected() {},
      refused: (reason) => reject(new Error(`refused: ${reason.code}`)),
      event(event, payload, unread) {
        events.push({ event, payload });
        // The real server may carry the new counts on the message itself (handshake option).
        if (unread) events.push({ event: 'unread', payload: unread });
      },
    });
  });
  const session: Session = {
    user,
    events,
    request: (event, payload) => transport.request(event, payload, 5000),
    async ok(event, payload) {
      const answer = await transport.request(event, payload, 5000);
      if (!answer.ok) assert.fail(`${event} was refused: ${answer.error.code} ${answer.error.message}`);
      const { ok: _ok, ...result } = answer;
      return result as never;
    },
    async waitFor<T>(event: ServerEventName, match: (payload: T) => boolean, ms = 2000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = events.find((e) => e.event === event && match(e.payload as T));
        if (found) return found.payload as T;
        if (Date.now() > deadline) {
          assert.fail(`${user.name} got no matching "${event}"; got ${JSON.stringify(events).slice(0, 600)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () => transport.close(),
  };
  return session;
}

let unique = 0;
const fresh = (name: string, admin = false): ContractUser => ({
  id: `${name.toLowerCase()}-${Date.now().toString(36)}-${++unique}`,
  name,
  ...(admin ? { admin } : {}),
});
const product = (id: string) => ({ id, title: `Product ${id}`, price: '€18.00' });
const refusal = (answer: AckResponse<object>) => (answer.ok ? 'ok' : answer.error.code);

/** Runs every check of the contract against the back-end `start()` gives. */
export function contractSuite(name: string, start: () => Promise<ContractBackend>): void {
  describe(`the contract: ${name}`, () => {
    let backend: ContractBackend;
    const sessions: Session[] = [];
    const connect = async (user: ContractUser) => {
      const session = await openSession(backend, user);
      sessions.push(session);
      return session;
    };
    /** A buyer and a supplier, connected, with a product conversation between them. */
    const buyerAndSupplier = async (productId: string) => {
      const buyer = await connect(fresh('Buyer'));
      const supplier = await connect(fresh('Supplier'));
      const { conversation } = await buyer.ok('conversation:open', backend.vouch(product(productId), supplier.user));
      return { buyer, supplier, conversation };
    };
    let clientIds = 0;
    const send = (session: Session, conversationId: string, body: string) =>
      session.ok('message:send', { conversationId, body, clientId: `c-${++clientIds}-${Date.now()}` });

    before(async () => {
      backend = await start();
    });
    after(async () => {
      for (const session of sessions.splice(0)) session.close();
      await backend.close();
    });

    it('a product conversation is get-or-create per (product, buyer, supplier), and needs two people', async () => {
      const { buyer, supplier, conversation } = await buyerAndSupplier('p-key');
      const again = await buyer.ok('conversation:open', backend.vouch(product('p-key'), supplier.user));
      assert.equal(again.conversation.id, conversation.id);
      const other = await buyer.ok('conversation:open', backend.vouch(product('p-key-2'), supplier.user));
      assert.notEqual(other.conversation.id, conversation.id);
      const withSelf = await buyer.request('conversation:open', backend.vouch(product('p-key'), buyer.user));
      assert.equal(refusal(withSelf), 'invalid_payload');
    });

    it('the other side hears nothing of a conversation until its first message', async () => {
      const buyer = await connect(fresh('Buyer'));
      const supplier = await connect(fresh('Supplier'));
      const { cursor } = await supplier.ok('sync', { cursor: null });
      const { conversation } = await buyer.ok('conversation:open', backend.vouch(product('p-quiet'), supplier.user));
      await buyer.ok('typing', { conversationId: conversation.id, typing: true });
      // A round trip through each back-end so anything it was going to push has arrived.
      await buyer.ok('unread:get', {});
      await supplier.ok('unread:get', {});
      assert.deepEqual(
        supplier.events.map((e) => e.event),
        [],
      );
      const quiet = await supplier.ok('sync', { cursor });
      assert.deepEqual([quiet.conversations.length, quiet.messages.length], [0, 0]);
      await send(buyer, conversation.id, 'hello');
      await supplier.waitFor<Conversation>('conversation:updated', (c) => c.id === conversation.id);
      const after = await supplier.ok('sync', { cursor });
      assert.deepEqual(
        after.conversations.map((c) => c.id),
        [conversation.id],
      );
    });

    it('a product card described by the browser is refused by default', async () => {
      const buyer = await connect(fresh('Buyer'));
      const supplier = fresh('Supplier');
      const answer = await buyer.request('conversation:open', {
        kind: 'product',
        product: product('p-forged'),
        supplierId: supplier.id,
        supplierName: supplier.name,
      });
      assert.equal(refusal(answer), 'forbidden');
    });

    it('a support subject names one thread whatever its case and spacing', async () => {
      const client = await connect(fresh('Client'));
      const first = await client.ok('conversation:open', { kind: 'support', subject: 'Order 42 arrived broken' });
      const same = await client.ok('conversation:open', { kind: 'support', subject: '  order   42\tARRIVED broken ' });
      assert.equal(same.conversation.id, first.conversation.id);
      assert.equal(same.conversation.subject, 'Order 42 arrived broken');
      const other = await client.ok('conversation:open', { kind: 'support', subject: 'Order 43 arrived broken' });
      assert.notEqual(other.conversation.id, first.conversation.id);
      const forSomeoneElse = await client.request('conversation:open', {
        kind: 'support',
        subject: 'Order 42 arrived broken',
        clientUserId: fresh('Other').id,
        clientName: 'Other',
      });
      assert.equal(refusal(forSomeoneElse), 'forbidden');
    });

    it('admins read any conversation but write only in support ones (joining them as agents)', async () => {
      const { buyer, conversation } = await buyerAndSupplier('p-admin');
      await send(buyer, conversation.id, 'a question for the supplier');
      const admin = await connect(fresh('Admin', true));
      const history = await admin.ok('messages:history', { conversationId: conversation.id });
      assert.equal(history.messages.length, 1);
      const write = await admin.request('message:send', {
        conversationId: conversation.id,
        body: 'an admin butting in',
        clientId: `admin-${Date.now()}`,
      });
      assert.equal(refusal(write), 'forbidden');
      const stranger = await connect(fresh('Stranger'));
      assert.equal(
        refusal(await stranger.request('messages:history', { conversationId: conversation.id })),
        'forbidden',
      );

      const client = await connect(fresh('Client'));
      const support = await client.ok('conversation:open', { kind: 'support', subject: 'Where is my parcel?' });
      await send(client, support.conversation.id, 'Where is my parcel?');
      const answer = await send(admin, support.conversation.id, 'On its way.');
      assert.equal(answer.message.fromAdmin, true);
      const { conversation: joined } = await admin.ok('conversation:open', {
        kind: 'support',
        subject: 'where is my parcel?',
        clientUserId: client.user.id,
      });
      assert.equal(joined.id, support.conversation.id);
      assert.deepEqual(
        joined.participants.map((p) => [p.userId, p.role]).sort(),
        [
          [admin.user.id, 'agent'],
          [client.user.id, 'client'],
        ].sort(),
      );
    });

    it('admins see support conversations live, and not product ones', async () => {
      const admin = await connect(fresh('Admin', true));
      const client = await connect(fresh('Client'));
      const { conversation } = await client.ok('conversation:open', { kind: 'support', subject: 'Anyone there?' });
      // Admins hear of a support conversation with its first message, like everyone else.
      const { message } = await send(client, conversation.id, 'Hello?');
      await admin.waitFor<Message>('message:new', (m) => m.id === message.id);
      await admin.waitFor<Conversation>('conversation:updated', (c) => c.id === conversation.id);

      const { buyer, conversation: private_ } = await buyerAndSupplier('p-admin-live');
      const { message: hidden } = await send(buyer, private_.id, 'between us');
      // A round trip later, still nothing of it.
      await admin.ok('unread:get', {});
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok(!admin.events.some((e) => (e.payload as { id?: string }).id === hidden.id));
      assert.ok(!admin.events.some((e) => (e.payload as { id?: string }).id === private_.id));
    });

    it('an admin opens a thread with a client the server has never seen only by naming them', async () => {
      const admin = await connect(fresh('Admin', true));
      const newcomer = fresh('Newcomer');
      const unnamed = await admin.request('conversation:open', {
        kind: 'support',
        subject: 'Welcome',
        clientUserId: newcomer.id,
      });
      assert.equal(refusal(unnamed), 'not_found');
      const { conversation } = await admin.ok('conversation:open', {
        kind: 'support',
        subject: 'Welcome',
        clientUserId: newcomer.id,
        clientName: 'Newcomer',
      });
      assert.equal(conversation.participants.find((p) => p.userId === newcomer.id)?.name, 'Newcomer');
    });

    it('a send is stored once per clientId, numbered, trimmed, and checked for blank and length', async () => {
      const { buyer, conversation } = await buyerAndSupplier('p-send');
      const payload = { conversationId: conversation.id, body: '  hello  ', clientId: `once-${Date.now()}` };
      const first = await buyer.ok('message:send', payload);
      const again = await buyer.ok('message:send', payload);
      assert.equal(again.message.id, first.message.id);
      assert.equal(first.message.seq, 1);
      assert.equal(first.message.body, 'hello');
      const second = await send(buyer, conversation.id, 'again');
      assert.equal(second.message.seq, 2);
      const blank = await buyer.request('message:send', {
        ...payload,
        clientId: `blank-${Date.now()}`,
        body: ' \n\t ',
      });
      assert.equal(refusal(blank), 'invalid_payload');
      const atLimit = '😀'.repeat(LIMITS.messageMaxLength);
      await send(buyer, conversation.id, atLimit);
      const tooLong = await buyer.request('message:send', {
        ...payload,
        clientId: `long-${Date.now()}`,
        body: `${atLimit}x`,
      });
      assert.equal(refusal(tooLong), 'too_long');
    });

    it('a reply reads what it answers: the others get a read receipt, the sender’s count goes to 0', async () => {
      const { buyer, supplier, conversation } = await buyerAndSupplier('p-reply');
      await send(buyer, conversation.id, 'first question');
      await send(buyer, conversation.id, 'second question');
      assert.equal((await supplier.ok('unread:get', {})).total, 2);
      const reply = await send(supplier, conversation.id, 'an answer to both');
      const receipt = await buyer.waitFor<{ userId: string; seq: number }>(
        'read',
        (r) => r.userId === supplier.user.id,
      );
      assert.equal(receipt.seq, reply.message.seq);
      await supplier.waitFor<{ conversations: Record<string, number> }>(
        'unread',
        (u) => u.conversations[conversation.id] === 0,
      );
      assert.equal((await supplier.ok('unread:get', {})).total, 0);
      assert.equal((await buyer.ok('unread:get', {})).total, 1);
    });

    it('senders edit their own messages; admins may delete others’; deleted ones stay deleted', async () => {
      const { buyer, supplier, conversation } = await buyerAndSupplier('p-change');
      const { message } = await send(buyer, conversation.id, 'helo');
      assert.equal(
        refusal(await supplier.request('message:edit', { messageId: message.id, body: 'hijacked' })),
        'forbidden',
      );
      assert.equal(refusal(await supplier.request('message:delete', { messageId: message.id })), 'forbidden');
      const edited = await buyer.ok('message:edit', { messageId: message.id, body: ' hello ' });
      assert.equal(edited.message.body, 'hello');
      assert.ok(edited.message.editedAt);
      const blank = await buyer.request('message:edit', { messageId: message.id, body: '   ' });
      assert.equal(refusal(blank), 'invalid_payload');
      const admin = await connect(fresh('Admin', true));
      assert.equal(
        refusal(await admin.request('message:edit', { messageId: message.id, body: 'moderated' })),
        'forbidden',
      );
      // The supplier had it unread: deleting it takes it off their count.
      assert.equal((await supplier.ok('unread:get', {})).total, 1);
      const deleted = await admin.ok('message:delete', { messageId: message.id });
      assert.ok(deleted.message.deletedAt);
      assert.equal(deleted.message.body, '');
      await supplier.waitFor<{ total: number }>('unread', (u) => u.total === 0);
      assert.equal((await supplier.ok('unread:get', {})).total, 0);
      const again = await buyer.ok('message:delete', { messageId: message.id });
      assert.equal(again.message.deletedAt, deleted.message.deletedAt);
      assert.equal(
        refusal(await buyer.request('message:edit', { messageId: message.id, body: 'back' })),
        'invalid_payload',
      );
    });

    it('a read pointer moves forward only, never past the last message, and counts what is after it', async () => {
      const { buyer, supplier, conversation } = await buyerAndSupplier('p-read');
      for (const body of ['one', 'two', 'three']) await send(supplier, conversation.id, body);
      assert.deepEqual(await buyer.ok('conversation:read', { conversationId: conversation.id, seq: 2 }), {
        unreadCount: 1,
        unreadTotal: 1,
      });
      assert.deepEqual(await buyer.ok('conversation:read', { conversationId: conversation.id, seq: 1 }), {
        unreadCount: 1,
        unreadTotal: 1,
      });
      await buyer.ok('conversation:read', { conversationId: conversation.id, seq: 99 });
      const receipt = await supplier.waitFor<{ userId: string; seq: number }>(
        'read',
        (r) => r.userId === buyer.user.id && r.seq === 3,
      );
      assert.equal(receipt.seq, 3);
      const { conversation: seen } = await buyer.ok(
        'conversation:open',
        backend.vouch(product('p-read'), supplier.user),
      );
      assert.equal(seen.unreadCount, 0);
      assert.equal(seen.participants.find((p) => p.userId === buyer.user.id)?.lastReadSeq, 3);
    });

    it('a blocked user cannot write, type or open towards the blocker; unblocking restores it', async () => {
      const { buyer, supplier, conversation } = await buyerAndSupplier('p-block');
      const stranger = await connect(fresh('Stranger'));
      const admin = await connect(fresh('Admin', true));
      // Only someone one has talked with, and never the staff.
      assert.equal(refusal(await supplier.request('user:block', { userId: buyer.user.id })), 'forbidden');
      await send(buyer, conversation.id, 'hello');
      assert.equal(refusal(await supplier.request('user:block', { userId: stranger.user.id })), 'forbidden');
      assert.equal(refusal(await supplier.request('user:block', { userId: admin.user.id })), 'forbidden');
      await supplier.ok('user:block', { userId: buyer.user.id });
      assert.deepEqual((await supplier.ok('user:blocks', {})).userIds, [buyer.user.id]);
      assert.deepEqual((await buyer.ok('user:blocks', {})).userIds, []);

      const refused = await buyer.request('message:send', {
        conversationId: conversation.id,
        body: 'are you there?',
        clientId: `blocked-${Date.now()}`,
      });
      assert.deepEqual(refused.ok ? 'ok' : refused.error, {
        code: 'forbidden',
        message: CANNOT_WRITE_MESSAGE,
      });
      assert.equal(
        refusal(await buyer.request('typing', { conversationId: conversation.id, typing: true })),
        'forbidden',
      );
      assert.equal(
        refusal(await buyer.request('conversation:open', backend.vouch(product('p-block-2'), supplier.user))),
        'forbidden',
      );
      // The blocker may still write (the block is one-way).
      await send(supplier, conversation.id, 'I will not answer any more');

      await supplier.ok('user:unblock', { userId: buyer.user.id });
      assert.deepEqual((await supplier.ok('user:blocks', {})).userIds, []);
      const { message } = await send(buyer, conversation.id, 'thanks for unblocking');
      await supplier.waitFor<Message>('message:new', (m) => m.id === message.id);
    });

    it('participants report a conversation or one of its messages; others cannot', async () => {
      const { buyer, supplier, conversation } = await buyerAndSupplier('p-report');
      const { message } = await send(supplier, conversation.id, 'pay me by wire transfer instead');
      const { report } = await buyer.ok('report:create', {
        conversationId: conversation.id,
        messageId: message.id,
        reason: 'scam',
        note: 'asks to pay outside',
      });
      assert.deepEqual(
        [report.reporterId, report.conversationId, report.messageId, report.reason, report.status],
        [buyer.user.id, conversation.id, message.id, 'scam', 'open'],
      );
      await supplier.ok('report:create', { conversationId: conversation.id, reason: 'abuse' });
      const outsider = await connect(fresh('Outsider'));
      assert.equal(
        refusal(await outsider.request('report:create', { conversationId: conversation.id, reason: 'spam' })),
        'forbidden',
      );
      const other = await buyerAndSupplier('p-report-2');
      assert.equal(
        refusal(
          await other.buyer.request('report:create', {
            conversationId: other.conversation.id,
            messageId: message.id,
            reason: 'spam',
          }),
        ),
        'invalid_payload',
      );
    });

    it('sync starts from the recent state, then brings every change after its cursor', async () => {
      const { buyer, supplier, conversation } = await buyerAndSupplier('p-sync');
      // Written in: a conversation nobody wrote in is not synced (see above).
      await send(buyer, conversation.id, 'hello');
      const start = await buyer.ok('sync', { cursor: null });
      assert.ok(start.conversations.some((c) => c.id === conversation.id));
      const { message } = await send(supplier, conversation.id, 'news');
      const next = await buyer.ok('sync', { cursor: start.cursor });
      assert.equal(next.reset ?? false, false);
      assert.deepEqual(
        next.messages.map((m) => m.id),
        [message.id],
      );
      assert.equal(next.conversations.find((c) => c.id === conversation.id)?.unreadCount, 1);
    });
  });
}
