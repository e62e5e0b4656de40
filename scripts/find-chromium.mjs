#!/usr/bin/env node
/**
 * The one place that decides which Chromium Palaver's tests, end-to-end runs and
 * benchmarks launch: the web-test-runner config, e2e/support.ts and bench all
 * call `findChromium()`, and `npm test` runs this file first so a missing
 * browser stops the run before the ten-minute build-and-test, not in the middle.
 *
 * Order, first that works wins:
 *  1. `CHROMIUM_PATH` — the user said which; if it is wrong we stop rather than
 *     silently test another browser.
 *  2. a system Chromium or Chrome on `PATH`;
 *  3. Playwright's own download (`npx playwright install chromium` puts it there);
 *  4. install one: Debian's `chromium` with apt-get when root on Debian/Ubuntu
 *     (Playwright's CDN is unreachable on some CI machines, Debian's mirror is
 *     not), otherwise Playwright's download;
 *  5. one sentence saying what to install.
 *
 * CLI: `node scripts/find-chromium.mjs [--no-install]` prints the path on stdout,
 * or the sentence on stderr with exit code 1.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Flags every launch uses: root needs --no-sandbox; the rest keep a headless run quiet and offline. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

export const NOTHING_TO_INSTALL_WITH =
  'No Chromium was found and none could be installed: install Chromium (Debian/Ubuntu: `apt-get install chromium`, ' +
  'elsewhere `npx playwright install chromium`) or set CHROMIUM_PATH to a Chromium or Chrome executable.';

/** A failure whose message is the one sentence to show the user. */
export class ChromiumNotFound extends Error {
  name = 'ChromiumNotFound';
}

const require = createRequire(import.meta.url);
const log = (line) => process.stderr.write(`find-chromium: ${line}\n`);

function isExecutableFile(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function onPath(names, env) {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Where Playwright keeps (or would keep) its Chromium; undefined when playwright-core is not installed. */
function playwrightExecutable() {
  try {
    return require('playwright-core').chromium.executablePath();
  } catch {
    return undefined;
  }
}

function isDebianLike() {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release);
  } catch {
    return false;
  }
}

function run(command, args, env) {
  // Output goes to stderr: stdout carries only the path, for scripts that read it.
  const result = spawnSync(command, args, { env, stdio: ['ignore', 2, 2] });
  return result.status === 0;
}

function installWithApt(aptGet, env) {
  log("no Chromium found; installing Debian's chromium with apt-get (about 30 s)…");
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  return (
    run(aptGet, ['update', '-qq'], aptEnv) &&
    run(aptGet, ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], aptEnv)
  );
}

function installWithPlaywright(env) {
  let cli;
  try {
    // cli.js is not in the package's exports map: reach it through package.json.
    cli = join(dirname(require.resolve('playwright-core/package.json')), 'cli.js');
  } catch {
    return false;
  }
  log("no Chromium found; downloading Playwright's Chromium…");
  return run(process.execPath, [cli, 'install', 'chromium'], env);
}

/** What is there already, without installing anything. */
function findInstalled(env) {
  const chosen = env.CHROMIUM_PATH;
  if (chosen) {
    if (isExecutableFile(chosen)) return chosen;
    throw new ChromiumNotFound(
      `CHROMIUM_PATH is ${chosen}, which is not an executable file: point it at Chromium or Chrome, or unset it to let Palaver find or install one.`,
    );
  }
  const system = onPath(SYSTEM_NAMES, env);
  if (system) return system;
  const own = playwrightExecutable();
  return own && isExecutableFile(own) ? own : undefined;
}

/**
 * The Chromium to launch. With `install` (the default) installs one when none
 * is found; throws `ChromiumNotFound` when that is impossible.
 */
export function findChromium({ install = true, env = process.env } = {}) {
  const found = findInstalled(env);
  if (found || !install) {
    if (found) return found;
    throw new ChromiumNotFound(NOTHING_TO_INSTALL_WITH);
  }
  const aptGet = onPath(['apt-get'], env);
  if (aptGet && process.getuid?.() === 0 && isDebianLike() && installWithApt(aptGet, env)) {
    const installed = onPath(SYSTEM_NAMES, env) ?? (isExecutableFile('/usr/bin/chromium') ? '/usr/bin/chromium' : '');
    if (installed) return installed;
  }
  if (installWithPlaywright(env)) {
    const own = playwrightExecutable();
    if (own && isExecutableFile(own)) return own;
  }
  throw new ChromiumNotFound(NOTHING_TO_INSTALL_WITH);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const path = findChromium({ install: !process.argv.includes('--no-install') });
    process.stdout.write(`${path}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof ChromiumNotFound ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
