import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Attachment } from '@palaver/protocol';
import sharp from 'sharp';
import { sanitisedName } from '../src/attachments/file-names.js';
import {
  animatedGif,
  download,
  hasGps,
  pdfOf,
  phoneJpeg,
  png,
  STORAGES,
  sendWithAttachments,
  storageEnv,
  upload,
  uploaded,
  utf8,
} from './attachment-helpers.js';
import {
  alice,
  bob,
  carol,
  newClientId,
  nextEvent,
  ok,
  openProduct,
  request,
  sam,
  startTestServer,
  type TestServer,
} from './helpers.js';

const API_KEY = 'attachments-test-api-key-0123456789abcdef';

describe('file names', () => {
  it('keep the last segment, lose control and invisible characters, get the extension of their type', () => {
    assert.equal(sanitisedName('C:\\Users\\me\\a\u0007b\u0000c.txt', ['txt']), 'abc.txt');
    assert.equal(sanitisedName('invoice\u202Efdp.exe', ['pdf']), 'invoicefdp.pdf');
    assert.equal(sanitisedName('.htaccess', ['txt']), 'htaccess.txt');
    assert.equal(sanitisedName('', ['pdf']), 'file.pdf');
    assert.equal(sanitisedName('scan', ['jpg', 'jpeg']), 'scan.jpg');
    assert.equal(sanitisedName('Photo.JPEG', ['jpg', 'jpeg']), 'Photo.JPEG');
    assert.equal([...sanitisedName('é'.repeat(500), ['pdf'])].length, 180);
  });
});

describe('attachments and contact masking', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ CONTACT_MASKING: 'mask' });
  });
  after(() => t.close());

  it('hides contact details in file names from the other side; the sender and admins read them', async () => {
    const aliceSocket = await t.connect(alice);
    const bobSocket = await t.connect(bob);
    const conversation = await openProduct(aliceSocket);
    const file = await uploaded(t, alice, pdfOf(2000), 'write to alice.smith@example.com.pdf');
    const toBob = nextEvent(bobSocket, 'message:new');
    const message = await sendWithAttachments(aliceSocket, conversation.id, [file.id], '');
    assert.equal(message.attachments[0]?.name, 'write to alice.smith@example.com.pdf');
    const bobsName = (await toBob).attachments[0]?.name ?? '';
    assert.ok(!bobsName.includes('alice.smith@example.com'), bobsName);
    assert.ok(bobsName.endsWith('.pdf'));
    const links = await ok(bobSocket, 'attachment:links', { attachmentIds: [file.id] });
    assert.equal(links.attachments[0]?.name, bobsName);
    const forAdmin = await t.rest<{ attachment: Attachment }>(sam, 'GET', `/api/attachments/${file.id}`);
    assert.equal(forAdmin.body.attachment.name, 'write to alice.smith@example.com.pdf');
  });
});

