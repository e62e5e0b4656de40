import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AckResponse, Attachment, Message } from '@palaver/protocol';
import type { Transport } from '../src/connection/transport.js';
import { attachmentLinksOf, createChatClient } from '../src/index.js';
import { createOutbox } from '../src/persistence/outbox.js';
import { memoryStore } from '../src/persistence/storage/memory-store.js';
import { createChatState } from '../src/state/chat-state.js';
import { FakeChatBackend, fakeToken } from '../src/testing/index.js';
import { until } from './support/until.js';

const ada = { id: 'ada', name: 'Ada', isAdmin: false };
const bob = { id: 'bob', name: 'Bob', isAdmin: false };
const png = (name = 'photo.png') => new File([new Uint8Array(2048)], name, { type: 'image/png' });

/**
 * A transport that counts uploads and sends; uploads of names in `failing`
 * fail with a network error once, those in `hanging` never end.
 */
function countingTransport(failing = new Set<string>(), hanging = new Set<string>()) {
  const uploads: string[] = [];
  const sends: Array<{ clientId: string; attachmentIds?: string[] }> = [];
  const transport: Transport = {
    connected: true,
    open() {},
    close() {},
    setToken() {},
    notify() {},
    async upload(_file, name) {
      uploads.push(name);
      if (hanging.has(name)) await new Promise(() => undefined);
      if (failing.delete(name)) throw Object.assign(new Error('network'), { name: 'ChatError', code: 'offline' });
      return { ok: true, attachment: { id: `a-${name}`, name, type: 'image/png', size: 1, url: `/f/${name}` } };
    },
    async request(event, payload) {
      assert.equal(event, 'message:send');
      const { clientId, attachmentIds } = payload as { clientId: string; attachmentIds?: string[] };
      sends.push({ clientId, ...(attachmentIds ? { attachmentIds } : {}) });
      const message = { id: `m-${clientId}`, clientId, seq: sends.length, attachments: [] } as unknown as Message;
      return { ok: true, message } as unknown as AckResponse<never>;
    },
  };
  return { transport, uploads, sends };
}

function outboxOn(store: ReturnType<typeof memoryStore>, transport: Transport) {
  return createOutbox({ store, state: createChatState(), transport, isSender: () => true, announce() {} });
}

const file = (id: string, name: string) => ({ id, name, type: 'image/png', size: 1, blob: new Blob(['x']) });

