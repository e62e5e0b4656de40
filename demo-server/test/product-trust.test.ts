import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AckResponse, ConversationResult } from '@palaver/protocol';
import { signProductTokenSync } from '../../test-support/product-token.js';
import { signProductToken } from '../src/service/products.js';
import { signToken } from '../src/transport/auth.js';
import {
  alice,
  bob,
  carol,
  ok,
  productOpen,
  request,
  startTestServer,
  TEST_SECRET,
  type TestServer,
} from './helpers.js';
import { SERVER_API_KEY, serverApi } from './server-api-client.js';

const kettle = { id: 'p-kettle', title: 'Copper kettle 1.5 l', price: '€64.00', url: '/products/p-kettle' };
const forged = {
  id: 'p-kettle',
  title: 'Copper kettle 1.5 l — €1.00',
  price: '€1.00',
  url: 'https://phishing.example/pay',
  imageUrl: 'https://tracker.example/pixel.gif',
};

const refusal = (response: AckResponse<ConversationResult>) => (response.ok ? 'ok' : response.error.code);

describe('product conversations only for products the marketplace vouches for', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ PALAVER_API_KEY: SERVER_API_KEY });
  });
  after(() => t.close());

  it('refuses a card and supplier described by the browser, saying what to do', async () => {
    const buyer = await t.connect(carol);
    const response = await request(buyer, 'conversation:open', {
      kind: 'product',
      product: forged,
      supplierId: bob.id,
      supplierName: bob.name,
    });
    assert.equal(refusal(response), 'forbidden');
    assert.match(!response.ok ? response.error.message : '', /productToken/);
    const rest = await t.rest(carol, 'POST', '/api/conversations', {
      kind: 'product',
      product: forged,
      supplierId: alice.id,
      supplierName: 'Anyone',
    });
    assert.equal(rest.status, 403);
  });

  it('takes the card and supplier from a valid token, whatever else the client sends', async () => {
    const buyer = await t.connect(carol);
    const productToken = signProductTokenSync(TEST_SECRET, kettle, { id: bob.id, name: bob.name });
    const { conversation } = await ok(buyer, 'conversation:open', {
      kind: 'product',
      productToken,
      // Extra fields a hostile client adds are not read.
      ...({ product: forged, supplierId: alice.id, supplierName: 'Mallory' } as object),
    } as never);
    assert.deepEqual(conversation.product, kettle);
    assert.deepEqual(
      conversation.participants.map((p) => [p.userId, p.role]).sort(),
      [
        [bob.id, 'supplier'],
        [carol.id, 'buyer'],
      ].sort(),
    );
  });

  it('refuses a tampered, expired, wrongly signed or user token', async () => {
    const buyer = await t.connect(carol);
    const valid = signProductTokenSync(TEST_SECRET, kettle, { id: bob.id, name: bob.name });
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    claims.product = forged;
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const expired = signProductTokenSync(TEST_SECRET, kettle, { id: bob.id, name: bob.name }, -10);
    const otherSecret = signProductTokenSync('another-secret-that-is-long-enough-for-hs256', kettle, {
      id: bob.id,
      name: bob.name,
    });
    const userToken = await signToken(TEST_SECRET, { id: bob.id, name: bob.name });
    const unsigned = `${header.replace(/./g, (c) => c)}.${payload}.`;
    for (const productToken of [tampered, expired, otherSecret, userToken, unsigned, 'not-a-jwt']) {
      const response = await request(buyer, 'conversation:open', { kind: 'product', productToken });
      assert.equal(refusal(response), 'forbidden', productToken.slice(0, 40));
    }
    const expiredAnswer = await request(buyer, 'conversation:open', { kind: 'product', productToken: expired });
    assert.match(!expiredAnswer.ok ? expiredAnswer.error.message : '', /expired/);
    // jose's own signer gives the same result as the marketplace's (the demo signs with it).
    const signed = await signProductToken(TEST_SECRET, { product: kettle, supplier: { id: bob.id, name: bob.name } });
    assert.equal(refusal(await request(buyer, 'conversation:open', { kind: 'product', productToken: signed })), 'ok');
  });

  it('opens a catalogue product by id, with the supplier the marketplace registered', async () => {
    const api = serverApi(t.url);
    assert.equal((await api('PUT', '/users/supplier-dora', { name: 'Dora Ceramics' })).status, 200);
    const put = await api('PUT', '/products/p-vase', {
      title: 'Blue vase',
      price: '€30.00',
      supplierId: 'supplier-dora',
    });
    assert.equal(put.status, 200);
    const buyer = await t.connect(carol);
    const { conversation } = await ok(buyer, 'conversation:open', { kind: 'product', productId: 'p-vase' });
    assert.deepEqual(conversation.product, { id: 'p-vase', title: 'Blue vase', price: '€30.00' });
    const supplier = conversation.participants.find((p) => p.role === 'supplier');
    assert.deepEqual([supplier?.userId, supplier?.name], ['supplier-dora', 'Dora Ceramics']);
    // The marketplace changes the card: the next open shows it.
    await api('PUT', '/products/p-vase', { title: 'Blue vase (large)', price: '€35.00', supplierId: 'supplier-dora' });
    const again = await ok(buyer, 'conversation:open', { kind: 'product', productId: 'p-vase' });
    assert.equal(again.conversation.id, conversation.id);
    assert.equal(again.conversation.product?.title, 'Blue vase (large)');

    const unknown = await request(buyer, 'conversation:open', { kind: 'product', productId: 'p-unknown' });
    assert.equal(refusal(unknown), 'not_found');
    const noSupplier = await api('PUT', '/products/p-orphan', { title: 'Orphan', supplierId: 'nobody-known' });
    assert.equal(noSupplier.status, 404);
  });

  it('a supplier cannot be named by a buyer: only the token or the catalogue names them', async () => {
    const buyer = await t.connect(alice);
    const open = productOpen({ product: kettle, supplierId: alice.id, supplierName: alice.name });
    const response = await request(buyer, 'conversation:open', open);
    assert.equal(refusal(response), 'invalid_payload');
  });
});

describe('ALLOW_CLIENT_PRODUCTS=1 (development only)', () => {
  it('accepts the card described by the browser', async () => {
    const s = await startTestServer({ ALLOW_CLIENT_PRODUCTS: '1' });
    try {
      const buyer = await s.connect(carol);
      const { conversation } = await ok(buyer, 'conversation:open', {
        kind: 'product',
        product: kettle,
        supplierId: bob.id,
        supplierName: bob.name,
      });
      assert.deepEqual(conversation.product, kettle);
    } finally {
      await s.close();
    }
  });
});
