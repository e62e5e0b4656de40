import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import * as z from 'zod/mini';
import { ChatError } from '../errors.js';
import { signToken } from '../transport/auth.js';
import { parseInput } from '../validation.js';
import { DEMO_PRODUCTS, DEMO_USERS } from './catalog.js';
import type { CaughtMail } from './mail-catcher.js';
import { productImage } from './product-image.js';

/** The demo pages: plain HTML and small modules that use only the public drop-in. */
const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));
/** The embedding examples of the repository's docs, when the server runs from a checkout. */
const EXAMPLES_DIR = fileURLToPath(new URL('../../../docs/examples/', import.meta.url));
const PAGES: Record<string, string> = {
  '/': 'index.html',
  '/messages': 'messages.html',
  '/admin': 'admin.html',
  '/mailbox': 'mailbox.html',
};

/** The built drop-in bundles the demo serves under /assets/ (as a marketplace serves them from its site or a CDN). */
const BUNDLES = ['palaver.js', 'palaver-badge.js', 'palaver-moderation.js'] as const;

function bundlePath(file: (typeof BUNDLES)[number]): string | undefined {
  try {
    const path = createRequire(import.meta.url).resolve(`@palaver/elements/${file}`);
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The demo marketplace's backend at work: it registers its people and its
 * catalogue through the server API, as a real marketplace does, so product
 * conversations open by product id with the cards and suppliers it vouches for.
 */
export async function registerDemoCatalogue(baseUrl: string, apiKey: string): Promise<void> {
  const put = async (path: string, body: unknown) => {
    const response = await fetch(`${baseUrl}/api/server${path}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`registering the demo catalogue: ${path} answered ${response.status}`);
  };
  for (const user of DEMO_USERS) {
    const { name, email, locale } = user;
    await put(`/users/${user.id}`, { name, email, locale, role: user.role === 'admin' ? 'admin' : 'user' });
  }
  for (const { id, title, price, imageUrl, url, supplierId } of DEMO_PRODUCTS) {
    await put(`/products/${id}`, { title, price, imageUrl, url, supplierId });
  }
}

const tokenRequestSchema = z.object({ userId: z.string() });
const mailboxQuerySchema = z.object({ userId: z.string() });

/**
 * Demo-only endpoints (`DEMO=1`): anyone may sign in as a demo user. A real
 * marketplace issues tokens from its own backend instead.
 */
export function mountDemoRoutes(
  app: express.Express,
  jwtSecret: string,
  json: express.RequestHandler,
  /** What the in-process SMTP catcher received (undefined when emails go to a real SMTP_URL). */
  mails?: () => CaughtMail[],
) {
  app.get('/api/demo/users', (_req, res) => {
    res.json({ users: DEMO_USERS });
  });
  app.get('/api/demo/products', (_req, res) => {
    const suppliers = new Map<string, string>(DEMO_USERS.map((user) => [user.id, user.name]));
    res.json({
      products: DEMO_PRODUCTS.map((product) => ({ ...product, supplierName: suppliers.get(product.supplierId) })),
    });
  });
  app.get('/demo/images/:file', (req, res) => {
    const id = req.params.file.replace(/\.svg$/, '');
    if (!DEMO_PRODUCTS.some((product) => product.id === id)) throw new ChatError('not_found', 'No such image.');
    res.type('image/svg+xml').set('cache-control', 'public, max-age=3600').send(productImage(id));
  });
  app.use('/demo', express.static(PUBLIC_DIR, { index: false }));
  if (existsSync(EXAMPLES_DIR)) app.use('/examples', express.static(EXAMPLES_DIR));
  for (const file of BUNDLES) {
    app.get(`/assets/${file}`, (_req, res) => {
      const path = bundlePath(file);
      if (!path) throw new ChatError('not_found', `${file} is not built yet: run \`npm run build\`.`);
      res.type('text/javascript').sendFile(path);
    });
  }
  // The chunks palaver.js imports lazily (./palaver-chunks/<name>-<hash>.js): same directory layout
  // as in the package, so its relative imports resolve here as on any CDN.
  app.get('/assets/palaver-chunks/:file', (req, res) => {
    const entry = bundlePath('palaver.js');
    const file = req.params.file;
    if (!entry || !/^[\w-]+\.js$/.test(file)) throw new ChatError('not_found', 'No such chunk.');
    const path = join(dirname(entry), 'palaver-chunks', file);
    if (!existsSync(path)) throw new ChatError('not_found', 'No such chunk.');
    // Content-hashed names: a chunk never changes, so browsers may keep it.
    res.type('text/javascript').set('cache-control', 'public, max-age=31536000, immutable').sendFile(path);
  });
  for (const [route, file] of Object.entries(PAGES)) {
    app.get(route, (_req, res) => res.sendFile(file, { root: PUBLIC_DIR }));
  }
  app.get('/products/:id', (_req, res) => res.sendFile('product.html', { root: PUBLIC_DIR }));
  // The Mailbox page: what a demo user would have received, newest first.
  app.get('/api/demo/mailbox', (req, res) => {
    const { userId } = parseInput(mailboxQuerySchema, req.query, 'mailbox query');
    const user = DEMO_USERS.find((candidate) => candidate.id === userId);
    if (!user) throw new ChatError('not_found', 'No such demo user.');
    const received = mails?.().filter((mail) => mail.to.includes(user.email)) ?? [];
    res.set('cache-control', 'no-store').json({
      address: user.email,
      catching: mails !== undefined,
      mails: received.reverse().map(({ subject, from, text, html, headers, receivedAt, messageId }) => ({
        subject,
        from,
        text,
        html,
        receivedAt,
        messageId,
        listUnsubscribe: headers['list-unsubscribe'],
      })),
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
