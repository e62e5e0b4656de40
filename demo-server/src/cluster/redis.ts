import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * This node's link to what the nodes of a cluster share: a Redis connection
 * for commands, one for the Socket.IO adapter's subscriptions, and a name for
 * this node.
 */
export interface ClusterLink {
  readonly nodeId: string;
  /** Starts every key and channel of this cluster (`REDIS_PREFIX` and a colon). */
  readonly keyPrefix: string;
  readonly redis: Redis;
  /** A second connection in subscriber mode (the Socket.IO adapter's). */
  readonly subscriber: Redis;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export async function connectCluster(url: string, prefix: string): Promise<ClusterLink> {
  const options = {
    // Commands wait for a reconnect instead of failing at once; a dead Redis shows in /ready.
    maxRetriesPerRequest: 3,
    lazyConnect: true,
  };
  const redis = new Redis(url, options);
  const subscriber = new Redis(url, options);
  // Connection errors are retried by ioredis; /ready reports them. Without a listener they would crash the process.
  redis.on('error', () => {});
  subscriber.on('error', () => {});
  await Promise.all([redis.connect(), subscriber.connect()]);
  let closed: Promise<void> | undefined;
  return {
    nodeId: randomUUID(),
    keyPrefix: `${prefix}:`,
    redis,
    subscriber,
    async ping() {
      return (await redis.ping()) === 'PONG';
    },
    close() {
      closed ??= (async () => {
        await Promise.allSettled([redis.quit(), subscriber.quit()]);
      })();
      return closed;
    },
  };
}
