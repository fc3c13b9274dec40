/**
 * The attention screen's own namespace (loaded with the screen, not with the
 * first screen's locale): the same checks as tests/unit/i18n/locales.test.ts
 * for vi.json/en.json — every Vietnamese key in English and no extra, the same
 * placeholders, no empty strings, Vietnamese in NFC.
 */
import { describe, expect, it } from 'vitest';
import vi from '../../../src/i18n/locales/attention.vi.json';
import en from '../../../src/i18n/locales/attention.en.json';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();
const base = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');
const source = flatten(vi);
const english = flatten(en);

describe('attention namespace', () => {
  it('has every Vietnamese key in English and no extra ones', () => {
    const want = new Set([...source.keys()].map(base));
    const have = new Set([...english.keys()].map(base));

    expect([...want].filter((k) => !have.has(k))).toEqual([]);
    expect([...have].filter((k) => !want.has(k))).toEqual([]);
  });

  it('keeps the same placeholders, has no empty strings, and the Vietnamese is NFC', () => {
    const mismatched = [...english].filter(([key, text]) => {
      const viText = source.get(key) ?? source.get(`${base(key)}_other`) ?? '';
      return placeholders(viText).join() !== placeholders(text).join();
    });

    expect(mismatched.map(([k]) => k)).toEqual([]);
    expect([...source, ...english].filter(([, t]) => t.trim() === '').map(([k]) => k)).toEqual([]);
    expect([...source].filter(([, t]) => t !== t.normalize('NFC')).map(([k]) => k)).toEqual([]);
  });
});
