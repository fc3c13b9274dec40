/**
 * The residents' tutorials, the quiz and the skills' pictures, from
 * `seeds/`. Each tutorial is its own small chunk, loaded on first use and
 * precached by the service worker, so a tutorial opened once works offline.
 * The list of tutorials (titles, codes, step counts) is `virtual:learn-catalog`,
 * made at build time, so the list screen loads none of them.
 */
import type { Quiz, Tutorial } from '../../shared/schemas/tutorial.ts';

const tutorials = import.meta.glob<Tutorial>('/seeds/tutorials/*.json', { import: 'default' });
const quizzes = import.meta.glob<Quiz>('/seeds/quiz/*.json', { import: 'default' });
const pictures = import.meta.glob<string>('/seeds/pictures/*.svg', {
  query: '?url',
  import: 'default',
  eager: true,
});

/** A skill's tutorial; null when it has none. */
export async function loadTutorial(skillId: string): Promise<Tutorial | null> {
  const load = tutorials[`/seeds/tutorials/${skillId}.json`];
  return load ? load() : null;
}

export async function loadQuiz(id: string): Promise<Quiz | null> {
  const load = quizzes[`/seeds/quiz/${id}.json`];
  return load ? load() : null;
}

/** The URL of a skill's picture, if it has one. */
export function pictureOf(skillId: string): string | undefined {
  return pictures[`/seeds/pictures/${skillId}.svg`];
}
