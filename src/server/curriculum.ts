/**
 * The curriculum the server checks pushed logs against: which skill ids exist,
 * which step ids each version of a skill's checklist has, and the current
 * version. Read once from `seeds/skills/*.json` (the current versions) and
 * `seeds/skills/archive/*.json` (every older version, for sessions started on
 * one), validated with skillSchema, next to the sources, next to the bundle,
 * or under the working directory.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { skillSchema, type CoreSkill } from '../shared/schemas/skill.ts';

export interface Curriculum {
  /**
   * The step ids of a skill's checklist at `version` (the current version when
   * left out); undefined for an unknown skill or a version never published.
   */
  steps(skillId: string, version?: number): ReadonlySet<string> | undefined;
  /** The skill's current content version (a log cannot be on a later one), or undefined. */
  version(skillId: string): number | undefined;
  /** The basic skills (3240/BTTTT-CĐSQG) the skill counts towards; none when unknown. */
  core(skillId: string): readonly CoreSkill[];
  /** Every skill id, sorted. */
  ids(): readonly string[];
  readonly size: number;
}

/**
 * Builds a curriculum from skill definitions, the current ones and the
 * archived older versions alike (tests use this directly); version defaults
 * to 1. The basic skills come from the highest version; a version defined
 * twice keeps its first definition.
 */
export function curriculumFrom(
  skills: readonly {
    id: string;
    version?: number;
    coreSkills?: readonly CoreSkill[];
    steps: readonly { id: string }[];
  }[],
): Curriculum {
  const byVersion = new Map<string, Map<number, ReadonlySet<string>>>();
  const versions = new Map<string, number>();
  const cores = new Map<string, readonly CoreSkill[]>();
  for (const s of skills) {
    const version = s.version ?? 1;
    const all = byVersion.get(s.id) ?? new Map<number, ReadonlySet<string>>();
    // The first definition of a version wins (the current files come first).
    if (all.has(version)) continue;
    all.set(version, new Set(s.steps.map((step) => step.id)));
    byVersion.set(s.id, all);
    if (version >= (versions.get(s.id) ?? 0)) {
      versions.set(s.id, version);
      cores.set(s.id, s.coreSkills ?? []);
    }
  }
  const ids = [...byVersion.keys()].sort();
  return {
    steps: (id, version) => byVersion.get(id)?.get(version ?? versions.get(id) ?? 0),
    version: (id) => versions.get(id),
    core: (id) => cores.get(id) ?? [],
    ids: () => ids,
    size: byVersion.size,
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
 * Reads every `*.json` skill in the first folder that has any, and the older
 * versions in its `archive` folder.
 * @param warn called for each file that fails the schema (it is skipped)
 */
export function loadCurriculum(
  dirs: readonly string[] = skillDirCandidates(),
  warn: (msg: string) => void = () => {},
): Curriculum {
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    const files = jsonFiles(dir);
    if (files.length === 0) continue;
    const skills = [];
    const archive = join(dir, 'archive');
    for (const [folder, f, label] of [
      ...files.map((f) => [dir, f, `seeds/skills/${f}`] as const),
      ...(existsSync(archive) ? jsonFiles(archive) : []).map(
        (f) => [archive, f, `seeds/skills/archive/${f}`] as const,
      ),
    ]) {
      try {
        const parsed = v.safeParse(skillSchema, JSON.parse(readFileSync(join(folder, f), 'utf8')));
        if (parsed.success) skills.push(parsed.output);
        else warn(`${label} does not match the skill schema; skipped`);
      } catch {
        warn(`${label} is not valid JSON; skipped`);
      }
    }
    const curriculum = curriculumFrom(skills);
    // A session still on an older version is refused if that version is not
    // here: say so at start-up, not when the phones' pushes bounce.
    for (const id of curriculum.ids()) {
      const missing: number[] = [];
      for (let n = 1; n < (curriculum.version(id) ?? 0); n++)
        if (!curriculum.steps(id, n)) missing.push(n);
      if (missing.length > 0)
        warn(
          `seeds/skills/archive has no ${id} version ${missing.join(', ')}: ` +
            'sessions started on it will be rejected',
        );
    }
    return curriculum;
  }
  warn('no seeds/skills folder found: every pushed skill will be rejected');
  return curriculumFrom([]);
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
}
