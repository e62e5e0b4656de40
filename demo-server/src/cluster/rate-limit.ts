import type { Redis } from 'ioredis';
import type { RateLimiter, Slot } from '../service/rate-limit.js';
import type { ClusterLink } from './redis.js';

/**
 * The same sliding window as the in-memory limiter (at most `limit` events in
 * any `windowMs`, no burst of twice the limit at a window edge), counted in
 * Redis so every node of a cluster sees the same slots: a sorted set of event
 * times per key, trimmed, counted and added to in one script (atomic), timed
 * by Redis' own clock so nodes whose clocks differ still agree.
 *
 * (rate-limiter-flexible's Redis limiter counts fixed windows, which let twice
 * the limit through around a window's edge; a single node never did.)
 */
const SLIDING_WINDOW = `
local key = KEYS[1]
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
local member = now .. '-' .. ARGV[3]
redis.call('ZADD', key, now, member)
redis.call('PEXPIRE', key, window)
return member`;

export class RedisSlidingWindowLimiter implements RateLimiter {
  private counter = 0;

  private readonly redis: Redis;

  constructor(
    private readonly link: ClusterLink,
    private readonly name: string,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {
    this.redis = link.redis;
  }

  async take(key: string): Promise<Slot> {
    const redisKey = `${this.link.keyPrefix}limit:${this.name}:${key}`;
    // Unique per event, so two events in the same millisecond are two members.
    const event = `${this.link.nodeId}-${++this.counter}`;
    // A number: how long to wait; a string: the slot taken.
    const wait = (await this.redis.eval(SLIDING_WINDOW, 1, redisKey, this.windowMs, this.limit, event)) as
      | number
      | string;
    if (typeof wait === 'number') return { allowed: false, retryAfterMs: wait };
    // The script stored the event as "<time>-<event>" and returned that member.
    const member = String(wait);
    return {
      allowed: true,
      giveBack: async () => {
        await this.redis.zrem(redisKey, member);
      },
    };
  }

  /** Nothing to do: Redis expires idle keys by itself. */
  sweep(): void {}
}
