import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config.js';
import type { DigestSnapshot } from '../src/notify/email-digest.js';
import { renderDigest } from '../src/notify/email-render.js';
import { signUnsubscribe, verifyUnsubscribe } from '../src/notify/unsubscribe-token.js';

const snapshot: DigestSnapshot = {
  userId: 'supplier-x',
  totalUnread: 3,
  conversations: [
    {
      conversationId: 'c/1',
      kind: 'product',
      title: 'Mug <script>alert(1)</script>',
      unreadCount: 2,
      messages: [
        { senderName: 'Eve "<img src=x onerror=alert(1)>"', body: 'a\nb', attachments: 0, createdAt: '' },
        { senderName: undefined, body: '', attachments: 2, createdAt: '' },
      ],
    },
    {
      conversationId: 'c2',
      kind: 'support',
      title: 'Order #12\r\nBcc: victim@example.com',
      unreadCount: 1,
      messages: [{ senderName: 'Sam', body: 'Your order shipped', attachments: 0, createdAt: '' }],
    },
  ],
};

const options = {
  recipientName: 'Ann & Co',
  conversationUrl: (id: string) => `https://shop.example/m?c=${encodeURIComponent(id)}&x=1`,
  unsubscribeUrl: 'https://chat.example/email/unsubscribe?token=t',
};

describe('digest emails', () => {
  it('escapes every piece of user input in HTML and keeps the subject on one line', () => {
    const email = renderDigest(snapshot, { ...options, locale: undefined });
    assert.equal(email.subject, 'You have 3 unread messages in 2 conversations');
    assert.doesNotMatch(email.html, /<script>|<img/);
    assert.ok(email.html.includes('Mug &lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(email.html.includes('Eve &quot;&lt;img src=x onerror=alert(1)&gt;&quot;'));
    assert.ok(email.html.includes('href="https://shop.example/m?c=c%2F1&amp;x=1"'));
    assert.ok(email.html.includes('a<br>b'));
    assert.match(email.text, /The marketplace: \[2 attachments\]/);
    assert.match(email.html, /<html lang="en">/);
    const one = renderDigest(
      { ...snapshot, totalUnread: 1, conversations: [snapshot.conversations[1] as DigestSnapshot['conversations'][0]] },
      { ...options, locale: 'en-GB' },
    );
    assert.equal(one.subject, 'Sam sent you a message about Order #12 Bcc: victim@example.com');
  });

  it('speaks French to fr and fr-CA, English to everyone else', () => {
    assert.match(renderDigest(snapshot, { ...options, locale: 'fr-CA' }).subject, /^Vous avez 3 messages non lus/);
    assert.match(renderDigest(snapshot, { ...options, locale: 'de' }).subject, /^You have/);
  });

  it('unsubscribe tokens name their user and cannot be forged or moved to another user', () => {
    const token = signUnsubscribe('secret-one', 'supplier-x');
    assert.equal(verifyUnsubscribe('secret-one', token), 'supplier-x');
    assert.equal(verifyUnsubscribe('secret-two', token), undefined);
    const [, mac] = token.split('.');
    assert.equal(
      verifyUnsubscribe('secret-one', `${Buffer.from('supplier-y').toString('base64url')}.${mac}`),
      undefined,
    );
    for (const junk of [undefined, '', 'x', 'a.b.c', 42])
      assert.equal(verifyUnsubscribe('secret-one', junk), undefined);
  });

  it('SMTP_URL is checked at start, with the sender and the public address it needs', () => {
    const base = { JWT_SECRET: 'x'.repeat(32) };
    assert.throws(() => loadConfig({ ...base, SMTP_URL: 'http://mail.example' }), /SMTP_URL: must be an SMTP URL/);
    assert.throws(() => loadConfig({ ...base, SMTP_URL: 'smtp://mail.example' }), /needs EMAIL_FROM .* and PUBLIC_URL/);
    assert.throws(
      () =>
        loadConfig({
          ...base,
          SMTP_URL: 'smtp://mail.example',
          EMAIL_FROM: 'a@b.example',
          PUBLIC_URL: 'https://chat.example',
          EMAIL_CONVERSATION_URL: 'https://shop.example/messages',
        }),
      /EMAIL_CONVERSATION_URL: must contain \{conversationId\}/,
    );
    const config = loadConfig({
      ...base,
      SMTP_URL: 'smtps://user:pw@mail.example:465',
      EMAIL_FROM: 'Shop <a@b.example>',
      PUBLIC_URL: 'https://chat.example/',
    });
    assert.equal(config.email?.publicUrl, 'https://chat.example');
    assert.equal(loadConfig(base).email, undefined);
  });
});
