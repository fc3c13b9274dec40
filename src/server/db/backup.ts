/**
 * Backup and restore (SYNC.md §3.8, §4 S7). The one rule: a restore gives
 * the server a NEW epoch (`server_meta.epoch`), so every phone notices that
 * the server went back in time, drops its checkpoint (pull answers reset) and
 * sends again what the restored server lacks.
 *
 * Two formats:
 * - rows (`sotay-rows/1`): every application table as JSON, taken in one
 *   REPEATABLE READ transaction; restored in place, in one transaction, into
 *   a database of the same schema version, PGlite or PostgreSQL alike;
 * - a PGlite data folder (`dumpDataDir()` tarball, gzip): taken and restored
 *   with the server stopped (the folder's lock is held meanwhile); the folder
 *   it replaces is kept beside it.
 */
import { renameSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable } from './index.ts';
import { lockDataDir } from './lock.ts';
import { migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { openPglite } from './pglite.ts';

/**
 * Every table a backup holds, parents before children (the order rows are
 * restored in). `server_meta` (the epoch) and `schema_migration` are not
 * copied: they describe this database, not its data.
 */
export const BACKUP_TABLES = [
  'commune',
  'hamlet',
  'app_user',
  'auth_session',
  'commune_clock',
  'sync_client',
  'activity_log',
  'activity_log_revision',
  'processed_mutation',
  'sync_conflict',
  'login_throttle',
  'enrolment_code',
  'audit_event',
  'follow_up_contact',
  'hamlet_denominator',
  'hamlet_target',
] as const;
export type BackupTable = (typeof BACKUP_TABLES)[number];

export const ROWS_FORMAT = 'sotay-rows/1';

export interface RowsBackup {
  format: typeof ROWS_FORMAT;
  /** The schema version (last migration) of the database it was taken from. */
  schemaVersion: number;
  /** The epoch of that database when it was taken (a restore makes a new one). */
  epoch: string;
  takenAt: string;
  tables: Record<BackupTable, unknown[]>;
}

/** The schema version a database is at (its last applied migration). */
export async function schemaVersion(db: Queryable): Promise<number> {
  const rows = await db.query<{ v: number | string | null }>(
    'select max(version) as v from schema_migration',
  );
  return Number(rows[0]?.v ?? 0);
}

/** The schema version this build migrates to. */
export const CURRENT_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/**
 * Gives the database a new epoch, and records which epoch it was restored from.
 * @returns the new epoch
 */
export async function regenerateEpoch(
  tx: Queryable,
  restoredFrom?: { epoch: string; at: Date },
): Promise<string> {
  const rows = await tx.query<{ value: string }>(
    `update server_meta set value = gen_random_uuid()::text where key = 'epoch' returning value`,
  );
  const epoch = rows[0]?.value;
  if (!epoch) throw new Error('server_meta has no epoch');
  if (restoredFrom) {
    for (const [key, value] of [
      ['restored_from_epoch', restoredFrom.epoch],
      ['restored_at', restoredFrom.at.toISOString()],
    ]) {
      await tx.query(
        `insert into server_meta (key, value) values ($1, $2)
         on conflict (key) do update set value = excluded.value`,
        [key, value],
      );
    }
  }
  return epoch;
}

/** A consistent copy of every table's rows (one REPEATABLE READ transaction). */
export async function backupRows(db: Db, now: Date = new Date()): Promise<RowsBackup> {
  return db.transaction(async (tx) => {
    await tx.query('set transaction isolation level repeatable read');
    const meta = await tx.query<{ value: string }>(
      `select value from server_meta where key = 'epoch'`,
    );
    const tables = {} as Record<BackupTable, unknown[]>;
    for (const t of BACKUP_TABLES) {
      const rows = await tx.query<{ rows: string }>(
        `select coalesce(json_agg(t), '[]')::text as rows from ${t} t`,
      );
      tables[t] = JSON.parse(rows[0]!.rows) as unknown[];
    }
    return {
      format: ROWS_FORMAT,
      schemaVersion: await schemaVersion(tx),
      epoch: meta[0]?.value ?? '',
      takenAt: now.toISOString(),
      tables,
    };
  });
}

export class BackupMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupMismatchError';
  }
}

