import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { curriculumFrom, loadCurriculum, skillDirCandidates } from '../../src/server/curriculum.ts';

describe('loadCurriculum', () => {
  it('finds seeds/skills from the sources, with every older version archived', () => {
    const warnings: string[] = [];
    const c = loadCurriculum(undefined, (m) => warnings.push(m));

    expect(c.size).toBeGreaterThan(0);
    expect(warnings).toEqual([]);
    expect(skillDirCandidates().length).toBeGreaterThan(1);
  });

  it('knows each skill’s current content version (the highest seen; 1 when unsaid)', () => {
    const c = curriculumFrom([
      { id: 'a', version: 2, coreSkills: ['cyber_safety'], steps: [{ id: 's1' }, { id: 's2' }] },
      { id: 'a', version: 1, coreSkills: ['online_payment'], steps: [{ id: 's0' }] },
      { id: 'b', steps: [] },
    ]);

    expect(c.version('a')).toBe(2);
    expect(c.version('b')).toBe(1);
    expect(c.version('z')).toBeUndefined();
    expect(c.core('a')).toEqual(['cyber_safety']);
  });

  it('keeps the steps of every version apart: a session is checked against its own', () => {
    const c = curriculumFrom([
      { id: 'a', version: 1, steps: [{ id: 's0' }] },
      { id: 'a', version: 2, steps: [{ id: 's1' }, { id: 's2' }] },
    ]);

    expect([...(c.steps('a') ?? [])]).toEqual(['s1', 's2']);
    expect([...(c.steps('a', 2) ?? [])]).toEqual(['s1', 's2']);
    expect([...(c.steps('a', 1) ?? [])]).toEqual(['s0']);
    expect(c.steps('a', 3)).toBeUndefined();
    expect(c.steps('z', 1)).toBeUndefined();
  });

  it('keeps the first definition of a version (an archive copy cannot replace the current one)', () => {
    const c = curriculumFrom([
      { id: 'a', version: 2, steps: [{ id: 'now' }] },
      { id: 'a', version: 2, steps: [{ id: 'stale' }] },
    ]);

    expect([...(c.steps('a', 2) ?? [])]).toEqual(['now']);
  });

  it('reads the older versions from seeds/skills/archive', () => {
    const c = loadCurriculum();

    expect(c.version('vneid-level2')).toBe(2);
    expect(c.steps('vneid-level2', 1)?.has('show-documents')).toBe(false);
    expect(c.steps('vneid-level2', 2)?.has('show-documents')).toBe(true);
  });

  it('reads valid skills and skips broken files with a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sotay-skills-'));
    const text = { vi: 'x', en: 'x' };
    writeFileSync(
      join(dir, 'a.json'),
      JSON.stringify({
        id: 'a',
        version: 3,
        coreSkills: [],
        title: text,
        summary: text,
        steps: [{ id: 's1', text }],
      }),
    );
    mkdirSync(join(dir, 'archive'));
    writeFileSync(
      join(dir, 'archive', 'a.v2.json'),
      JSON.stringify({
        id: 'a',
        version: 2,
        coreSkills: [],
        title: text,
        summary: text,
        steps: [{ id: 's0', text }],
      }),
    );
    writeFileSync(join(dir, 'archive', 'a.v1.json'), '{ not json either');
    writeFileSync(join(dir, 'b.json'), '{ not json');
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ id: 'c' }));
    const warnings: string[] = [];

    const c = loadCurriculum([join(dir, 'missing'), dir], (m) => warnings.push(m));

    rmSync(dir, { recursive: true, force: true });
    expect(c.size).toBe(1);
    expect([...(c.steps('a') ?? [])]).toEqual(['s1']);
    expect(c.steps('c')).toBeUndefined();
    expect(c.version('a')).toBe(3);
    expect([...(c.steps('a', 2) ?? [])]).toEqual(['s0']);
    expect(c.version('c')).toBeUndefined();
    expect(warnings).toEqual([
      'seeds/skills/b.json is not valid JSON; skipped',
      'seeds/skills/c.json does not match the skill schema; skipped',
      'seeds/skills/archive/a.v1.json is not valid JSON; skipped',
      'seeds/skills/archive has no a version 1: sessions started on it will be rejected',
    ]);
  });
});
