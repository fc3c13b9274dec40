/**
 * i18next set-up. Vietnamese is the source language and the default; the
 * choice is remembered in localStorage. Only the active locale is loaded
 * (each locale is its own chunk, precached by the service worker so both
 * work offline).
 */
import i18next from 'i18next';
import type vi from './locales/vi.json';
import type fieldsVi from './locales/fields.vi.json';
import type laterVi from './locales/later.vi.json';
import type learnVi from './locales/learn.vi.json';
import type pagesVi from './locales/pages.vi.json';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'sotay.lang';
/** Languages whose main strings are loaded (pages.ts may add others' page strings first). */
const loaded = new Set<Language>();

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: {
      translation: typeof vi & typeof pagesVi & typeof fieldsVi & typeof laterVi & typeof learnVi;
    };
  }
}

const loaders: Record<Language, () => Promise<{ default: unknown }>> = {
  vi: () => import('./locales/vi.json'),
  en: () => import('./locales/en.json'),
};

/** The remembered language, else Vietnamese. */
export function storedLanguage(): Language {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

async function load(lng: Language): Promise<Record<string, unknown>> {
  const mod = await loaders[lng]();
  return mod.default as Record<string, unknown>;
}

let initialised = false;
const afterInit: (() => void)[] = [];

/**
 * Runs `fn` once i18next is initialised, at once when it already is. The
 * chunks that add strings call it: the sign-in page's may arrive before the
 * first screen's strings (main.tsx loads them side by side), and i18next has
 * no resource store before `init`.
 */
export function whenInitialised(fn: () => void): void {
  if (initialised) fn();
  else afterInit.push(fn);
}

/** Initialises i18next with the remembered language only. */
export async function initI18n(lng: Language = storedLanguage()): Promise<typeof i18next> {
  const resources = await load(lng);
  loaded.add(lng);
  const start = performance.now();
  await i18next.init({
    lng,
    fallbackLng: false,
    resources: { [lng]: { translation: resources } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  performance.measure('i18n-init', { start, end: performance.now() });
  document.documentElement.lang = lng;
  initialised = true;
  for (const fn of afterInit.splice(0)) fn();
  return i18next;
}

/** Switches language, loading its strings on first use, and remembers it. */
export async function setLanguage(lng: Language): Promise<void> {
  if (!loaded.has(lng)) {
    i18next.addResourceBundle(lng, 'translation', await load(lng), true, false);
    loaded.add(lng);
  }
  await i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
  try {
    localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // Private mode: the choice lasts for this visit only.
  }
}

export { i18next };
