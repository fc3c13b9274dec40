// Bundles the server (src/server/main.ts) into dist-server/main.js for Node 20.
// npm packages stay external (node_modules is there at run time); the locale
// JSON files and the migrations (TypeScript modules exporting SQL) are bundled
// in. seeds/skills is read from disk at run time (see src/server/curriculum.ts).
// dist/ is Vite's output and is wiped by `vite build`, hence dist-server/.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// `--outdir=<dir>` builds elsewhere (the server test builds into a temp folder).
const outArg = process.argv.find((a) => a.startsWith('--outdir='));
const outdir = outArg ? outArg.slice('--outdir='.length) : `${root}dist-server`;

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/server/main.ts'],
  outfile: `${outdir}/main.js`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  loader: { '.json': 'json' },
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`${outdir}/main.js built (${Math.round(bytes / 1024)} KB with source map)`);
