/**
 * The sync engine (SYNC.md §3.2 "Sync runner"): runs in the window, one run
 * at a time (in this tab by a flag, across tabs by the Web Lock `sotay-sync`).
 * Owns: when to sync (triggers, debounce, periodic timer, backoff) and the run
 * itself: push the outbox until it is empty, hand over the follow-up contacts
 * of acknowledged logs, then pull until `hasMore` is false.
 *
 * - `navigator.onLine` is only a trigger, never a gate: a run always tries.
 * - Transport failures keep the outbox and retry with exponential backoff and
 *   full jitter (1 s → 5 min); the `online` event resets the backoff.
 * - 401 → state `unauthorized`: the outbox is kept and automatic triggers
 *   pause until the next explicit `syncNow()` (after signing in again).
 * - The clock skew (server time − device time) is recorded for a warning only,
 *   never used to order anything.
 * - After a server restore (a new epoch; storage's repush.ts) the re-pull may
 *   queue what the server lost: the run pushes and pulls again (≤ 3 cycles). A
 *   `409 seq_gap` below the oldest queued seq (the restored server forgot this
 *   device's sequence) renews the client id once and resends.
 * - Watchdog (SYNC.md §3.2, pitfall 17): outbox non-empty, online, and no
 *   successful push for 15 minutes → the run in progress is abandoned (its
 *   request aborted, the sync lock released), the in-memory state reset,
 *   `stalled: true` reported, and a fresh run started. The next successful
 *   push (or an empty outbox) clears `stalled`.
 * Nothing is scheduled before `start()`, and all timers and the clock are injectable.
 */
import {
  DEFAULT_PULL_LIMIT,
  MAX_PUSH_MUTATIONS,
  type Mutation,
  type PushRequest,
} from '../shared/protocol.ts';
import { MAX_CONTACTS_PER_PUSH } from '../shared/schemas/contact.ts';
import {
  applyContactResults,
  dropOrphanContacts,
  applyPullPage,
  applyPushResults,
  getCheckpoint,
  getClientId,
  getMeta,
  getSyncSummary,
  markOutboxError,
  renewClientId,
  setMeta,
  takeContactsToSend,
  takeOutboxBatch,
  type OutboxEntry,
  type UserDb,
} from '../storage/index.ts';
import type { ApiClient } from './api-client.ts';
import {
  HttpError,
  NetworkError,
  ProtocolError,
  SeqGapError,
  UnauthorizedError,
} from './errors.ts';

export type SyncState = 'idle' | 'syncing' | 'offline' | 'error' | 'unauthorized';

export interface SyncStatus {
  state: SyncState;
  /** Logs with a change the server has not acknowledged. */
  pending: number;
  /** Changes waiting for the user in the attention list. */
  attention: number;
  /** Device time of the oldest queued change (for "not synced for N days"). */
  oldestPendingAt: number | null;
  /** Device time of the last complete run (push + pull). */
  lastSyncAt: number | null;
  /** A short code: `network`, `http_<status>`, `seq_gap`, `protocol`, `storage`, `no_progress`, `foreign_entry`. */
  lastError: string | null;
  /** Server time − device time at the last answer; warn when |skew| > 10 min. */
  clockSkewMs: number | null;
  /**
   * The watchdog found the queue stuck: changes waiting, online, and no
   * successful push for `watchdogMs` (15 min). Show a "not synced" banner with
   * "Sync now". Cleared by the next successful push or an empty outbox.
   */
  stalled: boolean;
}

export type SyncOutcome =
  | { status: 'ok'; pushed: number; pulled: number; attention: number }
  | { status: 'offline'; error: string }
  | { status: 'unauthorized' }
  | { status: 'error'; error: string; detail: string }
  /** Another tab holds the sync lock; it syncs the same database. */
  | { status: 'busy' };

export interface SyncEngine {
  /** Runs now (or joins the run in progress, which then runs once more). Never rejects. */
  syncNow(): Promise<SyncOutcome>;
  /** Installs the triggers and runs immediately (when already started: just runs). */
  start(): void;
  /** Removes the triggers and timers. A run in progress finishes. */
  stop(): void;
  /**
   * Call after every local save: schedules a debounced run and refreshes the
   * counts; resolves once the status counts the save (never rejects), so a
   * screen shown after it never says "synced" while the save waits.
   */
  notifySaved(): Promise<void>;
  /** Re-reads the counts and sync meta from storage. */
  refresh(): Promise<SyncStatus>;
  /** Listen to status changes; returns the unsubscribe function. Not called on subscribe. */
  subscribe(fn: (status: SyncStatus) => void): () => void;
  getStatus(): SyncStatus;
}

