#!/usr/bin/env node
// Checked-in launcher so npm can link the `palaver-server` bin before the
// TypeScript is built; the server itself lives in dist/ (`npm run build`).
import('../dist/bin/palaver-server.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('palaver-server: not built yet; run `npm run build` first.\n');
    process.exit(1);
  }
  throw error;
});
