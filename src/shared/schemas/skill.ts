/**
 * Curriculum content: a skill checklist with its steps, in Vietnamese (the
 * source) and English. Files in `seeds/skills/*.json` are validated by this
 * schema in a test, and both languages must have the same steps.
 */
import * as v from 'valibot';

const text = v.object({
  vi: v.pipe(v.string(), v.nonEmpty()),
  en: v.pipe(v.string(), v.nonEmpty()),
});

/** The five basic digital skills of 3240/BTTTT-CĐSQG (DOMAIN.md §0). */
export const CORE_SKILLS = [
  'public_services',
  'online_shopping',
  'online_payment',
  'cyber_safety',
  'local_platforms',
] as const;
export type CoreSkill = (typeof CORE_SKILLS)[number];

export const skillStepSchema = v.object({
  id: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]*$/)),
  text: text,
  /** A safety note shown beside the step (OTPs, passwords, money). */
  safety: v.optional(text),
});

export const skillSchema = v.object({
  id: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]*$/)),
  /**
   * Raised whenever the steps change. A session keeps the version it was
   * started on; the versions before the current one stay in
   * `seeds/skills/archive/<id>.v<N>.json`, unchanged, for those sessions.
   */
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** What this version changed, shown beside a session still on an older one. */
  changes: v.optional(text),
  coreSkills: v.array(v.picklist(CORE_SKILLS)),
  title: text,
  summary: text,
  /** Before starting: what the resident needs (e.g. a chip ID card). */
  prerequisites: v.optional(text),
  steps: v.pipe(v.array(skillStepSchema), v.minLength(1)),
});
export type Skill = v.InferOutput<typeof skillSchema>;
export type SkillStep = v.InferOutput<typeof skillStepSchema>;
