/** Entry point of scripts/admin.mjs (see admin-cli.ts). */
import { DataDirLockedError } from './db/lock.ts';
import { runAdminCli } from './admin-cli.ts';

runAdminCli(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof DataDirLockedError || err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
