import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SMALL_COUNT,
  suppressBreakdown,
  suppressCount,
  suppressPart,
} from '../../../src/domain/suppress.ts';

describe('suppressCount', () => {
  it('hides 1 to 4 and shows 0 and 5 or more', () => {
    expect([0, 1, 4, 5, 120].map(suppressCount)).toEqual([0, null, null, 5, 120]);
  });
});

describe('suppressBreakdown', () => {
  it('hides a second cell when one alone would be hidden', () => {
    // Residents 14 = 3 + 5 + 6: with only "3" hidden, 14 − 5 − 6 would give it away.
    expect(suppressBreakdown({ under30: 3, from30to59: 5, over60: 6 })).toEqual({
      under30: null,
      from30to59: null,
      over60: 6,
    });
  });

  it('leaves a breakdown with nothing small, or two small cells, as it is', () => {
    expect(suppressBreakdown({ a: 7, b: 0, c: 9 })).toEqual({ a: 7, b: 0, c: 9 });
    expect(suppressBreakdown({ a: 2, b: 1, c: 9 })).toEqual({ a: null, b: null, c: 9 });
  });

  it('never shows a small cell, and never lets one hidden cell be worked out from a shown total', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.nat(40)), (cells) => {
        const out = suppressBreakdown(cells);
        const total = Object.values(cells).reduce((s, n) => s + n, 0);
        for (const [k, shown] of Object.entries(out)) {
          if (shown !== null) {
            expect(shown).toBe(cells[k]);
            expect(shown === 0 || shown >= SMALL_COUNT).toBe(true);
          }
        }
        const hidden = Object.values(out).filter((x) => x === null).length;
        if (suppressCount(total) !== null) expect(hidden).not.toBe(1);
      }),
      { numRuns: 500 },
    );
  });
});

describe('suppressBreakdown under a hidden total', () => {
  it('hides one cell when the total is hidden and every cell would be shown', () => {
    // Not possible 11 = 5 + 6, hidden as another breakdown's second cell: showing
    // both reasons would give the 11 back (and with it the small cell beside it).
    expect(suppressBreakdown({ a: 5, b: 6 }, false)).toEqual({ a: null, b: 6 });
    expect(suppressBreakdown({ a: 5, b: 0 }, false)).toEqual({ a: null, b: 0 });
    expect(suppressBreakdown({ a: 0, b: 0 }, false)).toEqual({ a: 0, b: 0 });
  });

  it('never lets a hidden total be added up from its cells', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.nat(40)), (cells) => {
        const out = suppressBreakdown(cells, false);
        const nonZero = Object.values(cells).some((n) => n > 0);
        if (nonZero) expect(Object.values(out).some((x) => x === null)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('suppressPart', () => {
  it('hides a part that is small, or that leaves a small rest of a shown whole', () => {
    expect(suppressPart(3, 20)).toBeNull();
    expect(suppressPart(17, 20)).toBeNull(); // 20 − 17 = 3
    expect(suppressPart(15, 20)).toBe(15);
    expect(suppressPart(20, 20)).toBe(20); // the rest is 0: nobody
    expect(suppressPart(0, 20)).toBe(0);
    expect(suppressPart(8, null)).toBe(8); // the whole is hidden: no rest to work out
  });

  it('never shows a part from which a small rest follows', () => {
    fc.assert(
      fc.property(fc.nat(60), fc.nat(60), (a, b) => {
        const [part, whole] = a <= b ? [a, b] : [b, a];
        const shown = suppressPart(part, suppressCount(whole));
        if (shown !== null) {
          expect(shown).toBe(part);
          expect(suppressCount(part)).not.toBeNull();
          if (suppressCount(whole) !== null) expect(suppressCount(whole - part)).not.toBeNull();
        }
      }),
      { numRuns: 500 },
    );
  });
});
