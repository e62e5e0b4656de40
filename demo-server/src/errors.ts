import {
  type ChatErrorBody,
  type ErrorCode,
  errorBody,
  HTTP_STATUS_BY_CODE,
  isErrorCode,
  PalaverError,
} from '@palaver/protocol';

/**
 * A refusal the server means to give: it carries a protocol error code and is
 * answered as `{ code, message }`. Anything else thrown is a bug, answered as
 * `internal` without details.
 */
export class ChatError extends PalaverError<ErrorCode> {
  override readonly name = 'ChatError';

  get status(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }

  toBody(): ChatErrorBody {
    return errorBody(this);
  }
}

export function isChatError(error: unknown): error is ChatError {
  return error instanceof Error && error.name === 'ChatError' && isErrorCode((error as Partial<ChatError>).code);
}

export const INTERNAL_ERROR_BODY: ChatErrorBody = {
  code: 'internal',
  message: 'Something went wrong on the server.',
};

/** The body to answer for any thrown value; unknown errors never leak their details. */
export function toErrorBody(error: unknown): ChatErrorBody {
  return isChatError(error) ? error.toBody() : INTERNAL_ERROR_BODY;
}

export function errorStatus(error: unknown): number {
  return isChatError(error) ? error.status : 500;
}
