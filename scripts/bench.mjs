// `npm run bench`: installs Debian's Chromium when the browser group needs it
// and it is missing (scripts/chromium.mjs), builds the app and the server when their output is missing
// or older than the sources (`--rebuild` forces it), bundles bench/run/main.ts
// with esbuild into node_modules/.cache (so its bare imports resolve), and runs
// it with the arguments given. See bench/run/main.ts for the options.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// The browser group needs Debian's Chromium: installed as for `npm test` when missing.
const only = args.includes('--only') ? (args[args.indexOf('--only') + 1] ?? '') : 'browser';
if (only.split(',').includes('browser')) {
  const { ensureChromium } = await import('./chromium.mjs');
  try {
    ensureChromium();
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}

const rebuild = args.includes('--rebuild');
if (rebuild) args.splice(args.indexOf('--rebuild'), 1);
if (
  rebuild ||
  !existsSync(`${root}dist/.vite/manifest.json`) ||
  !existsSync(`${root}dist-server/main.js`)
) {
  run('npm', ['run', 'build']);
}
// The bench page (the real storage and sync modules; see vite.bench.config.ts).
if (rebuild || !existsSync(`${root}dist/bench/index.html`)) {
  run('npx', ['vite', 'build', '-c', 'vite.bench.config.ts', '--logLevel', 'warn']);
}

/** `import.meta.dirname` in a bundled source file means that file's folder, not the bundle's. */
const sourceDirname = {
  name: 'source-dirname',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (a) => {
      if (a.path.includes('node_modules')) return undefined;
      const text = readFileSync(a.path, 'utf8');
      return {
        contents: text.replaceAll('import.meta.dirname', JSON.stringify(dirname(a.path))),
        loader: 'ts',
      };
    });
  },
};

const outdir = `${root}node_modules/.cache/sotay-bench`;
mkdirSync(outdir, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: ['bench/run/main.ts'],
  outfile: `${outdir}/main.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  loader: { '.json': 'json' },
  logLevel: 'warning',
  plugins: [sourceDirname],
});
run(process.execPath, [`${outdir}/main.mjs`, ...args]);
