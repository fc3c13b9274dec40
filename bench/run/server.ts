/**
 * Server figures (PERFORMANCE.md G15–G19) on the BUILT server
 * (dist-server/main.js) as a child process on 127.0.0.1, with autocannon as
 * the load generator in this process (the same 2 cores, as the goals say).
 *
 * - G19: process start → "ready", PGlite, on a data folder that exists (the
 *   first start, which also migrates and loads the demo data, is in the note);
 * - G15 / G16: POST /api/sync/push, 100 creates per push, 10 connections, 15 s,
 *   every log and mutation id unique (each push is a new phone, so its seq
 *   starts at 1); afterwards the database must hold exactly 100 logs per 2xx,
 *   as many distinct ids as rows;
 * - G17: GET /ping on bare Hono (@hono/node-server) vs bare node:http, 50
 *   connections, 10 s each, back to back;
 * - G18: G15 / G16.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { Db } from '../../src/server/db/index.ts';
import { openDatabase } from '../../src/server/db/open.ts';
import { openPostgres } from '../../src/server/db/postgres.ts';
import { payloadHash } from '../../src/shared/hash.ts';
import { PAYLOAD_SCHEMA } from '../../src/shared/protocol.ts';
import { createPostgresDatabase, makeLogContent } from '../../tests/helpers/server.ts';
import {
  httpRequest,
  ROOT,
  startChildServer,
  type ChildServer,
} from '../../tests/server/harness/child-server.ts';
import { median, type Figure } from './figures.ts';

const MAIN = join(ROOT, 'dist-server', 'main.js');
const BATCH = 100;
const CONNECTIONS = 10;

export interface ServerBenchOptions {
  /** A PostgreSQL server to create a scratch database on; null skips G16/G18. */
  postgresUrl: string | null;
  /** Seconds per ingest run (15 in PERFORMANCE.md). */
  ingestSeconds: number;
  log: (line: string) => void;
}

async function timedStart(env: Record<string, string>): Promise<{ srv: ChildServer; ms: number }> {
  const t0 = performance.now();
  const srv = await startChildServer(MAIN, env, 120_000);
  return { srv, ms: performance.now() - t0 };
}

async function stop(srv: ChildServer): Promise<void> {
  const exit = await srv.stop();
  if (exit.code !== 0) throw new Error(`server stopped with ${exit.code ?? exit.signal}`);
}

async function login(srv: ChildServer): Promise<string> {
  const res = await httpRequest(srv.port, 'POST', '/api/auth/login', {
    body: JSON.stringify({ username: 'tnv.an', password: 'sotay-demo' }),
  });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${res.body}`);
  const cookie = /sotay_session=[^;]+/.exec(String(res.headers['set-cookie'] ?? ''))?.[0];
  if (!cookie) throw new Error('login: no session cookie');
  return cookie;
}

/** A push body of BATCH creates with fresh ids, built from one payload and its hash. */
async function pushBodyFactory(): Promise<() => string> {
  const skill = JSON.parse(
    readFileSync(join(ROOT, 'seeds', 'skills', 'zalo-safe.json'), 'utf8'),
  ) as { id: string; version: number; steps: { id: string }[] };
  const payload = makeLogContent({
    activityDate: new Date().toISOString().slice(0, 10),
    skills: [{ skillId: skill.id, contentVersion: skill.version, stepsDone: [skill.steps[0]!.id] }],
  });
  const tail = `,"baseVersion":null,"payloadSchema":${PAYLOAD_SCHEMA},"payload":${JSON.stringify(
    payload,
  )},"payloadHash":"${await payloadHash(payload)}","createdAtDevice":${Date.now()}}`;
  return () => {
    const parts: string[] = [];
    for (let seq = 1; seq <= BATCH; seq++) {
      parts.push(
        `{"mutationId":"${randomUUID()}","seq":${seq},"name":"log.create","entityId":"${randomUUID()}"${tail}`,
      );
    }
    return `{"clientId":"${randomUUID()}","mutations":[${parts.join(',')}]}`;
  };
}

interface Ingest {
  logsPerSecond: number;
  p99: number;
  ok: number;
  bad: number;
}

async function ingest(srv: ChildServer, seconds: number): Promise<Ingest> {
  const cookie = await login(srv);
  const body = await pushBodyFactory();
  const result = await autocannon({
    url: `http://127.0.0.1:${srv.port}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/sync/push',
        headers: { 'content-type': 'application/json', cookie },
        setupRequest: (req) => ({ ...req, body: body() }),
      },
    ],
  });
  return {
    logsPerSecond: result.requests.average * BATCH,
    p99: result.latency.p99,
    ok: result['2xx'],
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

/** The logs in the database: rows, distinct ids. */
async function countLogs(db: Db): Promise<{ rows: number; ids: number }> {
  const r = await db.query<{ rows: number | string; ids: number | string }>(
    'select count(*) as rows, count(distinct id) as ids from activity_log',
  );
  return { rows: Number(r[0]!.rows), ids: Number(r[0]!.ids) };
}

function ingestFigures(
  goal: string,
  backend: string,
  r: Ingest,
  stored: { rows: number; ids: number; before: number },
  budget: { logs: number; p99: number },
): Figure[] {
  const added = stored.rows - stored.before;
  // Pushes still in flight when the run ends are committed but not counted: at
  // most one per connection.
  const inFlight = added / BATCH - r.ok;
  const exact =
    r.ok > 0 &&
    r.bad === 0 &&
    added % BATCH === 0 &&
    inFlight >= 0 &&
    inFlight <= CONNECTIONS &&
    stored.rows === stored.ids;
  const note =
    `${r.ok} pushes answered 2xx, ${r.bad} not; ${added} logs stored (${inFlight} pushes in flight at the end), ` +
    `${stored.ids} distinct ids of ${stored.rows} rows` +
    (exact ? '' : ': NOT EXACT');
  return [
    {
      goal,
      what: `ingest, ${backend}, 100-log pushes, 10 connections`,
      value: exact ? Math.round(r.logsPerSecond) : null,
      unit: 'logs/s',
      budget: { min: budget.logs },
      note,
    },
    {
      goal: `${goal} p99`,
      what: `ingest latency p99, ${backend}`,
      value: r.ok > 0 ? r.p99 : null,
      unit: 'ms',
      budget: { max: budget.p99 },
    },
  ];
}

/** A child process running `script` (ESM, from the project root), its "port N" line, then stop. */
async function pingServer(script: string): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`ping server exited ${code}: ${out}`)));
  });
  return { port, stop: () => child.kill('SIGTERM') };
}

