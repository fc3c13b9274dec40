// What the learn area keeps on the phone (src/app/learn/local.ts): progress
// per tutorial version, display settings, a field worker's shares, and a
// phone that refuses storage still working.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MAX_SHARES,
  progressOf,
  readPrefs,
  recordShare,
  savePrefs,
  saveProgress,
  sharesOf,
} from '../../../src/app/learn/local.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('learn progress', () => {
  it('comes back for the same tutorial version and starts again for another', () => {
    saveProgress('vneid-level2', { step: 4, version: 1, done: false });
    expect(progressOf('vneid-level2', 1)).toEqual({ step: 4, version: 1, done: false });
    expect(progressOf('vneid-level2', 2)).toBeNull();
    expect(progressOf('dvc-submit', 1)).toBeNull();
  });

  it('keeps going when the phone refuses storage, and reads garbage as nothing saved', () => {
    localStorage.setItem('sotay.learn.progress', '{not json');
    expect(progressOf('vneid-level2', 1)).toBeNull();
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    expect(() => saveProgress('vneid-level2', { step: 2, version: 1, done: false })).not.toThrow();
    expect(() => savePrefs({ size: 2, contrast: true })).not.toThrow();
  });
});

describe('display settings', () => {
  it('are remembered, and an unknown size reads as the normal one', () => {
    expect(readPrefs()).toEqual({ size: 0, contrast: false });
    savePrefs({ size: 2, contrast: true });
    expect(readPrefs()).toEqual({ size: 2, contrast: true });
    localStorage.setItem('sotay.learn.prefs', JSON.stringify({ size: 7, contrast: 'yes' }));
    expect(readPrefs()).toEqual({ size: 0, contrast: false });
  });
});

describe('shares', () => {
  it('are kept per field worker, newest first, at most MAX_SHARES', () => {
    for (let i = 0; i < MAX_SHARES + 5; i++)
      recordShare('an', { skillId: `s${i}`, how: 'qr', at: new Date(i * 1000).toISOString() });
    recordShare('binh', { skillId: 'vneid-level2', how: 'link', at: '2026-12-02T00:00:00Z' });
    const an = sharesOf('an');
    expect(an).toHaveLength(MAX_SHARES);
    expect(an[0]!.skillId).toBe(`s${MAX_SHARES + 4}`);
    expect(sharesOf('binh').map((s) => s.skillId)).toEqual(['vneid-level2']);
  });
});
