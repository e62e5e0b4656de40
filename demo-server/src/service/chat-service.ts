import type { ChatStore } from '../db/store.js';
import type { Metrics } from '../metrics.js';
import { AccessRules } from './access.js';
import { ConversationService } from './conversations.js';
import { DirectoryService } from './directory.js';
import { GroupCommit } from './group-commit.js';
import { MessageService } from './messages.js';
import { type PresenceReader, PresenceService } from './presence.js';
import { ProductResolver } from './products.js';
import { type RateLimiter, SlidingWindowLimiter } from './rate-limit.js';
import { ReadService } from './reads.js';
import { SyncService } from './sync.js';

export type { Actor } from './actor.js';

export interface ChatServiceOptions {
  store: ChatStore;
  presence: PresenceReader;
  metrics: Metrics;
  messageMaxLength: number;
  rateLimitMessages: number;
  rateLimitWindowMs: number;
  groupCommitWindowMs: number;
  /** Verifies product tokens (the same secret as user tokens). */
  jwtSecret: string;
  /** Development only: product cards and suppliers as the browser describes them. */
  allowClientProducts: boolean;
  /** The message limit shared by the nodes of a cluster (cluster/rate-limit.ts); in memory when absent. */
  sendLimiter?: RateLimiter;
}

/**
 * The rules of Palaver: who may see and do what, and which events each change
 * sends to whom. Both transports (Socket.IO and REST) call these services with
 * input already checked against the protocol's schemas; each write returns its
 * result and the notices that `realtime/` delivers.
 */
export interface ChatService {
  conversations: ConversationService;
  messages: MessageService;
  reads: ReadService;
  sync: SyncService;
  presence: PresenceService;
  /** The server API's side: the marketplace's users and products, its own messages, export and erasure. */
  directory: DirectoryService;
  /** Drops rate-limit entries of idle users (called periodically). */
  sweep(): void;
}

export function createChatService(options: ChatServiceOptions): ChatService {
  const { store, metrics } = options;
  const rules = new AccessRules(store, options.messageMaxLength);
  const products = new ProductResolver(store.directory, options.jwtSecret, options.allowClientProducts);
  const conversations = new ConversationService(store, rules, products);
  const sendLimiter =
    options.sendLimiter ?? new SlidingWindowLimiter(options.rateLimitMessages, options.rateLimitWindowMs);
  const commits = new GroupCommit(store, options.groupCommitWindowMs, (size) => metrics.commitBatch.observe(size));
  const messages = new MessageService(store, rules, conversations, commits, sendLimiter, () =>
    metrics.messagesSent.inc(),
  );
  return {
    conversations,
    messages,
    directory: new DirectoryService(store, conversations, messages),
    reads: new ReadService(store, rules),
    sync: new SyncService(store),
    presence: new PresenceService(store, rules, options.presence),
    sweep: () => sendLimiter.sweep(),
  };
}