const NODE_PING = `import { createServer } from 'node:http';
const s = createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('pong'); });
s.listen(0, '127.0.0.1', () => console.log('port ' + s.address().port));`;
const HONO_PING = `import { Hono } from 'hono'; import { serve } from '@hono/node-server';
const app = new Hono().get('/ping', (c) => c.text('pong'));
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (i) => console.log('port ' + i.port));`;

async function pingRate(script: string): Promise<number> {
  const srv = await pingServer(script);
  try {
    const r = await autocannon({
      url: `http://127.0.0.1:${srv.port}/ping`,
      connections: 50,
      duration: 10,
    });
    if (r.non2xx + r.errors > 0) throw new Error(`ping: ${r.non2xx} non-2xx, ${r.errors} errors`);
    return r.requests.average;
  } finally {
    srv.stop();
  }
}

export async function benchServer(o: ServerBenchOptions): Promise<Figure[]> {
  const figures: Figure[] = [];

  // G19 and G15: PGlite on a data folder of its own.
  const dir = mkdtempSync(join(tmpdir(), 'sotay-bench-'));
  const env = { SOTAY_DATA_DIR: join(dir, 'db') };
  try {
    const first = await timedStart(env);
    await stop(first.srv);
    const restarts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const again = await timedStart(env);
      restarts.push(again.ms);
      await stop(again.srv);
    }
    figures.push({
      goal: 'G19',
      what: 'server cold start to ready, PGlite (median of 3)',
      value: Math.round(median(restarts)),
      unit: 'ms',
      budget: { max: 3500 },
      note: `first start (migrations, demo data) ${Math.round(first.ms)} ms; restarts ${restarts.map((m) => Math.round(m)).join(', ')} ms`,
    });
    o.log(`G19 done: ${Math.round(median(restarts))} ms`);

    // The folder is free between starts: count the demo logs, ingest, count again.
    const counting = await openDatabase({ dataDir: env.SOTAY_DATA_DIR });
    const before = (await countLogs(counting)).rows;
    await counting.close();
    const { srv } = await timedStart(env);
    const r = await ingest(srv, o.ingestSeconds);
    await stop(srv);
    const db = await openDatabase({ dataDir: env.SOTAY_DATA_DIR });
    const stored = { ...(await countLogs(db)), before };
    await db.close();
    figures.push(...ingestFigures('G15', 'PGlite', r, stored, { logs: 25_000, p99: 100 }));
    o.log(`G15 done: ${Math.round(r.logsPerSecond)} logs/s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // G16: PostgreSQL, a scratch database.
  let pgRate: number | null = null;
  if (o.postgresUrl) {
    process.env.TEST_DATABASE_URL = o.postgresUrl;
    const pg = await createPostgresDatabase();
    try {
      const { srv } = await timedStart({
        DATABASE_URL: pg.url,
        SOTAY_DATA_DIR: join(tmpdir(), 'sotay-bench-unused'),
      });
      const db = openPostgres(pg.url, { max: 1 });
      const before = (await countLogs(db)).rows;
      const r = await ingest(srv, o.ingestSeconds);
      await stop(srv);
      const stored = { ...(await countLogs(db)), before };
      await db.close();
      figures.push(...ingestFigures('G16', 'PostgreSQL', r, stored, { logs: 60_000, p99: 50 }));
      pgRate = figures.find((f) => f.goal === 'G16')!.value;
      o.log(`G16 done: ${Math.round(r.logsPerSecond)} logs/s`);
    } finally {
      await pg.drop();
    }
  } else {
    figures.push(
      {
        goal: 'G16',
        what: 'ingest, PostgreSQL',
        value: null,
        unit: 'logs/s',
        budget: { min: 60_000 },
        note: 'no PostgreSQL: set BENCH_DATABASE_URL',
      },
      {
        goal: 'G18',
        what: 'PGlite / PostgreSQL ingest',
        value: null,
        unit: '×',
        budget: null,
        note: 'no PostgreSQL',
      },
    );
  }
  const pgliteRate = figures.find((f) => f.goal === 'G15')!.value;
  if (o.postgresUrl) {
    figures.push({
      goal: 'G18',
      what: 'PGlite / PostgreSQL ingest (expect ≥ 0.35)',
      value: pgliteRate !== null && pgRate ? pgliteRate / pgRate : null,
      unit: '×',
      budget: null,
    });
  }

  // G17: framework overhead.
  const node = await pingRate(NODE_PING);
  const hono = await pingRate(HONO_PING);
  figures.push({
    goal: 'G17',
    what: 'Hono /ping ÷ node:http /ping, 50 connections',
    value: hono / node,
    unit: '×',
    budget: { min: 0.85 },
    note: `Hono ${Math.round(hono)} req/s, node:http ${Math.round(node)} req/s`,
  });
  return figures;
}
