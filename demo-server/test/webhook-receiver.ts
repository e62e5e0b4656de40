/** A real HTTP webhook receiver for tests: records what arrives, checks signatures, answers as told. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const WEBHOOK_SECRET = 'webhook-secret-for-tests-that-is-long-enough';

export interface ReceivedWebhook {
  deliveryId: string;
  event: string;
  signatureValid: boolean;
  body: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
  /** The status this receiver answered. */
  answered: number;
}

/** Whether `Palaver-Signature: t=…,v1=…` matches the body, as a receiver checks it. */
export function checkSignature(header: string | undefined, body: string, secret = WEBHOOK_SECRET): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const [, timestamp, mac] = match as unknown as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
  return fresh && timingSafeEqual(expected, Buffer.from(mac, 'hex'));
}

export interface WebhookReceiver {
  url: string;
  /** Every request, in arrival order (failed attempts included). */
  received: ReceivedWebhook[];
  /** The requests answered 2xx. */
  accepted(): ReceivedWebhook[];
  /** Resolves once `count` requests were accepted. */
  waitForAccepted(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/**
 * Starts a receiver. `answer` decides each request's status from how many
 * attempts of the same delivery id came before (0 for the first); `hang`
 * never answers (a receiver that died mid-request).
 */
export async function startReceiver(
  answer: (attemptsBefore: number) => number | 'hang' = () => 200,
  port = 0,
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const attempts = new Map<string, number>();
  const waiters = new Set<() => void>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const deliveryId = String(req.headers['palaver-delivery-id'] ?? '');
      const before = attempts.get(deliveryId) ?? 0;
      attempts.set(deliveryId, before + 1);
      const status = answer(before);
      if (status === 'hang') return;
      received.push({
        deliveryId,
        event: String(req.headers['palaver-event'] ?? ''),
        signatureValid: checkSignature(req.headers['palaver-signature'] as string | undefined, text),
        body: JSON.parse(text),
        answered: status,
      });
      res.statusCode = status;
      res.end();
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const accepted = () => received.filter((entry) => entry.answered >= 200 && entry.answered < 300);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    accepted,
    waitForAccepted(count, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (accepted().length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(accepted());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${accepted().length} of ${count} webhooks accepted within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
