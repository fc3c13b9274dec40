/**
 * How a session's skills read on the attention and review screens when the
 * session is on an older checklist version: counted against the steps of its
 * own version (VNeID v1 had 9 steps, v2 has 10), from the real seeds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { i18next } from '../../src/i18n/index.ts';
import '../../src/i18n/pages.ts'; // form.* strings
import {
  loadSkills,
  loadSkillVersions,
  localized,
  skillAt,
  skills,
} from '../../src/app/content.ts';
import { diffContent, formatField, type FormatContext } from '../../src/app/log-diff.ts';
import { makeContent } from '../helpers/log-builders.ts';
import vneidNow from '../../seeds/skills/vneid-level2.json';
import vneidV1 from '../../seeds/skills/archive/vneid-level2.v1.json';

const ctx = (): FormatContext => ({
  t: i18next.t.bind(i18next) as unknown as FormatContext['t'],
  hamletName: (id) => id,
  skills: skills.value,
  skillAt,
  skillTitle: (s) => localized(s.title, 'vi'),
});
const VNEID = 'Kích hoạt và dùng tài khoản định danh điện tử mức 2 (VNeID)';
const on = (contentVersion: number, stepsDone: string[]) =>
  makeContent({ skills: [{ skillId: 'vneid-level2', contentVersion, stepsDone }] });

beforeAll(async () => {
  await loadSkills();
  await loadSkillVersions([{ skillId: 'vneid-level2', contentVersion: 1 }]);
});

describe('skills on an older checklist version', () => {
  it('counts the steps against the session’s own version', () => {
    const v1All = vneidV1.steps.map((s) => s.id);
    const v2All = vneidNow.steps.map((s) => s.id);

    expect(formatField(on(1, v1All), 'skills', ctx())).toBe(
      `${VNEID} — Các bước đã làm được: ${v1All.length}/${v1All.length}`,
    );
    expect(formatField(on(2, v1All), 'skills', ctx())).toBe(
      `${VNEID} — Các bước đã làm được: ${v1All.length}/${v2All.length}`,
    );
  });

  it('names the skill even for a version this app does not have', () => {
    expect(formatField(on(7, ['install-vneid']), 'skills', ctx())).toBe(`${VNEID} (1)`);
  });

  it('shows a move to the new checklist as a change of the skills', () => {
    const rows = diffContent(on(1, ['enter-otp']), on(2, ['enter-otp']), ctx());

    expect(rows.map((r) => r.label)).toEqual(['fields.skills']);
    expect(rows[0]!.local).toMatch(/1\/9$/);
    expect(rows[0]!.server).toMatch(/1\/10$/);
  });
});
