// `npm test`: makes sure Chromium is there, builds the app and the server
// (the browser and budget tests run the real build), then runs every vitest
// project. Extra arguments go to vitest (e.g. `npm test -- --project unit`).
// `--soak` (npm run test:soak) sets SOTAY_SOAK=1: the tests that have a larger
// soak size (SYNC.md §4) run it, with longer time limits.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { ensureChromium } from './chromium.mjs';

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

try {
  process.env.CHROMIUM_PATH = ensureChromium();
} catch (err) {
  console.error(String(err instanceof Error ? err.message : err));
  process.exit(1);
}

const args = process.argv.slice(2);
if (args.includes('--soak')) {
  process.env.SOTAY_SOAK = '1';
  args.splice(args.indexOf('--soak'), 1);
}

run('npx', ['vite', 'build', '--logLevel', 'warn']);
run('npx', ['vite', 'build', '-c', 'vite.bench.config.ts', '--logLevel', 'warn']);
run('node', ['scripts/build-server.mjs']);
mkdirSync('test-results', { recursive: true });
run('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  '--outputFile.json=test-results/vitest.json',
  ...args,
]);
