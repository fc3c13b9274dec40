/**
 * The backup tool until issue 5's admin CLI exists (scripts/db-backup.mjs):
 *
 *   backup <file> [--rows]   PostgreSQL (DATABASE_URL): the rows format, live.
 *                            PGlite (SOTAY_DATA_DIR): the data folder tarball, server
 *                            stopped; --rows for the rows format (also stopped).
 *   restore <file>           Puts a backup back and gives the server a NEW epoch.
 *                            A rows backup goes into either database (PostgreSQL live,
 *                            in one transaction; PGlite stopped); a tarball into PGlite.
 *
 * Files are gzip. A restore loses what was written after the backup: the
 * phones notice the new epoch and send it again (SYNC.md §3.4).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readConfig } from '../config.ts';
import {
  backupPgliteDir,
  backupRows,
  isRowsBackup,
  restorePgliteDir,
  restoreRows,
} from './backup.ts';
import type { Db } from './index.ts';
import { openDatabase } from './open.ts';

const USAGE = 'usage: db-backup backup <file> [--rows] | restore <file>';

function writeAtomically(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes, { flush: true });
  renameSync(tmp, file);
}

/** A gzip tarball (ustar magic at byte 257) or null. */
function isTar(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(257, 262)).toString('latin1') === 'ustar';
}

/**
 * Runs one command.
 * @returns the exit code; messages go to `out` / `err`
 */
export async function runBackupCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  const [command, file, ...flags] = args;
  if ((command !== 'backup' && command !== 'restore') || !file) {
    err(USAGE);
    return 2;
  }
  const rows = flags.includes('--rows');
  const config = readConfig(env);
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`;
  const withDb = async <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
    const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };

  if (command === 'backup') {
    if (!config.databaseUrl && !rows) {
      writeAtomically(file, await backupPgliteDir(config.dataDir));
      out(`backed up the data folder of ${where} to ${file}`);
      return 0;
    }
    const backup = await withDb((db) => backupRows(db));
    writeAtomically(file, gzipSync(JSON.stringify(backup)));
    const logs = backup.tables.activity_log.length;
    out(`backed up ${where} to ${file} (${logs} logs, epoch ${backup.epoch})`);
    return 0;
  }

  const bytes = gunzipSync(readFileSync(file));
  if (isTar(bytes)) {
    if (config.databaseUrl) {
      err(`${file} is a PGlite data folder; it cannot be restored into PostgreSQL`);
      return 1;
    }
    const r = await restorePgliteDir(config.dataDir, bytes);
    out(`restored ${where} from ${file}; new epoch ${r.epoch}`);
    if (r.replaced) out(`the folder it replaced is ${r.replaced} (delete it once all is well)`);
    return 0;
  }
  let backup: unknown;
  try {
    backup = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    backup = null;
  }
  if (!isRowsBackup(backup)) {
    err(`${file} is not a Sổ tay backup`);
    return 1;
  }
  const { epoch } = await withDb((db) => restoreRows(db, backup));
  out(`restored ${where} from ${file} (taken ${backup.takenAt}); new epoch ${epoch}`);
  return 0;
}
