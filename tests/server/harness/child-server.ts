/**
 * The built server (scripts/build-server.mjs) as a child process, for tests
 * that kill it: start on a free port, wait for "ready", talk to it over a
 * fresh TCP connection per request (no keep-alive socket can outlive a kill),
 * and wait for its death.
 *
 *   const bundle = buildServerBundle();          // once per file; bundle.remove() after
 *   const srv = await startChildServer(bundle.main, { SOTAY_DATA_DIR: dir });
 *   const res = await httpRequest(srv.port, 'POST', '/api/sync/push', { body, cookie });
 *   await srv.exited;                            // { code, signal }
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface Bundle {
  /** The built main.js. */
  main: string;
  remove(): void;
}

/**
 * Builds the server with the project's own build script into a temporary
 * folder inside node_modules/.cache (so the bundle's bare imports resolve):
 * what runs is exactly what `npm run build` ships, from the current sources.
 */
export function buildServerBundle(): Bundle {
  mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'sotay-child-'));
  const build = spawnSync(process.execPath, ['scripts/build-server.mjs', `--outdir=${dir}`], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`server build failed:\n${build.stderr}`);
  return {
    main: join(dir, 'main.js'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildServer {
  pid: number;
  port: number;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves when the process has exited (and been reaped). */
  exited: Promise<Exit>;
  /** SIGTERM, then the exit. */
  stop(): Promise<Exit>;
  /** SIGKILL, then the exit. */
  kill(): Promise<Exit>;
}

/**
 * Starts the server and waits for "ready".
 * @param env added to the environment (PORT=0, no static folder and no
 *   DATABASE_URL unless given)
 * @throws with the output when it exits or stays silent before "ready"
 */
export function startChildServer(
  main: string,
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
): Promise<ChildServer> {
  const full: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    SOTAY_STATIC_DIR: join(ROOT, 'node_modules', '.cache', 'no-static'),
  };
  delete full.DATABASE_URL;
  delete full.SOTAY_FAULT;
  for (const [k, val] of Object.entries(env)) {
    if (val === undefined) delete full[k];
    else full[k] = val;
  }
  const child = spawn(process.execPath, [main], { cwd: ROOT, env: full });
  let out = '';
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise<ChildServer>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server not ready after ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    let ready = false;
    const onData = (d: Buffer) => {
      out += d.toString();
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (ready || !port || !/\bready\b/.test(out)) return;
      ready = true;
      clearTimeout(timer);
      resolve({
        pid: child.pid!,
        port: Number(port),
        output: () => out,
        exited,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
        kill: () => {
          child.kill('SIGKILL');
          return exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${e.code ?? e.signal}) before ready:\n${out}`));
    });
  });
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A transport failure: no answer, or an answer cut short (`truncated`). */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly truncated: boolean,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/**
 * One HTTP request on its own connection (`agent: false`).
 * @throws TransportError when the connection fails or the body ends early
 */
export function httpRequest(
  port: number,
  method: string,
  path: string,
  options: { body?: string; cookie?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    if (options.cookie) headers.cookie = options.cookie;
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => {}); // reported by 'close' below
      res.on('close', () => {
        if (!res.complete) {
          reject(
            new TransportError(`answer cut after ${Buffer.concat(chunks).length} bytes`, true),
          );
          return;
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.on('error', (err) => reject(new TransportError(String(err), false)));
    req.end(options.body);
  });
}

/** A small seeded PRNG (mulberry32), so a failing run can be replayed from its logged seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
