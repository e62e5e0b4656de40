/**
 * The contract suite (test-support/contract-suite.ts) against both back-ends:
 * the real server (on a free port with a fresh SQLite file, reached through the
 * SDK's Socket.IO transport) and the in-memory FakeChatBackend.
 */
import { productOpen, startTestServer } from '../../../demo-server/test/helpers.js';
import { contractSuite } from '../../../test-support/contract-suite.js';
import { socketTransport } from '../src/connection/socket-transport.js';
import { FakeChatBackend, fakeProductToken, fakeToken } from '../src/testing/index.js';

contractSuite('the real server', async () => {
  const server = await startTestServer({ RATE_LIMIT_MESSAGES: '100000' });
  return {
    async transportFor(user) {
      return { transport: socketTransport(server.url), token: await server.token(user) };
    },
    vouch: (product, supplier) => productOpen({ product, supplierId: supplier.id, supplierName: supplier.name }),
    close: () => server.close(),
  };
});

contractSuite('FakeChatBackend', async () => {
  const backend = new FakeChatBackend();
  return {
    async transportFor(user) {
      return { transport: backend.transport(), token: fakeToken(user) };
    },
    vouch: (product, supplier) => ({ kind: 'product', productToken: fakeProductToken(product, supplier) }),
    async close() {},
  };
});
