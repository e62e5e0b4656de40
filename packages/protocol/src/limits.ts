/**
 * Default limits of the wire contract. The server lets an operator change the
 * configurable ones through the environment (see `docs/server.md`); clients read
 * them from here to give early feedback (character counters, page sizes).
 */
export const LIMITS = {
  /** Maximum message length in characters (Unicode code points), after trimming. `MESSAGE_MAX_LENGTH`. */
  messageMaxLength: 5000,
  /** Messages one user may send per minute. `RATE_LIMIT_MESSAGES`. */
  rateLimitMessagesPerMinute: 30,
  /** Conversations one user may create per hour (opening an existing one is free). `RATE_LIMIT_OPENS`. */
  rateLimitConversationOpensPerHour: 20,
  /** Edits, deletes, typing events and reads one user may make per minute (`RATE_LIMIT_EDITS` …). */
  rateLimitEditsPerMinute: 30,
  rateLimitDeletesPerMinute: 30,
  rateLimitTypingPerMinute: 60,
  rateLimitReadsPerMinute: 120,
  /** Reactions added or removed by one user per minute. `RATE_LIMIT_REACTIONS`. */
  rateLimitReactionsPerMinute: 60,
  /** Different emojis one message may carry. */
  reactionsPerMessageMax: 20,
  /** Longest emoji accepted as a reaction, in UTF-16 code units (flags and families are long). */
  reactionEmojiMaxLength: 32,
  /** Blocks, unblocks and reports one user may make per hour. `RATE_LIMIT_SAFETY`. */
  rateLimitSafetyPerHour: 20,
  /** Moderator actions (remove, suspend, reinstate, resolve) one admin may take per hour. `RATE_LIMIT_MODERATION`. */
  rateLimitModerationPerHour: 600,
  /** Default and maximum page sizes of history and conversation listings. */
  pageSizeDefault: 50,
  pageSizeMax: 100,
  /** Default and maximum number of changes one `sync` page carries. */
  syncPageDefault: 500,
  syncPageMax: 1000,
  /** Length bounds of ids, names and other short strings. */
  idMaxLength: 128,
  nameMaxLength: 200,
  subjectMaxLength: 200,
  productTitleMaxLength: 300,
  priceMaxLength: 64,
  urlMaxLength: 2048,
  cursorMaxLength: 512,
  /** Longest JWT (user or product token) accepted: handshake, REST, `auth:refresh`. */
  tokenMaxLength: 8192,
  /** Attachments one message may name. */
  attachmentsPerMessageMax: 10,
  /** Largest upload in bytes. `ATTACHMENT_MAX_BYTES`. */
  attachmentMaxBytes: 10 * 1024 * 1024,
  /** Uploads one user may make per hour. `RATE_LIMIT_UPLOADS`. */
  rateLimitUploadsPerHour: 100,
  /** Bytes one user may have uploaded in the last 24 hours. `ATTACHMENT_QUOTA_BYTES`. */
  attachmentQuotaBytesPerDay: 500 * 1024 * 1024,
  /** Attachments one `attachment:links` may ask about. */
  attachmentLinksMax: 100,
  /** Users one `presence:query` may ask about. */
  presenceQueryMax: 100,
} as const;

/** Counts characters the way people do: by code point, so an emoji counts once. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
