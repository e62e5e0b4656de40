import { type Logger, pino } from 'pino';
import type { ServerConfig } from './config.js';

export type { Logger };

/**
 * JSON logs on stdout. Tokens and authorization headers are redacted wherever
 * they appear, so a secret never reaches a log line.
 */
export function createLogger(level: ServerConfig['logLevel']): Logger {
  return pino({
    level,
    base: { service: 'palaver-server' },
    redact: {
      paths: [
        'token',
        '*.token',
        'auth.token',
        'headers.authorization',
        'req.headers.authorization',
        'req.headers.cookie',
        'jwtSecret',
        '*.jwtSecret',
      ],
      censor: '[redacted]',
    },
  });
}
