import nodemailer, { type Transporter } from 'nodemailer';
import type { DirectoryStore } from '../db/directory.js';
import type { EmailStore, QueuedEmail } from '../db/emails.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { DigestSnapshot } from './email-digest.js';
import type { EmailLinks } from './email-links.js';
import { renderDigest } from './email-render.js';
import { LeasedQueueWorker } from './leased-queue.js';
import { retryDelayMs } from './webhooks.js';

/** Emails are retried with growing delays for this long, then given up. */
const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000;
/** Emails one node sends at once. */
const CONCURRENCY = 4;

/** The SMTP transport of `SMTP_URL`, each step of an exchange bounded by `timeoutMs` (the lease outlives them). */
export function smtpTransport(url: string, timeoutMs: number): Transporter {
  return nodemailer.createTransport({
    url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
}

export interface EmailDispatcherOptions {
  store: EmailStore;
  directory: DirectoryStore;
  /** A nodemailer SMTP transport (see `smtpTransport`). */
  transport: Pick<Transporter, 'sendMail' | 'close'>;
  from: string;
  links: EmailLinks;
  pollMs: number;
  /** How long finished deliveries are kept (`DELIVERY_RETENTION_DAYS`). */
  retentionMs: number;
  retryBaseMs: number;
  /** The transport's timeout per SMTP step (`EMAIL_TIMEOUT_MS`): leases are sized from it. */
  timeoutMs: number;
  logger: Logger;
  metrics: Metrics;
  now?: () => number;
}

/**
 * Works through the durable email outbox: leases the due digests, reads the
 * recipient again (address, language, preference: an unsubscribe between the
 * burst and the send is honoured), renders and sends each, and records the
 * outcome. An email is marked sent as soon as the SMTP server accepted it, and
 * a sent email is never taken again; the one window left — a crash between
 * the server's "250 OK" and that write — sends it again after the lease, with
 * the same `Message-ID`, so mail systems can tell it is a repeat.
 */
export class EmailDispatcher extends LeasedQueueWorker<QueuedEmail> {
  private readonly now: () => number;
  private readonly domain: string;

  constructor(private readonly options: EmailDispatcherOptions) {
    super({
      pollMs: options.pollMs,
      concurrency: CONCURRENCY,
      logger: options.logger,
      what: 'email',
      retentionMs: options.retentionMs,
      ...(options.now ? { now: options.now } : {}),
    });
    this.now = options.now ?? Date.now;
    this.domain = /@([^>\s]+)/.exec(options.from)?.[1] ?? 'palaver.localhost';
  }

  /** Stops looking for work, waits for the emails under way, and closes the SMTP connections. */
  override async stop(): Promise<void> {
    await super.stop();
    this.options.transport.close();
  }

  protected override claim(free: number): Promise<QueuedEmail[]> {
    const now = this.now();
    // The lease outlives an SMTP exchange whose every step takes its longest (connect, greeting,
    // envelope, data), so no other node takes an email still being sent.
    return this.options.store.claimDue(now, now + this.options.timeoutMs * 4 + 1000, free);
  }

  protected override work(email: QueuedEmail): Promise<void> {
    return this.send(email).catch((error: unknown) =>
      this.options.logger.warn({ err: error, emailId: email.id }, 'email not recorded'),
    );
  }

  protected override prune(before: string): Promise<number> {
    return this.options.store.prune(before);
  }

  protected override async measure(): Promise<void> {
    const counts = await this.options.store.counts();
    for (const [state, count] of Object.entries(counts)) this.options.metrics.emailQueue.set({ state }, count);
  }

  private async send(email: QueuedEmail): Promise<void> {
    const { store, directory, links, metrics, logger } = this.options;
    const at = () => new Date(this.now()).toISOString();
    const user = await directory.user(email.userId);
    const reason = !user?.email || user.erasedAt ? 'no address' : !user.emailNotifications ? 'unsubscribed' : undefined;
    if (!user?.email || reason) {
      await store.markSkipped(email.id, reason ?? 'no address', at());
      metrics.emailAttempts.inc({ outcome: 'skipped' });
      return;
    }
    const snapshot = JSON.parse(email.payload) as DigestSnapshot;
    const unsubscribeUrl = links.unsubscribe(user.id);
    const rendered = renderDigest(snapshot, {
      locale: user.locale,
      recipientName: user.name,
      conversationUrl: (id) => links.conversation(id),
      unsubscribeUrl,
    });
    try {
      const info = await this.options.transport.sendMail({
        from: this.options.from,
        to: user.email,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        // One per outbox row: a repeat after a crash carries the same id.
        messageId: `<${email.id}@${this.domain}>`,
        headers: {
          'List-Unsubscribe': `<${unsubscribeUrl}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          // No out-of-office replies to a notification.
          'Auto-Submitted': 'auto-generated',
        },
      });
      await store.markSent(email.id, at(), String(info.response ?? ''));
      metrics.emailAttempts.inc({ outcome: 'sent' });
      return;
    } catch (failure) {
      const error = failure instanceof Error ? failure.message : String(failure);
      const next = this.now() + retryDelayMs(email.attempts + 1, this.options.retryBaseMs);
      // A 5xx answer (no such mailbox, refused) will not change by asking again.
      const code = (failure as { responseCode?: number }).responseCode;
      const permanent = code !== undefined && code >= 500 && code < 600;
      const giveUp = permanent || next - Date.parse(email.createdAt) > GIVE_UP_AFTER_MS;
      await store.markFailed(email.id, { error, ...(giveUp ? {} : { nextAttemptAt: next }), at: at() });
      metrics.emailAttempts.inc({ outcome: giveUp ? 'failed' : 'retry' });
      if (giveUp) logger.warn({ emailId: email.id, error }, 'email given up');
    }
  }
}
