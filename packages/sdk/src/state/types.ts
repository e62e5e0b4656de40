import type { ErrorCode, Message } from '@palaver/protocol';

/**
 * Codes the client adds to the protocol's: `offline` (no connection to send a
 * request that cannot wait) and `timeout` (the server did not answer in time).
 */
export type ClientErrorCode = ErrorCode | 'offline' | 'timeout';

/** Why something failed, in a form that survives storage and BroadcastChannel. */
export interface Failure {
  code: ClientErrorCode;
  message: string;
}

/** Where one of the user's messages stands. `read`: someone else in the conversation has read it. */
export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'read' | 'failed';

/** A message as the UI shows it: the server's message, or a pending one from the outbox. */
export interface ChatMessage extends Message {
  status: DeliveryStatus;
  /** Why a `failed` message failed, or why a `queued` one is held back (`rate_limited`: it goes by itself). */
  error?: Failure;
  /** True for a message still in the outbox (its `id` is local and `seq` is 0). */
  pending?: boolean;
  /** A pending message's files, with local previews and upload progress (it has no `attachments` yet). */
  files?: PendingFile[];
}

/**
 * A file of a message still in the outbox, as the UI shows it. `waiting`: not
 * uploaded yet (offline, or its turn has not come); `failed`: the server refused
 * it for good (`error` says why: `unsupported_media_type`, `payload_too_large`) —
 * remove it with `cancelFile` and the rest of the message goes.
 */
export interface PendingFile {
  /** Unique within its message (for `cancelFile`). */
  id: string;
  name: string;
  /** The type the browser declared (the server sniffs its own). */
  type: string;
  size: number;
  /** A local address of the file's bytes (an object URL), for previews before it is uploaded. */
  url: string;
  status: 'waiting' | 'uploading' | 'uploaded' | 'failed';
  /** Share of the bytes sent, 0 to 1. */
  progress: number;
  error?: Failure;
}

/** A message the user sent that the server has not stored yet, as the outbox shows it. */
export interface PendingMessage {
  clientId: string;
  conversationId: string;
  body: string;
  replyToId?: string;
  senderId: string;
  createdAt: string;
  /** Sending order across the whole outbox. */
  order: number;
  status: 'queued' | 'sending' | 'failed';
  /** Why it failed (`failed`), or why it is held back for a while (`queued` with `rate_limited`). */
  error?: Failure;
  files?: PendingFile[];
}

export interface ThreadStatus {
  /** Loading the newest page or older messages. */
  loading: boolean;
  /** Older messages exist on the server. */
  hasMore: boolean;
  error?: Failure;
}

export interface TypingUser {
  userId: string;
  name: string;
}

export interface Presence {
  online: boolean;
  lastSeenAt?: string;
}

/**
 * Something that failed and that the user should hear about: an edit or a
 * delete the server refused or never answered. (A failed send shows on its
 * message; a thread that would not load, in its status.)
 */
export interface Notice {
  /** Unique for the life of the client (for `dismissNotice` and `retryNotice`). */
  id: number;
  action: 'edit' | 'delete' | 'react';
  messageId: string;
  /** The conversation of the message, when the client holds it. */
  conversationId: string | undefined;
  /** For `edit`: the text that could not be saved. */
  body?: string;
  error: Failure;
  /** Trying again may work (network, timeout, a busy server); false when the server refused for good. */
  retryable: boolean;
}

/**
 * A reaction the user added or took back that the server has not confirmed
 * yet (offline, or on its way): shown at once, kept across reloads, sent when
 * possible. The last one for a (message, emoji) wins.
 */
export interface ReactionIntent {
  messageId: string;
  emoji: string;
  present: boolean;
}
