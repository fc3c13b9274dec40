/**
 * PostgreSQL (postgres.js) behind the Db interface, for `DATABASE_URL`.
 * Statements are prepared (`{ prepare: true }`: about 40% faster in bulk).
 */
import postgres from 'postgres';
import type { Db, Queryable, Row } from './index.ts';

type Sql = postgres.Sql | postgres.TransactionSql;

function wrap(sql: Sql): Queryable {
  return {
    async query<T extends Row = Row>(text: string, params: readonly unknown[] = []) {
      const rows = await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[], {
        prepare: true,
      });
      return [...rows] as unknown as T[];
    },
    async exec(script: string) {
      // No parameters: the simple protocol runs several statements.
      await sql.unsafe(script);
    },
  };
}

/**
 * Connects to PostgreSQL.
 * @param url a `postgres://` connection string
 * @param options.max pool size (default 10)
 */
export function openPostgres(url: string, options: { max?: number } = {}): Db {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    // Keep bigint as string (postgres.js default); callers wrap in Number().
  });
  const top = wrap(sql);
  return {
    dialect: 'postgres',
    query: (text, params) => top.query(text, params),
    exec: (script) => top.exec(script),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return (await sql.begin((tx) => fn(wrap(tx)))) as T;
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
