/** A fresh per-user database for each test (random user id → its own IndexedDB). */
import { openDB } from 'idb';
import {
  openUserDb,
  upgradeUserDb,
  userDbName,
  type OpenUserDbOptions,
  type SotayDB,
  type UserDb,
} from '../../src/storage/index.ts';

/**
 * The database of `dbUserId` at an older `version`, built by the real
 * ladder's steps up to that version (what that app version would have made).
 */
export async function openAtVersion(dbUserId: string, version: number): Promise<UserDb> {
  return openDB<SotayDB>(userDbName(dbUserId), version, {
    upgrade(db, oldVersion, _newVersion, tx) {
      upgradeUserDb(db, oldVersion, version, tx);
    },
  });
}

export async function freshDb(
  opts: OpenUserDbOptions = {},
): Promise<{ db: UserDb; userId: string; reopen: () => Promise<UserDb> }> {
  const userId = `test-${crypto.randomUUID()}`;
  const db = await openUserDb(userId, opts);
  return {
    db,
    userId,
    reopen: async () => {
      db.close();
      return openUserDb(userId, opts);
    },
  };
}
