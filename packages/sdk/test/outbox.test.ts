import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import type { AckResponse, Message } from '@palaver/protocol';
import { retryDelay } from '../src/connection/backoff.js';
import type { Transport } from '../src/connection/transport.js';
import { classifyFailure, createOutbox } from '../src/persistence/outbox.js';
import { memoryStore } from '../src/persistence/storage/memory-store.js';
import { createChatState } from '../src/state/chat-state.js';

/** A transport whose answers to `message:send` the test scripts, one per call. */
function scriptedTransport(answers: Array<(body: string) => AckResponse<{ message: Message }> | Error>) {
  const calls: Array<{ at: number; body: string }> = [];
  const transport: Transport = {
    connected: true,
    open() {},
    close() {},
    setToken() {},
    notify() {},
    async request(event, payload) {
      assert.equal(event, 'message:send');
      const { body, clientId, conversationId } = payload as { body: string; clientId: string; conversationId: string };
      calls.push({ at: Date.now(), body });
      const answer = (answers.shift() ?? (() => ok(body)))(body);
      if (answer instanceof Error) throw answer;
      if (answer.ok) answer.message = { ...answer.message, clientId, conversationId };
      return answer as never;
    },
  };
  return { transport, calls };
}

let seq = 0;
const ok = (body: string): AckResponse<{ message: Message }> => ({
  ok: true,
  message: {
    id: `m${++seq}`,
    clientId: '',
    conversationId: '',
    seq,
    senderId: 'me',
    fromAdmin: false,
    body,
    attachments: [],
    createdAt: new Date().toISOString(),
  },
});
const refuse = (code: string, retryAfterMs?: number) => (): AckResponse<{ message: Message }> => ({
  ok: false,
  error: { code: code as never, message: code, ...(retryAfterMs ? { retryAfterMs } : {}) },
});

function makeOutbox(transport: Transport) {
  const delivered: Message[] = [];
  const state = createChatState();
  // What the server stored, in the order the outbox put it into the state.
  const apply = state.applyMessages.bind(state);
  state.applyMessages = (messages) => {
    delivered.push(...messages);
    apply(messages);
  };
  const outbox = createOutbox({
    store: memoryStore(`outbox-test-${Math.random()}`),
    state,
    transport,
    isSender: () => true,
    announce() {},
  });
  const add = (body: string, conversationId = 'c1') =>
    outbox.add({ clientId: `${body}-${Math.random()}`, conversationId, body, senderId: 'me', createdAt: '' });
  return { outbox, state, delivered, add };
}

/** Lets pending promise callbacks run (the memory store is async). */
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('outbox policy', () => {
  it('backs off exponentially with jitter, capped at 30 s', () => {
    assert.equal(
      retryDelay(1, () => 0),
      250,
    );
    assert.equal(
      retryDelay(1, () => 1),
      500,
    );
    assert.equal(
      retryDelay(4, () => 0),
      2000,
    );
    assert.equal(
      retryDelay(4, () => 1),
      4000,
    );
    assert.equal(
      retryDelay(20, () => 1),
      30000,
    );
    assert.equal(
      retryDelay(20, () => 0),
      15000,
    );
  });

  it('fails on permanent refusals, waits on rate limits, retries the rest', () => {
    for (const code of ['invalid_payload', 'too_long', 'forbidden', 'not_found'] as const) {
      assert.equal(classifyFailure(code), 'fail', code);
    }
    assert.equal(classifyFailure('rate_limited'), 'wait');
    for (const code of ['internal', 'timeout', 'offline', 'unauthorized'] as const) {
      assert.equal(classifyFailure(code), 'retry', code);
    }
  });
});

describe('outbox delivery (fake timers)', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 }));
  afterEach(() => mock.timers.reset());

  it('waits exactly retryAfterMs after rate_limited, then delivers in order', async () => {
    const { transport, calls } = scriptedTransport([refuse('rate_limited', 4000)]);
    const { add, delivered, state } = makeOutbox(transport);
    await add('first');
    await add('second');
    await settle();
    assert.deepEqual(
      calls.map((c) => c.body),
      ['first'],
      'the head waits; nothing overtakes it',
    );
    assert.deepEqual(
      state.$outbox.get().map((e) => e.status),
      ['queued', 'queued'],
    );
    mock.timers.tick(3999);
    await settle();
    assert.equal(calls.length, 1);
    mock.timers.tick(1);
    await settle();
    assert.deepEqual(
      calls.map((c) => c.body),
      ['first', 'first', 'second'],
    );
    assert.deepEqual(
      delivered.map((m) => m.body),
      ['first', 'second'],
    );
    assert.equal(calls[1]?.at, 1_004_000);
  });

  it('retries transient errors with growing delays and keeps the order', async () => {
    const { transport, calls } = scriptedTransport([
      refuse('internal'),
      () => new Error('timeout'),
      refuse('internal'),
    ]);
    const { add, delivered } = makeOutbox(transport);
    await add('a');
    await add('b');
    await settle();
    for (let i = 0; i < 200 && delivered.length < 2; i++) {
      mock.timers.tick(250);
      await settle();
    }
    assert.deepEqual(
      delivered.map((m) => m.body),
      ['a', 'b'],
    );
    const gaps = calls.slice(1, 4).map((call, i) => call.at - (calls[i] as { at: number }).at);
    assert.equal(calls.length, 5);
    assert.ok(gaps[0] !== undefined && gaps[0] >= 250 && gaps[0] <= 500, `first retry after ${gaps[0]}`);
    assert.ok(gaps[2] !== undefined && gaps[2] >= 1000 && gaps[2] <= 2000, `third retry after ${gaps[2]}`);
  });

  it('a permanent refusal fails the message and lets the next one go', async () => {
    const { transport } = scriptedTransport([refuse('too_long')]);
    const { add, delivered, state } = makeOutbox(transport);
    await add('x'.repeat(10));
    await add('fine');
    await settle();
    assert.deepEqual(
      delivered.map((m) => m.body),
      ['fine'],
    );
    const [failed] = state.$outbox.get();
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.error?.code, 'too_long');
    mock.timers.tick(60_000);
    await settle();
    assert.equal(state.$outbox.get()[0]?.status, 'failed', 'never retried by itself');
  });
});
