/**
 * SYNC.md §4 S3: commits that finish out of order must not make a puller
 * skip a row. 8 writers push at once; each push's transaction waits 0–15 ms
 * after its writes (before the commune clock) and 0–3 ms after the clock bump
 * (before COMMIT), so transactions commit in another order than they started.
 * A coordinator pulls through the real pull route the whole time; when the
 * writers stop, its set must equal the server's.
 *
 * Negative control: a naive puller with an `updated_at` cursor, running
 * alongside, must miss rows (proving the test can see the failure).
 *
 * PostgreSQL only (TEST_DATABASE_URL): PGlite runs one transaction at a time,
 * so its commits cannot interleave. Sizes: 20 iterations × 300 transactions,
 * 500 × 1,200 with SOTAY_SOAK=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Faults } from '../../src/server/fault.ts';
import { uuidv4 } from '../../src/shared/ids.ts';
import type { Checkpoint } from '../../src/shared/protocol.ts';
import {
  createTestServer,
  makeLogContent,
  makeMutation,
  type TestServer,
} from '../helpers/server.ts';
import { seededRandom } from './harness/child-server.ts';
import { protocol, type Protocol } from './harness/protocol.ts';

const SOAK = process.env.SOTAY_SOAK === '1';
const ITERATIONS = SOAK ? 500 : 20;
const TX_PER_ITERATION = SOAK ? 1_200 : 300;
const WRITERS = 8;
const SEED = Number(process.env.SOTAY_SEED ?? Date.now() % 2 ** 31);
const HAS_PG = Boolean(process.env.TEST_DATABASE_URL);

if (!HAS_PG) {
  console.log(
    '[S3] skipped: set TEST_DATABASE_URL to run it (PostgreSQL only; PGlite cannot interleave commits)',
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!HAS_PG)(
  HAS_PG
    ? 'S3: out-of-order commits vs pull (PostgreSQL)'
    : 'S3: out-of-order commits vs pull — SKIPPED: needs TEST_DATABASE_URL (PGlite cannot interleave commits)',
  () => {
    let s: TestServer;
    let p: Protocol;
    let delays = false;
    const rnd = seededRandom(SEED);
    const faults: Faults = {
      async at(point) {
        if (!delays) return;
        if (point === 'before_clock') await sleep(rnd() * 15);
        else if (point === 'after_write_before_commit') await sleep(rnd() * 3);
      },
      cutsResponse: () => false,
    };
    let cookies: { an: string; binh: string; coordinator: string };

    beforeAll(async () => {
      s = await createTestServer({ backend: 'postgres', faults });
      p = protocol(s);
      const [an, binh, coordinator] = await Promise.all([
        s.login('tnv.an'),
        s.login('tnv.binh'),
        s.login('canbo.tanphu'),
      ]);
      cookies = { an: an, binh: binh, coordinator: coordinator };
      // The naive control's own index (the app never reads by updated_at): without
      // it every naive page sorts the whole table, and the soak slows to a crawl.
      await s.db.exec('create index s3_naive_cursor on activity_log (commune_id, updated_at, id)');
    });
    afterAll(async () => {
      await s?.close();
    });

    it(
      `the puller misses nothing over ${ITERATIONS} × ${TX_PER_ITERATION} transactions; a naive cursor does`,
      async () => {
        const pulled = new Set<string>();
        let cp: Checkpoint | undefined;
        const naive = new Set<string>();
        let naiveCursor = {
          at: '1970-01-01T00:00:00Z',
          id: '00000000-0000-0000-0000-000000000000',
        };
        let naiveMissed = 0;
        let pulls = 0;
        const t0 = Date.now();

        const pullPage = async () => {
          const page = await p.pull(cookies.coordinator, cp, 100);
          pulls++;
          for (const c of page.changes) pulled.add(c.id);
          cp = page.cp;
          return page.hasMore;
        };
        const naivePage = async () => {
          const rows = await s.db.query<{ id: string; at: string }>(
            `select id, to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.USZ') as at
               from activity_log
              where commune_id = 'tan-phu' and (updated_at, id) > ($1::timestamptz, $2::uuid)
              order by updated_at, id limit 100`,
            [naiveCursor.at, naiveCursor.id],
          );
          for (const r of rows) naive.add(r.id);
          const last = rows[rows.length - 1];
          if (last) naiveCursor = { at: last.at, id: last.id };
          return rows.length === 100;
        };

        for (let it = 0; it < ITERATIONS; it++) {
          let remaining = TX_PER_ITERATION;
          let writing = true;
          const written: string[] = [];
          delays = true;
          const writer = async (w: number) => {
            const cookie = w % 2 === 0 ? cookies.an : cookies.binh;
            const clientId = uuidv4();
            let seq = 0;
            while (remaining > 0) {
              remaining--;
              const m = await makeMutation({
                seq: ++seq,
                payload: makeLogContent({ notes: `s3 ${it} ${w} ${seq}` }),
              });
              const res = await p.pushOk(cookie, clientId, [m]);
              expect(res.results[0]!.status).toBe('applied');
              written.push(m.entityId);
            }
          };
          const puller = async (page: () => Promise<boolean>) => {
            while (writing) if (!(await page())) await sleep(1);
          };
          const pullers = [puller(pullPage), puller(naivePage)];
          await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
          writing = false;
          await Promise.all(pullers);
          delays = false;
          // Drain both to the end.
          while (await pullPage());
          while (await naivePage());

          // Pulled ids all come from the server and rows are never removed, so
          // "every row written so far was pulled, and as many as the server has"
          // is set equality, without reading the whole table each iteration.
          const [{ n }] = (await s.db.query<{ n: string }>(
            `select count(*) as n from activity_log where commune_id = 'tan-phu'`,
          )) as [{ n: string }];
          const missed = written.filter((id) => !pulled.has(id));
          expect(missed, `iteration ${it}: rows the puller never got (seed ${SEED})`).toEqual([]);
          expect(pulled.size).toBe(Number(n));
          naiveMissed += written.filter((id) => !naive.has(id)).length;
        }

        console.log(
          `[S3 postgres] ${ITERATIONS} × ${TX_PER_ITERATION} transactions by ${WRITERS} writers, ` +
            `${pulls} pull pages: 0 missed by the pull route; the naive updated_at cursor missed ` +
            `${naiveMissed} (${((100 * naiveMissed) / (ITERATIONS * TX_PER_ITERATION)).toFixed(1)}%); ` +
            `${Date.now() - t0} ms, seed ${SEED}`,
        );
        // The negative control: the test sees a puller that skips rows.
        expect(naiveMissed).toBeGreaterThan(0);
      },
      (SOAK ? 240 : 15) * 60_000,
    );
  },
);
