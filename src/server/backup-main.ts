/** Entry point of scripts/db-backup.mjs (see db/backup-cli.ts). */
import { DataDirLockedError } from './db/lock.ts';
import { runBackupCli } from './db/backup-cli.ts';

runBackupCli(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof DataDirLockedError || err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
