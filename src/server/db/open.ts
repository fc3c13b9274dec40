/**
 * Opens the configured database: PostgreSQL when a URL is given, else PGlite
 * in `<dataDir>/pgdata` guarded by `<dataDir>/sotay.lock`. Migrates before
 * returning.
 */
import { join, resolve } from 'node:path';
import type { Db } from './index.ts';
import { lockDataDir } from './lock.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

export interface OpenDbOptions {
  databaseUrl?: string;
  dataDir: string;
}

/**
 * Opens, locks (PGlite) and migrates the database.
 * @throws DataDirLockedError when another process owns the data folder
 */
export async function openDatabase(options: OpenDbOptions): Promise<Db> {
  if (options.databaseUrl) {
    const db = openPostgres(options.databaseUrl);
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      throw err;
    }
    return db;
  }
  const dir = resolve(options.dataDir);
  const lock = await lockDataDir(dir);
  let db: Db | undefined;
  try {
    db = await openPglite(join(dir, 'pgdata'));
    await migrate(db);
  } catch (err) {
    await db?.close().catch(() => {});
    lock.release();
    throw err;
  }
  const opened = db;
  return {
    ...opened,
    async close() {
      try {
        await opened.close();
      } finally {
        lock.release();
      }
    },
  };
}
