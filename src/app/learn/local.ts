/**
 * What the learn area keeps on the phone, in localStorage (a resident has no
 * account, and these are small): how far each tutorial got, the display
 * settings, and, for a signed-in field worker, the tutorials they shared.
 * A phone that refuses storage (private mode, full) still works; it just
 * forgets.
 */
export interface Progress {
  /** The step reached (1-based), and the tutorial version it was on. */
  step: number;
  version: number;
  done: boolean;
}
export interface Prefs {
  size: 0 | 1 | 2;
  contrast: boolean;
}
export interface Share {
  skillId: string;
  how: 'qr' | 'link' | 'code';
  at: string;
}

const PROGRESS = 'sotay.learn.progress';
const PREFS = 'sotay.learn.prefs';
const SHARES = (userId: string) => `sotay.shares.${userId}`;
/** Shares kept per field worker, newest first. */
export const MAX_SHARES = 50;

function read<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}
function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Full or refused: the tutorial goes on, it is only not remembered.
  }
}

export function allProgress(): Record<string, Progress> {
  const all = read<Record<string, Progress>>(PROGRESS, {});
  return typeof all === 'object' && all !== null ? all : {};
}

/** A tutorial's progress (from `all`, read once for a list); a saved one from another version starts again. */
export function progressOf(
  skillId: string,
  version: number,
  all: Record<string, Progress> = allProgress(),
): Progress | null {
  const p = all[skillId];
  return p && p.version === version ? p : null;
}

export function saveProgress(skillId: string, p: Progress): void {
  write(PROGRESS, { ...allProgress(), [skillId]: p });
}

export function readPrefs(): Prefs {
  const p = read<Partial<Prefs>>(PREFS, {});
  const size = p.size === 1 || p.size === 2 ? p.size : 0;
  return { size, contrast: p.contrast === true };
}

export function savePrefs(p: Prefs): void {
  write(PREFS, p);
}

export function sharesOf(userId: string): Share[] {
  const list = read<Share[]>(SHARES(userId), []);
  return Array.isArray(list) ? list : [];
}

export function recordShare(userId: string, share: Share): void {
  write(SHARES(userId), [share, ...sharesOf(userId)].slice(0, MAX_SHARES));
}
