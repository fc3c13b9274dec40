/**
 * Browser-test harness: runs the BUILT server (dist-server/main.js, serving
 * dist/) as a child process on a free port with a fresh PGlite data folder,
 * and drives Debian's Chromium through playwright-core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const ROOT = join(import.meta.dirname, '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface RunningServer {
  url: string;
  dataDir: string;
  output: () => string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** Starts the built server and resolves once it prints that it is ready. */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const entry = join(ROOT, 'dist-server/main.js');
  if (!existsSync(entry) || !existsSync(join(ROOT, 'dist/index.html'))) {
    throw new Error('The app is not built: run `npm test` (it builds first) or `npm run build`.');
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'sotay-e2e-'));
  let out = '';
  const child: ChildProcess = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SOTAY_DATA_DIR: join(dataDir, 'db'),
      SOTAY_STATIC_DIR: join(ROOT, 'dist'),
      DATABASE_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become ready in 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    dataDir,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Phone {
  context: BrowserContext;
  page: Page;
  /** The profile folder: IndexedDB, localStorage and the service worker live here. */
  profile: string;
  /**
   * Closes the browser without warning (as when the phone kills the app) and
   * starts it again on the same profile; `context` and `page` are replaced.
   */
  relaunch: () => Promise<void>;
  close: () => Promise<void>;
}

async function launch(profile: string, opts: { width?: number; height?: number }) {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    viewport: { width: opts.width ?? 360, height: opts.height ?? 740 },
    locale: 'vi-VN',
    serviceWorkers: 'allow',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/**
 * A phone-sized Chromium with its own persistent profile (IndexedDB and the
 * service worker survive reloads, as on a real phone).
 */
export async function openPhone(opts: { width?: number; height?: number } = {}): Promise<Phone> {
  const profile = mkdtempSync(join(tmpdir(), 'sotay-profile-'));
  const first = await launch(profile, opts);
  const phone: Phone = {
    ...first,
    profile,
    relaunch: async () => {
      await phone.context.close().catch(() => undefined);
      const next = await launch(profile, opts);
      phone.context = next.context;
      phone.page = next.page;
    },
    close: async () => {
      await phone.context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
  return phone;
}

/** Waits until the service worker controls the page (then it works offline). */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, {
    timeout: 30_000,
  });
}
