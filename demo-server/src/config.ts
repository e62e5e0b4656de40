import { createHmac, randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { LIMITS } from '@palaver/protocol';
import { z } from 'zod';
import type { LimitSettings } from './service/limits.js';

/** Everything the server reads from its environment, validated at start. */
export interface ServerConfig {
  port: number;
  host: string;
  /** HS256 shared secret; generated when `DEMO=1` and none is given. */
  jwtSecret: string;
  /** True when the secret was generated for the demo (it changes at each start). */
  jwtSecretGenerated: boolean;
  databasePath: string;
  /** `postgres://…`: the PostgreSQL store (several nodes may share it) instead of the SQLite file. */
  databaseUrl: string | undefined;
  /** Connections of this node's PostgreSQL pool. */
  databasePoolSize: number;
  /** `redis://…`: what the nodes of a cluster share (fan-out, presence, rate limits). */
  redisUrl: string | undefined;
  /** Starts every Redis key and channel of this cluster, so several clusters can share one Redis. */
  redisPrefix: string;
  /** `NORMAL` or `FULL`: how hard SQLite syncs each commit before the ack goes out. */
  databaseSynchronous: 'NORMAL' | 'FULL';
  corsOrigins: string[];
  demo: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  messageMaxLength: number;
  rateLimitMessages: number;
  /** The window of the message rate limit, in ms (one minute by default). */
  rateLimitWindowMs: number;
  /** Every per-user write limit (messages included), each with its window. */
  rateLimits: LimitSettings;
  /** `Bearer` token that `/metrics` on the main port asks for; without it (and without a metrics port) /metrics is 404. */
  metricsToken: string | undefined;
  /** A second listener on 127.0.0.1 that serves only /metrics, for a scraper on the same host. */
  metricsPort: number | undefined;
  /** How long a user stays "online" after their last socket left (page reloads, flaky networks). */
  presenceGraceMs: number;
  /** How long a "typing" state lasts without being renewed. */
  typingTimeoutMs: number;
  /** Under load, sends are committed at most this often, so that more of them share a transaction. */
  groupCommitWindowMs: number;
  /** The largest request or socket frame accepted, in bytes. */
  maxPayloadBytes: number;
  /** The marketplace backend's key for `/api/server/*`; the server API is closed without it. */
  apiKey: string | undefined;
  /** Development only: accept product cards and suppliers as the browser describes them. */
  allowClientProducts: boolean;
  /** Where webhook events are POSTed (none: no webhooks, and no events are recorded). */
  webhookUrls: string[];
  webhookSecret: string | undefined;
  webhookTimeoutMs: number;
  webhookRetryBaseMs: number;
  webhookPollMs: number;
  /** How long delivered, given-up and skipped webhooks and emails are kept (`DELIVERY_RETENTION_DAYS`). */
  deliveryRetentionMs: number;
  /** Contact details hidden from the other side of product conversations (`CONTACT_MASKING=mask`). */
  contactMasking: { region: string; allowDomains: string[] } | undefined;
  /** Unread messages count as "unread while away" once this old (message.unread webhook). */
  notifyAfterMs: number;
  /** How often to look for them. */
  notifyScanMs: number;
  /** Email digests of unread messages (`SMTP_URL`, or the demo's own catcher); none without. */
  email: EmailSettings | undefined;
  /** How often the dashboard samples this node. */
  dashboardSampleMs: number;
  /** Scheduled backups of the SQLite database go here (none without it). */
  backupDir: string | undefined;
  backupIntervalMs: number;
  backupKeep: number;
  /** Uploads: where they are kept, how big they may be, how their links are signed. */
  attachments: AttachmentSettings;
}

export interface AttachmentSettings {
  /** Largest upload in bytes (`ATTACHMENT_MAX_BYTES`). */
  maxBytes: number;
  /** Bytes one user may upload in any 24 hours (`ATTACHMENT_QUOTA_BYTES`). */
  quotaBytesPerDay: number;
  /** The key of signed download addresses: `ATTACHMENT_URL_SECRET`, or derived from `JWT_SECRET`. */
  urlSecret: string;
  /** Where download addresses point: PUBLIC_URL, or paths on this server when unset. */
  publicUrl: string | undefined;
  storage: { kind: 'disk'; dir: string } | { kind: 's3'; s3: S3Settings };
}

export interface S3Settings {
  bucket: string;
  endpoint: string | undefined;
  region: string;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  /** `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key` (MinIO, s3rver, most self-hosted). */
  forcePathStyle: boolean;
}

export interface EmailSettings {
  /** `smtp://` or `smtps://`; undefined in the demo: its in-process catcher is used. */
  smtpUrl: string | undefined;
  /** The From header, e.g. `Shop <notifications@shop.example>`. */
  from: string;
  /** Where this server is reached from outside (unsubscribe links); the demo uses its listening address. */
  publicUrl: string | undefined;
  /** The link back to a conversation: `{conversationId}` is replaced; by default PUBLIC_URL + `/messages?conversation=…`. */
  conversationUrl: string | undefined;
  retryBaseMs: number;
  pollMs: number;
  /** The longest each step of an SMTP exchange (connect, greeting, each command) may take. */
  timeoutMs: number;
}

/** What the link back holds in its place, URL-encoded. */
export const CONVERSATION_PLACEHOLDER = '{conversationId}';

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** A number of minutes, decimals allowed (0.5), up to a week. */
const minutes = (min: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number of minutes, e.g. 10 or 0.5')
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min)
        .max(7 * 24 * 60),
    );

