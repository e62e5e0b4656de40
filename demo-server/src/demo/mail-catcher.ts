import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One email as the catcher received and parsed it. */
export interface CaughtMail {
  /** Envelope recipients (RCPT TO), lower-case. */
  to: string[];
  from: string;
  subject: string;
  messageId: string | undefined;
  text: string;
  html: string | undefined;
  /** Every header, names lower-case, values as sent (unfolded). */
  headers: Record<string, string>;
  receivedAt: string;
}

export interface MailCatcher {
  /** `smtp://127.0.0.1:<port>` — what SMTP_URL points to. */
  readonly url: string;
  readonly port: number;
  /** What arrived, oldest first. */
  mails(): CaughtMail[];
  close(): Promise<void>;
}

/** The catcher keeps at most this many emails (the oldest go first): a demo runs for days. */
const KEPT = 500;

/**
 * A real SMTP server on loopback that keeps what it receives in memory,
 * parsed: the demo's mailbox ("what each user would have received") and the
 * tests' receiving end. It accepts any sender and recipient, without
 * authentication or TLS — loopback only, never a relay.
 */
export async function startMailCatcher(port = 0): Promise<MailCatcher> {
  const caught: CaughtMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 5 * 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const headers: Record<string, string> = {};
          for (const { key, line } of parsed.headerLines) {
            headers[key] = line
              .slice(line.indexOf(':') + 1)
              .replace(/\r?\n[ \t]+/g, ' ')
              .trim();
          }
          caught.push({
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
            from: parsed.from?.text ?? '',
            subject: parsed.subject ?? '',
            messageId: parsed.messageId,
            text: parsed.text ?? '',
            html: parsed.html || undefined,
            headers,
            receivedAt: new Date().toISOString(),
          });
          if (caught.length > KEPT) caught.shift();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${bound}`,
    port: bound,
    mails: () => [...caught],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
