#!/usr/bin/env node
import { ConfigError, loadConfig } from '../config.js';
import { backupDatabase, restoreDatabase } from '../operations/backup.js';
import { createPalaverServer } from '../server.js';

const USAGE = `usage:
  palaver-server                  start the server (configured by the environment, see docs/server.md)
  palaver-server backup <file>    copy the SQLite database at DATABASE_PATH into <file> (online), checked
  palaver-server restore <file>   put a backup in place of the database at DATABASE_PATH (server stopped)`;

/**
 * `palaver-server backup|restore <file>`: the SQLite database named by
 * DATABASE_PATH (default ./data/palaver.db), nothing else of the configuration.
 */
async function operate(command: string, file: string | undefined): Promise<void> {
  if (!file) {
    process.stderr.write(`palaver-server: ${command} needs a file\n${USAGE}\n`);
    process.exit(2);
  }
  if (process.env.DATABASE_URL) {
    process.stderr.write('palaver-server: DATABASE_URL is set: back PostgreSQL up with pg_dump (docs/deployment.md)\n');
    process.exit(2);
  }
  const databasePath = process.env.DATABASE_PATH || './data/palaver.db';
  if (command === 'backup') {
    const { messages, bytes } = await backupDatabase(databasePath, file);
    process.stdout.write(`backed up ${databasePath} to ${file}: ${messages} messages, ${bytes} bytes, integrity ok\n`);
  } else {
    const { messages, kept } = await restoreDatabase(file, databasePath);
    process.stdout.write(
      `restored ${file} to ${databasePath}: ${messages} messages, integrity ok, new identity` +
        (kept ? ` (the previous database is kept as ${kept})` : '') +
        '\n',
    );
  }
}

/**
 * `palaver-server`: starts the Palaver server from the environment (see
 * docs/server.md). SIGTERM and SIGINT stop it gracefully.
 */
async function main(): Promise<void> {
  const [command, file] = process.argv.slice(2);
  if (command === 'backup' || command === 'restore') return operate(command, file);
  if (command !== undefined) {
    process.stderr.write(`palaver-server: unknown command "${command}"\n${USAGE}\n`);
    process.exit(2);
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`palaver-server: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const server = await createPalaverServer(config);
  const { url } = await server.start();
  if (config.demo && process.stdout.isTTY) {
    process.stdout.write(`\nPalaver demo running at ${url}\n\n`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`palaver-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
