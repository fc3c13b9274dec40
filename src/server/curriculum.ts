/**
 * The curriculum the server checks pushed logs against: which skill ids exist
 * which step ids each has, and its current content version. Read once from `seeds/skills/*.json`
 * (validated with skillSchema), next to the sources, next to the bundle, or
 * under the working directory.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { skillSchema, type CoreSkill } from '../shared/schemas/skill.ts';

export interface Curriculum {
  /** The step ids of a skill (all content versions seen), or undefined if unknown. */
  steps(skillId: string): ReadonlySet<string> | undefined;
  /** The skill's current content version (a log cannot be on a later one), or undefined. */
  version(skillId: string): number | undefined;
  /** The basic skills (3240/BTTTT-CĐSQG) the skill counts towards; none when unknown. */
  core(skillId: string): readonly CoreSkill[];
  /** Every skill id, sorted. */
  ids(): readonly string[];
  readonly size: number;
}

/** Builds a curriculum from skill definitions (tests use this directly); version defaults to 1. */
export function curriculumFrom(
  skills: readonly {
    id: string;
    version?: number;
    coreSkills?: readonly CoreSkill[];
    steps: readonly { id: string }[];
  }[],
): Curriculum {
  const steps = new Map<string, Set<string>>();
  const versions = new Map<string, number>();
  const cores = new Map<string, readonly CoreSkill[]>();
  for (const s of skills) {
    const set = steps.get(s.id) ?? new Set<string>();
    for (const step of s.steps) set.add(step.id);
    steps.set(s.id, set);
    versions.set(s.id, Math.max(versions.get(s.id) ?? 0, s.version ?? 1));
    cores.set(s.id, s.coreSkills ?? []);
  }
  const ids = [...steps.keys()].sort();
  return {
    steps: (id) => steps.get(id),
    version: (id) => versions.get(id),
    core: (id) => cores.get(id) ?? [],
    ids: () => ids,
    size: steps.size,
  };
}

/** Where seeds/skills may be, most specific first. */
export function skillDirCandidates(): string[] {
  const dirs: string[] = [];
  if (process.env.SOTAY_SKILLS_DIR) dirs.push(process.env.SOTAY_SKILLS_DIR);
  for (const rel of ['../../seeds/skills/', '../seeds/skills/']) {
    try {
      dirs.push(fileURLToPath(new URL(rel, import.meta.url)));
    } catch {
      // import.meta.url is not a file URL (bundled into something else).
    }
  }
  dirs.push(join(process.cwd(), 'seeds', 'skills'));
  return dirs;
}

/**
 * Reads every `*.json` skill in the first folder that has any.
 * @param warn called for each file that fails the schema (it is skipped)
 */
export function loadCurriculum(
  dirs: readonly string[] = skillDirCandidates(),
  warn: (msg: string) => void = () => {},
): Curriculum {
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    if (files.length === 0) continue;
    const skills = [];
    for (const f of files) {
      try {
        const parsed = v.safeParse(skillSchema, JSON.parse(readFileSync(join(dir, f), 'utf8')));
        if (parsed.success) skills.push(parsed.output);
        else warn(`seeds/skills/${f} does not match the skill schema; skipped`);
      } catch {
        warn(`seeds/skills/${f} is not valid JSON; skipped`);
      }
    }
    return curriculumFrom(skills);
  }
  warn('no seeds/skills folder found: every pushed skill will be rejected');
  return curriculumFrom([]);
}
