/**
 * Storage health (SYNC.md §0.7, pitfall 3). Owns: `getStorageHealth` (is
 * storage persistent, how full is it). On the first screen, so it imports
 * nothing. The last-resort export is in export.ts.
 */

/** Free space below which storage counts as nearly full, whatever the ratio. */
export const NEARLY_FULL_FREE_BYTES = 20 * 1024 * 1024;
/** Usage / quota at or above which storage counts as nearly full. */
export const NEARLY_FULL_RATIO = 0.9;

export interface StorageHealth {
  /** Storage is exempt from eviction (`persist()` granted); null when the browser cannot tell. */
  persisted: boolean | null;
  /** Bytes used by this origin; null when unknown. */
  usage: number | null;
  /** Bytes this origin may use; null when unknown. */
  quota: number | null;
  /** usage/quota ≥ 90 %, or less than 20 MB free. False when unknown. */
  nearlyFull: boolean;
}

/** The part of `navigator.storage` this module reads (injectable in tests). */
export interface StorageManagerLike {
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
  persisted?: () => Promise<boolean>;
}

function defaultStorage(): StorageManagerLike | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.storage;
}

function finite(n: number | undefined): number | null {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
}

/**
 * How safe the device's storage is, for the UI's warnings: not persistent
 * (the browser may evict the unsent outbox) or nearly full (the next save may
 * fail with QuotaExceededError). Never throws; unknown values are null.
 */
export async function getStorageHealth(
  storage: StorageManagerLike | undefined = defaultStorage(),
): Promise<StorageHealth> {
  let persisted: boolean | null = null;
  let usage: number | null = null;
  let quota: number | null = null;
  try {
    if (storage?.persisted) persisted = await storage.persisted();
  } catch {
    persisted = null;
  }
  try {
    if (storage?.estimate) {
      const e = await storage.estimate();
      usage = finite(e.usage);
      quota = finite(e.quota);
    }
  } catch {
    usage = quota = null;
  }
  const nearlyFull =
    usage !== null &&
    quota !== null &&
    quota > 0 &&
    (usage / quota >= NEARLY_FULL_RATIO || quota - usage < NEARLY_FULL_FREE_BYTES);
  return { persisted, usage, quota, nearlyFull };
}
