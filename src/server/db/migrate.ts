/**
 * Applies pending forward-only migrations in order, recording each in
 * `schema_migration`. Several servers starting at once on one PostgreSQL
 * serialise on an advisory lock.
 */
import type { Db } from './index.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';

const MIGRATION_LOCK_KEY = 727_274_001;

/**
 * Brings the schema up to date.
 * @returns the versions applied by this call
 */
export async function migrate(
  db: Db,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(`create table if not exists schema_migration (
      version int primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`);
    const rows = await tx.query<{ version: number }>('select version from schema_migration');
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('insert into schema_migration (version, name) values ($1, $2)', [
        m.version,
        m.name,
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}
