// PM2 ecosystem file for a Palaver cluster on one machine (docs/deployment.md):
// `pm2 start deploy/ecosystem.config.cjs`. Each instance is a Palaver node with a
// port of its own behind nginx (deploy/nginx.conf), all on one PostgreSQL and
// one Redis. (Not PM2's own cluster mode: Socket.IO needs each node to own its
// connections, so nginx, not PM2, spreads them.)
const nodes = 2;
const firstPort = 3001;

module.exports = {
  apps: Array.from({ length: nodes }, (_, index) => ({
    name: `palaver-${index + 1}`,
    script: 'node_modules/@palaver/server/bin/palaver-server.js',
    exec_mode: 'fork',
    // SIGTERM, then up to 15 s to drain before PM2 kills it.
    kill_timeout: 15000,
    env: {
      PORT: String(firstPort + index),
      HOST: '127.0.0.1',
      // Set these in the environment PM2 runs in, or here:
      // JWT_SECRET, DATABASE_URL=postgres://…, REDIS_URL=redis://…, CORS_ORIGIN=https://shop.example.com
    },
  })),
};
