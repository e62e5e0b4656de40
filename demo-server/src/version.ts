import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** The server package's version, reported by `/health`. */
export const VERSION: string = (require('../package.json') as { version: string }).version;
