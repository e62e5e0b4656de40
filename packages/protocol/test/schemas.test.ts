import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  characterCount,
  clientEventSchemas,
  historyQuerySchema,
  isSafeUrl,
  openConversationSchema,
  productRefSchema,
  sendMessageSchema,
  syncSchema,
  tokenClaimsSchema,
} from '../src/index.js';

describe('protocol schemas', () => {
  it('counts characters by code point, so an emoji is one character', () => {
    assert.equal(characterCount('abc'), 3);
    assert.equal(characterCount('👍🏽'), 2); // thumbs up + skin tone modifier
    assert.equal(characterCount('😀'.repeat(5000)), 5000);
  });

  it('accepts only http(s) URLs and same-site paths', () => {
    for (const good of ['https://shop.example/p/1', 'http://localhost:3000/x.svg', '/images/mug.svg']) {
      assert.equal(isSafeUrl(good), true, good);
    }
    for (const bad of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'data:text/html,x',
      '//evil.example',
      '/\\evil',
      // Browsers drop tabs and newlines from URLs: these become //evil.example.
      '/\t/evil.example',
      '/\n/evil.example',
      '/\r\n/evil.example',
      ' //evil.example',
      '/x\\..\\/evil',
      'https://shop.example/\u202egro.live',
      'ftp://x',
      'https://',
    ]) {
      assert.equal(isSafeUrl(bad), false, bad);
    }
    assert.equal(productRefSchema.safeParse({ id: 'p', title: 'Mug', url: 'javascript:alert(1)' }).success, false);
  });

  it('tells product from support conversations and checks each', () => {
    const product = { kind: 'product', product: { id: 'p', title: 'Mug' }, supplierId: 's', supplierName: 'S' };
    assert.equal(openConversationSchema.safeParse(product).success, true);
    assert.equal(openConversationSchema.safeParse({ ...product, supplierName: '   ' }).success, false);
    assert.equal(openConversationSchema.safeParse({ kind: 'support', subject: 'Order #1' }).success, true);
    assert.equal(openConversationSchema.safeParse({ kind: 'support', subject: '' }).success, false);
    assert.equal(openConversationSchema.safeParse({ kind: 'chat' }).success, false);
  });

  it('refuses wrong types in a send', () => {
    const good = { clientId: 'c1', conversationId: 'x', body: 'hi' };
    assert.equal(sendMessageSchema.safeParse(good).success, true);
    for (const bad of [
      { ...good, body: 42 },
      { ...good, clientId: '' },
      { ...good, clientId: 'x'.repeat(129) },
      { ...good, conversationId: null },
      { ...good, attachmentIds: 'a' },
      null,
      'hello',
    ]) {
      assert.equal(sendMessageSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });

  it('coerces REST query numbers and refuses anything else', () => {
    assert.deepEqual(historyQuerySchema.parse({ beforeSeq: '10', limit: '20' }), { beforeSeq: 10, limit: 20 });
    assert.equal(historyQuerySchema.safeParse({ limit: '101' }).success, false);
    assert.equal(historyQuerySchema.safeParse({ limit: '1e3' }).success, false);
    assert.equal(historyQuerySchema.safeParse({ beforeSeq: '0' }).success, false);
    assert.equal(historyQuerySchema.safeParse({ limit: ['1', '2'] }).success, false);
  });

  it('takes a null sync cursor and bounds the page', () => {
    assert.equal(syncSchema.safeParse({ cursor: null }).success, true);
    assert.equal(syncSchema.safeParse({ cursor: null, limit: 1001 }).success, false);
    assert.equal(syncSchema.safeParse({}).success, false);
  });

  it('requires sub, name and exp in token claims', () => {
    assert.equal(tokenClaimsSchema.safeParse({ sub: 'u', name: 'U', exp: 1 }).success, true);
    assert.equal(tokenClaimsSchema.safeParse({ sub: 'u', exp: 1 }).success, false);
    assert.equal(tokenClaimsSchema.safeParse({ sub: '', name: 'U', exp: 1 }).success, false);
    assert.equal(tokenClaimsSchema.safeParse({ sub: 'u', name: 'U', exp: 1, role: 'root' }).success, false);
  });

  it('has a schema for every client event', () => {
    assert.deepEqual(Object.keys(clientEventSchemas).sort(), [
      'attachment:links',
      'auth:refresh',
      'conversation:open',
      'conversation:read',
      'message:delete',
      'message:edit',
      'message:send',
      'messages:history',
      'presence:query',
      'reaction:add',
      'reaction:remove',
      'report:create',
      'search',
      'sync',
      'typing',
      'unread:get',
      'user:block',
      'user:blocks',
      'user:unblock',
    ]);
  });
});
