/**
 * The curriculum (skill checklists) from `seeds/skills`. Each skill is its own
 * small chunk, loaded on first use and precached by the service worker, so
 * it adds nothing to the first screen and works offline.
 */
import { signal } from '@preact/signals';
import type { Skill } from '../shared/schemas/skill.ts';

const modules = import.meta.glob<Skill>('/seeds/skills/*.json', { import: 'default' });

/** All skills in a stable order (basics first), once loaded. */
export const skills = signal<Skill[] | null>(null);
export const skillsFailed = signal(false);
let loading: Promise<Skill[]> | null = null;

const ORDER = [
  'device-basics',
  'vneid-level2',
  'dvc-submit',
  'gmail-create',
  'vietqr-pay',
  'shop-online',
  'scam-aware',
  'zalo-safe',
];

/** Loads every skill once; later calls share the same promise. */
export function loadSkills(): Promise<Skill[]> {
  loading ??= Promise.all(Object.values(modules).map((load) => load())).then(
    (list) => {
      const rank = (id: string) => (ORDER.includes(id) ? ORDER.indexOf(id) : ORDER.length);
      const sorted = list.sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
      skills.value = sorted;
      skillsFailed.value = false;
      return sorted;
    },
    (err: unknown) => {
      loading = null;
      skillsFailed.value = true;
      throw err;
    },
  );
  return loading;
}

/** The text of a `{vi, en}` pair in the active language. */
export function localized(text: { vi: string; en: string }, lng: string): string {
  return lng === 'en' ? text.en : text.vi;
}

/** A skill's title in `lng`, from the loaded curriculum; its id until that is loaded. */
export function skillTitle(id: string, lng: string): string {
  const s = skills.value?.find((x) => x.id === id);
  return s ? localized(s.title, lng) : id;
}
