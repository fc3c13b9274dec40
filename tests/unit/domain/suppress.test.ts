import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SMALL_COUNT, suppressBreakdown, suppressCount } from '../../../src/domain/suppress.ts';

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
