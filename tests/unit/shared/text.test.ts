import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormedText, toWellFormedText } from '../../../src/shared/text.ts';

describe('isWellFormedText', () => {
  it.each(['', 'abc', 'Tiếng Việt', '😀', 'a😀b😀', '\uffff', '\u{10ffff}'])('accepts %j', (s) => {
    expect(isWellFormedText(s)).toBe(true);
  });

  it.each([
    'abc \ud83d',
    '\ud83d abc',
    '\ude00',
    'a\ude00',
    '\ud83d\ud83d\ude00',
    '\ud83d\ude00\ude00',
    '😀\udfff',
  ])('refuses the lone surrogate in %j', (s) => {
    expect(isWellFormedText(s)).toBe(false);
  });

  it('agrees with String.prototype.isWellFormed where it exists', () => {
    const unit = fc.oneof(
      fc.constantFrom('a', 'ệ', '\ud83d', '\ude00', '😀', '\udbff', '\udc00'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 12 }), (s) => {
        const native = (s as { isWellFormed?: () => boolean }).isWellFormed?.();
        if (native !== undefined) expect(isWellFormedText(s)).toBe(native);
        const fixed = toWellFormedText(s);
        expect(isWellFormedText(fixed)).toBe(true);
        expect(fixed.length).toBe(s.length);
        if (isWellFormedText(s)) expect(fixed).toBe(s);
      }),
    );
  });
});
