import type { CreateReportInput, Report } from '@palaver/protocol';
import { atom, type WritableAtom } from 'nanostores';
import type { Connection } from '../connection/connection.js';

export interface Safety {
  /** Whom the user blocked: loaded on every connection, changed by `block` / `unblock` (emptied on logout). */
  readonly $blocked: WritableAtom<string[]>;
  block(userId: string): Promise<void>;
  unblock(userId: string): Promise<void>;
  report(input: CreateReportInput): Promise<Report>;
}

/**
 * Block and report. Both need the server (no outbox): offline they reject
 * with `offline` and the user tries again. The list of blocks is the server's,
 * reloaded on each connection (another tab or device may have changed it).
 * (Written small, and spread into the client as it is: it is in every
 * bundle, the badge's included.)
 */
export function createSafety(connection: Connection): Safety {
  const $blocked = atom<string[]>([]);
  const change = (event: 'user:block' | 'user:unblock') => async (userId: string) => {
    await connection.request(event, { userId });
    const others = $blocked.get().filter((id) => id !== userId);
    $blocked.set(event === 'user:block' ? [...others, userId] : others);
  };
  connection.connected.listen(() => {
    connection.request('user:blocks', {}).then(
      ({ userIds }) => $blocked.set(userIds),
      // Safe to drop: the list loads again with the next connection, and `block` keeps it in step.
      () => undefined,
    );
  });
  return {
    $blocked,
    block: change('user:block'),
    unblock: change('user:unblock'),
    report: async (input) => (await connection.request('report:create', input)).report,
  };
}
