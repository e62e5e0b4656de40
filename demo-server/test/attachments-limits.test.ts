/**
 * Uploads under pressure: twenty 10 MB files at once through a real server
 * process (its memory measured from outside), and bodies over the limit
 * refused before they are fully sent — on the local disk and on S3.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signToken } from '../src/transport/auth.js';
import { pdfOf, STORAGES, storageEnv, uploaded } from './attachment-helpers.js';
import { alice, spawnServer, startTestServer, TEST_SECRET, type TestServer } from './helpers.js';
import { databaseEnv, dropDatabase, openReader } from './test-database.js';

const MB = 1024 * 1024;

/** The resident memory of a process, from /proc (Linux), in bytes. */
function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return Number(match?.[1] ?? 0) * 1024;
}

interface SlowUpload {
  status: number;
  code: string | undefined;
  /** Bytes of the body written when the answer arrived. */
  sentWhenAnswered: number;
  total: number;
}

/**
 * A multipart upload of `fileBytes` bytes written `chunkBytes` at a time every
 * `intervalMs`, announced with its Content-Length or sent chunked, that stops
 * writing as soon as the answer arrives.
 */
function slowUpload(
  url: string,
  token: string,
  options: { fileBytes: number; chunkBytes: number; intervalMs: number; announceLength: boolean },
): Promise<SlowUpload> {
  const boundary = 'palaverTestBoundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n` +
      'Content-Type: application/pdf\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const total = head.length + options.fileBytes + tail.length;
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest(`${url}/api/attachments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...(options.announceLength ? { 'content-length': String(total) } : {}),
      },
    });
    req.on('response', (res) => {
      answered = true;
      const sentWhenAnswered = sent;
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => {
        const code = (JSON.parse(text || '{}') as { error?: { code: string } }).error?.code;
        resolve({ status: res.statusCode ?? 0, code, sentWhenAnswered, total });
        req.destroy();
      });
    });
    // Writes after the server closed the connection fail: expected once it has answered.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.write(head);
    sent += head.length;
    let fileSent = 0;
    const chunk = pdfOf(options.chunkBytes);
    const writeNext = () => {
      if (answered || req.destroyed) return;
      if (fileSent >= options.fileBytes) {
        req.end(tail);
        sent += tail.length;
        return;
      }
      const size = Math.min(options.chunkBytes, options.fileBytes - fileSent);
      req.write(chunk.subarray(0, size));
      fileSent += size;
      sent += size;
      setTimeout(writeNext, options.intervalMs);
    };
    writeNext();
  });
}

for (const storage of STORAGES) {
  describe(`upload limits (${storage} storage)`, () => {
    let t: TestServer;
    let stopStorage: () => Promise<void>;
    before(async () => {
      const selected = await storageEnv(storage);
      stopStorage = selected.stop;
      t = await startTestServer({ ...selected.env, ATTACHMENT_MAX_BYTES: String(MB) });
    });
    after(async () => {
      await t.close();
      await stopStorage();
    });

    it('refuses a body announced over the limit before reading it', async () => {
      const answer = await slowUpload(t.url, await t.token(alice), {
        fileBytes: 8 * MB,
        chunkBytes: 64 * 1024,
        intervalMs: 20,
        announceLength: true,
      });
      assert.equal(answer.status, 413);
      assert.equal(answer.code, 'payload_too_large');
      assert.ok(answer.sentWhenAnswered < MB, `answered after ${answer.sentWhenAnswered} of ${answer.total} bytes`);
    });

    it('refuses a chunked body once the count passes the limit, before the rest, and keeps nothing', async () => {
      const answer = await slowUpload(t.url, await t.token(alice), {
        fileBytes: 8 * MB,
        chunkBytes: 64 * 1024,
        intervalMs: 10,
        announceLength: false,
      });
      assert.equal(answer.status, 413);
      assert.equal(answer.code, 'payload_too_large');
      // Well before the end (the exact point depends on how busy the machine is).
      assert.ok(
        answer.sentWhenAnswered < answer.total / 2,
        `answered after ${answer.sentWhenAnswered} of ${answer.total} bytes`,
      );
      const used = await t.server.store.attachments.uploadedSince(alice.id, '1970-01-01T00:00:00.000Z');
      assert.equal(used.bytes, 0, 'no row was written');
      if (storage === 'disk') {
        const dir = join(t.dir, 'attachments');
        const kept = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
        assert.deepEqual(kept, [], 'no file was written');
      }
      // A file at the limit still goes through.
      await uploaded(t, alice, pdfOf(MB), 'at-the-limit.pdf');
    });

    it('counts uploads per hour and bytes per day', async () => {
      const limited = await startTestServer({
        ...(storage === 's3' ? await storageEnvOf(t) : {}),
        RATE_LIMIT_UPLOADS: '2',
        ATTACHMENT_QUOTA_BYTES: String(3000),
      });
      try {
        await uploaded(limited, alice, pdfOf(1000), 'a.pdf');
        await uploaded(limited, alice, pdfOf(1000), 'b.pdf');
        const third = await fetchUpload(limited, pdfOf(100));
        assert.equal(third.status, 429);
        assert.equal(third.body.error.code, 'rate_limited');
        assert.ok(third.body.error.retryAfterMs > 0);
      } finally {
        await limited.close();
      }
      const quota = await startTestServer({ ATTACHMENT_QUOTA_BYTES: String(2500) });
      try {
        await uploaded(quota, alice, pdfOf(1000), 'a.pdf');
        await uploaded(quota, alice, pdfOf(1000), 'b.pdf');
        const over = await fetchUpload(quota, pdfOf(1000));
        assert.equal(over.status, 429);
        assert.equal(over.body.error.code, 'rate_limited');
        assert.ok(over.body.error.retryAfterMs > 23 * 3600 * 1000);
      } finally {
        await quota.close();
      }
    });

    it('twenty 10 MB uploads at once: every one completes, the server’s memory stays flat', async (context) => {
      const folder = mkdtempSync(join(tmpdir(), 'palaver-upload-memory-'));
      const selected = await storageEnv(storage);
      const server = await spawnServer({
        ...(await databaseEnv(folder)),
        ATTACHMENT_DIR: join(folder, 'attachments'),
        ...selected.env,
        RATE_LIMIT_UPLOADS: '1000',
      });
      try {
        const pid = server.child.pid as number;
        const token = await signToken(TEST_SECRET, { id: alice.id, name: alice.name, admin: false });
        const post = (bytes: Uint8Array) => {
          const form = new FormData();
          form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }), 'big.pdf');
          return fetch(`${server.url}/api/attachments`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}` },
            body: form,
          });
        };
        // Warm up (code loaded, pools open), then the baseline.
        assert.equal((await post(pdfOf(1000))).status, 201);
        const baseline = residentBytes(pid);
        let peak = baseline;
        const sampler = setInterval(() => {
          peak = Math.max(peak, residentBytes(pid));
        }, 20);
        const file = pdfOf(10 * MB);
        const answers = await Promise.all(Array.from({ length: 20 }, () => post(file)));
        clearInterval(sampler);
        peak = Math.max(peak, residentBytes(pid));
        assert.deepEqual(
          answers.map((answer) => answer.status),
          new Array(20).fill(201),
        );
        const growth = peak - baseline;
        context.diagnostic(
          `resident memory ${Math.round(baseline / MB)} MB before, ${Math.round(peak / MB)} MB at most`,
        );
        // Buffered, the server would hold 200 MB of files; streamed, a few socket and file buffers each.
        assert.ok(growth < 60 * MB, `resident memory grew by ${Math.round(growth / MB)} MB`);
        const reader = await openReader(await databaseEnv(folder));
        try {
          const rows = await reader.all<{ n: number }>('SELECT count(*) AS n FROM attachments WHERE size = ?', 10 * MB);
          assert.equal(Number(rows[0]?.n), 20);
        } finally {
          await reader.close();
        }
      } finally {
        await server.stop('SIGTERM');
        await selected.stop();
        await dropDatabase(folder);
        rmSync(folder, { recursive: true, force: true });
      }
    });
  });
}

/** The S3 settings a test server was started with, for a second server on the same bucket. */
async function storageEnvOf(t: TestServer): Promise<Record<string, string>> {
  const { storage } = t.server.config.attachments;
  if (storage.kind !== 's3') return {};
  return {
    ATTACHMENT_STORAGE: 's3',
    S3_BUCKET: storage.s3.bucket,
    S3_ENDPOINT: storage.s3.endpoint ?? '',
    S3_ACCESS_KEY_ID: storage.s3.accessKeyId ?? '',
    S3_SECRET_ACCESS_KEY: storage.s3.secretAccessKey ?? '',
    S3_FORCE_PATH_STYLE: '1',
  };
}

async function fetchUpload(t: TestServer, bytes: Uint8Array) {
  const form = new FormData();
  form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }), 'x.pdf');
  const response = await fetch(`${t.url}/api/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await t.token(alice)}` },
    body: form,
  });
  return {
    status: response.status,
    body: (await response.json()) as { error: { code: string; retryAfterMs: number } },
  };
}
