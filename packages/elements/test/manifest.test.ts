import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

interface Declaration {
  slots?: Array<{ name: string }>;
  tagName?: string;
  attributes?: Array<{ name: string }>;
  events?: Array<{ name: string }>;
  cssParts?: Array<{ name: string }>;
  cssProperties?: Array<{ name: string }>;
}

/** The custom-elements manifest (built by `npm run build`) describes every element's public API. */
describe('custom-elements.json', () => {
  const manifest = JSON.parse(readFileSync(new URL('../custom-elements.json', import.meta.url), 'utf8')) as {
    modules: Array<{ declarations?: Declaration[] }>;
  };
  const byTag = new Map(
    manifest.modules.flatMap((m) => m.declarations ?? []).flatMap((d) => (d.tagName ? [[d.tagName, d] as const] : [])),
  );
  const names = (list?: Array<{ name: string }>) => (list ?? []).map((item) => item.name).sort();

  it('lists <chat-thread> with its attributes, events, parts and tokens', () => {
    const thread = byTag.get('chat-thread');
    assert.ok(thread, 'chat-thread is in the manifest');
    for (const attribute of ['conversation-id', 'product-id', 'supplier-id', 'max-length']) {
      assert.ok(names(thread.attributes).includes(attribute), attribute);
    }
    assert.deepEqual(names(thread.events), ['chat-conversation-opened', 'chat-message-send', 'chat-message-sent']);
    for (const part of ['base', 'message', 'bubble', 'author', 'timestamp', 'composer', 'status']) {
      assert.ok(names(thread.cssParts).includes(part), part);
    }
    assert.ok(names(thread.cssProperties).includes('--chat-thread-height'));
  });

  it('lists <unread-badge>', () => {
    const badge = byTag.get('unread-badge');
    assert.ok(badge);
    assert.deepEqual(names(badge.attributes), ['conversation-id', 'max']);
    assert.deepEqual(names(badge.cssParts), ['base']);
  });

  it('lists <chat-inbox> and <contact-supplier>', () => {
    const inbox = byTag.get('chat-inbox');
    assert.ok(inbox);
    assert.deepEqual(names(inbox.attributes), ['selected-id', 'unread-only', 'with-thread']);
    assert.deepEqual(names(inbox.events), ['chat-conversation-selected']);
    const contact = byTag.get('contact-supplier');
    assert.ok(contact);
    assert.ok(names(contact.attributes).includes('supplier-id'));
    assert.deepEqual(names(contact.cssParts), ['button', 'dialog']);
  });

  it('is referenced by the package', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      customElements: string;
    };
    assert.equal(pkg.customElements, 'custom-elements.json');
  });
});
