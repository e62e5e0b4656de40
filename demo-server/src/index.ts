/** @palaver/server: embed the Palaver server in your own Node process, or run `palaver-server`. */

export { ConfigError, loadConfig, type ServerConfig } from './config.js';
export { ChatError } from './errors.js';
export { createPalaverServer, type PalaverServer } from './server.js';
export { createTokenVerifier, signToken } from './transport/auth.js';
