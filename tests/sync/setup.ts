/**
 * Sync test rig: the real in-process server (createApp on PGlite), a signed-in
 * API client behind the fake network, a fresh IndexedDB and an engine with
 * manual timers (nothing fires on its own).
 */
import { createApiClient, createSyncEngine, type SyncEngineOptions } from '../../src/sync/index.ts';
import { openUserDb } from '../../src/storage/index.ts';
import { createCookieFetch } from '../helpers/cookie-fetch.ts';
import { TEST_PASSWORD, type TestServer } from '../helpers/server.ts';

export interface ManualTimers {
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  /** Delays of the timers still waiting, in creation order. */
  pending(): number[];
  /** Runs every waiting timer whose delay is `ms` (or all when omitted). */
  fire(ms?: number): number;
}

export function manualTimers(): ManualTimers {
  let next = 0;
  const timers = new Map<number, { fn: () => void; ms: number }>();
  return {
    setTimeout(fn, ms) {
      timers.set(++next, { fn, ms });
      return next;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    pending: () => [...timers.values()].map((t) => t.ms),
    fire(ms) {
      let fired = 0;
      for (const [id, t] of [...timers]) {
        if (ms !== undefined && t.ms !== ms) continue;
        timers.delete(id);
        t.fn();
        fired++;
      }
      return fired;
    },
  };
}

/** A signed-in device for `username` with its own database and engine. */
export async function device(
  server: TestServer,
  username = 'tnv.an',
  engineOptions: Partial<SyncEngineOptions> = {},
) {
  const net = createCookieFetch(server.app);
  const api = createApiClient({ fetch: net.fetch });
  const user = await api.login({ username, password: TEST_PASSWORD });
  // A fresh database per device (two devices of one user must not share one).
  const db = await openUserDb(`${user.id}.${crypto.randomUUID()}`);
  const timers = manualTimers();
  const engine = createSyncEngine({
    db,
    api,
    userId: user.id,
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    locks: null,
    window: null,
    document: null,
    ...engineOptions,
  });
  return { net, api, user, db, engine, timers };
}

/** Ids of the logs the server holds for an author (tombstones included). */
export async function serverLogIds(server: TestServer, authorId: string): Promise<string[]> {
  const rows = await server.db.query<{ id: string }>(
    'select id from activity_log where author_id = $1 order by id',
    [authorId],
  );
  return rows.map((r) => r.id);
}

/** The tables that hold sync state. */
const SYNC_TABLES = [
  'sync_client',
  'activity_log',
  'activity_log_revision',
  'processed_mutation',
  'sync_conflict',
] as const;

/**
 * Forgets every log, mutation and client (users, communes and sessions stay),
 * so tests can share one server per file. The commune clocks keep counting.
 */
export async function wipeSyncData(server: TestServer): Promise<void> {
  await server.db.exec(`truncate ${SYNC_TABLES.join(', ')} cascade`);
}

/**
 * A Web Locks shim (exclusive locks, `ifAvailable`, waiting requests served in
 * order), shared by every "tab" of a test. `held(name)` tells whether a lock
 * is held right now.
 */
export function createLocks() {
  const holders = new Set<string>();
  const waiting = new Map<string, (() => void)[]>();
  /** `+name` when a lock is granted, `-name` when released, in order. */
  const history: string[] = [];
  const release = (name: string) => {
    history.push(`-${name}`);
    const next = waiting.get(name)?.shift();
    if (next)
      next(); // handed over: the lock stays held
    else holders.delete(name);
  };
  return {
    history,
    held: (name: string) => holders.has(name),
    async request<T>(
      name: string,
      options: { ifAvailable?: boolean },
      callback: (lock: unknown) => Promise<T>,
    ): Promise<T> {
      if (holders.has(name)) {
        if (options.ifAvailable) return callback(null);
        await new Promise<void>((resolve) => {
          const queue = waiting.get(name) ?? [];
          queue.push(resolve);
          waiting.set(name, queue);
        });
      } else {
        holders.add(name);
      }
      history.push(`+${name}`);
      try {
        return await callback({ name, mode: 'exclusive' });
      } finally {
        release(name);
      }
    },
  };
}

/** A push fault, armed for the next push request (SYNC.md §4 M1). */
export type PushFault =
  | { kind: 'dropRequest' } // never reaches the server
  | { kind: 'dropResponse' } // processed and committed; the answer is lost (crash after commit)
  | { kind: 'deliverTwice' } // a proxy delivers it twice, concurrently; one answer comes back
  /**
   * The server commits the first `keep` mutations, then dies: no answer (0 = crash
   * before commit). Our server commits a push whole (or a prefix, when it stops at a
   * sequence gap), so this is harsher than it; the client must cope with either.
   */
  | { kind: 'crashMidBatch'; keep: number };

export interface FaultyNetwork {
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  offline: boolean;
  /** Applies to the next push request only. */
  pushFault: PushFault | null;
  /** The next pull answer is delivered again for the pull after it (a page delivered twice). */
  replayNextPull: boolean;
  /** Mutation ids whose answer reached the client (from delivered push answers). */
  answered: Set<string>;
  /** Called around every push that reaches the app with its mutation ids (`+` start, `-` end). */
  onPush?: (event: '+' | '-', mutationIds: string[]) => void;
  /** Heals every fault and forgets every answer (the session cookie stays). */
  reset(): void;
}

async function bodyText(init: RequestInit): Promise<string> {
  const body = init.body;
  if (typeof body === 'string') return body;
  const bytes = body as Uint8Array<ArrayBuffer>;
  const gzip = new Headers(init.headers).get('content-encoding') === 'gzip';
  const stream = new Blob([bytes]).stream();
  return new Response(gzip ? stream.pipeThrough(new DecompressionStream('gzip')) : stream).text();
}

/**
 * The fake network of createCookieFetch plus the faults of the model-based
 * tests: push faults, a pull page delivered twice, offline. Also records which
 * mutation answers the client received.
 */
export function createFaultyNetwork(app: Parameters<typeof createCookieFetch>[0]): FaultyNetwork {
  const base = createCookieFetch(app);
  let replay: string | null = null;
  const net: FaultyNetwork = {
    offline: false,
    pushFault: null,
    replayNextPull: false,
    answered: new Set(),
    reset() {
      net.offline = false;
      net.pushFault = null;
      net.replayNextPull = false;
      net.answered.clear();
      replay = null;
    },
    async fetch(input, init) {
      if (net.offline) throw new TypeError('Failed to fetch');
      const path = input.split('?')[0];
      if (path === '/api/sync/pull') {
        if (replay !== null) {
          const text = replay;
          replay = null;
          return new Response(text, {
            status: 200,
            headers: { 'content-type': 'application/json' },
          });
        }
        const res = await base.fetch(input, init);
        if (!net.replayNextPull || res.status !== 200) return res;
        net.replayNextPull = false;
        replay = await res.text();
        return new Response(replay, { status: res.status, headers: res.headers });
      }
      if (path !== '/api/sync/push') return base.fetch(input, init);

      const text = await bodyText(init);
      const ids = (JSON.parse(text) as { mutations: { mutationId: string }[] }).mutations.map(
        (m) => m.mutationId,
      );
      const fault = net.pushFault;
      net.pushFault = null;
      const send = async (i: RequestInit) => {
        net.onPush?.('+', ids);
        try {
          return await base.fetch(input, i);
        } finally {
          net.onPush?.('-', ids);
        }
      };
      let res: Response;
      switch (fault?.kind) {
        case 'dropRequest':
          throw new TypeError('network connection lost before the request was sent');
        case 'dropResponse': {
          const lost = await send(init);
          await lost.arrayBuffer();
          throw new TypeError('network connection lost');
        }
        case 'crashMidBatch': {
          const req = JSON.parse(text) as { clientId: string; mutations: unknown[] };
          const keep = Math.min(fault.keep, req.mutations.length - 1);
          if (keep > 0) {
            const headers = new Headers(init.headers);
            headers.delete('content-encoding');
            const partial = { ...req, mutations: req.mutations.slice(0, keep) };
            const lost = await send({ ...init, headers, body: JSON.stringify(partial) });
            await lost.arrayBuffer();
          }
          throw new TypeError('the server died before answering');
        }
        case 'deliverTwice': {
          const [first, second] = await Promise.all([send(init), send(init)]);
          await first.arrayBuffer();
          res = second;
          break;
        }
        default:
          res = await send(init);
      }
      const answer = await res.text();
      if (res.status === 200) {
        const parsed = JSON.parse(answer) as { results?: { mutationId: string }[] };
        for (const r of parsed.results ?? []) net.answered.add(r.mutationId);
      }
      return new Response(answer, { status: res.status, headers: res.headers });
    },
  };
  return net;
}
