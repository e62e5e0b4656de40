import { ChatError } from '../errors.js';
import { type RateLimiter, SlidingWindowLimiter, type Slot } from './rate-limit.js';

/** Every kind of write that is limited per user. */
export const LIMITED_WRITES = [
  'messages',
  'conversationOpens',
  'edits',
  'deletes',
  'typing',
  'reads',
  'safety',
  'moderation',
  'reactions',
  'uploads',
] as const;
export type LimitedWrite = (typeof LIMITED_WRITES)[number];

/** At most `limit` writes of one kind per user in any `windowMs`. */
export interface LimitSetting {
  limit: number;
  windowMs: number;
}
export type LimitSettings = Record<LimitedWrite, LimitSetting>;

/** One limiter per kind of write, each counting per user id. */
export type Limits = Record<LimitedWrite, RateLimiter>;

/** Makes the limiter of one kind of write: in memory on one node, in Redis on a cluster. */
export type LimiterFactory = (name: LimitedWrite, setting: LimitSetting) => RateLimiter;

const inMemory: LimiterFactory = (_name, { limit, windowMs }) => new SlidingWindowLimiter(limit, windowMs);

export function createLimits(settings: LimitSettings, make: LimiterFactory = inMemory): Limits {
  return Object.fromEntries(LIMITED_WRITES.map((name) => [name, make(name, settings[name])])) as Limits;
}

/** What a refusal tells the user, per kind of write. */
const REFUSALS: Record<LimitedWrite, string> = {
  messages: 'Too many messages; wait a moment.',
  conversationOpens: 'Too many new conversations; wait before starting another one.',
  edits: 'Too many edits; wait a moment.',
  deletes: 'Too many deletions; wait a moment.',
  typing: 'Too many typing events; they are dropped for a moment.',
  reads: 'Too many read updates; wait a moment.',
  safety: 'Too many blocks and reports in a short time; wait a while.',
  moderation: 'Too many moderator actions in a short time; wait a while.',
  reactions: 'Too many reactions; wait a moment.',
  uploads: 'Too many uploads in the last hour; wait a while.',
};

export type TakenSlot = Extract<Slot, { allowed: true }>;

/** Takes one of the user's slots for this kind of write, or refuses with `rate_limited` and when to retry. */
export async function takeSlot(limits: Limits, write: LimitedWrite, userId: string): Promise<TakenSlot> {
  const slot = await limits[write].take(userId);
  if (!slot.allowed) throw rateLimited(write, slot.retryAfterMs);
  return slot;
}

export function rateLimited(write: LimitedWrite, retryAfterMs: number): ChatError {
  return new ChatError('rate_limited', REFUSALS[write], { retryAfterMs });
}

/**
 * A get-or-create under the `conversationOpens` limit: only a call that
 * creates a conversation uses a slot (one that found it gives the slot back),
 * and at the limit the call goes ahead only when the conversation exists —
 * reopening a thread is never refused.
 */
export async function limitedCreate<T extends { created: boolean }>(
  limits: Limits,
  userId: string,
  exists: () => Promise<boolean>,
  open: () => Promise<T>,
): Promise<T> {
  const slot = await limits.conversationOpens.take(userId);
  if (!slot.allowed && !(await exists())) throw rateLimited('conversationOpens', slot.retryAfterMs);
  const opened = await open();
  if (slot.allowed && !opened.created) await slot.giveBack();
  return opened;
}
