/**
 * A marketplace's web server, as small as a test needs: the files of one
 * folder, and its installed packages under `/npm/<name>@<version>/…` as a CDN
 * (jsDelivr, unpkg) serves them.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Strips the version from a CDN path: /npm/@scope/name@1.2.3/file → node_modules/@scope/name/file. */
function cdnPath(path: string): string | undefined {
  const match = /^\/npm\/((?:@[^/]+\/)?[^/@]+)@[^/]+(\/.*)$/.exec(path);
  return match ? `/node_modules/${match[1]}${match[2]}` : undefined;
}

export function serveFiles(root: string) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(root, cdnPath(path) ?? path));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(response);
  };
}
