import type { ChatErrorBody, ErrorCode } from '@palaver/protocol';

/**
 * Codes the client adds to the protocol's: `offline` (no connection to send a
 * request that cannot wait) and `timeout` (the server did not answer in time).
 */
export type ClientErrorCode = ErrorCode | 'offline' | 'timeout';

/**
 * Every failure the SDK reports. Check `err.name === 'ChatError'` rather than
 * `instanceof`: a page may bundle two copies of the SDK.
 */
export class ChatError extends Error {
  override readonly name = 'ChatError' as const;
  readonly code: ClientErrorCode;
  readonly retryAfterMs: number | undefined;
  readonly issues: unknown[] | undefined;

  constructor(code: ClientErrorCode, message: string, extra: { retryAfterMs?: number; issues?: unknown[] } = {}) {
    super(message);
    this.code = code;
    this.retryAfterMs = extra.retryAfterMs;
    this.issues = extra.issues;
  }

  static from(body: ChatErrorBody): ChatError {
    return new ChatError(body.code, body.message, {
      ...(body.retryAfterMs !== undefined ? { retryAfterMs: body.retryAfterMs } : {}),
      ...(body.issues !== undefined ? { issues: body.issues } : {}),
    });
  }

  /** The plain-object form stored with failed messages (survives IndexedDB and BroadcastChannel). */
  toJSON(): { code: ClientErrorCode; message: string; retryAfterMs?: number } {
    return {
      code: this.code,
      message: this.message,
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
    };
  }
}

export function isChatError(error: unknown): error is ChatError {
  return (error as { name?: unknown } | null)?.name === 'ChatError';
}
