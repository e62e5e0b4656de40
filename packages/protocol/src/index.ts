/**
 * @palaver/protocol — the Palaver wire contract (version 1) in code: zod/mini
 * schemas, the types inferred from them, typed Socket.IO event maps, error codes
 * and limits. The server, the SDK and the docs all derive from this package.
 */
export * from './entities.js';
export * from './errors.js';
export * from './events.js';
export * from './limits.js';
export * from './primitives.js';
export * from './rest.js';
export * from './results.js';
export * from './rules.js';
export * from './safety.js';
export * from './search.js';
export * from './server-api.js';
export * from './server-events.js';

/** The contract version this package describes. */
export const PROTOCOL_VERSION = 1;
