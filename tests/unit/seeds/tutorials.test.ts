// Residents' tutorials, the quiz and the pictures in seeds/: each file matches
// its schema, both languages are there (NFC), every checklist step of the
// skill is taught by exactly one tutorial step, a step about money,
// passwords, codes or ID numbers carries a safety note, codes are unique,
// and every picture is a plain SVG with nothing that could run or fetch.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { CATALOG } from 'virtual:learn-catalog';
import { skillSchema } from '../../../src/shared/schemas/skill.ts';
import {
  quizSchema,
  SAFETY_WORDS,
  tutorialSchema,
  type Tutorial,
} from '../../../src/shared/schemas/tutorial.ts';

const seeds = (sub: string) => fileURLToPath(new URL(`../../../seeds/${sub}/`, import.meta.url));
const list = (sub: string, ext: string) =>
  readdirSync(seeds(sub))
    .filter((f) => f.endsWith(ext))
    .sort();
const json = (sub: string, f: string): unknown => JSON.parse(readFileSync(seeds(sub) + f, 'utf8'));

const skills = list('skills', '.json').map((f) => v.parse(skillSchema, json('skills', f)));
const tutorials = list('tutorials', '.json').map((f) => {
  const r = v.safeParse(tutorialSchema, json('tutorials', f));
  if (!r.success) throw new Error(`${f}: ${JSON.stringify(v.flatten(r.issues).nested)}`);
  return [f, r.output] as const;
});

const bilingual = (t: Tutorial) => [
  t.intro,
  ...t.steps.flatMap((s) => [s.do, s.see, s.trouble, ...(s.safety ? [s.safety] : [])]),
];

describe('seeds/tutorials', () => {
  it('has a tutorial for every skill, named after it, on its checklist version', () => {
    expect(tutorials.map(([f]) => f.replace('.json', ''))).toEqual(skills.map((s) => s.id).sort());
    for (const [f, t] of tutorials) {
      const skill = skills.find((s) => s.id === t.skillId)!;
      expect(f).toBe(`${t.skillId}.json`);
      expect(t.skillVersion).toBe(skill.version);
    }
  });

  it('is listed in the build-time catalog the list screen reads, in code order, with its counts', () => {
    const byCode = [...tutorials.map(([, t]) => t)].sort((a, b) => a.code.localeCompare(b.code));
    expect(CATALOG).toEqual(
      byCode.map((t) => ({
        skillId: t.skillId,
        code: t.code,
        version: t.skillVersion,
        steps: t.steps.length,
        title: skills.find((s) => s.id === t.skillId)!.title,
      })),
    );
    // The list starts with the basics, as the volunteers teach them.
    expect(CATALOG[0]!.skillId).toBe('device-basics');
  });

  it.each(tutorials)('%s teaches every checklist step exactly once, in order', (_, t) => {
    const skill = skills.find((s) => s.id === t.skillId)!;
    const taught = t.steps.flatMap((s) => s.checklist);
    expect(taught).toEqual(skill.steps.map((s) => s.id));
    expect(new Set(t.steps.map((s) => s.id)).size).toBe(t.steps.length);
  });

  it.each(tutorials)('%s has both languages, in NFC, with a safety note where needed', (_, t) => {
    for (const text of bilingual(t)) {
      for (const s of [text.vi, text.en]) {
        expect(s.trim()).not.toBe('');
        expect(s).toBe(s.normalize('NFC'));
      }
      expect(text.vi).not.toBe(text.en);
    }
    for (const s of t.steps) {
      const words = [s.do.vi, s.see.vi, s.trouble.vi].join(' ');
      if (SAFETY_WORDS.test(words)) expect(s.safety, `${t.skillId}/${s.id}`).toBeDefined();
    }
  });

  it('gives every tutorial its own three-digit code', () => {
    const codes = tutorials.map(([, t]) => t.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('seeds/quiz', () => {
  it.each(list('quiz', '.json'))('%s is a quiz with one right answer among its choices', (f) => {
    const quiz = v.parse(quizSchema, json('quiz', f));
    for (const q of quiz.questions) {
      expect(q.choices.map((c) => c.id)).toContain(q.answer);
      expect(new Set(q.choices.map((c) => c.id)).size).toBe(q.choices.length);
      for (const t of [q.question, q.explain, ...q.choices.map((c) => c.text)])
        expect(t.vi).toBe(t.vi.normalize('NFC'));
    }
    // The right answer is not always in the same place.
    expect(new Set(quiz.questions.map((q) => q.answer)).size).toBeGreaterThan(1);
  });
});

describe('seeds/pictures', () => {
  it.each(list('pictures', '.svg'))('%s is a small plain SVG', (f) => {
    const svg = readFileSync(seeds('pictures') + f, 'utf8');
    expect(svg.length).toBeLessThanOrEqual(2000);
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).not.toMatch(/<script|<text|href|url\(|\son\w+=|<foreignObject/i);
  });

  it('has a picture for every skill', () => {
    expect(list('pictures', '.svg').map((f) => f.replace('.svg', ''))).toEqual(
      skills.map((s) => s.id).sort(),
    );
  });
});
