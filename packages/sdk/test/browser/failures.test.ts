import { expect } from '@open-wc/testing';
import {
  buyerInConversation,
  destroyClients,
  type RunningServer,
  restartServer,
  startServer,
  stopServer,
  waitForStore,
} from '../../../../test-support/browser-support.js';

describe('refusals', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ RATE_LIMIT_MESSAGES: '5', RATE_LIMIT_WINDOW_MS: '4000' });
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(destroyClients);

  it('rate_limited is honoured: the extra messages wait and are delivered later, in order, not failed', async () => {
    const { client, conversation } = await buyerInConversation(server, 'p-limit');
    const view = client.messagesOf(conversation.id);
    const everFailed = new Set<string>();
    const stop = view.subscribe((list) => {
      for (const m of list) if (m.status === 'failed') everFailed.add(m.clientId);
    });
    const bodies = Array.from({ length: 7 }, (_, i) => `burst ${i}`);
    for (const body of bodies) await client.send(conversation.id, body);
    // Five go at once; the other two wait for the window to move on.
    await waitForStore(view, (list) => list.filter((m) => !m.pending).length === 5, 10000, 'first five');
    expect(
      view
        .get()
        .filter((m) => m.pending)
        .map((m) => m.status),
    ).to.deep.equal(['queued', 'queued']);
    await waitForStore(view, (list) => list.every((m) => !m.pending) && list.length === 7, 15000, 'all seven');
    stop();
    expect(everFailed.size).to.equal(0);
    expect(view.get().map((m) => m.body)).to.deep.equal(bodies);
  });

  it('too_long fails with its reason and can be discarded; the next message still goes', async () => {
    const { client, conversation } = await buyerInConversation(server, 'p-long');
    const view = client.messagesOf(conversation.id);
    const long = await client.send(conversation.id, 'x'.repeat(5001));
    const failed = await waitForStore(view, (list) => list.some((m) => m.status === 'failed'), 10000, 'failed');
    const shown = failed.find((m) => m.clientId === long.clientId);
    expect(shown?.error?.code).to.equal('too_long');
    expect(shown?.error?.message).to.contain('5001');
    // It is not retried by itself, and it does not block the conversation.
    await client.send(conversation.id, 'short one');
    await waitForStore(view, (list) => list.some((m) => m.body === 'short one' && m.status === 'sent'), 10000);
    expect(view.get().find((m) => m.clientId === long.clientId)?.status).to.equal('failed');

    await client.discard(long.clientId);
    expect(view.get().map((m) => m.body)).to.deep.equal(['short one']);
  });

  it('a failed message can be retried once the cause is gone', async () => {
    // A server that takes only short messages, until its operator raises the limit.
    const strict = await startServer({ MESSAGE_MAX_LENGTH: '10' });
    try {
      const { client, conversation } = await buyerInConversation(strict, 'p-retry');
      const view = client.messagesOf(conversation.id);
      const sent = await client.send(conversation.id, 'a bit longer than ten');
      await waitForStore(view, (list) => list[0]?.status === 'failed', 10000, 'failed');
      await restartServer(strict, { MESSAGE_MAX_LENGTH: '5000' });
      await waitForStore(client.$connection, (s) => s === 'online', 15000, 'back online');
      expect(view.get()[0]?.status).to.equal('failed', 'failed messages wait for the user');
      await client.retry(sent.clientId);
      const done = await waitForStore(view, (list) => list[0]?.status === 'sent', 10000, 'sent after retry');
      expect(done.map((m) => [m.body, m.seq])).to.deep.equal([['a bit longer than ten', 1]]);
    } finally {
      await stopServer(strict);
    }
  });
});