/** Whether `value` looks like a rows backup (shape only; the rows are checked by the database). */
export function isRowsBackup(value: unknown): value is RowsBackup {
  if (typeof value !== 'object' || value === null) return false;
  const b = value as Partial<RowsBackup>;
  return (
    b.format === ROWS_FORMAT &&
    typeof b.schemaVersion === 'number' &&
    typeof b.tables === 'object' &&
    b.tables !== null &&
    BACKUP_TABLES.every((t) => Array.isArray((b.tables as Record<string, unknown>)[t]))
  );
}

/**
 * Replaces every table's rows with the backup's, in one transaction, and
 * gives the database a new epoch. Other connections see the old state or the
 * restored one, never a mix.
 * @returns the new epoch
 * @throws BackupMismatchError when the backup is of another schema version
 */
export async function restoreRows(
  db: Db,
  backup: RowsBackup,
  now: Date = new Date(),
): Promise<{ epoch: string }> {
  if (!isRowsBackup(backup)) throw new BackupMismatchError('not a Sổ tay rows backup');
  return db.transaction(async (tx) => {
    const version = await schemaVersion(tx);
    if (backup.schemaVersion !== version) {
      throw new BackupMismatchError(
        `the backup is of schema version ${backup.schemaVersion}, the database of ${version}`,
      );
    }
    await tx.query(`truncate ${BACKUP_TABLES.join(', ')} cascade`);
    for (const t of BACKUP_TABLES) {
      const rows = backup.tables[t];
      if (rows.length === 0) continue;
      await tx.query(
        `insert into ${t} select * from jsonb_populate_recordset(null::${t}, $1::text::jsonb)`,
        [JSON.stringify(rows)],
      );
    }
    const epoch = await regenerateEpoch(tx, { epoch: backup.epoch, at: now });
    return { epoch };
  });
}

/**
 * The PGlite data folder `<dataDir>/pgdata` as a gzip tarball. The server must
 * be stopped: the folder's lock is taken for the duration.
 * @throws DataDirLockedError while a server holds the folder
 */
export async function backupPgliteDir(dataDir: string): Promise<Uint8Array> {
  const dir = resolve(dataDir);
  const lock = await lockDataDir(dir);
  try {
    const pg = new PGlite(join(dir, 'pgdata'), { relaxedDurability: false });
    try {
      await pg.waitReady;
      const blob = await pg.dumpDataDir('gzip');
      return new Uint8Array(await blob.arrayBuffer());
    } finally {
      await pg.close();
    }
  } finally {
    lock.release();
  }
}

/**
 * Restores a PGlite data folder from a `backupPgliteDir` tarball, migrates it
 * and gives it a new epoch. The folder it replaces is renamed
 * `pgdata.replaced-<time>` (delete it once the restore is confirmed).
 * @returns the new epoch and where the old folder went (if there was one)
 * @throws DataDirLockedError while a server holds the folder
 */
export async function restorePgliteDir(
  dataDir: string,
  tarball: Uint8Array,
  now: Date = new Date(),
): Promise<{ epoch: string; replaced: string | null }> {
  const dir = resolve(dataDir);
  const lock = await lockDataDir(dir);
  try {
    const target = join(dir, 'pgdata');
    let replaced: string | null = null;
    if (existsSync(target)) {
      replaced = `${target}.replaced-${now.toISOString().replace(/[:.]/g, '-')}`;
      renameSync(target, replaced);
    }
    const pg = new PGlite(target, {
      relaxedDurability: false,
      loadDataDir: new Blob([tarball as Uint8Array<ArrayBuffer>]),
    });
    await pg.waitReady;
    const from = await pg.query<{ value: string }>(
      `select value from server_meta where key = 'epoch'`,
    );
    await pg.close();
    // Through the Db wrapper: migrations and the epoch, each durable before we answer.
    const db = await openPglite(target);
    try {
      await migrate(db);
      const epoch = await db.transaction((tx) =>
        regenerateEpoch(tx, { epoch: from.rows[0]?.value ?? '', at: now }),
      );
      return { epoch, replaced };
    } finally {
      await db.close();
    }
  } finally {
    lock.release();
  }
}