interface EventSource {
  addEventListener(type: string, fn: () => void): void;
  removeEventListener(type: string, fn: () => void): void;
}
interface DocumentLike extends EventSource {
  visibilityState: string;
}
interface LocksLike {
  request<T>(
    name: string,
    options: { ifAvailable: boolean },
    callback: (lock: unknown) => Promise<T>,
  ): Promise<T>;
}

export interface SyncEngineOptions {
  db: UserDb;
  api: Pick<ApiClient, 'push' | 'pull' | 'pushContacts'>;
  /** The signed-in user; only their outbox entries are pushed (SYNC.md §3.6). */
  userId: string;
  now?: () => number;
  random?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  /** Web Locks; defaults to `navigator.locks` when it exists. `null` disables. */
  locks?: LocksLike | null;
  /** Source of `online` events; defaults to `globalThis` in a browser. */
  window?: EventSource | null;
  /** Source of `visibilitychange`; defaults to `document` in a browser. */
  document?: DocumentLike | null;
  debounceMs?: number;
  periodicMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  pushBatchSize?: number;
  pullLimit?: number;
  /** Called with unexpected errors (for logging), and with a `SyncStalledError` when the watchdog trips. */
  onError?: (error: unknown) => void;
  /** Whether the device says it is online (watchdog only); defaults to `navigator.onLine`. */
  online?: () => boolean;
  /** No successful push for this long, with changes waiting and online → stalled (15 min). */
  watchdogMs?: number;
  /** How often the watchdog looks (1 min). */
  watchdogCheckMs?: number;
  /**
   * Tells the other tabs of this user that a run changed the database, and
   * hears theirs (their status refreshes at once). Defaults to a
   * BroadcastChannel where it exists; `null` disables.
   */
  channel?: ChannelLike | null;
}

/** The part of BroadcastChannel the engine uses. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', fn: () => void): void;
  removeEventListener(type: 'message', fn: () => void): void;
  close?(): void;
}

export const SYNC_LOCK_NAME = 'sotay-sync';
/** A guard against a server that always answers hasMore: true. */
const MAX_PULL_PAGES = 10_000;
const MAX_SEQ_GAP_RETRIES = 2;
/** Push + pull cycles in one run (a second one only after a restore re-queued logs). */
const MAX_CYCLES = 3;

function defaultChannel(userId: string): ChannelLike | null {
  const g = globalThis as {
    BroadcastChannel?: new (name: string) => ChannelLike;
    document?: unknown;
  };
  // Browser tabs only (Node has BroadcastChannel too, but no tabs to tell).
  return g.BroadcastChannel && g.document ? new g.BroadcastChannel(`sotay-sync:${userId}`) : null;
}

function defaultLocks(): LocksLike | null {
  const nav = (globalThis as { navigator?: { locks?: LocksLike } }).navigator;
  return nav?.locks ?? null;
}
function defaultWindow(): EventSource | null {
  const g = globalThis as Partial<EventSource>;
  return typeof g.addEventListener === 'function' ? globalThis : null;
}
function defaultOnline(): boolean {
  const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
  return nav?.onLine ?? true;
}
function defaultDocument(): DocumentLike | null {
  return (globalThis as { document?: DocumentLike }).document ?? null;
}

function toMutation(e: OutboxEntry): Mutation {
  return {
    mutationId: e.mutationId,
    seq: e.seq,
    name: e.name,
    entityId: e.entityId,
    baseVersion: e.baseVersion,
    payloadSchema: e.payloadSchema,
    payload: e.payload,
    payloadHash: e.payloadHash,
    createdAtDevice: e.createdAtDevice,
  };
}

