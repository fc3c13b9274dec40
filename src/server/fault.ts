/**
 * Fault injection for the crash tests (SYNC.md §4 S2). Inert unless the
 * process is started with `SOTAY_FAULT` (main.ts) or a test passes `faults`
 * to createApp: without it every call site is a no-op (`faults?.at(…)`).
 *
 *   SOTAY_FAULT=<point>:<when>[,<point>:<when>…]
 *   <when> = an integer n ≥ 1: die at the n-th time the point is reached
 *          | a probability 0 < p < 1: die each time with chance p
 *
 * Points, in the order a push reaches them (each once per push request):
 * - `before_tx`: before the push's transaction opens;
 * - `before_clock`: inside it, after the writes, before the commune clock is bumped
 *   (only when the push wrote a log);
 * - `after_write_before_commit`: inside it, after the last statement, before COMMIT;
 * - `after_commit_before_response`: the whole batch is committed, the answer not sent;
 * - `mid_response`: half of the answer's bytes are written to the socket, then death.
 * Dying is `process.kill(process.pid, 'SIGKILL')`: no handler, no flush, no close.
 */
import type { ServerResponse } from 'node:http';

export const FAULT_POINTS = [
  'before_tx',
  'before_clock',
  'after_write_before_commit',
  'after_commit_before_response',
  'mid_response',
] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

/** The hooks the push path calls; tests may implement them (e.g. to delay a commit). */
export interface Faults {
  /** Reached `point` (every point but mid_response): may wait, or kill the process. */
  at(point: Exclude<FaultPoint, 'mid_response'>): void | Promise<void>;
  /** Reached mid_response: true when this answer is to be cut in half (see `cutResponse`). */
  cutsResponse(): boolean;
}

export type FaultRule = { point: FaultPoint } & ({ nth: number } | { probability: number });

/**
 * Parses a SOTAY_FAULT value.
 * @returns the rules, or [] for an empty value
 * @throws on a point or a `<when>` that means nothing (a typo must not run a test without faults)
 */
export function parseFaultSpec(spec: string): FaultRule[] {
  const rules: FaultRule[] = [];
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [point, when, ...rest] = part.split(':').map((p) => p.trim());
    if (!FAULT_POINTS.includes(point as FaultPoint) || when === undefined || rest.length > 0) {
      throw new Error(
        `SOTAY_FAULT: "${part}" is not <point>:<n or probability>; points: ${FAULT_POINTS.join(', ')}`,
      );
    }
    const p = point as FaultPoint;
    if (/^\d+$/.test(when) && Number(when) >= 1) rules.push({ point: p, nth: Number(when) });
    else if (/^0?\.\d+$/.test(when) && Number(when) > 0) {
      rules.push({ point: p, probability: Number(when) });
    } else {
      throw new Error(
        `SOTAY_FAULT: "${when}" in "${part}" is neither an integer ≥ 1 nor 0 < p < 1`,
      );
    }
  }
  return rules;
}

/** Ends the process at once, as a power cut of the process would: SIGKILL to itself. */
export function die(): never {
  process.kill(process.pid, 'SIGKILL');
  // The signal is delivered before kill() returns; block in case it is not (no JS may run on).
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
  process.abort();
}

/**
 * The faults of a SOTAY_FAULT value, or undefined (inert) when it is unset or empty.
 * @param random the chance source for probabilities (tests pin it)
 */
export function faultsFromSpec(
  spec: string | undefined,
  options: { random?: () => number; kill?: () => void } = {},
): Faults | undefined {
  const rules = parseFaultSpec(spec ?? '');
  if (rules.length === 0) return undefined;
  const random = options.random ?? Math.random;
  const kill = options.kill ?? die;
  const hits = new Map<FaultPoint, number>();
  const due = (point: FaultPoint): boolean => {
    const n = (hits.get(point) ?? 0) + 1;
    hits.set(point, n);
    return rules.some(
      (r) => r.point === point && ('nth' in r ? r.nth === n : random() < r.probability),
    );
  };
  return {
    at(point) {
      if (due(point)) kill();
    },
    cutsResponse: () => due('mid_response'),
  };
}

/**
 * Writes the first half of `body` (with the full Content-Length, so the client
 * sees a truncated answer), and once those bytes are handed to the kernel,
 * kills the process. Never resolves.
 * @param outgoing the Node response (`c.env.outgoing` under @hono/node-server);
 *   without one (in-process `app.request`) the process dies at once
 */
export function cutResponse(
  outgoing: ServerResponse | undefined,
  status: number,
  body: string,
  kill: () => void = die,
): Promise<never> {
  if (!outgoing) {
    kill();
    return new Promise<never>(() => {});
  }
  const bytes = Buffer.from(body, 'utf8');
  outgoing.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(bytes.length),
    'cache-control': 'no-store',
  });
  outgoing.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => kill());
  return new Promise<never>(() => {});
}
