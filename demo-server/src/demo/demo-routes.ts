import type express from 'express';
import * as z from 'zod/mini';
import { signToken } from '../auth.js';
import type { ChatStore } from '../db/chat-store.js';
import { ChatError } from '../errors.js';
import { parseInput } from '../validation.js';
import { DEMO_PRODUCTS, DEMO_USERS } from './catalog.js';

/** Seeds the demo people so suppliers and admins exist before they first sign in. */
export function seedDemo(store: ChatStore): void {
  for (const user of DEMO_USERS) {
    store.rememberUser({ id: user.id, name: user.name, isAdmin: user.role === 'admin' });
  }
}

const tokenRequestSchema = z.object({ userId: z.string() });

/**
 * Demo-only endpoints (`DEMO=1`): anyone may sign in as a demo user. A real
 * marketplace issues tokens from its own backend instead.
 */
export function mountDemoRoutes(
  app: express.Express,
  store: ChatStore,
  jwtSecret: string,
  json: express.RequestHandler,
) {
  seedDemo(store);
  app.get('/api/demo/users', (_req, res) => {
    res.json({ users: DEMO_USERS });
  });
  app.get('/api/demo/products', (_req, res) => {
    const suppliers = new Map<string, string>(DEMO_USERS.map((user) => [user.id, user.name]));
    res.json({
      products: DEMO_PRODUCTS.map((product) => ({ ...product, supplierName: suppliers.get(product.supplierId) })),
    });
  });
  app.post('/api/demo/token', json, async (req, res) => {
    const { userId } = parseInput(tokenRequestSchema, req.body, 'token request');
    const user = DEMO_USERS.find((candidate) => candidate.id === userId);
    if (!user) throw new ChatError('not_found', 'No such demo user.');
    const token = await signToken(jwtSecret, { id: user.id, name: user.name, admin: user.role === 'admin' });
    res.json({ token, user });
  });
}
