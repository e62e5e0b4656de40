import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { DashboardSampler } from '../operations/dashboard-samples.js';
import { bearerToken, sameSecret } from './auth.js';

/** The page and its script: served as files, no build step. */
const PAGE_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));
const UPLOT_DIR = join(dirname(createRequire(import.meta.url).resolve('uplot')), '.');

const FILES: Record<string, { file: string; type: string }> = {
  '/dashboard': { file: join(PAGE_DIR, 'index.html'), type: 'text/html' },
  '/dashboard/app.js': { file: join(PAGE_DIR, 'app.js'), type: 'text/javascript' },
  '/dashboard/style.css': { file: join(PAGE_DIR, 'style.css'), type: 'text/css' },
  '/dashboard/uplot.js': { file: join(UPLOT_DIR, 'uPlot.esm.js'), type: 'text/javascript' },
  '/dashboard/uplot.css': { file: join(UPLOT_DIR, 'uPlot.min.css'), type: 'text/css' },
};

export const DASHBOARD_PATHS = [...Object.keys(FILES), '/dashboard/data'];

/**
 * The operator dashboard. The page itself holds nothing secret; its figures
 * (`/dashboard/data`) are protected exactly like `/metrics`: on the main port
 * only with `METRICS_TOKEN` (404 without one), on the loopback metrics port
 * with the token when one is set.
 */
export function dashboardRouter(sampler: DashboardSampler, token: string | undefined, onMainPort: boolean) {
  const router = express.Router();
  for (const [path, { file, type }] of Object.entries(FILES)) {
    router.get(path, (_req, res) => {
      res.type(type).set('cache-control', 'no-cache').sendFile(file);
    });
  }
  router.get('/dashboard/data', async (req, res) => {
    if (token === undefined && onMainPort) {
      res.status(404).json({
        error: { code: 'not_found', message: 'Set METRICS_TOKEN (or use METRICS_PORT) to see the dashboard.' },
      });
      return;
    }
    if (token !== undefined) {
      const given = bearerToken(req.headers.authorization);
      if (given === undefined || !sameSecret(given, token)) {
        res.status(401).json({ error: { code: 'unauthorized', message: 'Send the metrics token as a Bearer token.' } });
        return;
      }
    }
    res.set('cache-control', 'no-store').json(await sampler.data());
  });
  return router;
}

/** For the loopback metrics listener: answers dashboard paths, returns false for anything else. */
export function dashboardHandler(sampler: DashboardSampler, token: string | undefined) {
  const app = express();
  app.disable('x-powered-by');
  app.use(dashboardRouter(sampler, token, false));
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!DASHBOARD_PATHS.includes(path)) return false;
    app(req as express.Request, res as express.Response);
    return true;
  };
}
