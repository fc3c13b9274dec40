import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UUID_PATTERN, uuidv7 } from '../../../src/shared/ids.ts';
import { canonicalJson, payloadHash } from '../../../src/shared/hash.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src/shared/protocol.ts';

describe('uuidv7', () => {
  it('is a version-7 RFC 9562 UUID carrying the given millisecond time', () => {
    const id = uuidv7(1_763_700_000_123);

    expect(id).toMatch(UUID_PATTERN);
    expect(id[14]).toBe('7');
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(1_763_700_000_123);
  });

  it('never repeats, even with the same clock reading', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => uuidv7(0)));

    expect(ids.size).toBe(10_000);
  });
});

describe('canonicalJson and payloadHash', () => {
  it('gives the same text whatever the key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
      }),
    );
  });

  it('hashes equal payloads equally and different payloads differently', async () => {
    const a = await payloadHash({ b: 1, a: [1, 2] });
    const b = await payloadHash({ a: [1, 2], b: 1 });
    const c = await payloadHash({ a: [2, 1], b: 1 });

    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});

describe('checkpoint encoding', () => {
  it('round-trips any checkpoint', () => {
    fc.assert(
      fc.property(
        fc.string(),
        // Commune ids are slugs (`tan-phu`), as the server issues them.
        fc.dictionary(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,30}$/), fc.nat()),
        (epoch, perCommune) => {
          const cp = { epoch, perCommune };
          expect(decodeCheckpoint(encodeCheckpoint(cp))).toEqual(cp);
        },
      ),
    );
  });

  it('refuses clock values a double cannot hold exactly (or bigint at all)', () => {
    const cp = (n: number) => encodeCheckpoint({ epoch: 'x', perCommune: { 'tan-phu': n } });

    expect(decodeCheckpoint(cp(Number.MAX_SAFE_INTEGER))).not.toBeNull();
    for (const n of [Number.MAX_SAFE_INTEGER + 1, 2 ** 63, 1e300, -1, 1.5]) {
      expect(decodeCheckpoint(cp(n))).toBeNull();
    }
  });

  it('returns null for malformed input instead of throwing', () => {
    for (const bad of [
      '',
      '!!!',
      'e30',
      encodeCheckpoint({ epoch: 'x', perCommune: {} }).slice(3),
    ]) {
      expect(decodeCheckpoint(bad)).toBeNull();
    }
  });
});
