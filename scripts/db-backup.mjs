// Backup and restore of the server's database:
//   node scripts/db-backup.mjs backup <file> [--rows]
//   node scripts/db-backup.mjs restore <file>
// The database is the server's: DATABASE_URL (PostgreSQL) or SOTAY_DATA_DIR
// (PGlite, ./data; stop the server first). A restore gives the server a new
// epoch, so the phones send again what it lost. See src/server/db/backup-cli.ts.
import { runEntry } from './run-entry.mjs';

await runEntry('src/server/backup-main.ts');
