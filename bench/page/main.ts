/**
 * A page built beside the app (dist/bench/, same origin, never precached and
 * never linked) that exposes the REAL storage and sync modules to browser
 * tests and benchmarks: records go through the same write path (saveLog, one
 * strict transaction with the outbox) and the same engine as in the app.
 * Built only by `npm test` / `npm run bench`, not by `npm start`.
 */
import * as storage from '../../src/storage/index.ts';
import * as sync from '../../src/sync/index.ts';
import type { LogContentInput, LogRecord } from '../../src/shared/schemas/log.ts';
import type { PullChange } from '../../src/shared/protocol.ts';

/** A realistic ~1 KB session record (SYNC.md §4 E3). */
function sampleContent(i: number, communeId: string, hamletId: string): LogContentInput {
  return {
    communeId,
    hamletId,
    activityDate: '2026-11-20',
    kind: i % 3 === 0 ? 'group_class' : 'home_visit',
    residents: { under30: i % 4, from30to59: 1 + (i % 3), over60: i % 5 },
    language: 'vi',
    skills: [
      {
        skillId: 'vneid-level2',
        contentVersion: 1,
        stepsDone: ['install-vneid', 'open-activation'],
      },
    ],
    outcome: i % 7 === 0 ? 'partly' : 'done',
    reason: i % 7 === 0 ? 'no_signal' : undefined,
    householdCode: `TH07-H${String(i % 1000).padStart(3, '0')}`,
    notes:
      `Buổi hỗ trợ số ${i}: hướng dẫn kích hoạt VNeID mức 2, kiểm tra bảo mật tài khoản, nhắc người dân tự nhập mã OTP. `.repeat(
        4,
      ),
  };
}

/** A server record as a pull page carries it, for the bulk-import figures (G10). */
function sampleRecord(i: number, id: string, communeId: string, hamletId: string): LogRecord {
  const at = new Date(Date.UTC(2026, 10, 20, 8, 0, i % 60)).toISOString();
  return {
    ...(sampleContent(i, communeId, hamletId) as Omit<LogRecord, 'id'>),
    id,
    authorId: 'bench-author',
    authorName: 'Bench',
    status: 'submitted',
    reviewComment: null,
    reviewedAt: null,
    reviewedByName: null,
    version: 1,
    deleted: false,
    createdAt: at,
    updatedAt: at,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const bench = {
  storage,
  sync,
  sampleContent,
  /** Saves `count` logs one user action at a time (one transaction each) and times each save. */
  async saveMany(userId: string, communeId: string, hamletId: string, count: number, offset = 0) {
    const db = await storage.openUserDb(userId);
    const times: number[] = [];
    const ids: string[] = [];
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const log = await storage.saveLog(db, {
        content: sampleContent(offset + i, communeId, hamletId),
        userId,
      });
      times.push(performance.now() - t0);
      ids.push(log.id);
    }
    const ms = performance.now() - start;
    db.close();
    times.sort((a, b) => a - b);
    return {
      ids,
      /** Wall time of all the saves. */
      ms,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      p99: percentile(times, 99),
    };
  },
  /**
   * Writes `count` server records into a fresh database through the real pull
   * path (applyPullPage: one transaction per page of `pageSize`). G10's bulk side.
   */
  async importPulled(userId: string, count: number, pageSize: number) {
    const db = await storage.openUserDb(userId);
    const pages: PullChange[][] = [];
    for (let i = 0; i < count; i += pageSize) {
      const page: PullChange[] = [];
      for (let j = i; j < Math.min(count, i + pageSize); j++) {
        const id = crypto.randomUUID();
        const record = sampleRecord(j, id, 'tan-phu', 'ap-1');
        page.push({ id, communeId: 'tan-phu', seq: j + 1, version: 1, deleted: false, record });
      }
      pages.push(page);
    }
    const t0 = performance.now();
    for (const [n, changes] of pages.entries()) {
      await storage.applyPullPage(
        db,
        {
          changes,
          cp: { epoch: 'bench', perCommune: { 'tan-phu': (n + 1) * pageSize } },
          hasMore: n < pages.length - 1,
          serverTime: new Date().toISOString(),
          serverEpoch: 'bench',
        },
        { userId },
      );
    }
    const ms = performance.now() - t0;
    const rows = await db.count('logs');
    db.close();
    return { ms, rows };
  },
  /** Reads the whole outbox oldest first, `pageSize` entries per getAll (G11). */
  async readQueuePaged(userId: string, pageSize: number) {
    const db = await storage.openUserDb(userId);
    const t0 = performance.now();
    let rows = 0;
    let after: number | null = null;
    for (;;) {
      const range: IDBKeyRange | null = after === null ? null : IDBKeyRange.lowerBound(after, true);
      const page: { seq: number }[] = await db.getAll('outbox', range, pageSize);
      rows += page.length;
      if (page.length < pageSize) break;
      after = page[page.length - 1]!.seq;
    }
    const ms = performance.now() - t0;
    db.close();
    return { ms, rows };
  },
  /** The home list's first read (51 rows, as FieldHome asks for). */
  async readFirstListPage(userId: string) {
    const db = await storage.openUserDb(userId);
    const t0 = performance.now();
    const logs = await storage.listLogs(db, { limit: 51 });
    const ms = performance.now() - t0;
    db.close();
    return { ms, rows: logs.length };
  },
  async summary(userId: string) {
    const db = await storage.openUserDb(userId);
    const s = await storage.getSyncSummary(db);
    const outbox = await db.count('outbox');
    db.close();
    return { ...s, outbox };
  },
  async usage(): Promise<number | null> {
    const e = await navigator.storage?.estimate?.();
    return e?.usage ?? null;
  },
  /** Runs the real engine until the outbox is empty; returns the wall time. */
  async drain(userId: string, timeoutMs: number) {
    const db = await storage.openUserDb(userId);
    const api = sync.createApiClient();
    const engine = sync.createSyncEngine({ db, api, userId });
    const t0 = performance.now();
    let runs = 0;
    try {
      while (performance.now() - t0 < timeoutMs) {
        runs++;
        const outcome = await engine.syncNow();
        const s = await storage.getSyncSummary(db);
        if (s.pending === 0 && (await db.count('outbox')) === 0) break;
        if (outcome.status !== 'ok') await new Promise((r) => setTimeout(r, 500));
      }
      return { ms: performance.now() - t0, runs, outbox: await db.count('outbox') };
    } finally {
      engine.stop();
      db.close();
    }
  },
};

declare global {
  interface Window {
    sotayBench: typeof bench;
  }
}
window.sotayBench = bench;
document.body.dataset.ready = 'true';
