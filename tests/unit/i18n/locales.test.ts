/**
 * Every locale has exactly the Vietnamese key set (Vietnamese is the source)
 * and the same {{placeholders}} in every string, so no screen falls back to a
 * raw key or loses a number.
 */
import { describe, expect, it } from 'vitest';
import vi from '../../../src/i18n/locales/vi.json';
import en from '../../../src/i18n/locales/en.json';
import pagesVi from '../../../src/i18n/locales/pages.vi.json';
import pagesEn from '../../../src/i18n/locales/pages.en.json';
import fieldsVi from '../../../src/i18n/locales/fields.vi.json';
import fieldsEn from '../../../src/i18n/locales/fields.en.json';
import laterVi from '../../../src/i18n/locales/later.vi.json';
import laterEn from '../../../src/i18n/locales/later.en.json';
import learnVi from '../../../src/i18n/locales/learn.vi.json';
import learnEn from '../../../src/i18n/locales/learn.en.json';

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
/** i18next plural forms: vi has only `_other`; en needs `_one` too. Compare on the base key. */
const base = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');

// The first screen's strings and the lazy parts' (later.*, pages.*, fields.*.json)
// together. i18next merges them deeply; no key may be in two files.
const viFiles = [vi, laterVi, pagesVi, fieldsVi, learnVi];
const enFiles = [en, laterEn, pagesEn, fieldsEn, learnEn];
const merge = (files: Tree[]) => new Map(files.flatMap((f) => [...flatten(f)]));
const source = merge(viFiles);
const locales = { en: merge(enFiles) };

describe('locale files', () => {
  it.each([
    ['vi', viFiles],
    ['en', enFiles],
  ])('split the %s keys between them without overlap', (_lang, files) => {
    const keys = files.flatMap((f) => [...flatten(f).keys()]);

    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });
});

describe.each(Object.entries(locales))('locale %s', (_name, strings) => {
  it('has every Vietnamese key and no extra ones', () => {
    const want = new Set([...source.keys()].map(base));
    const have = new Set([...strings.keys()].map(base));

    expect([...want].filter((k) => !have.has(k))).toEqual([]);
    expect([...have].filter((k) => !want.has(k))).toEqual([]);
  });

  it('keeps the same placeholders in every string', () => {
    const mismatched = [...strings].filter(([key, text]) => {
      const viText = source.get(key) ?? source.get(`${base(key)}_other`) ?? '';
      return placeholders(viText).join() !== placeholders(text).join();
    });

    expect(mismatched.map(([k]) => k)).toEqual([]);
  });

  it('has no empty strings', () => {
    expect([...strings].filter(([, t]) => t.trim() === '').map(([k]) => k)).toEqual([]);
  });
});

describe('Vietnamese source', () => {
  it('is in Unicode NFC, so search and comparison behave', () => {
    const notNfc = [...source].filter(([, t]) => t !== t.normalize('NFC')).map(([k]) => k);

    expect(notNfc).toEqual([]);
  });
});
