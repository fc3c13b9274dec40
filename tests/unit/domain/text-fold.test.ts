import { describe, expect, it } from 'vitest';
import { foldText, matchesFolded } from '../../../src/domain/text-fold.ts';

describe('foldText', () => {
  it.each([
    ['Thôn Đông', 'thon dong'],
    ['Ấp Bình An', 'ap binh an'],
    ['  Nguyễn   Thị Hoa ', 'nguyen thi hoa'],
    ['Trường', 'truong'],
    // Decomposed input (NFD) folds the same as composed (NFC).
    ['Thôn Đông'.normalize('NFD'), 'thon dong'],
  ])('%j → %j', (input, expected) => {
    expect(foldText(input)).toBe(expected);
  });
});

describe('matchesFolded', () => {
  it('matches every word regardless of marks and case', () => {
    expect(matchesFolded('Trần Văn An, Thôn Đông', 'tran dong')).toBe(true);
    expect(matchesFolded('Trần Văn An', 'binh')).toBe(false);
    expect(matchesFolded('anything', '   ')).toBe(true);
  });
});
