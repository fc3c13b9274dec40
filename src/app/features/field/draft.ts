/**
 * What the volunteer is typing, kept in localStorage on every change so a
 * reload, a crash or a closed tab never loses it. Cleared once the record is
 * saved in IndexedDB.
 *
 * A draft of an edit belongs to its log. A draft of a NEW record belongs to
 * the form that is typing it: each open form holds a Web Lock named after its
 * draft, so a second tab opening "new" never shows (and then saves a second
 * copy of) what the first tab is typing. A draft whose lock nobody holds
 * (its tab was closed, crashed or reloaded) is picked up by the next new
 * form, this tab's own first. Without Web Locks there is one shared draft.
 */
import type { FormState } from './log-form.ts';

/** Where one form's draft lives; release the slot when the form closes. */
export interface DraftSlot {
  key: string;
  release: () => void;
}

interface LocksLike {
  request(
    name: string,
    options: { ifAvailable: boolean },
    callback: (lock: unknown) => Promise<void> | void,
  ): Promise<unknown>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

const TAB_KEY = 'sotay.draftTab';
const lockName = (key: string) => `sotay-draft:${key}`;
const noop = () => undefined;

function base(userId: string, logId: string | null): string {
  return `sotay.draft.${userId}.${logId ?? 'new'}`;
}

function locks(): LocksLike | null {
  const l = (globalThis.navigator as { locks?: Partial<LocksLike> } | undefined)?.locks;
  return l?.request && l.query ? (l as LocksLike) : null;
}

function storedKeys(): string[] {
  try {
    return Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i) ?? '');
  } catch {
    return [];
  }
}

/** Takes the lock `name` if it is free; resolves to its release, or null. */
function tryLock(l: LocksLike, name: string): Promise<(() => void) | null> {
  return new Promise((resolve) => {
    l.request(name, { ifAvailable: true }, (lock) => {
      if (!lock) return resolve(null);
      return new Promise<void>((done) => resolve(() => done()));
    }).catch(() => resolve(null));
  });
}

/** How long a form waits for its own tab's previous page to let go of its draft. */
const OWN_LOCK_WAIT_MS = 2000;

/** tryLock, retried for a moment while someone (the page being replaced) still holds it. */
async function tryLockSoon(l: LocksLike, name: string): Promise<(() => void) | null> {
  const until = Date.now() + OWN_LOCK_WAIT_MS;
  for (;;) {
    const release = await tryLock(l, name);
    if (release || Date.now() >= until) return release;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The draft slot for a form: the log's own for an edit; for a new record,
 * this tab's previous one, else one left by a closed tab, else a fresh one.
 */
export async function claimDraft(userId: string, logId: string | null): Promise<DraftSlot> {
  const shared = base(userId, logId);
  const l = logId === null ? locks() : null;
  if (!l) return { key: shared, release: noop };
  let mine: string | null = null;
  try {
    mine = sessionStorage.getItem(`${TAB_KEY}.${userId}`);
  } catch {
    // no sessionStorage: no preference
  }
  const held = new Set(((await l.query()).held ?? []).map((h) => h.name));
  const left = storedKeys().filter((k) => k === shared || k.startsWith(`${shared}.`));
  const fresh = `${shared}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const candidates = [...(mine ? [mine] : []), ...left.filter((k) => k !== mine), fresh];
  for (const key of candidates) {
    // This tab's own draft may still be locked by the page it is replacing
    // (a reload, an app update): that lock goes within moments, so wait for it.
    const release =
      key === mine
        ? await tryLockSoon(l, lockName(key))
        : held.has(lockName(key))
          ? null
          : await tryLock(l, lockName(key));
    if (!release) continue;
    try {
      sessionStorage.setItem(`${TAB_KEY}.${userId}`, key);
    } catch {
      // the draft still works for this visit
    }
    return { key, release };
  }
  return { key: fresh, release: noop }; // every lock taken meanwhile: a fresh, unlocked draft
}

export function readDraft(slot: DraftSlot): FormState | null {
  try {
    const raw = localStorage.getItem(slot.key);
    return raw ? (JSON.parse(raw) as FormState) : null;
  } catch {
    return null;
  }
}

export function writeDraft(slot: DraftSlot, form: FormState): void {
  try {
    localStorage.setItem(slot.key, JSON.stringify(form));
  } catch {
    // Storage full or private mode: the form itself still holds the data.
  }
}

export function clearDraft(slot: DraftSlot): void {
  try {
    localStorage.removeItem(slot.key);
  } catch {
    // Nothing to clear.
  }
}
