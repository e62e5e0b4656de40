import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { backupDatabase, backupFileName, pruneBackups } from './backup.js';

export interface BackupScheduleOptions {
  databasePath: string;
  dir: string;
  intervalMs: number;
  keep: number;
  logger: Logger;
}

/**
 * Backups every `intervalMs` into `dir`, keeping the `keep` newest. A failed
 * backup is logged and leaves no file; the next one is tried on time.
 */
export function scheduleBackups(options: BackupScheduleOptions): { stop(): Promise<void> } {
  const { logger } = options;
  let running: Promise<void> | undefined;
  const run = async () => {
    const target = join(options.dir, backupFileName(new Date()));
    try {
      const { messages, bytes } = await backupDatabase(options.databasePath, target);
      const removed = pruneBackups(options.dir, options.keep);
      logger.info({ file: target, messages, bytes, removed }, 'backup written and checked');
    } catch (error) {
      logger.error({ err: error, file: target }, 'backup failed');
    }
  };
  const timer = setInterval(() => {
    running ??= run().finally(() => {
      running = undefined;
    });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