for (const storage of STORAGES) {
  describe(`attachments (${storage} storage)`, () => {
    let t: TestServer;
    let stopStorage: () => Promise<void>;
    before(async () => {
      const selected = await storageEnv(storage);
      stopStorage = selected.stop;
      t = await startTestServer({ ...selected.env, RATE_LIMIT_MESSAGES: '1000', PALAVER_API_KEY: API_KEY });
    });
    after(async () => {
      await t.close();
      await stopStorage();
    });

    it('uploads, sends and downloads: the participant may, an outsider may not, an admin may', async () => {
      const aliceSocket = await t.connect(alice);
      const bobSocket = await t.connect(bob);
      const conversation = await openProduct(aliceSocket);
      const pdf = pdfOf(50_000);
      const file = await uploaded(t, alice, pdf, 'quote.pdf', 'application/pdf');
      assert.equal(file.type, 'application/pdf');
      assert.equal(file.name, 'quote.pdf');
      assert.equal(file.size, pdf.length);
      assert.ok(file.url.startsWith('/api/attachments/'));
      assert.ok(file.expiresAt && Date.parse(file.expiresAt) > Date.now() + 59 * 60 * 1000);

      const toBob = nextEvent(bobSocket, 'message:new');
      const message = await sendWithAttachments(aliceSocket, conversation.id, [file.id], '');
      assert.equal(message.body, '');
      assert.deepEqual(
        message.attachments.map((a) => a.id),
        [file.id],
      );
      const received = await toBob;
      const bobsCopy = received.attachments[0] as Attachment;
      const fetched = await download(t, bobsCopy.url);
      assert.equal(fetched.status, 200);
      assert.deepEqual(fetched.bytes, pdf);
      assert.equal(fetched.headers.get('content-type'), 'application/pdf');
      assert.match(fetched.headers.get('content-disposition') ?? '', /^attachment; filename\*=UTF-8''quote\.pdf$/);
      assert.equal(fetched.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(fetched.headers.get('content-security-policy'), "default-src 'none'; sandbox");
      assert.equal(fetched.headers.get('cross-origin-resource-policy'), 'cross-origin');
      assert.match(fetched.headers.get('cache-control') ?? '', /^private, max-age=\d+$/);

      // History and GET /api/attachments/:id give fresh addresses to participants and admins.
      const history = await t.rest<{ messages: Array<{ attachments: Attachment[] }> }>(
        bob,
        'GET',
        `/api/conversations/${conversation.id}/messages`,
      );
      assert.equal(history.body.messages.at(-1)?.attachments[0]?.id, file.id);
      const asAdmin = await t.rest<{ attachment: Attachment }>(sam, 'GET', `/api/attachments/${file.id}`);
      assert.equal(asAdmin.status, 200);
      assert.equal((await download(t, asAdmin.body.attachment.url)).status, 200);

      // An outsider: nothing by id, nothing by links, and an address without a valid signature is refused.
      const outsider = await t.rest(carol, 'GET', `/api/attachments/${file.id}`);
      assert.equal(outsider.status, 404);
      const carolSocket = await t.connect(carol);
      const links = await ok(carolSocket, 'attachment:links', { attachmentIds: [file.id] });
      assert.deepEqual(links.attachments, []);
      const bobLinks = await ok(bobSocket, 'attachment:links', { attachmentIds: [file.id, 'unknown-id'] });
      assert.deepEqual(
        bobLinks.attachments.map((a) => a.id),
        [file.id],
      );
      const unsigned = await download(t, `/api/attachments/${file.id}/file`);
      assert.equal(unsigned.status, 403);
      const forged = new URL(bobsCopy.url, t.url);
      forged.searchParams.set('sig', `${forged.searchParams.get('sig')?.slice(0, -2)}AA`);
      assert.equal((await download(t, forged.pathname + forged.search)).status, 403);
      const later = new URL(bobsCopy.url, t.url);
      later.searchParams.set('exp', String(Number(later.searchParams.get('exp')) + 3600));
      assert.equal((await download(t, later.pathname + later.search)).status, 403);
    });

    it('refuses an expired address', async () => {
      const file = await uploaded(t, alice, utf8('hello'), 'note.txt', 'text/plain');
      const signer = t.server.service.attachments.signer;
      const exp = Math.floor(Date.now() / 1000) - 1;
      const expired = await download(t, signer.url(file.id, 'file', exp));
      assert.equal(expired.status, 403);
      const answer = (await (await fetch(new URL(signer.url(file.id, 'file', exp), t.url))).json()) as {
        error: { code: string };
      };
      assert.equal(answer.error.code, 'forbidden');
      assert.equal((await download(t, signer.url(file.id, 'file', exp + 7200))).status, 200);
    });

    it('serves ranges', async () => {
      const bytes = pdfOf(10_000);
      const file = await uploaded(t, alice, bytes, 'range.pdf');
      const part = await download(t, file.url, { range: 'bytes=100-199' });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get('content-range'), `bytes 100-199/${bytes.length}`);
      assert.deepEqual(part.bytes, bytes.slice(100, 200));
      const tail = await download(t, file.url, { range: 'bytes=-10' });
      assert.deepEqual(tail.bytes, bytes.slice(-10));
      const beyond = await download(t, file.url, { range: `bytes=${bytes.length}-` });
      assert.equal(beyond.status, 416);
      assert.equal(beyond.headers.get('content-range'), `bytes */${bytes.length}`);
    });

    it('re-encodes images: GPS gone, orientation applied, preview and placeholder made', async () => {
      const original = await phoneJpeg(300, 200);
      assert.ok(hasGps((await sharp(original).metadata()).exif), 'the test photo carries GPS');
      const image = await uploaded(t, alice, original, 'IMG_0001.JPG', 'image/jpeg');
      assert.equal(image.type, 'image/jpeg');
      assert.deepEqual([image.width, image.height], [200, 300]);
      assert.ok(image.placeholder && Buffer.from(image.placeholder, 'base64').length > 5);
      assert.ok(image.previewUrl);
      const served = await download(t, image.url);
      assert.equal(served.headers.get('content-type'), 'image/jpeg');
      assert.match(served.headers.get('content-disposition') ?? '', /^inline/);
      const metadata = await sharp(served.bytes).metadata();
      assert.equal(metadata.exif, undefined);
      assert.ok(!hasGps(metadata.exif));
      assert.deepEqual([metadata.width, metadata.height], [200, 300]);
      assert.ok(metadata.orientation === undefined || metadata.orientation === 1);
      const preview = await download(t, image.previewUrl);
      assert.equal(preview.headers.get('content-type'), 'image/webp');
      const previewMetadata = await sharp(preview.bytes).metadata();
      assert.equal(previewMetadata.format, 'webp');
      assert.ok(Math.max(previewMetadata.width, previewMetadata.height) <= 480);
      assert.equal(previewMetadata.exif, undefined);
    });

    it('keeps GIF animation', async () => {
      const source = await animatedGif();
      assert.equal((await sharp(source, { animated: true }).metadata()).pages, 3);
      const gif = await uploaded(t, alice, source, 'wave.gif', 'image/gif');
      assert.equal(gif.type, 'image/gif');
      assert.deepEqual([gif.width, gif.height], [40, 30]);
      const served = await download(t, gif.url);
      assert.equal((await sharp(served.bytes, { animated: true }).metadata()).pages, 3);
    });

    it('stores a PNG named .pdf as the PNG it is, and refuses SVG and HTML dressed as images', async () => {
      const disguised = await uploaded(t, alice, await png(), 'invoice.pdf', 'application/pdf');
      assert.equal(disguised.type, 'image/png');
      assert.equal(disguised.name, 'invoice.png');
      const served = await download(t, disguised.url);
      assert.equal(served.headers.get('content-type'), 'image/png');
      assert.match(served.headers.get('content-disposition') ?? '', /^inline/);

      const svg = utf8('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
      const svgAnswer = await upload(t, alice, svg, 'cute.svg', 'image/svg+xml');
      assert.equal(svgAnswer.status, 415);
      assert.equal(svgAnswer.body.error?.code, 'unsupported_media_type');
      const html = utf8('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
      const htmlAnswer = await upload(t, alice, html, 'photo.png', 'image/png');
      assert.equal(htmlAnswer.status, 415);
      assert.equal(htmlAnswer.body.error?.code, 'unsupported_media_type');
      const htmlAsText = await upload(t, alice, html, 'page.txt', 'text/plain');
      assert.equal(htmlAsText.status, 415);
      const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, ...new Array(200).fill(0)]);
      assert.equal((await upload(t, alice, exe, 'setup.exe')).status, 415);
    });

    it('sanitises file names', async () => {
      const file = await uploaded(t, alice, utf8('hello'), '../../etc/\u202Eevil\u200Bname.txt', 'text/plain');
      assert.equal(file.name, 'evilname.txt');
      const nameless = await uploaded(t, alice, utf8('hello'), '...', 'text/plain');
      assert.equal(nameless.name, 'file.txt');
      const long = await uploaded(t, alice, utf8('hello'), `${'a'.repeat(400)}.txt`, 'text/plain');
      assert.ok(long.name.length <= 180 && long.name.endsWith('.txt'));
    });

    it('refuses bad uploads with clear errors, never internal', async () => {
      const token = await t.token(alice);
      const post = async (body: BodyInit, headers: Record<string, string> = {}) => {
        const response = await fetch(`${t.url}/api/attachments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, ...headers },
          body,
        });
        return { status: response.status, code: ((await response.json()) as { error?: { code: string } }).error?.code };
      };
      assert.deepEqual(await post(JSON.stringify({ file: 'x' }), { 'content-type': 'application/json' }), {
        status: 400,
        code: 'invalid_payload',
      });
      const noFile = new FormData();
      noFile.append('note', 'hello');
      assert.deepEqual(await post(noFile), { status: 400, code: 'invalid_payload' });
      const two = new FormData();
      two.append('file', new Blob([utf8('a')]), 'a.txt');
      two.append('file', new Blob([utf8('b')]), 'b.txt');
      assert.deepEqual(await post(two), { status: 400, code: 'invalid_payload' });
      const wrongField = await upload(t, alice, utf8('hello'), 'a.txt', 'text/plain', 'document');
      assert.equal(wrongField.status, 400);
      const empty = await upload(t, alice, new Uint8Array(0), 'empty.txt', 'text/plain');
      assert.equal(empty.body.error?.code, 'invalid_payload');
      const anonymous = await fetch(`${t.url}/api/attachments`, { method: 'POST', body: noFile });
      assert.equal(anonymous.status, 401);
    });

    it('binds uploads to one message only, and only the uploader’s', async () => {
      const aliceSocket = await t.connect(alice);
      const bobSocket = await t.connect(bob);
      const conversation = await openProduct(aliceSocket);
      const mine = await uploaded(t, alice, utf8('one'), 'one.txt');
      const bobs = await uploaded(t, bob, utf8('two'), 'two.txt');
      const sendWith = (attachmentIds: string[], clientId = newClientId()) =>
        request(aliceSocket, 'message:send', { clientId, conversationId: conversation.id, body: 'see', attachmentIds });
      const codeOf = async (answer: Promise<unknown>) => {
        const result = (await answer) as { ok: boolean; error?: { code: string } };
        return result.ok ? 'ok' : result.error?.code;
      };
      assert.equal(await codeOf(sendWith(['no-such-upload'])), 'not_found');
      assert.equal(await codeOf(sendWith([bobs.id])), 'not_found');
      assert.equal(await codeOf(sendWith(Array.from({ length: 11 }, (_, i) => `id-${i}`))), 'invalid_payload');
      assert.equal(await codeOf(sendWith([mine.id, mine.id])), 'invalid_payload');
      const clientId = newClientId();
      const first = (await sendWith([mine.id], clientId)) as { ok: true; message: { id: string } };
      assert.ok(first.ok);
      // The same send again (a lost ack): the stored message, with its attachment.
      const again = (await sendWith([mine.id], clientId)) as {
        ok: true;
        message: { id: string; attachments: Attachment[] };
      };
      assert.ok(again.ok);
      assert.equal(again.message.id, first.message.id);
      assert.deepEqual(
        again.message.attachments.map((a) => a.id),
        [mine.id],
      );
      // Another message may not take it.
      assert.equal(await codeOf(sendWith([mine.id])), 'not_found');
      // Bad ids in attachment:links never fail the request.
      const links = await request(bobSocket, 'attachment:links', { attachmentIds: ['nope'] });
      assert.deepEqual(links, { ok: true, attachments: [] });
      const tooMany = await request(bobSocket, 'attachment:links', {
        attachmentIds: Array.from({ length: 101 }, (_, i) => `id-${i}`),
      });
      assert.equal((tooMany as { ok: boolean }).ok, false);
    });

    it('deleting a message empties its attachments and removes its files', async () => {
      const aliceSocket = await t.connect(alice);
      const conversation = await openProduct(aliceSocket);
      const image = await uploaded(t, alice, await png(), 'pic.png', 'image/png');
      const message = await sendWithAttachments(aliceSocket, conversation.id, [image.id], 'pic');
      const { storage } = t.server.service.attachments;
      assert.ok(await storage.exists(image.id));
      assert.ok(await storage.exists(`${image.id}.preview`));
      const { message: deleted } = await ok(aliceSocket, 'message:delete', { messageId: message.id });
      assert.deepEqual(deleted.attachments, []);
      await waitFor(async () => !(await storage.exists(image.id)) && !(await storage.exists(`${image.id}.preview`)));
      assert.equal((await download(t, image.url)).status, 404);
    });

    it('a message removed by moderation shows no attachments to participants; moderators still see them', async () => {
      const aliceSocket = await t.connect(alice);
      const bobSocket = await t.connect(bob);
      const conversation = await openProduct(aliceSocket);
      const file = await uploaded(t, alice, utf8('scam link list'), 'list.txt');
      const message = await sendWithAttachments(aliceSocket, conversation.id, [file.id], 'look');
      const removed = await t.rest(sam, 'POST', `/api/moderation/messages/${message.id}/remove`, { reason: 'spam' });
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      const history = await t.rest<{ messages: Array<{ id: string; attachments: Attachment[] }> }>(
        bob,
        'GET',
        `/api/conversations/${conversation.id}/messages`,
      );
      assert.deepEqual(history.body.messages.find((m) => m.id === message.id)?.attachments, []);
      assert.deepEqual((await ok(bobSocket, 'attachment:links', { attachmentIds: [file.id] })).attachments, []);
      const forAdmin = await t.rest<{ attachment: Attachment }>(sam, 'GET', `/api/attachments/${file.id}`);
      assert.equal(forAdmin.status, 200);
      assert.equal((await download(t, forAdmin.body.attachment.url)).status, 200);
    });

    it('removes uploads never sent after 24 hours, and keeps sent ones', async () => {
      const aliceSocket = await t.connect(alice);
      const conversation = await openProduct(aliceSocket);
      const unsent = await uploaded(t, alice, utf8('forgotten'), 'forgotten.txt');
      const sent = await uploaded(t, alice, utf8('kept'), 'kept.txt');
      await sendWithAttachments(aliceSocket, conversation.id, [sent.id], 'kept');
      const { attachments } = t.server.service;
      await attachments.sweep(Date.now() + 23 * 3600 * 1000);
      assert.ok(await attachments.storage.exists(unsent.id), 'a day has not passed yet');
      await attachments.sweep(Date.now() + 25 * 3600 * 1000);
      assert.equal(await attachments.storage.exists(unsent.id), false);
      assert.equal((await t.rest(alice, 'GET', `/api/attachments/${unsent.id}`)).status, 404);
      assert.ok(await attachments.storage.exists(sent.id));
    });

    it('erasing a user removes their files, sent and unsent', async () => {
      const { attachments } = t.server.service;
      const dave = { id: 'buyer-dave', name: 'Dave' };
      const daveSocket = await t.connect(dave);
      const conversation = await openProduct(daveSocket);
      const sent = await uploaded(t, dave, utf8('sent'), 'sent.txt');
      const unsent = await uploaded(t, dave, utf8('unsent'), 'unsent.txt');
      await sendWithAttachments(daveSocket, conversation.id, [sent.id], '');
      const erased = await fetch(`${t.url}/api/server/users/${dave.id}/erase`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}` },
      });
      assert.equal(erased.status, 200, await erased.text());
      await waitFor(
        async () => !(await attachments.storage.exists(sent.id)) && !(await attachments.storage.exists(unsent.id)),
      );
    });
  });
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
