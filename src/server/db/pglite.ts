/**
 * PGlite behind the Db interface: `memory://` for tests, a NodeFS data folder
 * in production. Never `relaxedDurability` (SYNC.md pitfall 24).
 */
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, Row } from './index.ts';

interface PgQueryable {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(script: string): Promise<unknown>;
}

function wrap(pg: PgQueryable): Queryable {
  return {
    async query<T extends Row = Row>(text: string, params: readonly unknown[] = []) {
      const res = await pg.query<T>(text, [...params]);
      return res.rows;
    },
    async exec(script: string) {
      await pg.exec(script);
    },
  };
}

/**
 * Opens PGlite.
 * @param dataDir a folder path (NodeFS), or `memory://` (the default)
 */
export async function openPglite(dataDir = 'memory://'): Promise<Db> {
  const pg = new PGlite(dataDir, { relaxedDurability: false });
  await pg.waitReady;
  const top = wrap(pg);
  return {
    dialect: 'pglite',
    query: (text, params) => top.query(text, params),
    exec: (script) => top.exec(script),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const result = await pg.transaction((tx) => fn(wrap(tx)));
      // pglite#1065: transaction() may resolve before the data folder is synced;
      // a top-level query awaits syncToFs().
      await pg.query('select 1');
      return result;
    },
    async close() {
      if (!pg.closed) await pg.close();
    },
  };
}
