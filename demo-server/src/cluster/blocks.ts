import type { BlockAnnouncer } from '../service/safety.js';
import type { ClusterLink } from './redis.js';

/**
 * A block committed on one node is announced on a Redis channel before it is
 * acknowledged, so every node starts checking that user's writes at once (see
 * `BlockIndex`).
 */
export function blockChannel(link: ClusterLink): BlockAnnouncer & {
  listen(add: (blockedId: string) => void): Promise<void>;
} {
  const channel = `${link.keyPrefix}blocked`;
  return {
    async announce(blockedId) {
      try {
        await link.redis.publish(channel, blockedId);
      } catch {
        // Redis down: the other nodes learn of the block at their next start; this one enforces it now.
      }
    },
    async listen(add) {
      link.subscriber.on('message', (from: string, blockedId: string) => {
        if (from === channel) add(blockedId);
      });
      await link.subscriber.subscribe(channel);
    },
  };
}
