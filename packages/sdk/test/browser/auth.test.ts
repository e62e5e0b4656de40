import { expect } from '@open-wc/testing';
import {
  type RunningServer,
  startServer,
  stopServer,
  tokenFor,
  uniqueUser,
  waitForStore,
} from '../../../../test-support/browser-support.js';
import { createChatClient } from '../../src/index.js';

describe('tokens', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await stopServer(server);
  });

  it('asks the token provider again when the server says the token expired', async () => {
    const user = uniqueUser('Buyer');
    const tokens = [await tokenFor(user, -10), await tokenFor(user, '1h')];
    let calls = 0;
    const client = createChatClient({
      url: server.url,
      token: async () => tokens[Math.min(calls++, tokens.length - 1)] as string,
      namespace: `auth-${server.id}`,
    });
    await client.connect();
    await waitForStore(client.$connection, (s) => s === 'online', 10000, 'online with the fresh token');
    expect(calls).to.equal(2);
    await client.destroy();
  });

  it('gives up after a few refusals instead of looping, and says unauthorized', async () => {
    const user = uniqueUser('Buyer');
    const expired = await tokenFor(user, -10);
    let calls = 0;
    const client = createChatClient({
      url: server.url,
      token: async () => {
        calls++;
        return expired;
      },
      namespace: `auth-${server.id}`,
    });
    await client.connect();
    await waitForStore(client.$connection, (s) => s === 'unauthorized', 15000, 'unauthorized');
    const settled = calls;
    expect(settled).to.be.within(2, 4);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(calls).to.equal(settled, 'no more attempts');
    await client.destroy();
  });

  it('a fixed token that is refused ends unauthorized at once', async () => {
    const client = createChatClient({
      url: server.url,
      token: 'not-a-token',
      namespace: `auth-${server.id}`,
      userId: 'x',
    });
    await client.connect();
    await waitForStore(client.$connection, (s) => s === 'unauthorized', 5000);
    await client.destroy();
  });
});
