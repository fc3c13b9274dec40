// `npm start`: builds the PWA and the server, then runs the server, which
// serves both the API and the app on one port (PORT, default 8080) with the
// embedded PGlite database in SOTAY_DATA_DIR (default ./data), or PostgreSQL
// when DATABASE_URL is set.
import { spawnSync } from 'node:child_process';

for (const [cmd, args] of [
  ['npx', ['vite', 'build', '--logLevel', 'warn']],
  ['node', ['scripts/build-server.mjs']],
]) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
await import('../dist-server/main.js');
