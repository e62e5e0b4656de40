import type { Message } from '@palaver/protocol';
import type { EmailToQueue } from '../db/emails.js';
import { newMessageId } from '../db/ids.js';
import type { AwayCandidate, NotificationStore } from '../db/notifications.js';
import type { RecordedEvent } from '../db/webhooks.js';
import type { Logger } from '../logger.js';

/** Messages quoted per conversation in a notification (the newest ones). */
const QUOTED = 5;
/** Candidates looked at per pass; the rest wait for the next one. */
const PER_PASS = 500;

export interface AwayNotifierOptions {
  store: NotificationStore;
  /** Whether the user has a socket open anywhere (the cluster's presence on a cluster). */
  isOnline(userId: string): Promise<boolean>;
  /** Messages count as unread "while away" once this old, with their reader gone at least as long. */
  afterMs: number;
  /** How often to look. */
  scanMs: number;
  /** The digest's email, queued in the same transaction (`SMTP_URL`); undefined: this one gets none. */
  composeEmail?: (digest: AwayDigest, at: string) => Promise<EmailToQueue | undefined>;
  logger: Logger;
  now?: () => number;
}

/** What a `message.unread` event says: everything one user has not read, by conversation. */
export interface AwayDigest {
  userId: string;
  totalUnread: number;
  conversations: Array<{ conversationId: string; unreadCount: number; lastSeq: number; latest: Message[] }>;
}

/**
 * "Unread while away": looks every `scanMs` for people with messages they
 * have not read for `afterMs`, who have had no socket open for as long, and
 * who were not told yet. Each gets one `message.unread` event (one per
 * burst: everything unread at that moment, whatever the number of messages
 * and conversations); marking the burst notified and recording the event are
 * one transaction, and only one node can mark it, so nobody is told twice.
 * With email digests on, the digest's email is queued in that transaction
 * too: one email per burst, never two, never lost.
 */
export class AwayNotifier {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly options: AwayNotifierOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.pass()
        .then(() => undefined)
        .catch((error: unknown) => this.options.logger.warn({ err: error }, 'unread-while-away pass failed'))
        .finally(() => {
          this.running = undefined;
        });
    }, this.options.scanMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One look: returns the digests it recorded. */
  async pass(): Promise<AwayDigest[]> {
    const { store } = this.options;
    const cutoff = new Date(this.now() - this.options.afterMs).toISOString();
    const byUser = new Map<string, AwayCandidate[]>();
    for (const candidate of await store.awayCandidates(cutoff, PER_PASS)) {
      const list = byUser.get(candidate.userId) ?? [];
      list.push(candidate);
      byUser.set(candidate.userId, list);
    }
    const told: AwayDigest[] = [];
    for (const [userId, candidates] of byUser) {
      if (this.stopped) break;
      if (await this.options.isOnline(userId)) continue;
      const digest: AwayDigest = {
        userId,
        totalUnread: candidates.reduce((sum, c) => sum + c.unreadCount, 0),
        conversations: [],
      };
      for (const candidate of candidates) {
        digest.conversations.push({
          conversationId: candidate.conversationId,
          unreadCount: candidate.unreadCount,
          lastSeq: candidate.lastSeq,
          latest: await store.messagesAfter(candidate.conversationId, candidate.lastReadSeq, QUOTED),
        });
      }
      const at = new Date(this.now()).toISOString();
      const email = await this.options.composeEmail?.(digest, at);
      // The event is written only where webhooks are configured (the store's recorder decides).
      if (await store.markNotified(candidates, unreadEvent(digest, at), email)) {
        told.push(digest);
      }
    }
    return told;
  }
}

function unreadEvent(digest: AwayDigest, at: string): RecordedEvent {
  const id = newMessageId();
  return {
    id,
    type: 'message.unread',
    createdAt: at,
    payload: JSON.stringify({ id, type: 'message.unread', createdAt: at, data: digest }),
  };
}
