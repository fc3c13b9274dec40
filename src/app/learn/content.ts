/**
 * The quiz and the skills' pictures, from `seeds/` (the tutorials are in
 * tutorials.ts). The list of tutorials (titles, codes, step counts) is
 * `virtual:learn-catalog`, made at build time, so the list screen loads none
 * of them.
 */
import type { Quiz } from '../../shared/schemas/tutorial.ts';

const quizzes = import.meta.glob<Quiz>('/seeds/quiz/*.json', { import: 'default' });
const pictures = import.meta.glob<string>('/seeds/pictures/*.svg', {
  query: '?url',
  import: 'default',
  eager: true,
});

export async function loadQuiz(id: string): Promise<Quiz | null> {
  const load = quizzes[`/seeds/quiz/${id}.json`];
  return load ? load() : null;
}

/** The URL of a skill's picture, if it has one. */
export function pictureOf(skillId: string): string | undefined {
  return pictures[`/seeds/pictures/${skillId}.svg`];
}
