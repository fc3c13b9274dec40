/**
 * The curriculum (skill checklists) from `seeds/skills`. Each skill is its own
 * small chunk, loaded on first use and precached by the service worker, so
 * it adds nothing to the first screen and works offline. A session keeps the
 * checklist version it was started on: the older versions a session may
 * still be on come from `seeds/skills/archive`, loaded only when one is.
 */
import { signal } from '@preact/signals';
import type { Skill } from '../shared/schemas/skill.ts';

const modules = import.meta.glob<Skill>('/seeds/skills/*.json', { import: 'default' });
/** Older checklist versions (`<id>.v<N>.json`), for sessions started on one. */
const archive = import.meta.glob<Skill>('/seeds/skills/archive/*.json', { import: 'default' });

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

/** One skill's current checklist (the learn area needs only the one it shows); null if none. */
export async function loadSkill(id: string): Promise<Skill | null> {
  const load = modules[`/seeds/skills/${id}.json`];
  return load ? load() : null;
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

/** Archived checklist versions loaded so far, by `id@version`. */
const older = signal<ReadonlyMap<string, Skill>>(new Map());
/** Archived versions whose chunk could not be loaded (offline before it was cached). */
const olderFailed = signal<ReadonlySet<string>>(new Set());
const loadingOlder = new Map<string, Promise<Skill | undefined>>();

/**
 * Whether this app can show version `version` of skill `id`: `ready` (the
 * current one, or an archived one loaded), `loading`, or `missing` (a
 * version this app does not have, e.g. a newer one, or a chunk that failed).
 */
export function skillVersionState(id: string, version: number): 'ready' | 'loading' | 'missing' {
  if (skillAt(id, version)) return 'ready';
  const now = skills.value?.find((s) => s.id === id);
  if (!now) return skillsFailed.value ? 'missing' : 'loading';
  if (version > now.version || !archive[`/seeds/skills/archive/${id}.v${version}.json`])
    return 'missing';
  return olderFailed.value.has(`${id}@${version}`) ? 'missing' : 'loading';
}

/**
 * The checklist a session on `version` of skill `id` was started on: the
 * current one, or an archived one once `loadSkillVersions` has loaded it;
 * undefined until then (or for a version this app does not have).
 */
export function skillAt(id: string, version: number): Skill | undefined {
  const now = skills.value?.find((s) => s.id === id);
  if (now?.version === version) return now;
  return older.value.get(`${id}@${version}`);
}

/** Loads the archived versions `refs` are on (the current ones need `loadSkills`). */
export function loadSkillVersions(
  refs: readonly { skillId: string; contentVersion: number }[],
): Promise<unknown> {
  return Promise.all(
    refs.flatMap(({ skillId, contentVersion }) => {
      const key = `${skillId}@${contentVersion}`;
      const load = archive[`/seeds/skills/archive/${skillId}.v${contentVersion}.json`];
      if (!load || older.value.has(key)) return [];
      let pending = loadingOlder.get(key);
      if (!pending) {
        pending = load().then(
          (skill) => {
            older.value = new Map(older.value).set(key, skill);
            return skill;
          },
          () => {
            loadingOlder.delete(key);
            olderFailed.value = new Set(olderFailed.value).add(key);
            return undefined;
          },
        );
        loadingOlder.set(key, pending);
      }
      return [pending];
    }),
  );
}
