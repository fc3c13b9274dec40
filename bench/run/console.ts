/**
 * The coordinator's console at scale (issue 6, "Scale"): one commune with
 * 100,000 sessions, on the BUILT server as a child process.
 *
 * - G20: the review queue's first page ("chưa duyệt", 50 rows);
 * - G21: the dashboard of a month, and of the whole year;
 * - G22: the province view (every commune of Tân Phú's province, the same
 *   indicators, suppressed) of a month and of the year.
 *
 * The sessions are written straight into the database in one SQL statement
 * (three hamlets, three volunteers, a year of days, 5,000 household codes
 * a hamlet, 1–3 skills each with random steps, every outcome), then the
 * server is started on it and each request is timed from the client: one
 * warm-up, then the median of 7. Budget: under 1 s each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/server/db/index.ts';
import { openDatabase } from '../../src/server/db/open.ts';
import { openPostgres } from '../../src/server/db/postgres.ts';
import { loadCurriculum } from '../../src/server/curriculum.ts';
import { createPostgresDatabase } from '../../tests/helpers/server.ts';
import {
  httpRequest,
  ROOT,
  startChildServer,
  type ChildServer,
} from '../../tests/server/harness/child-server.ts';
import { median, type Figure } from './figures.ts';

const MAIN = join(ROOT, 'dist-server', 'main.js');
export const CONSOLE_SESSIONS = 100_000;
const RUNS = 7;

/** Writes `n` sessions of 2026 into Tân Phú (the demo commune, already created). */
export async function seedSessions(db: Db, n: number): Promise<void> {
  const curriculum = loadCurriculum();
  const skills = curriculum.ids();
  // Each session on the current version of its checklists.
  const stepsOf = Object.fromEntries(skills.map((id) => [id, [...(curriculum.steps(id) ?? [])]]));
  const versionOf = Object.fromEntries(skills.map((id) => [id, curriculum.version(id)]));
  await db.query(
    `insert into activity_log (id, commune_id, hamlet_id, author_id, activity_date, kind,
       residents_under30, residents_30_59, residents_60_plus, residents_women, language, skills,
       outcome, reason, household_code, notes, status, version, seq, created_at, updated_at)
     select gen_random_uuid(), 'tan-phu', h.id, a.id,
            date '2026-01-01' + (i % 365),
            (array['home_visit','group_class','help_desk'])[1 + (i % 3)],
            i % 2, 1 + (i % 3), i % 4, case when i % 5 = 0 then null else i % 2 end,
            (array['vi','vi','vi','km','hmn'])[1 + (i % 5)],
            (select jsonb_agg(jsonb_build_object('skillId', s.id,
                      'contentVersion', ($4::text::jsonb ->> s.id)::int,
                      'stepsDone', coalesce((select jsonb_agg(st) from jsonb_array_elements(
                         ($3::text::jsonb -> s.id)) with ordinality e(st, k) where k <= (i * 7 + s.n) % 8), '[]'::jsonb)))
               from (select ($2::text[])[1 + ((i + j * 3) % array_length($2::text[], 1))] as id, j as n
                       from generate_series(0, i % 3) j) s),
            (array['done','done','done','partly','not_possible'])[1 + (i % 5)],
            case when i % 5 >= 3 then (array['no_device','no_id_card','no_signal','no_account','not_enough_time','other'])[1 + (i % 6)] end,
            'H' || lpad(((i * 7919) % 5000)::text, 4, '0'),
            'Buổi hỗ trợ số ' || i,
            (array['submitted','submitted','approved','changes_requested'])[1 + (i % 4)],
            1, 1000000 + i, now(), now()
       from generate_series(1, $1::int) i
       join lateral (select id from hamlet where commune_id = 'tan-phu'
                      order by id offset (i % 3) limit 1) h on true
       join lateral (select id from app_user where commune_id = 'tan-phu'
                       and role in ('volunteer', 'team_lead') order by id offset (i % 3) limit 1) a on true`,
    [n, skills, JSON.stringify(stepsOf), JSON.stringify(versionOf)],
  );
  await db.query(`update commune_clock set seq = 1000000 + $1::int where commune_id = 'tan-phu'`, [
    n,
  ]);
  await db.query('analyze activity_log');
}

async function login(srv: ChildServer, username: string): Promise<string> {
  const res = await httpRequest(srv.port, 'POST', '/api/auth/login', {
    body: JSON.stringify({ username, password: 'sotay-demo' }),
  });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${res.body}`);
  const cookie = /sotay_session=[^;]+/.exec(String(res.headers['set-cookie'] ?? ''))?.[0];
  if (!cookie) throw new Error('login: no session cookie');
  return cookie;
}

/** One warm-up, then the median and worst of RUNS, in ms; checks the answer. */
async function time(
  srv: ChildServer,
  cookie: string,
  path: string,
  check: (body: string) => void,
): Promise<{ median: number; worst: number }> {
  const runs: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    const res = await httpRequest(srv.port, 'GET', path, { cookie });
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.body.slice(0, 200)}`);
    if (i === 0) check(res.body);
    else runs.push(ms);
  }
  return { median: median(runs), worst: Math.max(...runs) };
}

