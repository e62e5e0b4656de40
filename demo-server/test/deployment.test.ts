import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { nginxConfig } from '../../scripts/local-cluster.js';

/**
 * The deployment files of deploy/ are what docs/deployment.md tells operators
 * to install; the cluster tests run nginx with scripts/local-cluster.ts. They
 * must not drift apart.
 */
const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** The directives of the `location / { … }` block, one per entry, comments and blank lines left out. */
function proxyDirectives(config: string): string[] {
  const block = /location \/ \{([^}]*)\}/.exec(config)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

describe('deployment files', () => {
  it('deploy/nginx.conf proxies exactly as the nginx the cluster tests run', () => {
    const deployed = proxyDirectives(read('deploy/nginx.conf'));
    const tested = proxyDirectives(nginxConfig({ dir: '/tmp/x', port: 1, nodePorts: [2, 3], balance: 'ip_hash' }));
    assert.ok(deployed.length >= 8, 'the deployed configuration has a proxy block');
    assert.deepEqual(deployed, tested);
    assert.match(read('deploy/nginx.conf'), /map \$http_upgrade \$connection_upgrade/);
  });

  it('the systemd unit and the PM2 file start the packaged palaver-server with SIGTERM to stop it', () => {
    const unit = read('deploy/palaver.service');
    assert.match(
      unit,
      /^ExecStart=\/usr\/bin\/node \/opt\/palaver\/node_modules\/@palaver\/server\/bin\/palaver-server\.js$/m,
    );
    assert.match(unit, /^KillSignal=SIGTERM$/m);
    const apps = (
      createRequire(import.meta.url)(new URL('deploy/ecosystem.config.cjs', root).pathname) as {
        apps: Array<{ script: string; env: { PORT: string } }>;
      }
    ).apps;
    assert.equal(apps.length, 2);
    assert.deepEqual(
      apps.map((app) => app.env.PORT),
      ['3001', '3002'],
      'the ports of deploy/nginx.conf',
    );
    // The script path is the package's bin, as installed from npm.
    const bin = JSON.parse(read('demo-server/package.json')).bin['palaver-server'] as string;
    for (const app of apps) assert.equal(app.script, `node_modules/@palaver/server/${bin.replace(/^\.\//, '')}`);
    assert.ok(existsSync(new URL(`demo-server/${bin}`, root)));
  });
});
