import type { ClusterLink } from './redis.js';

/**
 * Conversation membership is cached by each node; a join committed on one node
 * is announced on a Redis channel so every other node drops its cached entry.
 * (Until the announcement arrives, a node that finds a user missing reads the
 * database again before refusing them: see `AccessRules`.)
 */
export function membershipChannel(link: ClusterLink): {
  /** Resolves once Redis has passed it to every node listening (never rejects). */
  announce(conversationId: string): Promise<void>;
  listen(forget: (conversationId: string) => void): Promise<void>;
} {
  const channel = `${link.keyPrefix}joined`;
  return {
    async announce(conversationId) {
      try {
        await link.redis.publish(channel, conversationId);
      } catch {
        // Redis down: the others' caches stay as they are; a missing member is still read fresh before a refusal.
      }
    },
    async listen(forget) {
      link.subscriber.on('message', (from: string, conversationId: string) => {
        if (from === channel) forget(conversationId);
      });
      await link.subscriber.subscribe(channel);
    },
  };
}
