/**
 * The residents' tutorials, the quiz and the skills' pictures, from
 * `seeds/`. Each tutorial is its own small chunk, loaded on first use and
 * precached by the service worker, so a tutorial opened once works offline.
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

/** Every tutorial (small: a few KB each), for the list's step counts and the codes. */
export function loadTutorials(): Promise<Tutorial[]> {
  return Promise.all(Object.values(tutorials).map((load) => load()));
}

/** The skill whose tutorial has `code` ("Mã bài học"); null when none has it. */
export async function skillOfCode(code: string): Promise<string | null> {
  const all = await loadTutorials();
  return all.find((t) => t.code === code.trim())?.skillId ?? null;
}

export async function loadQuiz(id: string): Promise<Quiz | null> {
  const load = quizzes[`/seeds/quiz/${id}.json`];
  return load ? load() : null;
}

/** The URL of a skill's picture, if it has one. */
export function pictureOf(skillId: string): string | undefined {
  return pictures[`/seeds/pictures/${skillId}.svg`];
}
