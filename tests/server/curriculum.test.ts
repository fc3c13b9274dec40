import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { curriculumFrom, loadCurriculum, skillDirCandidates } from '../../src/server/curriculum.ts';

describe('loadCurriculum', () => {
  it('finds seeds/skills from the sources', () => {
    const c = loadCurriculum();

    expect(c.size).toBeGreaterThan(0);
    expect(skillDirCandidates().length).toBeGreaterThan(1);
  });

  it('knows each skill’s current content version (the highest seen; 1 when unsaid)', () => {
    const c = curriculumFrom([
      { id: 'a', version: 2, steps: [{ id: 's1' }] },
      { id: 'a', version: 1, steps: [{ id: 's0' }] },
      { id: 'b', steps: [] },
    ]);

    expect(c.version('a')).toBe(2);
    expect([...(c.steps('a') ?? [])].sort()).toEqual(['s0', 's1']);
    expect(c.version('b')).toBe(1);
    expect(c.version('z')).toBeUndefined();
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
    writeFileSync(join(dir, 'b.json'), '{ not json');
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ id: 'c' }));
    const warnings: string[] = [];

    const c = loadCurriculum([join(dir, 'missing'), dir], (m) => warnings.push(m));

    rmSync(dir, { recursive: true, force: true });
    expect(c.size).toBe(1);
    expect([...(c.steps('a') ?? [])]).toEqual(['s1']);
    expect(c.steps('c')).toBeUndefined();
    expect(c.version('a')).toBe(3);
    expect(c.version('c')).toBeUndefined();
    expect(warnings).toHaveLength(2);
  });
});
