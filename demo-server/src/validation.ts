import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { ChatError } from './errors.js';

// zod/mini ships without messages; the server answers in English.
z.config(en());

/** Parses untrusted input or throws `invalid_payload` with zod's issues. */
export function parseInput<S extends z.ZodMiniType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String),
    code: issue.code,
    message: issue.message,
  }));
  const first = issues[0];
  const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
  throw new ChatError('invalid_payload', `Invalid ${what}${where}: ${first?.message ?? 'invalid input'}.`, {
    issues,
  });
}
