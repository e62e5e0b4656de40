import type { PresenceEvent } from '@palaver/protocol';
import type { Presence } from '../realtime/presence.js';
import type { ClusterLink } from './redis.js';

/** The Redis keys of presence, under the cluster's prefix. */
const keysOf = (prefix: string) => ({
  /** Hash: node id → 1, for each node where the user has a socket. */
  sockets: (userId: string) => `${prefix}presence:${userId}`,
  /** 'online' or 'offline': what was last announced about the user, so each change is announced once. */
  announced: (userId: string) => `${prefix}announced:${userId}`,
  /** Set of the users a node has sockets of (what to clean up when the node dies). */
  usersOf: (nodeId: string) => `${prefix}node-users:${nodeId}`,
  /** Sorted set: node id → time of its last heartbeat (Redis' clock). */
  nodes: `${prefix}nodes`,
});

/** A node that has not beaten for this long is dead: its users' sockets are gone. */
const DEAD_AFTER_MS = 10_000;
const HEARTBEAT_MS = 2_000;

// KEYS: sockets, usersOf, announced. ARGV: nodeId, userId. Returns 1 when the user just came online.
const CONNECT = `
redis.call('HSET', KEYS[1], ARGV[1], 1)
redis.call('SADD', KEYS[2], ARGV[2])
local before = redis.call('GETSET', KEYS[3], 'online')
if before == 'online' then return 0 end
return 1`;

// KEYS: sockets, announced. Returns 1 when the user just went offline (no socket left on any node).
const LEAVE_IF_GONE = `
if redis.call('HLEN', KEYS[1]) > 0 then return 0 end
if redis.call('GET', KEYS[2]) ~= 'online' then return 0 end
redis.call('SET', KEYS[2], 'offline')
return 1`;

// KEYS: nodes. ARGV: nodeId, deadAfterMs, scoreOffsetMs. Beats, and returns the nodes dead by now.
const HEARTBEAT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))`;

/**
 * Presence across the nodes of a cluster. Each node records in Redis on which
 * nodes a user has sockets; a user comes online with their first socket on any
 * node and goes offline `graceMs` after their last one closed on every node.
 * Each change is announced once, by the node that saw it (a script swaps the
 * announced state atomically). A node that dies without a word (SIGKILL) stops
 * beating; the first node to notice claims it and takes its sockets off the
 * books, announcing whoever is then gone.
 */
export class RedisPresence implements Presence {
  private readonly local = new Map<string, number>();
  private readonly leaving = new Map<string, NodeJS.Timeout>();
  private readonly heartbeat: NodeJS.Timeout;
  private disposed = false;
  private readonly key: ReturnType<typeof keysOf>;

  constructor(
    private readonly link: ClusterLink,
    private readonly graceMs: number,
    private readonly announce: (userId: string, event: PresenceEvent) => void,
    private readonly onError: (error: unknown) => void,
  ) {
    this.key = keysOf(link.keyPrefix);
    this.heartbeat = setInterval(() => void this.beat(0).catch(onError), HEARTBEAT_MS);
    this.heartbeat.unref();
    void this.beat(0).catch(onError);
  }

  connected(userId: string): void {
    const count = this.local.get(userId) ?? 0;
    this.local.set(userId, count + 1);
    if (count > 0) return;
    const pending = this.leaving.get(userId);
    if (pending) {
      clearTimeout(pending);
      this.leaving.delete(userId);
    }
    const { redis, nodeId } = this.link;
    redis
      .eval(CONNECT, 3, this.key.sockets(userId), this.key.usersOf(nodeId), this.key.announced(userId), nodeId, userId)
      .then((cameOnline) => {
        if (cameOnline === 1) this.announce(userId, { userId, online: true });
      }, this.onError);
  }

  disconnected(userId: string): boolean {
    const count = (this.local.get(userId) ?? 1) - 1;
    if (count > 0) {
      this.local.set(userId, count);
      return false;
    }
    this.local.delete(userId);
    // Shutting down: the node stays on the books until another node reaps it (see `dispose`).
    if (this.disposed) return true;
    const { redis, nodeId } = this.link;
    redis
      .multi()
      .hdel(this.key.sockets(userId), nodeId)
      .srem(this.key.usersOf(nodeId), userId)
      .exec()
      .catch(this.onError);
    const timer = setTimeout(() => {
      this.leaving.delete(userId);
      void this.leaveIfGone(userId).catch(this.onError);
    }, this.graceMs);
    timer.unref();
    this.leaving.set(userId, timer);
    return true;
  }

  async isOnline(userId: string): Promise<boolean> {
    return (await this.link.redis.get(this.key.announced(userId))) === 'online';
  }

  /**
   * Stops beating, leaving this node on the books to be reaped by another node
   * once a grace period has passed: users who reconnect elsewhere by then stay
   * online, the others are announced offline by whoever reaps it.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.heartbeat);
    const { redis, nodeId } = this.link;
    const waiting = [...this.leaving.keys()];
    for (const timer of this.leaving.values()) clearTimeout(timer);
    this.leaving.clear();
    if (waiting.length > 0) await redis.sadd(this.key.usersOf(nodeId), ...waiting);
    // Dead once the grace has passed (its last beat dated back by the dead-after delay).
    await this.beat(this.graceMs - DEAD_AFTER_MS);
  }

  private async leaveIfGone(userId: string): Promise<void> {
    const wentOffline = await this.link.redis.eval(
      LEAVE_IF_GONE,
      2,
      this.key.sockets(userId),
      this.key.announced(userId),
    );
    if (wentOffline === 1) this.announce(userId, { userId, online: false, lastSeenAt: new Date().toISOString() });
  }

  /** Records this node's heartbeat (dated `offsetMs` from now), then reaps the nodes that died. */
  private async beat(offsetMs: number): Promise<void> {
    const { redis, nodeId } = this.link;
    const dead = (await redis.eval(HEARTBEAT, 1, this.key.nodes, nodeId, DEAD_AFTER_MS, offsetMs)) as string[];
    for (const deadNode of dead) {
      if (deadNode === nodeId || this.disposed) continue;
      // One node claims each dead node.
      if ((await redis.zrem(this.key.nodes, deadNode)) !== 1) continue;
      const users = await redis.smembers(this.key.usersOf(deadNode));
      await redis.del(this.key.usersOf(deadNode));
      for (const userId of users) {
        await redis.hdel(this.key.sockets(userId), deadNode);
        await this.leaveIfGone(userId);
      }
    }
  }
}
