// `npm test`: makes sure Chromium is there, builds the app and the server
// (the browser and budget tests run the real build), then runs every vitest
// project and writes one JSON report, test-results/vitest.json.
//
// The browser tests (project e2e) run one file at a time, and vitest runs a
// whole run with one worker when one project asks for that. So the suite runs
// as lanes, separate vitest processes at the same time: three browser lanes
// (the long reliability files in two of them, see BROWSER_LANES), and
// the node lane (every other project) at a lower CPU priority, so that it
// fills the time the browser tests spend waiting without slowing their timing.
// Their reports are merged into test-results/vitest.json.
//
// `--soak` (npm run test:soak) sets SOTAY_SOAK=1: the tests that have a larger
// soak size (SYNC.md §4) run it, with longer time limits, in more lanes (the
// model tests, the server kill test and the out-of-order commit test each get
// their own), because the soak runs for hours.
//
// Extra arguments (e.g. `npm test -- --project unit`, or a file) run one plain
// vitest process with them instead of the lanes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ensureChromium } from './chromium.mjs';

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

try {
  process.env.CHROMIUM_PATH = ensureChromium();
} catch (err) {
  console.error(String(err instanceof Error ? err.message : err));
  process.exit(1);
}

const args = process.argv.slice(2);
const soak = args.includes('--soak');
if (soak) {
  process.env.SOTAY_SOAK = '1';
  args.splice(args.indexOf('--soak'), 1);
}

run('npx', ['vite', 'build', '--logLevel', 'warn']);
run('npx', ['vite', 'build', '-c', 'vite.bench.config.ts', '--logLevel', 'warn']);
run('node', ['scripts/build-server.mjs']);
mkdirSync('test-results', { recursive: true });
const REPORT = 'test-results/vitest.json';
rmSync(REPORT, { force: true });

if (args.length > 0) {
  run('npx', [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${REPORT}`,
    ...args,
  ]);
  process.exit(0);
}

/** `--project a --project b …` for the given vitest projects. */
const projects = (...names) => names.flatMap((p) => ['--project', p]);
const NODE_PROJECTS = ['unit', 'storage', 'app', 'server', 'sync', 'budget'];
/**
 * The browser files that take minutes, in two more browser lanes beside the
 * first: E1 (SYNC.md §4) spends most of its time waiting between network
 * flips (50 to 2,000 ms each), so it shares a lane with E3 (10,000 sessions);
 * E5 (ten app upgrades) with E2 (interruptions). Each lane still runs its
 * files one at a time.
 */
const BROWSER_LANES = {
  'e2e-flips': ['tests/e2e/e1-offline-flips.test.ts', 'tests/e2e/ten-thousand-queued.test.ts'],
  'e2e-upgrade': ['tests/e2e/e5-app-upgrade.test.ts', 'tests/e2e/e2-interrupted-push.test.ts'],
};
const OWN_BROWSER_LANE = Object.values(BROWSER_LANES).flat();
const CRASH = 'tests/server/crash.test.ts';
/** Files of the node projects that get a lane of their own in the soak. */
const SOAK_OWN_LANE = ['tests/server/crash.test.ts', 'tests/server/pull-order.test.ts'];
const lanes = soak
  ? [
      { name: 'e2e', args: projects('e2e') },
      { name: 'sync', args: projects('sync'), nice: true },
      ...SOAK_OWN_LANE.map((f) => ({
        name: f.split('/').pop().split('.')[0],
        args: [f],
        nice: true,
      })),
      {
        name: 'node',
        args: [
          ...projects(...NODE_PROJECTS.filter((p) => p !== 'sync')),
          ...SOAK_OWN_LANE.flatMap((f) => ['--exclude', f]),
        ],
        nice: true,
      },
    ]
  : [
      {
        name: 'e2e',
        args: [...projects('e2e'), ...OWN_BROWSER_LANE.flatMap((f) => ['--exclude', f])],
      },
      ...Object.entries(BROWSER_LANES).map(([name, files]) => ({
        name,
        args: [...projects('e2e'), ...files],
      })),
      // S2 restarts a built server 120 times: niced beside three browser lanes it
      // starved (503 s, 45 s on a quiet machine), so it gets a lane at normal priority.
      { name: 'crash', args: [CRASH] },
      { name: 'node', args: [...projects(...NODE_PROJECTS), '--exclude', CRASH], nice: true },
    ];

const hasNice = spawnSync('sh', ['-c', 'command -v nice'], { stdio: 'ignore' }).status === 0;

/** Runs one lane; its output lines are prefixed with its name. Resolves to its exit status. */
function startLane(lane) {
  const report = `test-results/vitest-${lane.name}.json`;
  rmSync(report, { force: true });
  const vitest = [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...lane.args,
  ];
  const [cmd, cmdArgs] =
    lane.nice && hasNice ? ['nice', ['-n', '10', 'npx', ...vitest]] : ['npx', vitest];
  const started = Date.now();
  const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(`[${lane.name}] ${line}`));
  }
  return new Promise((resolve) => {
    child.on('close', (code, signal) =>
      resolve({
        lane,
        report,
        status: code ?? (signal ? 1 : 0),
        seconds: (Date.now() - started) / 1000,
      }),
    );
  });
}

const COUNTS = [
  'numTotalTestSuites',
  'numPassedTestSuites',
  'numFailedTestSuites',
  'numPendingTestSuites',
  'numTotalTests',
  'numPassedTests',
  'numFailedTests',
  'numPendingTests',
  'numTodoTests',
];

const results = await Promise.all(lanes.map(startLane));
const merged = Object.fromEntries(COUNTS.map((k) => [k, 0]));
merged.success = true;
merged.startTime = Date.now();
merged.testResults = [];
for (const r of results) {
  let lane = null;
  if (existsSync(r.report)) {
    try {
      lane = JSON.parse(readFileSync(r.report, 'utf8'));
    } catch {
      lane = null;
    }
  }
  if (!lane) {
    // The lane died before writing its report: count it as a failed suite.
    merged.success = false;
    merged.numFailedTestSuites += 1;
    console.log(`lane ${r.lane.name}: no report (exit ${r.status})`);
    continue;
  }
  for (const k of COUNTS) merged[k] += lane[k] ?? 0;
  merged.success &&= lane.success !== false && r.status === 0;
  merged.startTime = Math.min(merged.startTime, lane.startTime ?? merged.startTime);
  merged.testResults.push(...(lane.testResults ?? []));
  console.log(
    `lane ${r.lane.name}: ${lane.numPassedTests} passed, ${lane.numFailedTests} failed, ` +
      `${r.seconds.toFixed(0)} s (exit ${r.status})`,
  );
}
writeFileSync(REPORT, JSON.stringify(merged));
process.exit(results.find((r) => r.status !== 0)?.status ?? 0);
