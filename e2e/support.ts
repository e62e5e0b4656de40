/**
 * End-to-end harness: the demo marketplace (`DEMO=1 palaver-server`) on a free
 * port with a fresh SQLite file, and the Chromium scripts/find-chromium.mjs finds,
 * driven by playwright-core.
 * Each user gets a browser context of their own (their own storage, as on
 * their own computer).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/find-chromium.mjs';
import { freePort } from '../scripts/free-port.js';

const serverBin = fileURLToPath(new URL('../demo-server/bin/palaver-server.js', import.meta.url));

export interface Demo {
  url: string;
  stop(): Promise<void>;
}

/** Starts the demo exactly as the README's run command does (after the build); `env` adds settings (CORS_ORIGIN). */
export async function startDemo(env: Record<string, string> = {}): Promise<Demo> {
  const dir = mkdtempSync(join(tmpdir(), 'palaver-e2e-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [serverBin], {
    env: {
      ...process.env,
      DEMO: '1',
      PORT: String(port),
      DATABASE_PATH: join(dir, 'demo.db'),
      // The SQLite file above and no cluster, even where the shell names a PostgreSQL server and a Redis (CI does).
      DATABASE_URL: '',
      REDIS_URL: '',
      LOG_LEVEL: 'warn',
      PRESENCE_GRACE_MS: '200',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`demo server exited with ${code}`)));
    const tryConnect = async () => {
      try {
        const response = await fetch(`${url}/health`);
        if (response.ok) return resolve();
      } catch {
        // not listening yet
      }
      setTimeout(tryConnect, 100);
    };
    void tryConnect();
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', () => undefined);
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** A browser context signed in as a demo user (the demo's "sign in as" switcher, set up front). */
export async function contextAs(
  browser: Browser,
  userId: string,
  options: {
    colorScheme?: 'light' | 'dark';
    viewport?: { width: number; height: number };
    /** A phone: touch, mobile viewport rules (the meta viewport), a dense screen. */
    phone?: boolean;
  } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    colorScheme: options.colorScheme ?? 'light',
    viewport: options.viewport ?? { width: 1200, height: 820 },
    ...(options.phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 3 } : {}),
  });
  await context.addInitScript((id) => {
    if (!localStorage.getItem('palaver-demo-user')) localStorage.setItem('palaver-demo-user', id);
  }, userId);
  return context;
}

/** Collects page errors, so a test can assert that nothing threw (and no injected script ran). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

/** Writes `text` into the page's <chat-thread> (once it shows its product) and waits until the server has it. */
export async function sendThroughThread(page: Page, text: string): Promise<void> {
  const textarea = page.locator('chat-thread textarea');
  await textarea.waitFor();
  await page.locator('chat-thread [part="product"]').waitFor();
  for (let i = 0; i < 100 && !(await textarea.isEnabled()); i++) await page.waitForTimeout(50);
  await textarea.fill(text);
  await textarea.press('Enter');
  await page.locator('chat-thread [part~="own"] [part="status"][aria-label="Sent"]').first().waitFor();
}
