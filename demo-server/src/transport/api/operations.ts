import * as z from 'zod/mini';
import type { ExtraPath } from './openapi.js';

/** The answers of the operator's endpoints, as `transport/http.ts` builds them. */
const healthSchema = z.object({
  status: z.enum(['ok', 'error']),
  db: z.enum(['ok', 'error']),
  version: z.string(),
  uptimeS: z.int(),
});

const readySchema = z.object({
  status: z.enum(['ready', 'shutting-down', 'error']),
  db: z.enum(['ok', 'error']),
  redis: z.optional(z.enum(['ok', 'error'])),
});

/** Served outside the route groups: health checks, metrics and this document itself. */
export const OPERATIONS_PATHS: readonly ExtraPath[] = [
  {
    method: 'get',
    path: '/health',
    summary: 'Liveness: the process and its database answer',
    tag: 'Operations',
    response: healthSchema,
  },
  {
    method: 'get',
    path: '/ready',
    summary: 'Readiness for load balancers (503 while shutting down)',
    tag: 'Operations',
    response: readySchema,
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics: Authorization: Bearer <METRICS_TOKEN>; 404 unless METRICS_TOKEN is set',
    tag: 'Operations',
    response: 'text',
  },
  { method: 'get', path: '/dashboard', summary: 'The operator dashboard (HTML)', tag: 'Operations', response: 'text' },
  { method: 'get', path: '/dashboard/app.js', summary: 'The dashboard script', tag: 'Operations', response: 'text' },
  { method: 'get', path: '/dashboard/style.css', summary: 'The dashboard styles', tag: 'Operations', response: 'text' },
  {
    method: 'get',
    path: '/dashboard/uplot.js',
    summary: 'uPlot, the charting library',
    tag: 'Operations',
    response: 'text',
  },
  { method: 'get', path: '/dashboard/uplot.css', summary: 'uPlot styles', tag: 'Operations', response: 'text' },
  {
    method: 'get',
    path: '/dashboard/data',
    summary: "The dashboard's figures: Authorization: Bearer <METRICS_TOKEN>; 404 unless METRICS_TOKEN is set",
    tag: 'Operations',
    response: z.record(z.string(), z.unknown()),
    security: 'metricsToken',
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This document',
    tag: 'Operations',
    response: z.record(z.string(), z.unknown()),
  },
];
