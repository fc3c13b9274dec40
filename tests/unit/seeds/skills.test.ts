// Curriculum seeds: every file in seeds/skills must match skillSchema and the
// content rules (both languages, NFC text, stable step ids).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { skillSchema, type Skill } from '../../../src/shared/schemas/skill.ts';

const dir = fileURLToPath(new URL('../../../seeds/skills/', import.meta.url));
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.json'))
  .sort();

/** The eight checklists of DOMAIN.md §A with their 5KN mapping. */
const EXPECTED: Record<string, Skill['coreSkills']> = {
  'device-basics': [],
  'vneid-level2': ['public_services', 'local_platforms'],
  'dvc-submit': ['public_services'],
  'gmail-create': ['local_platforms'],
  'vietqr-pay': ['online_payment'],
  'shop-online': ['online_shopping'],
  'scam-aware': ['cyber_safety'],
  'zalo-safe': ['cyber_safety', 'local_platforms'],
};

type Text = Skill['title'];

/** Every bilingual text in a skill, labelled for error messages. */
function texts(skill: Skill): [string, Text][] {
  const out: [string, Text][] = [
    ['title', skill.title],
    ['summary', skill.summary],
  ];
  if (skill.prerequisites) out.push(['prerequisites', skill.prerequisites]);
  for (const step of skill.steps) {
    out.push([`steps.${step.id}.text`, step.text]);
    if (step.safety) out.push([`steps.${step.id}.safety`, step.safety]);
  }
  return out;
}

function load(file: string): { source: string; raw: unknown; skill: Skill } {
  const source = readFileSync(dir + file, 'utf8');
  const raw: unknown = JSON.parse(source);
  const result = v.safeParse(skillSchema, raw);
  if (!result.success) {
    const issues = result.issues.map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`);
    throw new Error(`${file} does not match skillSchema:\n${issues.join('\n')}`);
  }
  return { source, raw, skill: result.output };
}

describe('seeds/skills', () => {
  it('contains the eight expected skills with their core skills', () => {
    const byId = new Map(files.map((file) => [file.replace(/\.json$/, ''), file]));
    for (const [id, coreSkills] of Object.entries(EXPECTED)) {
      const file = byId.get(id);
      expect(file, `missing seeds/skills/${id}.json`).toBeDefined();
      expect([...load(file!).skill.coreSkills].sort(), id).toEqual([...coreSkills].sort());
    }
  });

  for (const file of files) {
    describe(file, () => {
      it('matches skillSchema with no unknown keys', () => {
        const { raw, skill } = load(file);
        // valibot objects drop unknown keys, so a typo like "safty" would vanish silently.
        expect(skill).toEqual(raw);
      });

      it('is named after its id', () => {
        const { skill } = load(file);
        expect(file).toBe(`${skill.id}.json`);
      });

      it('has 6–9 steps with unique 3–40 character ids', () => {
        const { skill } = load(file);
        expect(skill.steps.length).toBeGreaterThanOrEqual(6);
        expect(skill.steps.length).toBeLessThanOrEqual(9);
        const ids = skill.steps.map((step) => step.id);
        expect(new Set(ids).size, `duplicate step ids: ${ids.join(', ')}`).toBe(ids.length);
        for (const id of ids) {
          expect(id.length, id).toBeGreaterThanOrEqual(3);
          expect(id.length, id).toBeLessThanOrEqual(40);
          expect(id, id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        }
      });

      it('has a title of at most 60 characters in each language', () => {
        const { skill } = load(file);
        expect(skill.title.vi.length).toBeLessThanOrEqual(60);
        expect(skill.title.en.length).toBeLessThanOrEqual(60);
      });

      it('has non-empty Vietnamese and English for every text', () => {
        const { skill } = load(file);
        for (const [where, text] of texts(skill)) {
          expect(text.vi.trim(), `${where}.vi`).not.toBe('');
          expect(text.en.trim(), `${where}.en`).not.toBe('');
          expect(text.vi, `${where}.vi has surrounding spaces`).toBe(text.vi.trim());
          expect(text.en, `${where}.en has surrounding spaces`).toBe(text.en.trim());
        }
      });

      it('is NFC-normalised', () => {
        const { source, skill } = load(file);
        for (const [where, text] of texts(skill)) {
          expect(text.vi === text.vi.normalize('NFC'), `${where}.vi is not NFC`).toBe(true);
          expect(text.en === text.en.normalize('NFC'), `${where}.en is not NFC`).toBe(true);
        }
        expect(source === source.normalize('NFC'), 'file is not NFC').toBe(true);
      });
    });
  }
});
