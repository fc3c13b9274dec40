/**
 * Field problems as human text in the request's language. Texts come from the
 * app's locale files, fields.*.json (`fields.<path>` names the field, `errors.<code>` says
 * what is wrong), so the form and the server speak with one voice. A missing
 * key falls back to `<field>: <code>`.
 */
import en from '../../i18n/locales/fields.en.json';
import vi from '../../i18n/locales/fields.vi.json';
import type { FieldProblem } from '../../shared/validation.ts';

export const LANGS = ['vi', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export interface Problem extends FieldProblem {
  message: string;
}

type Dict = Record<string, unknown>;
const LOCALES: Record<Lang, Dict> = { vi, en };

/** Looks a key up as a flat key first (`"residents.under30"`), then as a nested path. */
function lookup(section: unknown, key: string): string | undefined {
  if (typeof section !== 'object' || section === null) return undefined;
  const flat = (section as Dict)[key];
  if (typeof flat === 'string') return flat;
  let node: unknown = section;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Dict)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** `skills.0.stepsDone` → `skills.stepsDone` (locale keys have no array indexes). */
export function fieldKey(field: string): string {
  return field
    .split('.')
    .filter((p) => p !== '' && !/^\d+$/.test(p))
    .join('.');
}

/**
 * The message for one problem, e.g. "Dưới 30 tuổi: bắt buộc, chưa nhập".
 * @param lang the request language
 */
export function problemMessage(lang: Lang, problem: FieldProblem): string {
  const dict = LOCALES[lang];
  const key = fieldKey(problem.field);
  const name = key === '' ? undefined : lookup(dict.fields, key);
  const text = lookup(dict.errors, problem.code);
  const label =
    name ?? (problem.field === '' ? (lang === 'vi' ? 'Yêu cầu' : 'Request') : problem.field);
  if (text === undefined) return `${label}: ${problem.code}`;
  if (text.includes('{{field}}')) return text.replaceAll('{{field}}', label);
  return `${label}: ${text}`;
}

/** Adds the translated message to each problem. */
export function withMessages(lang: Lang, problems: readonly FieldProblem[]): Problem[] {
  return problems.map((p) => ({ field: p.field, code: p.code, message: problemMessage(lang, p) }));
}

/**
 * Picks the request language from `Accept-Language` (q-values honoured);
 * Vietnamese unless English is preferred.
 */
export function requestLang(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'vi';
  let best: { lang: Lang; q: number } | null = null;
  for (const part of acceptLanguage.split(',')) {
    const [tag = '', ...params] = part.trim().split(';');
    const base = tag.trim().toLowerCase().split('-')[0];
    if (base !== 'vi' && base !== 'en') continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q=([0-9.]+)\s*$/.exec(p);
      if (m) q = Number(m[1]);
    }
    if (!Number.isFinite(q) || q <= 0) continue;
    if (best === null || q > best.q) best = { lang: base, q };
  }
  return best?.lang ?? 'vi';
}