/** A short, translatable code for a failure. */
function errorCodeOf(e: unknown): string {
  if (e instanceof NetworkError) return 'network';
  if (e instanceof SeqGapError) return 'seq_gap';
  if (e instanceof HttpError) return `http_${e.status}`;
  if (e instanceof ProtocolError) return 'protocol';
  if (e instanceof NoProgressError) return 'no_progress';
  if (e instanceof ForeignEntryError) return 'foreign_entry';
  if (e instanceof SyncStalledError) return 'stalled';
  if (
    e instanceof Error &&
    /^(QuotaExceededError|AbortError|InvalidStateError|UnknownError|DataError|ConstraintError|TransactionInactiveError|VersionError)$/.test(
      e.name,
    )
  ) {
    return 'storage';
  }
  return 'unknown';
}

class NoProgressError extends Error {
  override name = 'NoProgressError';
}
/** The watchdog abandoned a run: nothing was pushed for too long with changes waiting. */
export class SyncStalledError extends Error {
  override name = 'SyncStalledError';
}
class ForeignEntryError extends Error {
  override name = 'ForeignEntryError';
  override message = 'The outbox holds a change of another user';
}

export function createSyncEngine(opts: SyncEngineOptions): SyncEngine {
  const { db, api, userId } = opts;
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const setTimer = opts.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
  const clearTimer =
    opts.clearTimeout ??
    ((h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>));
  const locks = opts.locks === undefined ? defaultLocks() : opts.locks;
  const win = opts.window === undefined ? defaultWindow() : opts.window;
  const doc = opts.document === undefined ? defaultDocument() : opts.document;
  const debounceMs = opts.debounceMs ?? 1500;
  const periodicMs = opts.periodicMs ?? 5 * 60_000;
  const backoffBaseMs = opts.backoffBaseMs ?? 1000;
  const backoffCapMs = opts.backoffCapMs ?? 5 * 60_000;
  const pushBatchSize = Math.max(1, opts.pushBatchSize ?? MAX_PUSH_MUTATIONS);
  /**
   * The batch the next push starts with: halved when a push timed out (a link
   * too slow for a full batch would otherwise retry the same batch forever),
   * doubled back after each answered push.
   */
  let preferredBatch = pushBatchSize;
  const pullLimit = opts.pullLimit ?? DEFAULT_PULL_LIMIT;
  const isOnline = opts.online ?? defaultOnline;
  const watchdogMs = opts.watchdogMs ?? 15 * 60_000;
  const watchdogCheckMs = opts.watchdogCheckMs ?? 60_000;
  const channel = opts.channel === undefined ? defaultChannel(opts.userId) : opts.channel;

  let status: SyncStatus = {
    state: 'idle',
    pending: 0,
    attention: 0,
    oldestPendingAt: null,
    lastSyncAt: null,
    lastError: null,
    clockSkewMs: null,
    stalled: false,
  };
  const listeners = new Set<(s: SyncStatus) => void>();
  let running: Promise<SyncOutcome> | null = null;
  let again = false;
  let started = false;
  let failures = 0;
  let retryTimer: unknown = null;
  let debounceTimer: unknown = null;
  let periodicTimer: unknown = null;
  let watchdogTimer: unknown = null;
  /** Bumped by the watchdog: a run of an older generation is abandoned. */
  let generation = 0;
  /** Aborts the run in progress (its requests and, through the race below, its lock). */
  let runAbort: AbortController | null = null;
  /** When this engine last saw a successful push answer (or meta's, from another tab). */
  let lastPushOkAt: number | null = null;
  /** Since when the watchdog has seen changes waiting while online. */
  let waitingSince: number | null = null;

  function report(e: unknown): void {
    try {
      opts.onError?.(e);
    } catch {
      // a logger must never break sync
    }
  }

  function update(patch: Partial<SyncStatus>): void {
    const next = { ...status, ...patch };
    const changed = (Object.keys(next) as (keyof SyncStatus)[]).some((k) => next[k] !== status[k]);
    if (!changed) return;
    status = next;
    for (const fn of [...listeners]) {
      try {
        fn(status);
      } catch (e) {
        report(e);
      }
    }
  }

  async function refresh(): Promise<SyncStatus> {
    const [summary, lastPullOkAt, clockSkewMs, pushOkAt] = await Promise.all([
      getSyncSummary(db),
      getMeta(db, 'lastPullOkAt'),
      getMeta(db, 'clockSkewMs'),
      getMeta(db, 'lastPushOkAt'),
    ]);
    if (pushOkAt !== undefined) lastPushOkAt = Math.max(lastPushOkAt ?? pushOkAt, pushOkAt);
    if (summary.oldestPendingAt === null) waitingSince = null;
    update({
      ...summary,
      ...(summary.oldestPendingAt === null ? { stalled: false } : {}),
      lastSyncAt: status.lastSyncAt ?? lastPullOkAt ?? null,
      clockSkewMs: status.clockSkewMs ?? clockSkewMs ?? null,
    });
    return status;
  }

  function noteServerTime(serverTime: string): void {
    const t = Date.parse(serverTime);
    if (!Number.isNaN(t)) update({ clockSkewMs: t - now() });
  }

  function checkAborted(signal: AbortSignal): void {
    if (signal.aborted) throw new SyncStalledError('The watchdog abandoned this run');
  }

  async function push(signal: AbortSignal): Promise<{ pushed: number; attention: number }> {
    let clientId = await getClientId(db);
    /** This run's ceiling: a 413 (a proxy's smaller limit) lowers it for the rest of the run. */
    let cap = pushBatchSize;
    let batchSize = preferredBatch;
    let gapRetries = 0;
    let renewed = false;
    let pushed = 0;
    let attention = 0;
    for (;;) {
      checkAborted(signal);
      const batch = await takeOutboxBatch(db, batchSize);
      if (batch.length === 0) break;
      // One database per user makes this impossible; refuse rather than push as someone else.
      if (batch.some((e) => e.userId !== userId)) throw new ForeignEntryError();
      const req: PushRequest = { clientId, mutations: batch.map(toMutation) };
      let res;
      try {
        res = await api.push(req, { signal });
      } catch (e) {
        if (e instanceof HttpError && e.status === 413 && batchSize > 1) {
          batchSize = cap = Math.max(1, Math.floor(batch.length / 2));
          continue;
        }
        // The server expects a seq below our oldest entry: it forgot entries it had
        // acknowledged (restored from a backup). A new client id starts a new
        // sequence at our oldest entry (the server binds an unknown id at its first seq).
        if (e instanceof SeqGapError && e.expectedSeq < (batch[0]?.seq ?? 0) && !renewed) {
          renewed = true;
          clientId = await renewClientId(db);
          continue;
        }
        // The server stopped at a gap; a batch always starts at the oldest entry, so resend.
        if (e instanceof SeqGapError && gapRetries++ < MAX_SEQ_GAP_RETRIES) continue;
        if (e instanceof NetworkError && e.timedOut) {
          preferredBatch = Math.max(1, Math.floor(batch.length / 2));
        }
        await markOutboxError(db, batch, errorCodeOf(e)).catch(report);
        throw e;
      }
      checkAborted(signal);
      noteServerTime(res.serverTime);
      const applied = await applyPushResults(db, batch, res, { now: now() });
      if (applied.acknowledged === 0) throw new NoProgressError('The server answered no mutation');
      lastPushOkAt = now();
      waitingSince = null;
      update({ stalled: false });
      pushed += applied.acknowledged;
      attention += applied.attention;
      gapRetries = 0;
      preferredBatch = Math.min(pushBatchSize, batchSize * 2);
      batchSize = Math.min(preferredBatch, cap);
      await refresh();
    }
    return { pushed, attention };
  }

  /**
   * Sends the follow-up contacts whose logs the server now has, and drops
   * their names and phones from the phone once stored. A refusal other than
   * a lost network or session (an older server without the route, say) is
   * reported and leaves them queued: it must not stop the pull.
   */
  async function sendContacts(signal: AbortSignal): Promise<void> {
    await dropOrphanContacts(db);
    for (;;) {
      checkAborted(signal);
      const batch = await takeContactsToSend(db, MAX_CONTACTS_PER_PUSH);
      if (batch.length === 0) return;
      let res;
      try {
        res = await api.pushContacts(
          { contacts: batch.map((c) => ({ logId: c.logId, contact: c.contact })) },
          { signal },
        );
      } catch (e) {
        if (e instanceof NetworkError || e instanceof UnauthorizedError) throw e;
        report(e);
        return;
      }
      checkAborted(signal);
      await applyContactResults(db, batch, res, now());
      if (batch.length < MAX_CONTACTS_PER_PUSH) return;
    }
  }

  /** Pulls until `hasMore` is false. `requeued`: changes queued for a restored server. */
  async function pull(signal: AbortSignal): Promise<{ pulled: number; requeued: number }> {
    let pulled = 0;
    let requeued = 0;
    for (let pages = 0; pages < MAX_PULL_PAGES; pages++) {
      checkAborted(signal);
      const cp = await getCheckpoint(db);
      const page = await api.pull(cp, pullLimit, { signal });
      checkAborted(signal);
      noteServerTime(page.serverTime);
      const applied = await applyPullPage(db, page, { now: now(), userId });
      pulled += applied.applied;
      requeued += applied.requeued;
      if (!page.hasMore) return { pulled, requeued };
    }
    throw new NoProgressError('The server kept answering hasMore');
  }

  async function runOnce(signal: AbortSignal): Promise<SyncOutcome> {
    update({ state: 'syncing' });
    try {
      let pushed = 0;
      let attention = 0;
      let pulled = 0;
      for (let cycle = 1; ; cycle++) {
        const p = await push(signal);
        pushed += p.pushed;
        attention += p.attention;
        await sendContacts(signal);
        const q = await pull(signal);
        pulled += q.pulled;
        // After a server restore the re-pull queues what the server lacks: push it now.
        if (q.requeued === 0 || cycle >= MAX_CYCLES) break;
      }
      checkAborted(signal); // an abandoned run must not overwrite the status of the new one
      const at = now();
      if (status.clockSkewMs !== null) await setMeta(db, 'clockSkewMs', status.clockSkewMs);
      update({ state: 'idle', lastError: null, lastSyncAt: at });
      await refresh();
      return { status: 'ok', pushed, pulled, attention };
    } catch (e) {
      if (signal.aborted) {
        // Abandoned by the watchdog: a newer run owns the status now.
        return { status: 'error', error: 'stalled', detail: 'abandoned by the watchdog' };
      }
      await refresh().catch(report);
      if (e instanceof UnauthorizedError) {
        update({ state: 'unauthorized', lastError: 'http_401' });
        return { status: 'unauthorized' };
      }
      const code = errorCodeOf(e);
      if (e instanceof NetworkError) {
        update({ state: 'offline', lastError: code });
        return { status: 'offline', error: code };
      }
      report(e);
      update({ state: 'error', lastError: code });
      return { status: 'error', error: code, detail: e instanceof Error ? e.message : String(e) };
    }
  }

  /** `run`, or the stalled outcome as soon as `signal` aborts, whichever comes first. */
  function untilAborted(run: Promise<SyncOutcome>, signal: AbortSignal): Promise<SyncOutcome> {
    const stalled: SyncOutcome = {
      status: 'error',
      error: 'stalled',
      detail: 'abandoned by the watchdog',
    };
    if (signal.aborted) return Promise.resolve(stalled);
    return Promise.race([
      run,
      new Promise<SyncOutcome>((resolve) =>
        signal.addEventListener('abort', () => resolve(stalled), { once: true }),
      ),
    ]);
  }

  async function runLocked(): Promise<SyncOutcome> {
    const controller = new AbortController();
    runAbort = controller;
    const { signal } = controller;
    try {
      // The race lets an abandoned run release the lock even if it hangs for good
      // (an IndexedDB request that never completes, a fetch that ignores its signal).
      if (!locks) return await untilAborted(runOnce(signal), signal);
      return await locks.request(SYNC_LOCK_NAME, { ifAvailable: true }, (lock) =>
        lock
          ? untilAborted(runOnce(signal), signal)
          : Promise.resolve<SyncOutcome>({ status: 'busy' }),
      );
    } finally {
      if (runAbort === controller) runAbort = null;
    }
  }

  function clearRetry(): void {
    if (retryTimer !== null) clearTimer(retryTimer);
    retryTimer = null;
  }

  function scheduleAfter(outcome: SyncOutcome): void {
    clearRetry();
    if (outcome.status === 'ok') {
      failures = 0;
      return;
    }
    if (!started || outcome.status === 'unauthorized') return;
    let delay: number;
    if (outcome.status === 'busy') {
      delay = debounceMs; // the other tab is syncing the same database; look again soon
    } else {
      // Exponential backoff with full jitter (AWS architecture blog), 1 s → 5 min.
      const ceiling = Math.min(backoffCapMs, backoffBaseMs * 2 ** failures);
      failures++;
      delay = Math.floor(random() * ceiling);
    }
    retryTimer = setTimer(() => {
      retryTimer = null;
      void syncNow();
    }, delay);
  }

  function syncNow(): Promise<SyncOutcome> {
    if (running) {
      again = true;
      return running;
    }
    const gen = generation;
    const run = (async () => {
      let outcome: SyncOutcome;
      let changed = false;
      do {
        again = false;
        clearRetry();
        try {
          outcome = await runLocked();
        } catch (e) {
          // Only a failing lock manager gets here; runOnce never throws.
          report(e);
          outcome = { status: 'error', error: 'unknown', detail: String(e) };
        }
        if (outcome.status === 'ok')
          changed ||= outcome.pushed + outcome.pulled + outcome.attention > 0;
      } while (again && outcome.status === 'ok' && gen === generation);
      if (gen === generation) scheduleAfter(outcome); // else the watchdog took over
      // Another tab's status would otherwise keep counting what this run sent.
      if (changed) channel?.postMessage('synced');
      return outcome;
    })();
    running = run;
    void run.finally(() => {
      if (running === run) running = null;
    });
    return run;
  }

  /**
   * The watchdog trips: abandon the run in progress (abort its requests and
   * release its lock), forget the in-memory run state and backoff, report
   * `stalled`, and start a fresh run.
   */
  function trip(): void {
    generation++;
    runAbort?.abort();
    runAbort = null;
    running = null;
    again = false;
    failures = 0;
    clearRetry();
    waitingSince = now(); // look again a full period from now
    update({ stalled: true });
    report(new SyncStalledError(`No successful push for ${Math.round(watchdogMs / 60_000)} min`));
    if (status.state !== 'unauthorized') void syncNow();
  }

  async function watchdog(): Promise<void> {
    await refresh();
    if (!started || status.oldestPendingAt === null || status.state === 'unauthorized') return;
    if (!isOnline()) {
      waitingSince = null; // offline is a reason not to push; start counting when back
      return;
    }
    const t = now();
    waitingSince ??= t;
    const since = Math.max(waitingSince, lastPushOkAt ?? -Infinity);
    if (t - since >= watchdogMs) trip();
  }

  function scheduleWatchdog(): void {
    watchdogTimer = setTimer(() => {
      watchdogTimer = null;
      if (!started) return;
      void watchdog()
        .catch(report)
        .finally(() => {
          if (started && watchdogTimer === null) scheduleWatchdog();
        });
    }, watchdogCheckMs);
  }

  /** Automatic triggers pause while signed out; an explicit syncNow() always runs. */
  function trigger(): void {
    if (status.state === 'unauthorized') return;
    void syncNow();
  }

  const onOnline = (): void => {
    failures = 0;
    trigger();
  };
  const onOtherTab = (): void => {
    void refresh().catch(report);
  };
  const onVisibility = (): void => {
    if (doc?.visibilityState === 'visible') trigger();
  };

  function schedulePeriodic(): void {
    periodicTimer = setTimer(() => {
      periodicTimer = null;
      if (!started) return;
      if (!doc || doc.visibilityState === 'visible') trigger();
      schedulePeriodic();
    }, periodicMs);
  }

  return {
    syncNow,
    refresh,
    getStatus: () => status,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    start() {
      if (started) {
        void syncNow(); // e.g. after signing in again: run now, even if paused by a 401
        return;
      }
      started = true;
      win?.addEventListener('online', onOnline);
      doc?.addEventListener('visibilitychange', onVisibility);
      channel?.addEventListener('message', onOtherTab);
      schedulePeriodic();
      scheduleWatchdog();
      void syncNow();
    },
    stop() {
      if (!started) return;
      started = false;
      win?.removeEventListener('online', onOnline);
      doc?.removeEventListener('visibilitychange', onVisibility);
      channel?.removeEventListener('message', onOtherTab);
      for (const t of [retryTimer, debounceTimer, periodicTimer, watchdogTimer]) {
        if (t !== null) clearTimer(t);
      }
      retryTimer = debounceTimer = periodicTimer = watchdogTimer = null;
    },
    notifySaved() {
      const counted = refresh().then(
        () => undefined,
        (e: unknown) => report(e),
      );
      if (started) {
        if (debounceTimer !== null) clearTimer(debounceTimer);
        debounceTimer = setTimer(() => {
          debounceTimer = null;
          trigger();
        }, debounceMs);
      }
      return counted;
    },
  };
}
