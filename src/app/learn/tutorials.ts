/**
 * The residents' tutorials from `seeds/tutorials`, each its own small chunk,
 * loaded on first use and precached by the service worker (a tutorial opened
 * once works offline). Its own module, so the volunteer's form (which shows
 * the tutorial step under each checklist step) does not carry the learn
 * area's pictures and quiz.
 */
import type { Tutorial } from '../../shared/schemas/tutorial.ts';

const tutorials = import.meta.glob<Tutorial>('/seeds/tutorials/*.json', { import: 'default' });

/** A skill's tutorial; null when it has none. */
export async function loadTutorial(skillId: string): Promise<Tutorial | null> {
  const load = tutorials[`/seeds/tutorials/${skillId}.json`];
  return load ? load() : null;
}
