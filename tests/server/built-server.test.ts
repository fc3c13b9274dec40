import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** Waits until `child` prints a line matching `pattern`; returns everything printed. */
function waitFor(child: ChildProcess, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}:\n${out}`)),
      timeoutMs,
    );
    const onData = (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!pattern.test(out)) reject(new Error(`exited with ${code} before ${pattern}:\n${out}`));
    });
  });
}

describe('the built server (dist-server/main.js)', () => {
  let work: string;
  /** Inside the project, so the bundle's bare imports resolve to node_modules. */
  let bundleDir: string;
  let server: ChildProcess | undefined;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'sotay-built-'));
    mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
    bundleDir = mkdtempSync(join(root, 'node_modules', '.cache', 'sotay-built-'));
    const build = spawnSync(
      process.execPath,
      ['scripts/build-server.mjs', `--outdir=${bundleDir}`],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(build.status, build.stderr).toBe(0);
  });
  afterAll(() => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
    rmSync(bundleDir, { recursive: true, force: true });
  });

  it('starts on PGlite, seeds the demo, answers, refuses a second process and stops cleanly', async () => {
    const data = join(work, 'data');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SOTAY_DATA_DIR: data,
      PORT: '0',
      SOTAY_STATIC_DIR: join(work, 'no-dist'),
    };
    delete env.DATABASE_URL;
    server = spawn(process.execPath, [join(bundleDir, 'main.js')], { cwd: root, env });

    const out = await waitFor(server, /ready/);
    expect(out).toContain('tnv.an');
    const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
    expect(port).toBeDefined();
    const base = `http://127.0.0.1:${port}`;

    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'tnv.an', password: 'sotay-demo' }),
    });
    expect(login.status).toBe(200);
    expect(login.headers.get('set-cookie')).toMatch(/^sotay_session=/);

    const second = spawnSync(process.execPath, [join(bundleDir, 'main.js')], {
      cwd: root,
      env,
      encoding: 'utf8',
    });
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/in use by another Sổ tay server/);

    const exited = new Promise<number | null>((resolve) => server!.on('exit', resolve));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(data, 'sotay.lock'))).toBe(false);
  });
});
