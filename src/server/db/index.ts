/**
 * The one database interface the server uses. Two implementations run the
 * same SQL: PGlite (embedded, the default) and PostgreSQL via postgres.js.
 *
 * Conventions every query follows so both behave the same:
 * - `$1…$n` parameters; pass jsonb as a JSON string and cast `$1::text::jsonb`
 *   (postgres.js would otherwise JSON-encode the string a second time);
 * - `bigint` columns arrive as a number (PGlite) or a string (postgres.js):
 *   wrap them in `Number()`; select `date` columns as `::text`;
 * - `timestamptz` columns arrive as `Date`.
 */

export type Row = Record<string, unknown>;

/** Something that runs SQL: the database itself or an open transaction. */
export interface Queryable {
  /** Runs one statement with `$n` parameters and returns its rows. */
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly dialect: 'pglite' | 'postgres';
  /**
   * Runs `fn` in one transaction (READ COMMITTED). Resolves only once the
   * commit is durable: on PGlite a top-level query follows the commit so the
   * data folder is synced before the caller acknowledges (SYNC.md pitfall 24).
   * @throws whatever `fn` throws, after rolling back
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The SQLSTATE of a database error, if it is one. */
export function sqlState(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = err.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** Errors that a retry of the whole transaction may resolve (races between requests). */
export function isRetryable(err: unknown): boolean {
  const code = sqlState(err);
  // unique_violation (two creates of one id), serialization_failure, deadlock_detected
  return code === '23505' || code === '40001' || code === '40P01';
}

/**
 * Runs `fn` in a transaction, retrying a few times when it loses a race.
 * @param attempts total attempts (default 4)
 */
export async function transactionWithRetry<T>(
  db: Db,
  fn: (tx: Queryable) => Promise<T>,
  attempts = 4,
): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await db.transaction(fn);
    } catch (err) {
      if (i >= attempts || !isRetryable(err)) throw err;
    }
  }
}

/** A JSON parameter for a `$n::text::jsonb` placeholder. */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value);
}
