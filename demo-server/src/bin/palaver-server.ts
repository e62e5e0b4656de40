#!/usr/bin/env node
import { ConfigError, loadConfig } from '../config.js';
import { createPalaverServer } from '../server.js';

/**
 * `palaver-server`: starts the Palaver server from the environment (see
 * docs/server.md). SIGTERM and SIGINT stop it gracefully.
 */
async function main(): Promise<void> {
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
