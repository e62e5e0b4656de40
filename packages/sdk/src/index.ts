/**
 * @palaver/sdk — the Palaver client: a connection to a Palaver server, state in
 * nanostores, a persistent outbox, an IndexedDB cache and gap-free sync.
 *
 * ```ts
 * import { createChatClient } from '@palaver/sdk';
 * const chat = createChatClient({ url: 'https://chat.example.com', token: () => fetchToken() });
 * await chat.connect();
 * chat.$unreadTotal.subscribe((n) => console.log(`${n} unread`));
 * ```
 */

export type {
  Attachment,
  ChatUser,
  Conversation,
  CreateReportInput,
  ErrorCode,
  Message,
  ModerationLogEntry,
  Participant,
  ProductRef,
  Report,
  ReportReason,
} from '@palaver/protocol';
export { type AttachmentLinks, attachmentLinksOf } from './attachments.js';
export {
  type ChatClient,
  type ChatClientOptions,
  type ConnectionStatus,
  createChatClient,
  type OpenProductConversationInput,
  type OpenSupportConversationInput,
  type SendOptions,
} from './client.js';
export { retryDelay } from './connection/backoff.js';
export { socketTransport } from './connection/socket-transport.js';
export { readJwtClaims, type TokenSource } from './connection/token.js';
export type { RefusedReason, Transport, TransportHandlers, UploadOptions } from './connection/transport.js';
export { ChatError, type ClientErrorCode, isChatError } from './errors.js';
export {
  type Moderation,
  type ModerationAction,
  type ModerationSearch,
  moderationOf,
  type ReportStatus,
} from './moderation.js';
export { classifyFailure, type OutboxEntry } from './persistence/outbox.js';
export type { KeyValueStore, StorageOption } from './persistence/storage/key-value-store.js';
export type {
  ChatMessage,
  DeliveryStatus,
  Failure,
  Notice,
  PendingFile,
  PendingMessage,
  Presence,
  ThreadStatus,
  TypingUser,
} from './state/types.js';
