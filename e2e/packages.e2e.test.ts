/**
 * The packages as someone outside this repository gets them: `npm pack` of each
 * (after `npm run build`), installed from the tarballs into a scratch app in a
 * temp directory, then used the two ways docs/elements.md shows — the drop-in
 * file loaded as a CDN serves it, and a bundler app importing
 * `@palaver/elements/…` — against the real server, in Chromium. A file missing
 * from `files`, an export that points nowhere, a bare import left in the
 * drop-in: each fails here.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { serveFiles } from './static-files.js';
import { type Demo, launchBrowser, sendThroughThread, startDemo, watchErrors } from './support.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['protocol', 'sdk', 'elements'];
const BUYER = 'buyer-bruno';
const PRODUCT = 'p-copper-kettle';

/** Packs every package and installs the tarballs into a fresh app outside the repository. */
async function scratchAppFromTarballs(dir: string): Promise<void> {
  const tarballs = join(dir, 'tarballs');
  const app = join(dir, 'app');
  mkdirSync(tarballs);
  mkdirSync(app);
  const dependencies: Record<string, string> = {};
  for (const name of PACKAGES) {
    const { stdout } = await run(
      'npm',
      ['pack', '-w', `packages/${name}`, '--pack-destination', tarballs, '--silent'],
      {
        cwd: repo,
      },
    );
    dependencies[`@palaver/${name}`] = `file:${join(tarballs, stdout.trim())}`;
  }
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'scratch-marketplace', private: true, type: 'module', dependencies }, null, 2),
  );
  // Third-party dependencies come from npm's cache when it has them (offline-capable), else from the registry.
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: app,
  });
}

/** A page's script: a token the test fetched from the demo, as the marketplace's backend would sign one. */
const configureScript = (demo: Demo, token: string) =>
  `configure({ url: ${JSON.stringify(demo.url)}, token: ${JSON.stringify(token)}, userId: ${JSON.stringify(BUYER)} });`;

describe('the packages, installed from their tarballs outside the repository', () => {
  let dir: string;
  let demo: Demo;
  let site: Server;
  let siteUrl: string;
  let browser: Browser;
  let token: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'palaver-packages-'));
    const [, browserStarted] = await Promise.all([scratchAppFromTarballs(dir), launchBrowser()]);
    browser = browserStarted;
    const files = serveFiles(join(dir, 'app'));
    site = createServer((request, response) => {
      // The demo catalogue's pictures are paths on the marketplace's own site: this site serves them (from the demo).
      if (!request.url?.startsWith('/demo/images/')) return files(request, response);
      void fetch(demo.url + request.url).then(async (image) => {
        response.writeHead(image.status, { 'content-type': image.headers.get('content-type') ?? 'image/svg+xml' });
        response.end(Buffer.from(await image.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    // The marketplace's pages are on another origin than the chat server: the server allows them.
    demo = await startDemo({ CORS_ORIGIN: siteUrl });
    const response = await fetch(`${demo.url}/api/demo/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: BUYER }),
    });
    token = ((await response.json()) as { token: string }).token;
  });

  after(async () => {
    await browser?.close();
    await demo?.stop();
    await new Promise((resolve) => site?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('plain HTML: the drop-in file, loaded from the installed package as a CDN serves it', async () => {
    // A CDN serves the package's files under its name and version (jsDelivr: /npm/@palaver/elements@0.1.0/dist/…).
    writeFileSync(
      join(dir, 'app', 'cdn.html'),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CDN</title><link rel="icon" href="data:,">
      <script type="module">
        import { configure } from '/npm/@palaver/elements@0.1.0/dist/palaver.js';
        ${configureScript(demo, token)}
      </script></head>
      <body><p>Messages <unread-badge></unread-badge></p><contact-supplier product-id="${PRODUCT}"></contact-supplier></body></html>`,
    );
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${siteUrl}/cdn.html`);
    await page.locator('contact-supplier [part="button"]').click();
    await sendThroughThread(page, 'Hello from a CDN page');
    assert.match((await page.locator('chat-thread [part="product"]').textContent()) ?? '', /Copper kettle/);
    assert.equal(await page.evaluate(() => customElements.get('unread-badge') !== undefined), true);
    assert.deepEqual(errors, []);
  });

  it('a bundler app: the imports docs/elements.md shows, bundled by esbuild, and their types', async () => {
    const source = join(dir, 'app', 'src');
    mkdirSync(source);
    // Exactly the documented imports.
    writeFileSync(
      join(source, 'app.ts'),
      `import '@palaver/elements/chat-thread';
      import '@palaver/elements/unread-badge';
      import '@palaver/elements/chat-inbox';
      import '@palaver/elements/contact-supplier';
      import { configure } from '@palaver/elements';
      import type { ChatThread } from '@palaver/elements';
      import { createChatClient } from '@palaver/sdk';
      import { LIMITS } from '@palaver/protocol';
      // The tags are typed (HTMLElementTagNameMap) once registered.
      const thread: ChatThread | null = document.querySelector('chat-thread');
      const maxLength: number | undefined = thread?.maxLength;
      console.log('limits', LIMITS.messageMaxLength, maxLength, typeof createChatClient);
      ${configureScript(demo, token)}`,
    );
    await build({
      entryPoints: [join(source, 'app.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outfile: join(dir, 'app', 'dist', 'app.js'),
      absWorkingDir: join(dir, 'app'),
      logLevel: 'silent',
    });
    // The packed .d.ts files answer for the same imports (resolved as a bundler resolves them).
    await run(
      process.execPath,
      [
        join(repo, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--module',
        'esnext',
        '--moduleResolution',
        'bundler',
        '--target',
        'es2022',
        '--lib',
        'es2022,dom,dom.iterable',
        join(source, 'app.ts'),
      ],
      { cwd: join(dir, 'app') },
    ).catch((error: { stdout?: string }) => assert.fail(`types: ${error.stdout}`));
    writeFileSync(
      join(dir, 'app', 'bundled.html'),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bundled</title><link rel="icon" href="data:,">
      <script type="module" src="/dist/app.js"></script></head>
      <body><unread-badge></unread-badge><chat-thread product-id="${PRODUCT}"></chat-thread></body></html>`,
    );
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${siteUrl}/bundled.html`);
    await sendThroughThread(page, 'Hello from a bundled app');
    assert.deepEqual(errors, []);
  });
});
