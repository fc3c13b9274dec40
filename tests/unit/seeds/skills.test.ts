// Curriculum seeds: every file in seeds/skills (and the older versions kept in
// seeds/skills/archive) must match skillSchema and the content rules (both
// languages, NFC text, stable step ids, every older version kept).
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
  if (skill.changes) out.push(['changes', skill.changes]);
  for (const step of skill.steps) {
    out.push([`steps.${step.id}.text`, step.text]);
    if (step.safety) out.push([`steps.${step.id}.safety`, step.safety]);
  }
  return out;
}

function load(file: string, from = dir): { source: string; raw: unknown; skill: Skill } {
  const source = readFileSync(from + file, 'utf8');
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

      it('has 6–10 steps with unique 3–40 character ids', () => {
        const { skill } = load(file);
        expect(skill.steps.length).toBeGreaterThanOrEqual(6);
        expect(skill.steps.length).toBeLessThanOrEqual(10);
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

const archiveDir = dir + 'archive/';
const archived = readdirSync(archiveDir)
  .filter((name) => name.endsWith('.json'))
  .sort();

describe('seeds/skills/archive (the versions sessions in progress may still be on)', () => {
  const current = new Map(files.map((f) => [load(f).skill.id, load(f).skill]));

  it('keeps every older version of every skill, and says what the current one changed', () => {
    for (const skill of current.values()) {
      for (let n = 1; n < skill.version; n++) {
        expect(archived, `${skill.id} version ${n} is not archived`).toContain(
          `${skill.id}.v${n}.json`,
        );
      }
      if (skill.version > 1) expect(skill.changes, `${skill.id} v${skill.version}`).toBeDefined();
    }
  });

  for (const file of archived) {
    describe(file, () => {
      it('matches skillSchema, is named <id>.v<version>.json and is older than the current one', () => {
        const { raw, skill } = load(file, archiveDir);
        expect(skill).toEqual(raw);
        expect(file).toBe(`${skill.id}.v${skill.version}.json`);
        expect(current.get(skill.id), `no current ${skill.id}`).toBeDefined();
        expect(skill.version).toBeLessThan(current.get(skill.id)!.version);
      });

      it('differs from the next version (a new version is raised only for a change)', () => {
        const { skill } = load(file, archiveDir);
        const nextFile = `${skill.id}.v${skill.version + 1}.json`;
        const next = archived.includes(nextFile)
          ? load(nextFile, archiveDir).skill
          : current.get(skill.id)!;
        expect(JSON.stringify(next.steps)).not.toBe(JSON.stringify(skill.steps));
      });

      it('has both languages for every text, NFC-normalised', () => {
        const { source, skill } = load(file, archiveDir);
        for (const [where, text] of texts(skill)) {
          expect(text.vi.trim(), `${where}.vi`).not.toBe('');
          expect(text.en.trim(), `${where}.en`).not.toBe('');
        }
        expect(source === source.normalize('NFC'), 'file is not NFC').toBe(true);
      });
    });
  }
});
