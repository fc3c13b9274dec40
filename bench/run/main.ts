/**
 * `npm run bench` (scripts/bench.mjs bundles and runs this): measures the
 * goals of PERFORMANCE.md on the built app and the built server, prints one
 * table and writes bench/results/latest.json.
 *
 *   npm run bench                          every group
 *   npm run bench -- --only bytes,server   some groups (bytes, browser, server, console)
 *   npm run bench -- --compare FILE        the figures of an earlier run beside these
 *
 * Environment: BENCH_DATABASE_URL (or TEST_DATABASE_URL) names a PostgreSQL
 * server for G16/G18 (default postgres://postgres@127.0.0.1:5432/postgres,
 * skipped when it does not answer); BENCH_INGEST_SECONDS (15).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { INITIAL_JS_GOAL, initialJs, learnFirstScreenJs, precacheBytes } from './bytes.ts';
import { benchBrowser } from './browser.ts';
import { budgetText, fmt, verdict, type Figure } from './figures.ts';
import { benchServer } from './server.ts';
import { benchConsole } from './console.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const RESULTS = join(ROOT, 'bench', 'results');
const GROUPS = ['bytes', 'browser', 'server', 'console'] as const;
type Group = (typeof GROUPS)[number];

interface Results {
  at: string;
  context: Record<string, string | number>;
  figures: Figure[];
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function chromiumVersion(): string {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  try {
    return execFileSync(path, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return `none at ${path}`;
  }
}

async function reachable(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

function bytesFigures(): Figure[] {
  const js = initialJs();
  const learn = learnFirstScreenJs();
  return [
    {
      goal: 'G1',
      what: 'initial JS of the volunteer screen, brotli',
      value: Math.round((js.total / 1024) * 10) / 10,
      unit: 'KB',
      budget: { max: INITIAL_JS_GOAL / 1024 },
      note: `npm test fails above it; ${js.files.length} files`,
    },
    {
      goal: 'G1 learn',
      what: "JS of the residents' learn list (/learn), brotli",
      value: Math.round((learn.total / 1024) * 10) / 10,
      unit: 'KB',
      budget: { max: INITIAL_JS_GOAL / 1024 },
      note: `the shared first screen ${(js.total / 1024).toFixed(1)} KB + routes and learn chunks ${(learn.ownShare / 1024).toFixed(1)} KB`,
    },
    {
      goal: 'G2',
      what: 'full precache (text assets), brotli',
      value: Math.round((precacheBytes() / 1024) * 10) / 10,
      unit: 'KB',
      budget: { max: 250 },
    },
  ];
}

function printTable(results: Results, previous: Results | null): void {
  const prev = new Map(previous?.figures.map((f) => [f.goal, f.value]) ?? []);
  const rows = results.figures.map((f) => {
    const before = prev.get(f.goal);
    const change =
      before === undefined || before === null || f.value === null || before === 0
        ? ''
        : `${before > f.value ? '' : '+'}${(((f.value - before) / before) * 100).toFixed(0)}%`;
    return [
      f.goal,
      f.what,
      f.value === null ? '—' : `${fmt(f.value)} ${f.unit}`,
      budgetText(f),
      verdict(f),
      ...(previous ? [before === undefined || before === null ? '—' : fmt(before), change] : []),
      f.note ?? '',
    ];
  });
  const head = [
    'goal',
    'what',
    'figure',
    'budget',
    'result',
    ...(previous ? ['before', 'change'] : []),
    'note',
  ];
  const all = [head, ...rows];
  const widths = head.map((_, i) =>
    i === head.length - 1 ? 0 : Math.max(...all.map((r) => r[i]!.length)),
  );
  const line = (r: string[]) =>
    r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join(' | ');
  console.log('');
  for (const [k, v] of Object.entries(results.context)) console.log(`${k}: ${v}`);
  console.log('');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(Math.max(w, 4))).join('-|-'));
  for (const r of rows) console.log(line(r));
  const failed = results.figures.filter((f) => verdict(f) === 'FAIL').length;
  const passed = results.figures.filter((f) => verdict(f) === 'pass').length;
  console.log(
    `\n${passed} within budget, ${failed} over, ${results.figures.length - passed - failed} not judged`,
  );
}

async function main(): Promise<void> {
  const only = arg('--only')?.split(',') as Group[] | undefined;
  const unknown = only?.filter((g) => !GROUPS.includes(g));
  if (unknown?.length)
    throw new Error(`--only: unknown group ${unknown.join(', ')}; groups: ${GROUPS.join(', ')}`);
  const groups = new Set<Group>(only ?? GROUPS);
  const compare = arg('--compare');
  const previous = compare ? (JSON.parse(readFileSync(compare, 'utf8')) as Results) : null;

  const pgCandidate =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres';
  const postgresUrl =
    (groups.has('server') || groups.has('console')) && (await reachable(pgCandidate))
      ? pgCandidate
      : null;

  const cpu = cpus();
  const results: Results = {
    at: new Date().toISOString(),
    context: {
      cpus: `${cpu.length} × ${cpu[0]?.model ?? '?'}`,
      memory: `${Math.round(totalmem() / 2 ** 30)} GB`,
      node: process.version,
      chromium: chromiumVersion(),
      postgres: postgresUrl ? 'yes' : 'not reachable (G16, G18 skipped)',
    },
    figures: [],
  };
  const log = (l: string) => console.log(`[bench] ${l}`);
  if (groups.has('bytes')) results.figures.push(...bytesFigures());
  if (groups.has('browser')) {
    results.figures.push(...(await benchBrowser({ log, context: results.context })));
  }
  if (groups.has('server')) {
    results.figures.push(
      ...(await benchServer({
        postgresUrl,
        ingestSeconds: Number(process.env.BENCH_INGEST_SECONDS ?? 15),
        log,
      })),
    );
  }

  if (groups.has('console')) results.figures.push(...(await benchConsole({ postgresUrl, log })));

  mkdirSync(RESULTS, { recursive: true });
  const out = join(RESULTS, 'latest.json');
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  printTable(results, previous);
  console.log(`figures written to ${out}${existsSync(out) ? '' : ' (failed)'}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
