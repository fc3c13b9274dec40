// Backup and restore of the server's database until the admin CLI (issue 5):
//   node scripts/db-backup.mjs backup <file> [--rows]
//   node scripts/db-backup.mjs restore <file>
// The database is the server's: DATABASE_URL (PostgreSQL) or SOTAY_DATA_DIR
// (PGlite, ./data; stop the server first). A restore gives the server a new
// epoch, so the phones send again what it lost. See src/server/db/backup-cli.ts.
// Bundles src/server/backup-main.ts with esbuild (like build-server.mjs), then runs it.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}node_modules/.cache/sotay-db-backup`;
mkdirSync(outdir, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/server/backup-main.ts'],
  outfile: `${outdir}/backup-main.js`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  loader: { '.json': 'json' },
  logLevel: 'warning',
});
await import(pathToFileURL(`${outdir}/backup-main.js`).href);
