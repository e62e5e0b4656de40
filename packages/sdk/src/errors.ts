import { type ChatErrorBody, PalaverError } from '@palaver/protocol';
import type { ClientErrorCode } from './state/types.js';

export type { ClientErrorCode } from './state/types.js';

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
