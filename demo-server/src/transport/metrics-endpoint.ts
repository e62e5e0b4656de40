import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErrorCode } from '@palaver/protocol';
import type { Metrics } from '../metrics.js';
import { bearerToken, sameSecret } from './auth.js';

/**
 * `/metrics` is not public: it tells anyone how busy the server is and which
 * errors it answers. It is served on the main port only with a token
 * (`METRICS_TOKEN`, sent as `Authorization: Bearer …`), and on its own
 * loopback port (`METRICS_PORT`) for a scraper on the same host. With neither
 * configured it answers 404, as if it did not exist.
 */

function refuse(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  res.statusCode = status;
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error: { code, message } }));
}

/** Serves the Prometheus text when the token (if one is required) matches; answers 401 otherwise. */
export async function serveMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  metrics: Metrics,
  token: string | undefined,
): Promise<void> {
  if (token !== undefined) {
    const given = bearerToken(req.headers.authorization);
    if (given === undefined || !sameSecret(given, token)) {
      refuse(res, 401, 'unauthorized', 'Send the metrics token as Authorization: Bearer <METRICS_TOKEN>.');
      return;
    }
  }
  res.setHeader('Content-Type', metrics.registry.contentType);
  res.end(await metrics.registry.metrics());
}

/** The main port's `/metrics`: with a token, or 404 when none is configured. */
export function metricsRoute(metrics: Metrics, token: string | undefined) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (token === undefined) {
      refuse(res, 404, 'not_found', 'No such endpoint.');
      return;
    }
    await serveMetrics(req, res, metrics, token);
  };
}

/** A listener on 127.0.0.1 that serves `GET /metrics` only (and asks for the token too when one is set). */
export async function listenForMetrics(
  port: number,
  metrics: Metrics,
  token: string | undefined,
  /** Serves the dashboard's paths here too (returns false for any other path). */
  dashboard?: (req: IncomingMessage, res: ServerResponse) => boolean,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (dashboard?.(req, res)) return;
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      refuse(res, 404, 'not_found', 'Only GET /metrics is served here.');
      return;
    }
    serveMetrics(req, res, metrics, token).catch(() => refuse(res, 500, 'internal', 'Metrics failed.'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
