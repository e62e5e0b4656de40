import type { PresenceEvent } from '@palaver/protocol';

/**
 * Who is online. A node tells it when a socket of a user connects or closes;
 * it announces (through its callback) when a user comes online or goes
 * offline — in memory for one node, in Redis for a cluster
 * (cluster/presence.ts).
 */
export interface Presence {
  connected(userId: string): void;
  /** Returns true when this was the user's last socket on this node. */
  disconnected(userId: string): boolean;
  isOnline(userId: string): Promise<boolean>;
  /** Stops its timers; a node shutting down announces nothing itself. */
  dispose(): Promise<void>;
}

/**
 * Counts each user's open sockets. A user goes online with their first socket
 * and offline `graceMs` after their last one closed, so a page reload or a
 * brief network drop does not flash "offline" to everyone they talk to.
 */
export class LocalPresence implements Presence {
  private readonly sockets = new Map<string, number>();
  private readonly leaving = new Map<string, NodeJS.Timeout>();
  private disposed = false;

  constructor(
    private readonly graceMs: number,
    private readonly announce: (userId: string, event: PresenceEvent) => void,
  ) {}

  connected(userId: string): void {
    const count = this.sockets.get(userId) ?? 0;
    this.sockets.set(userId, count + 1);
    const pending = this.leaving.get(userId);
    if (pending) {
      clearTimeout(pending);
      this.leaving.delete(userId);
      return; // never announced as offline: nothing to say
    }
    if (count === 0) this.announce(userId, { userId, online: true });
  }

  /** Returns true when this was the user's last socket. */
  disconnected(userId: string): boolean {
    const count = (this.sockets.get(userId) ?? 1) - 1;
    if (count > 0) {
      this.sockets.set(userId, count);
      return false;
    }
    this.sockets.delete(userId);
    if (this.disposed) return true; // shutting down: nobody is left to tell
    const timer = setTimeout(() => {
      this.leaving.delete(userId);
      this.announce(userId, { userId, online: false, lastSeenAt: new Date().toISOString() });
    }, this.graceMs);
    timer.unref();
    this.leaving.set(userId, timer);
    return true;
  }

  async isOnline(userId: string): Promise<boolean> {
    return this.sockets.has(userId) || this.leaving.has(userId);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const timer of this.leaving.values()) clearTimeout(timer);
    this.leaving.clear();
  }
}
