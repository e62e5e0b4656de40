import * as z from 'zod/mini';

/** Every error code a Palaver server may answer with. */
export const ERROR_CODES = [
  'unauthorized',
  'token_expired',
  'forbidden',
  'not_found',
  'invalid_payload',
  'too_long',
  'rate_limited',
  'payload_too_large',
  'unsupported_media_type',
  /** The user's account is suspended by the marketplace's moderators (extension). */
  'suspended',
  'internal',
] as const;

export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/** The body of every error, in socket acks (`{ ok: false, error }`) and REST answers (`{ error }`). */
export const chatErrorBodySchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  retryAfterMs: z.optional(z.number()),
  issues: z.optional(z.array(z.unknown())),
});
export type ChatErrorBody = z.infer<typeof chatErrorBodySchema>;

/** The HTTP status REST answers use for each error code. */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  unauthorized: 401,
  token_expired: 401,
  forbidden: 403,
  not_found: 404,
  invalid_payload: 400,
  too_long: 422,
  rate_limited: 429,
  payload_too_large: 413,
  unsupported_media_type: 415,
  suspended: 403,
  internal: 500,
};

/**
 * Errors a client should not retry: the same request will fail the same way.
 * `unauthorized`/`token_expired` are absent on purpose: a fresh token can fix them.
 */
export const PERMANENT_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'forbidden',
  'not_found',
  'invalid_payload',
  'too_long',
  'payload_too_large',
  'unsupported_media_type',
  'suspended',
]);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * The base of every error class that carries a protocol error body: the SDK's
 * `ChatError` extends it (adding its client-side codes), and a server may too.
 * Subclasses give `name` a literal, which is what callers check (`err.name`,
 * not `instanceof`: a page may bundle two copies).
 */
export abstract class PalaverError<Code extends string = ErrorCode> extends Error {
  abstract override readonly name: string;
  readonly code: Code;
  readonly retryAfterMs: number | undefined;
  readonly issues: unknown[] | undefined;

  constructor(code: Code, message: string, extra: { retryAfterMs?: number; issues?: unknown[] } = {}) {
    super(message);
    this.code = code;
    this.retryAfterMs = extra.retryAfterMs;
    this.issues = extra.issues;
  }
}

/** The wire form of an error (`{ code, message, retryAfterMs?, issues? }`), as acks and REST answers carry it. */
export function errorBody<Code extends string>(
  error: PalaverError<Code>,
): { code: Code; message: string; retryAfterMs?: number; issues?: unknown[] } {
  return {
    code: error.code,
    message: error.message,
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    ...(error.issues !== undefined ? { issues: error.issues } : {}),
  };
}