describe('sending files through the outbox', () => {
  it('uploads each file once, records it, then sends the message with the ids in order', async () => {
    const { transport, uploads, sends } = countingTransport(new Set(['b.png']));
    const outbox = outboxOn(memoryStore(`att-${Math.random()}`), transport);
    await outbox.add({
      clientId: 'c1',
      conversationId: 'conv',
      body: '',
      senderId: 'ada',
      createdAt: '',
      files: [file('f1', 'a.png'), file('f2', 'b.png')],
    });
    // b.png failed once (network): the retry uploads b.png again, never a.png.
    await new Promise((r) => setTimeout(r, 50));
    outbox.connected();
    for (let i = 0; i < 100 && sends.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(uploads, ['a.png', 'b.png', 'b.png']);
    assert.deepEqual(sends, [{ clientId: 'c1', attachmentIds: ['a-a.png', 'a-b.png'] }]);
  });

  it('a reload (a new outbox on the same storage) does not upload a finished file again', async () => {
    const store = memoryStore(`att-reload-${Math.random()}`);
    const first = countingTransport(new Set(), new Set(['b.png']));
    const outbox = outboxOn(store, first.transport);
    await outbox.add({
      clientId: 'c2',
      conversationId: 'conv',
      body: 'two photos',
      senderId: 'ada',
      createdAt: '',
      files: [file('f1', 'a.png'), file('f2', 'b.png')],
    });
    // The page closes while b.png is on its way.
    for (let i = 0; i < 50 && first.uploads.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    outbox.dispose();

    const second = countingTransport();
    const reloaded = outboxOn(store, second.transport);
    await reloaded.reload();
    await reloaded.flush();
    assert.deepEqual(first.uploads, ['a.png', 'b.png']);
    assert.deepEqual(second.uploads, ['b.png']);
    assert.deepEqual(second.sends, [{ clientId: 'c2', attachmentIds: ['a-a.png', 'a-b.png'] }]);
  });
});

describe('attachments on the in-memory backend', () => {
  it('a file picked offline shows at once, then is delivered once with its attachment', async () => {
    const backend = new FakeChatBackend();
    const conversation = backend.seedProductConversation(ada, bob, { id: 'p-att', title: 'Lamp' });
    const a = createChatClient({
      transport: backend.transport(),
      token: fakeToken(ada),
      storage: 'memory',
      namespace: `att-${Math.random()}`,
    });
    await a.connect();
    await until(a.$connection, (s) => s === 'online');
    backend.setReachable(false);
    await until(a.$connection, (s) => s === 'offline');
    const sent = await a.send(conversation.id, '', { files: [png()] });
    assert.equal(sent.status, 'queued');
    assert.deepEqual(
      sent.files?.map((f) => [f.name, f.status]),
      [['photo.png', 'waiting']],
    );
    // Its local preview follows as soon as the upload code (a chunk of its own) is loaded, still offline.
    await until(a.messagesOf(conversation.id), (list) => list[0]?.files?.[0]?.url.startsWith('blob:') === true);
    backend.setReachable(true);
    const [delivered] = await until(a.messagesOf(conversation.id), (list) => list.length === 1 && !list[0]?.pending);
    assert.equal(delivered?.body, '');
    assert.deepEqual(
      delivered?.attachments.map((x) => [x.name, x.type, x.size]),
      [['photo.png', 'image/png', 2048]],
    );
    const links = attachmentLinksOf(a);
    assert.equal(links.url(delivered?.attachments[0] as Attachment), delivered?.attachments[0]?.url);
    await a.destroy();
  });

  it('a refused file fails with its reason; removing it lets the rest of the message go', async () => {
    const backend = new FakeChatBackend();
    const conversation = backend.seedProductConversation(ada, bob, { id: 'p-svg', title: 'Lamp' });
    const a = createChatClient({
      transport: backend.transport(),
      token: fakeToken(ada),
      storage: 'memory',
      namespace: `att-${Math.random()}`,
    });
    await a.connect();
    const svg = new File(['<svg/>'], 'logo.svg', { type: 'image/svg+xml' });
    const sent = await a.send(conversation.id, 'see attached', { files: [png(), svg] });
    const [failed] = await until(a.messagesOf(conversation.id), (list) => list[0]?.status === 'failed');
    assert.equal(failed?.error?.code, 'unsupported_media_type');
    assert.deepEqual(
      failed?.files?.map((f) => [f.name, f.status, f.error?.code]),
      [
        ['photo.png', 'uploaded', undefined],
        ['logo.svg', 'failed', 'unsupported_media_type'],
      ],
    );
    const svgId = failed?.files?.[1]?.id as string;
    await a.cancelFile(sent.clientId, svgId);
    const [delivered] = await until(a.messagesOf(conversation.id), (list) => list[0]?.pending !== true);
    assert.deepEqual(
      delivered?.attachments.map((x) => x.name),
      ['photo.png'],
    );
    await a.destroy();
  });

  it('removing the refused file as soon as it shows failed, while the send is still failing, lets the rest go', async () => {
    const backend = new FakeChatBackend();
    const conversation = backend.seedProductConversation(ada, bob, { id: 'p-svg-race', title: 'Lamp' });
    const a = createChatClient({
      transport: backend.transport(),
      token: fakeToken(ada),
      storage: 'memory',
      namespace: `att-${Math.random()}`,
    });
    await a.connect();
    const svg = new File(['<svg/>'], 'logo.svg', { type: 'image/svg+xml' });
    const sent = await a.send(conversation.id, 'see attached', { files: [svg] });
    // The file's refusal shows before the message's: a quick user removes it in between.
    const [shown] = await until(a.messagesOf(conversation.id), (list) => list[0]?.files?.[0]?.status === 'failed');
    await a.cancelFile(sent.clientId, shown?.files?.[0]?.id as string);
    const [delivered] = await until(a.messagesOf(conversation.id), (list) => list[0]?.pending !== true);
    assert.equal(delivered?.body, 'see attached');
    assert.deepEqual(delivered?.attachments, []);
    await a.destroy();
  });
});
