#!/usr/bin/env node
// The server's whole suite again, on PostgreSQL (PALAVER_TEST_STORE=postgres),
// against the server named by DATABASE_URL: each test server gets a database of
// its own there. Without DATABASE_URL it runs nothing and says so in one line,
// so `npm test` on a laptop without PostgreSQL still passes.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const url = process.env.DATABASE_URL;
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  console.log(
    'SKIPPED: the server suite on PostgreSQL (DATABASE_URL is not set; `bash scripts/services.sh start` starts a ' +
      'local PostgreSQL and Redis and prints what to export — .ci/run does this).',
  );
  process.exit(0);
}
const files = readdirSync('demo-server/test')
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => `demo-server/test/${file}`);
const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { stdio: 'inherit', env: { ...process.env, PALAVER_TEST_STORE: 'postgres' } },
);
process.exit(run.status ?? 1);
