import { type ChatErrorBody, type ErrorCode, PalaverError } from '@palaver/protocol';

/**
 * Codes the client adds to the protocol's: `offline` (no connection to send a
 * request that cannot wait) and `timeout` (the server did not answer in time).
 */
export type ClientErrorCode = ErrorCode | 'offline' | 'timeout';

/**
 * Every failure the SDK reports. Check `err.name === 'ChatError'` rather than
 * `instanceof`: a page may bundle two copies of the SDK.
 */
export class ChatError extends PalaverError<ClientErrorCode> {
  override readonly name = 'ChatError' as const;

  static from(body: ChatErrorBody): ChatError {
    return new ChatError(body.code, body.message, body);
  }
}

export function isChatError(error: unknown): error is ChatError {
  return (error as { name?: unknown } | null)?.name === 'ChatError';
}
