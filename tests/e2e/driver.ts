/**
 * What the browser tests do again and again, as a person would: sign in,
 * record a session through the real form; and what they check afterwards:
 * the server's records (read as the coordinator through the HTTP API) and the
 * phone's own records (read, never written, from its IndexedDB).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { LogRecord } from '../../src/shared/schemas/log.ts';

// What a person does (vitest-free, so `npm run bench` drives the app the same way).
import { DEMO_PASSWORD } from './person.ts';
export { DEMO_PASSWORD, recordSession, signIn, signedInUserId } from './person.ts';

/** What the phone holds for one user, read from its IndexedDB (read-only). */
export interface PhoneState {
  logs: {
    id: string;
    notes: string;
    syncState: string;
    deleted: boolean;
    version: number | null;
  }[];
  outbox: number;
  attention: number;
}

/**
 * Reads the user's database. Call it only once the app has opened that
 * database (opening a missing one here would create it empty).
 */
export async function phoneState(page: Page, userId: string): Promise<PhoneState> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('open failed'));
    });
    try {
      const tx = db.transaction(['logs', 'outbox', 'attention'], 'readonly');
      const ask = <T>(r: IDBRequest<T>) =>
        new Promise<T>((resolve, reject) => {
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error ?? new Error('read failed'));
        });
      const [logs, outbox, attention] = await Promise.all([
        ask(tx.objectStore('logs').getAll()),
        ask(tx.objectStore('outbox').count()),
        ask(tx.objectStore('attention').count()),
      ]);
      return {
        logs: (
          logs as {
            id: string;
            notes: string;
            syncState: string;
            deleted: boolean;
            serverVersion: number | null;
          }[]
        ).map((l) => ({
          id: l.id,
          notes: l.notes,
          syncState: l.syncState,
          deleted: l.deleted,
          version: l.serverVersion,
        })),
        outbox,
        attention,
      };
    } finally {
      db.close();
    }
  }, `sotay-${userId}`);
}

/** The coordinator's view of the server, through the same HTTP API the app uses. */
export interface CoordinatorApi {
  /** Every log of the commune (optionally of one author), all pages. */
  logs(authorId?: string): Promise<LogRecord[]>;
  decide(id: string, decision: 'approve' | 'return', expectedVersion: number): Promise<number>;
}

export async function coordinatorApi(baseUrl: string): Promise<CoordinatorApi> {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'canbo.tanphu', password: DEMO_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return {
    async logs(authorId) {
      const out: LogRecord[] = [];
      let cursor: string | null = null;
      do {
        const qs = new URLSearchParams({ limit: '200' });
        if (authorId) qs.set('authorId', authorId);
        if (cursor) qs.set('cursor', cursor);
        const res = await fetch(`${baseUrl}/api/review/logs?${qs.toString()}`, {
          headers: { cookie },
        });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { items: LogRecord[]; nextCursor: string | null };
        out.push(...body.items);
        cursor = body.nextCursor;
      } while (cursor);
      return out;
    },
    async decide(id, decision, expectedVersion) {
      const res = await fetch(`${baseUrl}/api/review/logs/${id}/decision`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({
          decision,
          expectedVersion,
          ...(decision === 'return' ? { comment: 'Xem lại' } : {}),
        }),
      });
      return res.status;
    },
  };
}

/** Seeded random numbers (mulberry32), so a failing run can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed for this run: `SOTAY_SEED` when given (to replay), else a fresh one. */
export function runSeed(): number {
  const given = Number(process.env.SOTAY_SEED);
  return Number.isInteger(given) && given > 0 ? given : Math.floor(Math.random() * 2 ** 31) + 1;
}

export const SOAK = process.env.SOTAY_SOAK === '1';

/**
 * The hard bar of SYNC.md §4: every created session is on the server exactly
 * once, nothing else is, no create was applied twice (version 1), and the
 * phone holds exactly the server's records, all synced, with an empty outbox.
 */
export function expectSameRecords(
  created: readonly string[],
  server: readonly LogRecord[],
  phone: PhoneState,
): void {
  const serverNotes = server.map((r) => r.notes).sort();
  const lost = created.filter((n) => !serverNotes.includes(n));
  const duplicated = serverNotes.filter((n, i) => serverNotes[i - 1] === n);
  const extra = serverNotes.filter((n) => !created.includes(n));
  expect({ lost, duplicated, extra }).toEqual({ lost: [], duplicated: [], extra: [] });
  expect(server.filter((r) => r.version !== 1).map((r) => r.notes)).toEqual([]);

  const live = phone.logs.filter((l) => !l.deleted);
  expect(live.map((l) => l.id).sort()).toEqual(server.map((r) => r.id).sort());
  const byId = new Map(server.map((r) => [r.id, r]));
  expect(live.filter((l) => byId.get(l.id)?.notes !== l.notes).map((l) => l.notes)).toEqual([]);
  expect(live.filter((l) => l.syncState !== 'synced').map((l) => l.notes)).toEqual([]);
  expect({ outbox: phone.outbox, attention: phone.attention }).toEqual({ outbox: 0, attention: 0 });
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/**
 * axe-core's serious and critical violations on the page as it is now. axe
 * goes in through the DevTools protocol: the app's CSP (rightly) refuses an
 * inline script tag.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: () => Promise<{
            violations: {
              id: string;
              impact: string | null;
              help: string;
              nodes: { target: string[] }[];
            }[];
          }>;
        };
      }
    ).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}

/** What the page shows now (URL and main text), and a screenshot in test-results/, for a failure report. */
export async function describePage(page: Page): Promise<string> {
  const file = `test-results/e2e-${Date.now()}.png`;
  await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
  const text = await page
    .locator('body')
    .innerText({ timeout: 2_000 })
    .catch((e: unknown) => String(e));
  return `${page.url()} (screenshot ${file})\n${text.slice(0, 1500)}`;
}
