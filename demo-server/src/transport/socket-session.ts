import type { AuthRefreshResult, SessionEndedEvent } from '@palaver/protocol';
import { ChatError } from '../errors.js';
import type { Session } from '../service/sessions.js';
import type { PalaverSocket } from './sockets.js';

/** setTimeout's longest delay; a token that lives longer is waited for in steps. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** Checks a token (signature, expiry, revocation) and records its user. */
export type Authenticate = (token: unknown) => Promise<Session>;

/**
 * One socket's session: it lasts as long as its token. When the token expires
 * the socket is told (`session:ended`, `token_expired`) and closed — unless the
 * client sent a fresh token first (`auth:refresh`), which moves the end to the
 * new token's `exp`. Events that arrive after the end (before the timer fired)
 * are refused as `token_expired` too.
 */
export class SocketSession {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly socket: PalaverSocket,
    private expiresAt: number,
    private readonly authenticate: Authenticate,
    private readonly clock: () => number = Date.now,
  ) {
    this.arm();
    socket.once('disconnect', () => clearTimeout(this.timer));
  }

  get expired(): boolean {
    return this.clock() >= this.expiresAt;
  }

  /** Tells the socket why, then closes it (the reason goes out first: one connection, in order). */
  end(event: SessionEndedEvent): void {
    clearTimeout(this.timer);
    if (!this.socket.connected) return;
    this.socket.emit('session:ended', event);
    this.socket.disconnect(true);
  }

  /**
   * Carries the session on with a fresh token: valid, not revoked, for the same
   * user with the same role (a role change changes which rooms the socket is
   * in: that takes a new connection). The user's name and avatar follow it.
   */
  async refresh(token: string): Promise<AuthRefreshResult> {
    const next = await this.authenticate(token);
    const { user } = this.socket.data;
    if (next.user.id !== user.id) {
      throw new ChatError('forbidden', 'The new token is for another user; connect again to switch users.');
    }
    if (next.user.isAdmin !== user.isAdmin) {
      throw new ChatError('forbidden', 'The new token changes the role; connect again to change roles.');
    }
    this.socket.data.user = next.user;
    this.expiresAt = next.expiresAt;
    this.arm();
    return { expiresAt: new Date(next.expiresAt).toISOString() };
  }

  private arm(): void {
    clearTimeout(this.timer);
    const wait = Math.min(LONGEST_TIMER_MS, Math.max(0, this.expiresAt - this.clock()));
    this.timer = setTimeout(() => {
      if (this.expired) this.end({ code: 'token_expired', message: 'The token has expired.' });
      else this.arm();
    }, wait);
    this.timer.unref?.();
  }
}
