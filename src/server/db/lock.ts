/**
 * One process per PGlite data folder: two processes on one folder corrupt it
 * (SYNC.md pitfall 23, pglite#327/#709). The lock is a file created with
 * O_EXCL holding the owner's pid. A lock is stale, and taken over, when its
 * pid is gone, is our own pid (containers reuse pids: after a kill, the next
 * server is often pid 1 again) or, on Linux, belongs to a process that is not
 * Node (the pid was reused by something else). A live holder is re-checked for
 * about 2 s before giving up: a process killed with SIGKILL can take a moment
 * to disappear.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `The data folder ${dir} is in use by another Sổ tay server (pid ${pid}). ` +
        'Stop that server first, or set SOTAY_DATA_DIR to another folder.',
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DirLock {
  readonly path: string;
  release(): void;
}

export interface LockOptions {
  /** How long a live holder is re-checked before giving up, ms. Default 2000. */
  waitMs?: number;
  /** Between checks, ms. Default 250. */
  intervalMs?: number;
}

/** Lock files this process holds (its own pid in a file it did not take is stale). */
const held = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * On Linux, whether `pid` runs Node (a killed, unreaped process has an empty
 * command line: not Node). Undefined when /proc cannot tell.
 */
function runsNode(pid: number): boolean | undefined {
  if (process.platform !== 'linux') return undefined;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return undefined;
  }
  const names = ['node', basename(process.execPath)].map((n) => n.toLowerCase());
  const lower = cmdline.toLowerCase();
  return names.some((n) => lower.includes(n));
}

/** Whether a live process that may own the folder has this pid. */
function holderMayBeAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  if (!isAlive(pid)) return false;
  return runsNode(pid) !== false;
}

/** The pid in the lock file; null when there is no file, NaN when it holds no pid (yet). */
function readPid(path: string): number | null {
  try {
    return Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tryCreate(path: string): DirLock | null {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw err;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  held.add(path);
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      held.delete(path);
      rmSync(path, { force: true });
    },
  };
}

/**
 * Takes the lock of `dir` (creating the folder if needed).
 * @throws DataDirLockedError when this process or a live one holds it
 */
export async function lockDataDir(dir: string, options: LockOptions = {}): Promise<DirLock> {
  const waitMs = options.waitMs ?? 2000;
  const intervalMs = options.intervalMs ?? 250;
  mkdirSync(dir, { recursive: true });
  const path = join(resolve(dir), 'sotay.lock');
  if (held.has(path)) throw new DataDirLockedError(dir, process.pid);
  const deadline = Date.now() + waitMs;
  for (let retries = 0; ;) {
    const lock = tryCreate(path);
    if (lock) return lock;
    const pid = readPid(path);
    // Vanished between open and read: try again.
    if (pid === null) {
      if (++retries > 10) throw new DataDirLockedError(dir, NaN);
      continue;
    }
    const waiting = Date.now() < deadline;
    // No pid yet (its creator is writing it) or a live holder: check again
    // until the deadline. An unreadable file past the deadline is stale.
    const valid = Number.isInteger(pid) && pid > 0;
    if (valid ? holderMayBeAlive(pid) : waiting) {
      if (!waiting) throw new DataDirLockedError(dir, pid);
      await sleep(Math.min(intervalMs, deadline - Date.now()));
      continue;
    }
    // Stale. Remove it only if it still holds that pid (another starter may
    // have taken it over meanwhile), then try again.
    if (++retries > 10) throw new DataDirLockedError(dir, pid);
    const now = readPid(path);
    if (now === pid || (Number.isNaN(now) && Number.isNaN(pid))) rmSync(path, { force: true });
  }
}
