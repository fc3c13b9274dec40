// Bundles a server-side TypeScript entry point with esbuild (like
// build-server.mjs: bare imports stay external, JSON inlined) into
// node_modules/.cache and runs it in this process. Used by db-backup.mjs and admin.mjs.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** @param {string} entry a path from the project root, e.g. `src/server/admin-main.ts` */
export async function runEntry(entry) {
  const name = basename(entry, '.ts');
  const outdir = `${root}node_modules/.cache/sotay-${name}`;
  mkdirSync(outdir, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: `${outdir}/${name}.js`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    loader: { '.json': 'json' },
    logLevel: 'warning',
  });
  await import(pathToFileURL(`${outdir}/${name}.js`).href);
}
