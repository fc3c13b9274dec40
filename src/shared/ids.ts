/**
 * Client-made identifiers (SYNC.md §3.1). Runs in the browser, the service
 * worker and Node: only `globalThis.crypto` is used.
 */

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits.
 * Used for identity and index locality only, never to order events: the
 * device clock inside it is untrusted.
 * @param nowMs the millisecond timestamp to embed (defaults to Date.now()).
 */
export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let ts = Math.max(0, Math.floor(nowMs));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ts % 256;
    ts = Math.floor(ts / 256);
  }
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[bytes[i] ?? 0];
  }
  return out;
}

/** A random UUIDv4, e.g. the per-(user, device) client id. */
export function uuidv4(): string {
  return crypto.randomUUID();
}

/** Matches any RFC 9562 UUID in its canonical lower- or upper-case form. */
export const UUID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
