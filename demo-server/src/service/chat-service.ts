import { AttachmentService } from '../attachments/attachment-service.js';
import type { ImageQueue } from '../attachments/images.js';
import type { LinkSigner } from '../attachments/links.js';
import type { AttachmentStorage } from '../attachments/storage.js';
import type { ChatStore } from '../db/store.js';
import type { Metrics } from '../metrics.js';
import { AccessRules } from './access.js';
import { ConversationService } from './conversations.js';
import { DirectoryService } from './directory.js';
import { GroupCommit } from './group-commit.js';
import { createLimits, type LimiterFactory, type LimitSettings, type Limits } from './limits.js';
import type { ContactMaskingPolicy } from './masking.js';
import { MessageService } from './messages.js';
import { ModerationService } from './moderation.js';
import { type PresenceReader, PresenceService } from './presence.js';
import { ProductResolver } from './products.js';
import { ReactionService } from './reactions.js';
import { ReadService } from './reads.js';
import { type BlockAnnouncer, type BlockIndex, SafetyService } from './safety.js';
import { SearchService } from './search.js';
import { SessionService } from './sessions.js';
import { SyncService } from './sync.js';

export type { Actor } from './actor.js';

export interface ChatServiceOptions {
  store: ChatStore;
  presence: PresenceReader;
  metrics: Metrics;
  messageMaxLength: number;
  /** How many writes of each kind one user may make, and in what window. */
  limits: LimitSettings;
  groupCommitWindowMs: number;
  /** Verifies product tokens (the same secret as user tokens). */
  jwtSecret: string;
  /** Development only: product cards and suppliers as the browser describes them. */
  allowClientProducts: boolean;
  /** Makes the limiters shared by the nodes of a cluster (cluster/rate-limit.ts); in memory when absent. */
  limiter?: LimiterFactory;
  /** Hides contact details from the other side of product conversations (`CONTACT_MASKING=mask`). */
  masking?: ContactMaskingPolicy;
  /** Who is blocked by anyone (loaded at start), and how the other nodes hear of a new block. */
  blockIndex: BlockIndex;
  blockAnnouncer?: BlockAnnouncer;
  /** Where uploads go and how their addresses are signed. */
  attachments: {
    storage: AttachmentStorage;
    signer: LinkSigner;
    queue: ImageQueue;
    quotaBytesPerDay: number;
    workDir: string;
    /** Told when uploads were discarded, so their files are removed soon. */
    onDiscarded?: () => void;
  };
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
  /** Who may connect with which token, and revoking a user's sessions. */
  sessions: SessionService;
  /** The per-user limit of each kind of write. */
  limits: Limits;
  /** Block and report. */
  safety: SafetyService;
  /** What moderators do: remove, suspend, reinstate, resolve, search; the audit log. */
  moderation: ModerationService;
  /** Emoji reactions on messages. */
  reactions: ReactionService;
  /** Uploads, their signed addresses, and removing files nobody will see again. */
  attachments: AttachmentService;
  /** Full-text search over the conversations a user may see. */
  search: SearchService;
  /** Drops rate-limit entries of idle users (called periodically). */
  sweep(): void;
}

export function createChatService(options: ChatServiceOptions): ChatService {
  const { store, metrics } = options;
  const rules = new AccessRules(store, options.messageMaxLength);
  const limits = createLimits(options.limits, options.limiter);
  const products = new ProductResolver(store.directory, options.jwtSecret, options.allowClientProducts);
  const safety = new SafetyService(store, rules, options.blockIndex, options.blockAnnouncer, limits);
  const conversations = new ConversationService(store, rules, products, limits, safety);
  const commits = new GroupCommit(store, options.groupCommitWindowMs, (size) => metrics.commitBatch.observe(size));
  const messages = new MessageService(
    store,
    rules,
    conversations,
    commits,
    limits,
    () => metrics.messagesSent.inc(),
    safety,
    options.masking,
    () => options.attachments.onDiscarded?.(),
  );
  const sessions = new SessionService(store);
  const reactions = new ReactionService(store, rules, limits, safety);
  return {
    reactions,
    safety,
    moderation: new ModerationService(store, rules, conversations),
    search: new SearchService(store, rules),
    conversations,
    messages,
    directory: new DirectoryService(store, conversations, messages, sessions, reactions),
    reads: new ReadService(store, rules, limits),
    sync: new SyncService(store),
    presence: new PresenceService(store, rules, options.presence, limits, safety),
    sessions,
    limits,
    attachments: new AttachmentService({ store, rules, limits, ...options.attachments }),
    sweep: () => {
      for (const limiter of Object.values(limits)) limiter.sweep();
    },
  };
}