/** `a, b,c` → `['a', 'b', 'c']` (empty items dropped). */
const commaList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const origin = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
    } catch {
      return false;
    }
  }, 'each origin must look like https://shop.example.com (scheme, host, optional port, no path)');

const envSchema = z.object({
  PORT: integer(0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters long').optional(),
  DATABASE_PATH: z.string().min(1).default('./data/palaver.db'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a PostgreSQL URL: postgres://user:password@host:5432/database')
    .optional(),
  DATABASE_POOL_SIZE: integer(1, 1000).default(20),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a Redis URL: redis://host:6379 (rediss:// for TLS)')
    .optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, "_", "." or "-" (at most 64)')
    .default('palaver'),
  DB_SYNCHRONOUS: z.enum(['NORMAL', 'FULL']).default('FULL'),
  CORS_ORIGIN: commaList.pipe(z.array(origin)),
  DEMO: z.enum(['0', '1', '']).default('0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MESSAGE_MAX_LENGTH: integer(1, 100_000).default(LIMITS.messageMaxLength),
  RATE_LIMIT_MESSAGES: integer(1, 1_000_000).default(LIMITS.rateLimitMessagesPerMinute),
  RATE_LIMIT_WINDOW_MS: integer(1000, 3_600_000).default(60_000),
  RATE_LIMIT_OPENS: integer(1, 1_000_000).default(LIMITS.rateLimitConversationOpensPerHour),
  RATE_LIMIT_OPENS_WINDOW_MS: integer(1000, 86_400_000).default(3_600_000),
  RATE_LIMIT_EDITS: integer(1, 1_000_000).default(LIMITS.rateLimitEditsPerMinute),
  RATE_LIMIT_REACTIONS: integer(1, 1_000_000).default(LIMITS.rateLimitReactionsPerMinute),
  RATE_LIMIT_DELETES: integer(1, 1_000_000).default(LIMITS.rateLimitDeletesPerMinute),
  RATE_LIMIT_TYPING: integer(1, 1_000_000).default(LIMITS.rateLimitTypingPerMinute),
  RATE_LIMIT_READS: integer(1, 1_000_000).default(LIMITS.rateLimitReadsPerMinute),
  RATE_LIMIT_SAFETY: integer(1, 1_000_000).default(LIMITS.rateLimitSafetyPerHour),
  RATE_LIMIT_MODERATION: integer(1, 1_000_000).default(LIMITS.rateLimitModerationPerHour),
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,512}$/, 'at least 16 printable characters without spaces (a random string)')
    .optional(),
  METRICS_PORT: integer(1, 65535).optional(),
  PRESENCE_GRACE_MS: integer(0, 600_000).default(3000),
  TYPING_TIMEOUT_MS: integer(100, 600_000).default(6000),
  GROUP_COMMIT_WINDOW_MS: integer(0, 100).default(2),
  PALAVER_API_KEY: z.string().min(32, 'must be at least 32 characters long').optional(),
  ALLOW_CLIENT_PRODUCTS: z.enum(['0', '1']).default('0'),
  WEBHOOK_URL: commaList.pipe(z.array(z.url({ protocol: /^https?$/, error: 'each URL must be http(s)://…' }))),
  WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters long').optional(),
  WEBHOOK_TIMEOUT_MS: integer(100, 120_000).default(10_000),
  WEBHOOK_RETRY_BASE_MS: integer(10, 3_600_000).default(5000),
  WEBHOOK_POLL_MS: integer(10, 60_000).default(250),
  CONTACT_MASKING: z.enum(['off', 'mask']).optional(),
  CONTACT_MASKING_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as FR or GB')
    .default('FR'),
  CONTACT_MASKING_ALLOW: commaList,
  NOTIFY_AFTER_MINUTES: minutes(0).default(10),
  NOTIFY_SCAN_MS: integer(50, 3_600_000).default(30_000),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, 'must be an SMTP URL: smtp://user:password@host:587 (smtps:// for TLS from the start)')
    .optional(),
  EMAIL_FROM: z
    .string()
    .regex(/^[^\r\n]*@[^\r\n]*$/, 'must be an address, e.g. "Shop <notifications@shop.example>"')
    .optional(),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be http(s)://… (where this server is reached)' }).optional(),
  EMAIL_CONVERSATION_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .refine((value) => value.includes(CONVERSATION_PLACEHOLDER), `must contain ${CONVERSATION_PLACEHOLDER}`)
    .optional(),
  EMAIL_RETRY_BASE_MS: integer(10, 3_600_000).default(30_000),
  EMAIL_POLL_MS: integer(10, 60_000).default(1000),
  EMAIL_TIMEOUT_MS: integer(100, 300_000).default(30_000),
  DELIVERY_RETENTION_DAYS: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number of days between 0.00001 and 3650 (decimals allowed)')
    .transform(Number)
    .pipe(z.number().min(0.00001).max(3650))
    .default(7),
  DASHBOARD_SAMPLE_MS: integer(100, 600_000).default(5000),
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_INTERVAL_MINUTES: minutes(0.001).default(60),
  BACKUP_KEEP: integer(1, 10_000).default(7),
  ATTACHMENT_MAX_BYTES: integer(1, 2 ** 40).default(LIMITS.attachmentMaxBytes),
  ATTACHMENT_QUOTA_BYTES: integer(1, 2 ** 50).default(LIMITS.attachmentQuotaBytesPerDay),
  RATE_LIMIT_UPLOADS: integer(1, 1_000_000).default(LIMITS.rateLimitUploadsPerHour),
  ATTACHMENT_URL_SECRET: z.string().min(32, 'must be at least 32 characters long').optional(),
  ATTACHMENT_STORAGE: z.enum(['disk', 's3']).default('disk'),
  ATTACHMENT_DIR: z.string().min(1).optional(),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name (3-63 lowercase letters, digits, "." or "-")')
    .optional(),
  S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be http(s)://… (the S3-compatible service)' }).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z.enum(['0', '1']).default('0'),
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads the configuration from an environment. A bad value throws a
 * `ConfigError` whose message names every variable at fault.
 */
export function loadConfig(env: Record<string, string | undefined>): ServerConfig {
  // Empty strings are treated as unset so `PORT= palaver-server` falls back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const values = parsed.data;
  const demo = values.DEMO === '1';
  if (!values.JWT_SECRET && !demo) {
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET: required (at least 32 characters) unless DEMO=1');
  }
  if (values.REDIS_URL && !values.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  REDIS_URL: a cluster needs DATABASE_URL too (several nodes cannot share a SQLite file)',
    );
  }
  if (values.WEBHOOK_URL.length > 0 && !values.WEBHOOK_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  WEBHOOK_SECRET: required with WEBHOOK_URL (at least 32 characters; receivers check signatures with it)',
    );
  }
  if (values.BACKUP_DIR && values.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  BACKUP_DIR: scheduled backups are for the SQLite file; back PostgreSQL up with pg_dump (docs/deployment.md)',
    );
  }
  if (values.SMTP_URL && !demo && (!values.EMAIL_FROM || !values.PUBLIC_URL)) {
    throw new ConfigError(
      'Invalid configuration:\n  SMTP_URL: needs EMAIL_FROM (the sender address) and PUBLIC_URL (where this server is reached, for unsubscribe links)',
    );
  }
  if (values.ATTACHMENT_STORAGE === 's3' && !values.S3_BUCKET) {
    throw new ConfigError('Invalid configuration:\n  S3_BUCKET: required with ATTACHMENT_STORAGE=s3');
  }
  const jwtSecret = values.JWT_SECRET ?? randomBytes(32).toString('base64url');
  const messageMaxLength = values.MESSAGE_MAX_LENGTH;
  const perWindow = (limit: number, windowMs = values.RATE_LIMIT_WINDOW_MS) => ({ limit, windowMs });
  return {
    port: values.PORT,
    host: values.HOST,
    jwtSecret,
    jwtSecretGenerated: !values.JWT_SECRET,
    databasePath: values.DATABASE_PATH,
    databaseUrl: values.DATABASE_URL,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    redisUrl: values.REDIS_URL,
    redisPrefix: values.REDIS_PREFIX,
    databaseSynchronous: values.DB_SYNCHRONOUS,
    corsOrigins: values.CORS_ORIGIN,
    demo,
    logLevel: values.LOG_LEVEL,
    messageMaxLength,
    rateLimitMessages: values.RATE_LIMIT_MESSAGES,
    rateLimitWindowMs: values.RATE_LIMIT_WINDOW_MS,
    rateLimits: {
      messages: perWindow(values.RATE_LIMIT_MESSAGES),
      conversationOpens: perWindow(values.RATE_LIMIT_OPENS, values.RATE_LIMIT_OPENS_WINDOW_MS),
      edits: perWindow(values.RATE_LIMIT_EDITS),
      deletes: perWindow(values.RATE_LIMIT_DELETES),
      typing: perWindow(values.RATE_LIMIT_TYPING),
      reads: perWindow(values.RATE_LIMIT_READS),
      safety: perWindow(values.RATE_LIMIT_SAFETY, 3_600_000),
      uploads: perWindow(values.RATE_LIMIT_UPLOADS, 3_600_000),
      moderation: perWindow(values.RATE_LIMIT_MODERATION, 3_600_000),
      reactions: perWindow(values.RATE_LIMIT_REACTIONS),
    },
    metricsToken: values.METRICS_TOKEN,
    metricsPort: values.METRICS_PORT,
    presenceGraceMs: values.PRESENCE_GRACE_MS,
    typingTimeoutMs: values.TYPING_TIMEOUT_MS,
    groupCommitWindowMs: values.GROUP_COMMIT_WINDOW_MS,
    // Room for the longest message in 4-byte characters plus the envelope.
    maxPayloadBytes: Math.max(64 * 1024, messageMaxLength * 4 + 16 * 1024),
    // The demo registers its catalogue through the server API, so it needs a key even when none is given.
    apiKey: values.PALAVER_API_KEY ?? (demo ? randomBytes(32).toString('base64url') : undefined),
    allowClientProducts: values.ALLOW_CLIENT_PRODUCTS === '1',
    webhookUrls: values.WEBHOOK_URL,
    webhookSecret: values.WEBHOOK_SECRET,
    webhookTimeoutMs: values.WEBHOOK_TIMEOUT_MS,
    webhookRetryBaseMs: values.WEBHOOK_RETRY_BASE_MS,
    webhookPollMs: values.WEBHOOK_POLL_MS,
    deliveryRetentionMs: Math.round(values.DELIVERY_RETENTION_DAYS * 86_400_000),
    // The demo shows masking at work unless told otherwise; elsewhere it is off by default.
    contactMasking:
      (values.CONTACT_MASKING ?? (demo ? 'mask' : 'off')) === 'mask'
        ? { region: values.CONTACT_MASKING_REGION, allowDomains: values.CONTACT_MASKING_ALLOW }
        : undefined,
    notifyAfterMs: Math.round(values.NOTIFY_AFTER_MINUTES * 60_000),
    notifyScanMs: values.NOTIFY_SCAN_MS,
    // The demo always sends (to its own catcher unless SMTP_URL is set), to show what people would receive.
    email:
      values.SMTP_URL || demo
        ? {
            smtpUrl: values.SMTP_URL,
            from: values.EMAIL_FROM ?? 'Palaver demo <notifications@palaver.localhost>',
            publicUrl: values.PUBLIC_URL?.replace(/\/+$/, ''),
            conversationUrl: values.EMAIL_CONVERSATION_URL,
            retryBaseMs: values.EMAIL_RETRY_BASE_MS,
            pollMs: values.EMAIL_POLL_MS,
            timeoutMs: values.EMAIL_TIMEOUT_MS,
          }
        : undefined,
    dashboardSampleMs: values.DASHBOARD_SAMPLE_MS,
    backupDir: values.BACKUP_DIR,
    backupIntervalMs: Math.round(values.BACKUP_INTERVAL_MINUTES * 60_000),
    backupKeep: values.BACKUP_KEEP,
    attachments: {
      maxBytes: values.ATTACHMENT_MAX_BYTES,
      quotaBytesPerDay: values.ATTACHMENT_QUOTA_BYTES,
      // A key of its own, so a leaked download link says nothing about the token secret (and vice versa).
      urlSecret: values.ATTACHMENT_URL_SECRET ?? deriveKey(jwtSecret, 'palaver attachment links'),
      publicUrl: values.PUBLIC_URL?.replace(/\/+$/, ''),
      storage:
        values.ATTACHMENT_STORAGE === 's3'
          ? {
              kind: 's3',
              s3: {
                bucket: values.S3_BUCKET as string,
                endpoint: values.S3_ENDPOINT,
                region: values.S3_REGION,
                accessKeyId: values.S3_ACCESS_KEY_ID,
                secretAccessKey: values.S3_SECRET_ACCESS_KEY,
                forcePathStyle: values.S3_FORCE_PATH_STYLE === '1',
              },
            }
          : { kind: 'disk', dir: values.ATTACHMENT_DIR ?? defaultAttachmentDir(values.DATABASE_PATH) },
    },
  };
}

/** A key for one purpose, derived from a secret that serves another (HMAC with a label). */
function deriveKey(secret: string, label: string): string {
  return createHmac('sha256', secret).update(label).digest('base64url');
}

/** Beside the SQLite file (`./data/attachments`); in the working folder when the database is in memory. */
function defaultAttachmentDir(databasePath: string): string {
  return databasePath === ':memory:' ? join('.', 'data', 'attachments') : join(dirname(databasePath), 'attachments');
}
