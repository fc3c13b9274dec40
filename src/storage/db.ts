/**
 * The per-user IndexedDB database (SYNC.md §3.2): its typed schema, its name,
 * the upgrade ladder and the connection lifecycle. Owns: `openUserDb`,
 * `SotayDB`, `UserDb`. Every other storage file receives a `UserDb`.
 *
 * Upgrade rule: add an `if (oldVersion < N)` step, never edit an old one, and
 * never drop or rewrite the `outbox` (it holds changes the server has not seen).
 */
import {
  openDB,
  type DBSchema,
  type IDBPDatabase,
  type IDBPTransaction,
  type StoreNames,
} from 'idb';
import type { LogStatus } from '../shared/schemas/log.ts';
import type {
  AttentionItem,
  LocalContact,
  LocalLog,
  MetaRecord,
  OutboxEntry,
  SyncState,
} from './types.ts';

/**
 * The schema version. History:
 * 1. stores logs, outbox, attention, meta.
 * 2. synced logs get `ackedAt` (the re-push window after a server restore
 *    counts from it; v1 did not record it).
 * 3. index `logs.byStatus` (review status): the home screen finds the
 *    sessions returned for changes without reading every log.
 * 4. store `contacts`: follow-up contacts, apart from the logs (docs/SECURITY.md).
 */
export const DB_VERSION = 4;
const DB_PREFIX = 'sotay-';

export interface SotayDB extends DBSchema {
  logs: {
    key: string;
    value: LocalLog;
    indexes: {
      bySyncState: SyncState;
      /** Review status; a log never reviewed (status null) is not in it. */
      byStatus: LogStatus;
      /** Newest first when walked backwards: activity date, then device creation time. */
      byActivityDate: [string, number];
    };
  };
  outbox: {
    key: number;
    value: OutboxEntry;
    indexes: { byMutationId: string; byEntity: string };
  };
  attention: {
    key: string;
    value: AttentionItem;
    indexes: { byEntity: string };
  };
  meta: { key: MetaRecord['key']; value: MetaRecord };
  contacts: { key: string; value: LocalContact };
}

/** An open connection to one user's database. Close it with `db.close()` on sign-out. */
export type UserDb = IDBPDatabase<SotayDB>;

export interface OpenUserDbOptions {
  /**
   * A newer app version (another tab, or after an update) wants to upgrade the
   * database. The connection is already closed when this runs: reload the page.
   */
  onVersionChange?: () => void;
  /** An older tab still holds the database open: ask the user to close it. */
  onBlocked?: () => void;
  /** The browser closed the connection abnormally (WebKit, SYNC.md pitfall 7): reopen. */
  onTerminated?: () => void;
}

/** The database name for a user: one database per user (shared phones, SYNC.md pitfall 16). */
export function userDbName(userId: string): string {
  return `${DB_PREFIX}${userId}`;
}

function ignore(): void {}

/** The upgrade transaction the ladder runs in. */
export type UpgradeTransaction = IDBPTransaction<SotayDB, StoreNames<SotayDB>[], 'versionchange'>;

/**
 * v2: a log synced under v1 counts as acknowledged when it was last written
 * (its `updatedAtDevice`: the ack or the pull that made it synced), so a server
 * restore re-pushes it within the 30-day window like any other.
 */
async function backfillAckedAt(tx: UpgradeTransaction): Promise<void> {
  let cursor = await tx.objectStore('logs').openCursor();
  while (cursor) {
    const log = cursor.value;
    if (
      log.syncState === 'synced' &&
      log.serverVersion !== null &&
      !log.deleted &&
      log.ackedAt === undefined
    ) {
      await cursor.update({ ...log, ackedAt: log.updatedAtDevice });
    }
    cursor = await cursor.continue();
  }
}

/**
 * The upgrade ladder: brings `database` from `oldVersion` to `newVersion`, one
 * cumulative step per version. Exported so a test can build a database of an
 * older version with the real code of that version.
 * Rule: add an `if (oldVersion < N && newVersion >= N)` step; never edit an
 * older one; never drop, clear or rewrite `outbox` (its entries are changes the
 * server has not seen, with their client sequence numbers).
 */
export function upgradeUserDb(
  database: IDBPDatabase<SotayDB>,
  oldVersion: number,
  newVersion: number,
  tx: UpgradeTransaction,
): void {
  if (oldVersion < 1 && newVersion >= 1) {
    const logs = database.createObjectStore('logs', { keyPath: 'id' });
    logs.createIndex('bySyncState', 'syncState');
    logs.createIndex('byActivityDate', ['activityDate', 'createdAtDevice']);
    const outbox = database.createObjectStore('outbox', {
      keyPath: 'seq',
      autoIncrement: true,
    });
    outbox.createIndex('byMutationId', 'mutationId', { unique: true });
    outbox.createIndex('byEntity', 'entityId');
    const attention = database.createObjectStore('attention', { keyPath: 'mutationId' });
    attention.createIndex('byEntity', 'entityId');
    database.createObjectStore('meta', { keyPath: 'key' });
  }
  if (oldVersion < 2 && newVersion >= 2) {
    // Best effort: a database whose backfill fails still opens (those logs are
    // simply not re-pushed after a restore); an IDB failure aborts the upgrade.
    backfillAckedAt(tx).catch(ignore);
  }
  if (oldVersion < 3 && newVersion >= 3) {
    // Built from the stored logs by IndexedDB itself; the outbox is untouched.
    tx.objectStore('logs').createIndex('byStatus', 'status');
  }
  if (oldVersion < 4 && newVersion >= 4) {
    database.createObjectStore('contacts', { keyPath: 'logId' });
  }
}

/**
 * Opens (creating or upgrading) the database of `userId`.
 * @throws TypeError when `userId` is empty.
 */
export async function openUserDb(userId: string, opts: OpenUserDbOptions = {}): Promise<UserDb> {
  if (!userId) throw new TypeError('openUserDb: userId is required');
  const db = await openDB<SotayDB>(userDbName(userId), DB_VERSION, {
    upgrade(database, oldVersion, newVersion, tx) {
      upgradeUserDb(database, oldVersion, newVersion ?? DB_VERSION, tx);
    },
    blocked() {
      opts.onBlocked?.();
    },
    blocking() {
      // Without this close() a new app version could never open its database (SYNC.md pitfall 5).
      db.close();
      opts.onVersionChange?.();
    },
    terminated() {
      opts.onTerminated?.();
    },
  });
  return db;
}

/**
 * Asks the browser to keep this origin's storage under pressure instead of
 * evicting it (SYNC.md §0.7): best-effort storage can be cleared with the
 * unsent outbox in it. Resolves to whether storage is persistent.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  if (!storage?.persist) return false;
  try {
    return (await storage.persisted()) || (await storage.persist());
  } catch {
    return false;
  }
}