async function measure(srv: ChildServer, backend: string): Promise<Figure[]> {
  const cookie = await login(srv, 'canbo.tanphu');
  const queue = await time(srv, cookie, '/api/review/logs?status=to_review&limit=50', (b) => {
    const items = (JSON.parse(b) as { items: unknown[] }).items;
    if (items.length !== 50) throw new Error(`queue: ${items.length} items, not 50`);
  });
  const sessionsOf = (b: string) =>
    (JSON.parse(b) as { totals: { sessions: number } }).totals.sessions;
  const month = await time(srv, cookie, '/api/commune/dashboard?period=2026-06', (b) => {
    if (sessionsOf(b) < 8000) throw new Error(`dashboard of June: ${sessionsOf(b)} sessions`);
  });
  const year = await time(srv, cookie, '/api/commune/dashboard?period=2026', (b) => {
    if (sessionsOf(b) < CONSOLE_SESSIONS)
      throw new Error(`dashboard of 2026: ${sessionsOf(b)} sessions`);
  });
  const viewer = await login(srv, 'tinh.dongthap');
  const tanPhuSessions = (b: string) =>
    (JSON.parse(b) as { communes: { communeId: string; sessions: number | null }[] }).communes.find(
      (c) => c.communeId === 'tan-phu',
    )?.sessions ?? 0;
  const provinceMonth = await time(srv, viewer, '/api/province/communes?period=2026-06', (b) => {
    if (tanPhuSessions(b) < 8000) throw new Error(`province, June: ${tanPhuSessions(b)} sessions`);
  });
  const provinceYear = await time(srv, viewer, '/api/province/communes?period=2026', (b) => {
    if (tanPhuSessions(b) < CONSOLE_SESSIONS)
      throw new Error(`province, 2026: ${tanPhuSessions(b)} sessions`);
  });
  const note = (r: { worst: number }) => `worst of ${RUNS}: ${Math.round(r.worst)} ms`;
  return [
    {
      goal: `G20 ${backend}`,
      what: `review queue, first page of 50 to review (submitted or with a change request), 100,000 sessions, ${backend} (median of ${RUNS})`,
      value: Math.round(queue.median),
      unit: 'ms',
      budget: { max: 1000 },
      note: note(queue),
    },
    {
      goal: `G21 ${backend}`,
      what: `dashboard of a month (about 8,300 sessions), 100,000 in the commune, ${backend} (median of ${RUNS})`,
      value: Math.round(month.median),
      unit: 'ms',
      budget: { max: 1000 },
      note: note(month),
    },
    {
      goal: `G21 year ${backend}`,
      what: `dashboard of the year (all 100,000 sessions), ${backend} (median of ${RUNS})`,
      value: Math.round(year.median),
      unit: 'ms',
      budget: { max: 1000 },
      note: note(year),
    },
    {
      goal: `G22 ${backend}`,
      what: `province view of a month, every commune of the province (Tân Phú: 100,000 sessions in the year), ${backend} (median of ${RUNS})`,
      value: Math.round(provinceMonth.median),
      unit: 'ms',
      budget: { max: 1000 },
      note: note(provinceMonth),
    },
    {
      goal: `G22 year ${backend}`,
      what: `province view of the year, ${backend} (median of ${RUNS})`,
      value: Math.round(provinceYear.median),
      unit: 'ms',
      budget: { max: 1000 },
      note: note(provinceYear),
    },
  ];
}

export async function benchConsole(o: {
  postgresUrl: string | null;
  log: (line: string) => void;
}): Promise<Figure[]> {
  const figures: Figure[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'sotay-console-'));
  const env = { SOTAY_DATA_DIR: join(dir, 'db') };
  try {
    // First start: migrations and the demo commune; then the sessions, server stopped.
    const first = await startChildServer(MAIN, env, 120_000);
    await first.stop();
    const db = await openDatabase({ dataDir: env.SOTAY_DATA_DIR });
    const t0 = performance.now();
    await seedSessions(db, CONSOLE_SESSIONS);
    o.log(
      `console: ${CONSOLE_SESSIONS} sessions written in ${Math.round(performance.now() - t0)} ms (PGlite)`,
    );
    await db.close();
    const srv = await startChildServer(MAIN, env, 120_000);
    try {
      figures.push(...(await measure(srv, 'PGlite')));
    } finally {
      await srv.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (o.postgresUrl) {
    process.env.TEST_DATABASE_URL = o.postgresUrl;
    const pg = await createPostgresDatabase();
    try {
      const env = { DATABASE_URL: pg.url, SOTAY_DATA_DIR: join(tmpdir(), 'sotay-bench-unused') };
      const first = await startChildServer(MAIN, env, 120_000);
      await first.stop();
      const db = openPostgres(pg.url, { max: 1 });
      await seedSessions(db, CONSOLE_SESSIONS);
      await db.close();
      const srv = await startChildServer(MAIN, env, 120_000);
      try {
        figures.push(...(await measure(srv, 'PostgreSQL')));
      } finally {
        await srv.stop();
      }
    } finally {
      await pg.drop();
    }
  }
  o.log(`console done: ${figures.map((f) => `${f.goal} ${f.value} ms`).join(', ')}`);
  return figures;
}
