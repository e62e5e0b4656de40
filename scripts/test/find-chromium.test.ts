/**
 * The browser finder's decisions, each in a real process with its own
 * environment: stand-in `chromium` and `apt-get` scripts in a scratch PATH show
 * which option it took, so nothing is installed or removed on this machine.
 * Playwright's downloads go to a scratch folder from an unreachable host, so
 * "Playwright's download" is tried for real and fails at once.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const finder = fileURLToPath(new URL('../find-chromium.mjs', import.meta.url));
const isRoot = process.getuid?.() === 0;
const debianLike = (() => {
  try {
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(readFileSync('/etc/os-release', 'utf8'));
  } catch {
    return false;
  }
})();

let scratch: string;
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  lastLine: string;
}

/** Runs the finder with exactly this environment (nothing inherited), optionally as another user. */
function runFinder(env: Record<string, string>, options: { args?: string[]; asNobody?: boolean } = {}): Run {
  const command = [process.execPath, finder, ...(options.args ?? [])];
  const [file, ...args] = options.asNobody
    ? [setpriv ?? 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...command]
    : command;
  const result = spawnSync(file ?? '', args, {
    env: {
      // Playwright's own browser: an empty scratch folder, and an unreachable download host.
      PLAYWRIGHT_BROWSERS_PATH: join(scratch, 'playwright'),
      PLAYWRIGHT_DOWNLOAD_HOST: 'http://127.0.0.1:9',
      HOME: scratch,
      ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const lines = result.stderr.trim().split('\n');
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr, lastLine: lines.at(-1) ?? '' };
}

/** A folder for PATH holding executable shell scripts by name. */
function binDir(name: string, scripts: Record<string, string>): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, body] of Object.entries(scripts)) {
    writeFileSync(join(dir, file), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, file), 0o755);
  }
  chmodSync(dir, 0o755);
  return dir;
}

describe('find-chromium', () => {
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'palaver-find-chromium-'));
    chmodSync(scratch, 0o777);
    mkdirSync(join(scratch, 'playwright'), { mode: 0o777 });
    chmodSync(join(scratch, 'playwright'), 0o777);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('CHROMIUM_PATH pointing at nothing stops with one sentence naming it, without looking further', () => {
    const system = binDir('system', { chromium: 'exit 0' });
    const run = runFinder({ CHROMIUM_PATH: '/nowhere/chromium', PATH: system });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.lastLine, /^CHROMIUM_PATH is \/nowhere\/chromium, which is not an executable file: .*\.$/);
  });

  test('CHROMIUM_PATH naming an executable wins over a Chromium on PATH', () => {
    const chosen = binDir('chosen', { 'my-chrome': 'exit 0' });
    const system = binDir('system', { chromium: 'exit 0' });
    const run = runFinder({ CHROMIUM_PATH: join(chosen, 'my-chrome'), PATH: system });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, join(chosen, 'my-chrome'));
  });

  test('a system Chromium on PATH is found, under any of its usual names', () => {
    const empty = binDir('empty', {});
    const chrome = binDir('chrome', { 'google-chrome': 'exit 0' });
    const run = runFinder({ PATH: [empty, chrome].join(':') });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, join(chrome, 'google-chrome'));
  });

  test("a PATH without Chromium falls through to Playwright's own browser", () => {
    const probe = spawnSync(
      process.execPath,
      ['-e', "process.stdout.write(require('playwright-core').chromium.executablePath())"],
      { env: { PLAYWRIGHT_BROWSERS_PATH: join(scratch, 'playwright') }, encoding: 'utf8' },
    );
    const own = probe.stdout;
    assert.ok(own.startsWith(join(scratch, 'playwright')), own);
    mkdirSync(join(own, '..'), { recursive: true });
    writeFileSync(own, '#!/bin/sh\n');
    chmodSync(own, 0o755);
    try {
      const run = runFinder({ PATH: binDir('empty', {}) });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, own);
    } finally {
      rmSync(join(scratch, 'playwright'), { recursive: true, force: true });
      mkdirSync(join(scratch, 'playwright'), { mode: 0o777 });
      chmodSync(join(scratch, 'playwright'), 0o777);
    }
  });

  test('--no-install with nothing found gives the sentence saying what to install', () => {
    const run = runFinder({ PATH: binDir('empty', {}) }, { args: ['--no-install'] });
    assert.equal(run.status, 1);
    assert.match(run.lastLine, /^No Chromium was found and none could be installed: install Chromium .*CHROMIUM_PATH/);
  });

  test("as root on Debian/Ubuntu with nothing found, it installs Debian's chromium with apt-get", {
    skip: !(isRoot && debianLike) && 'needs root on Debian or Ubuntu',
  }, () => {
    const log = join(scratch, 'apt.log');
    // The stand-in apt-get records its calls and, on install, puts a chromium on PATH as the real one would.
    const bin = binDir('apt', {
      'apt-get': `echo "$DEBIAN_FRONTEND $*" >> ${log}\ncase "$1" in install) printf '#!/bin/sh\\n' > ${scratch}/apt/chromium; /bin/chmod 755 ${scratch}/apt/chromium;; esac`,
    });
    const run = runFinder({ PATH: bin });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, join(bin, 'chromium'));
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), [
      'noninteractive update -qq',
      'noninteractive install -y -qq --no-install-recommends chromium',
    ]);
  });

  test("when apt-get fails it tries Playwright's download, and when that fails too it stops with the sentence", {
    skip: !(isRoot && debianLike) && 'needs root on Debian or Ubuntu',
  }, () => {
    const bin = binDir('broken-apt', { 'apt-get': 'exit 100' });
    const run = runFinder({ PATH: bin });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /downloading Playwright's Chromium/);
    assert.match(run.lastLine, /^No Chromium was found and none could be installed/);
  });

  test('not root: apt-get is never called; Playwright downloads, or the run stops with the sentence', {
    skip: !(isRoot && setpriv) && 'needs root and setpriv to run the finder as another user',
  }, () => {
    const log = join(scratch, 'nobody-apt.log');
    const bin = binDir('nobody', { 'apt-get': `echo called >> ${log}` });
    const run = runFinder({ PATH: bin }, { asNobody: true });
    assert.equal(run.status, 1, run.stderr);
    assert.equal(existsSync(log), false, 'apt-get was called without root');
    assert.match(run.stderr, /downloading Playwright's Chromium/);
    assert.match(run.lastLine, /^No Chromium was found and none could be installed/);
  });
});
