/**
 * The phone's PIN (docs/SECURITY.md "Idle lock"): 4 to 6 digits per user of
 * this phone, checked on the phone, so it works with no network. Stored as a
 * PBKDF2-SHA-256 hash with its own salt in localStorage (`sotay.pin.<user>`),
 * never the digits. After MAX_PIN_FAILURES wrong tries the PIN stops opening
 * the app: the user signs in again with their password (online), which
 * keeps every record on the phone.
 */
export const PIN_PATTERN = /^\d{4,6}$/;
export const MAX_PIN_FAILURES = 5;
/** ~100 ms on a 2019 budget phone: slow enough to make guessing 10^6 PINs offline costly. */
const ITERATIONS = 150_000;

interface StoredPin {
  v: 1;
  salt: string;
  hash: string;
  iterations: number;
  failures: number;
}

const key = (userId: string) => `sotay.pin.${userId}`;
const toHex = (b: ArrayBuffer) =>
  [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
const fromHex = (s: string) => new Uint8Array(s.match(/../g)!.map((h) => parseInt(h, 16)));

async function derive(pin: string, salt: Uint8Array, iterations: number): Promise<string> {
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(pin),
    'PBKDF2',
    false,
    ['deriveBits'],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    material,
    256,
  );
  return toHex(bits);
}

function read(userId: string): StoredPin | null {
  try {
    const p = JSON.parse(localStorage.getItem(key(userId)) ?? 'null') as StoredPin | null;
    return p?.v === 1 && typeof p.hash === 'string' && typeof p.salt === 'string' ? p : null;
  } catch {
    return null;
  }
}

export function hasPin(userId: string): boolean {
  return read(userId) !== null;
}

/** Sets (or replaces) the user's PIN. @throws when `pin` is not 4 to 6 digits */
export async function setPin(userId: string, pin: string): Promise<void> {
  if (!PIN_PATTERN.test(pin)) throw new Error('a PIN is 4 to 6 digits');
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const stored: StoredPin = {
    v: 1,
    salt: toHex(salt.buffer),
    hash: await derive(pin, salt, ITERATIONS),
    iterations: ITERATIONS,
    failures: 0,
  };
  localStorage.setItem(key(userId), JSON.stringify(stored));
}

export type PinCheck = { ok: true } | { ok: false; left: number };

/** Checks a PIN; a wrong one counts, a right one clears the count. With no tries left it always fails. */
export async function checkPin(userId: string, pin: string): Promise<PinCheck> {
  const stored = read(userId);
  if (!stored) return { ok: false, left: 0 };
  if (stored.failures >= MAX_PIN_FAILURES) return { ok: false, left: 0 };
  const right =
    PIN_PATTERN.test(pin) &&
    (await derive(pin, fromHex(stored.salt), stored.iterations)) === stored.hash;
  stored.failures = right ? 0 : stored.failures + 1;
  localStorage.setItem(key(userId), JSON.stringify(stored));
  return right ? { ok: true } : { ok: false, left: MAX_PIN_FAILURES - stored.failures };
}

/** Forgets the user's PIN (after signing in again with the password they set a new one). */
export function clearPin(userId: string): void {
  localStorage.removeItem(key(userId));
}
