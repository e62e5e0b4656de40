import type { ChatUser, RevocationResult, SessionEndedEvent } from '@palaver/protocol';
import type { ChatStore } from '../db/store.js';
import { ChatError } from '../errors.js';
import type { Outcome } from './notices.js';

/** A verified token: whom it names and when it was issued and ends (ms since the epoch). */
export interface Session {
  user: ChatUser;
  expiresAt: number;
  /** From `iat`; undefined when the token has none. */
  issuedAt: number | undefined;
}

const REVOKED = 'This token was revoked; sign in again to get a new one.';

/** What a suspended user's sockets are told before they close, and their connections are refused with. */
export const SUSPENDED: SessionEndedEvent = {
  code: 'suspended',
  message: 'This account is suspended by the marketplace.',
};

/** What the sockets of a revoked user are told before they close. */
export const SESSION_REVOKED: SessionEndedEvent = { code: 'unauthorized', message: REVOKED };

/**
 * Who may hold a session: a token that passed the signature and expiry checks
 * (transport/auth.ts) is still refused when its user's sessions were revoked
 * after it was issued. Revoking also ends every live socket of the user, on
 * every node (the `end-sessions` notice).
 */
export class SessionService {
  constructor(
    private readonly store: ChatStore,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Admits a verified token (records its user as it describes them) or refuses it as revoked. */
  async admit(session: Session): Promise<Session> {
    if (await this.revoked(session)) throw new ChatError('unauthorized', REVOKED);
    if (await this.store.moderation.isSuspended(session.user.id)) throw new ChatError('suspended', SUSPENDED.message);
    await this.store.rememberUser(session.user);
    return session;
  }

  /**
   * Whether the user's sessions were revoked after this token was issued. `iat`
   * counts whole seconds, so a token issued in the second of a revocation is
   * refused too (the safe side); a token without `iat` is refused once its user
   * was ever revoked, since nothing shows it is newer.
   */
  async revoked({ user, issuedAt }: Session): Promise<boolean> {
    const before = await this.store.revokedBefore(user.id);
    return before !== undefined && (issuedAt === undefined || issuedAt < before);
  }

  /** Refuses the user's current tokens from now on, and closes all their sockets. */
  async revoke(userId: string): Promise<Outcome<RevocationResult>> {
    const before = await this.store.revokeSessions(userId, this.clock());
    return {
      result: { userId, revokedBefore: new Date(before).toISOString() },
      notices: [{ to: 'end-sessions', userId, event: SESSION_REVOKED }],
    };
  }
}
