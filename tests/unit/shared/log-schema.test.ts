import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { logContentSchema, type LogContentInput } from '../../../src/shared/schemas/log.ts';
import { OLDEST_PAYLOAD_SCHEMA, PAYLOAD_SCHEMA } from '../../../src/shared/protocol.ts';
import { parseLogPayload } from '../../../src/shared/payload.ts';
import { fieldProblems } from '../../../src/shared/validation.ts';
import { reviewDecisionSchema } from '../../../src/shared/schemas/review.ts';
import { loginSchema } from '../../../src/shared/schemas/auth.ts';

const valid: LogContentInput = {
  communeId: 'tan-phu',
  hamletId: 'tan-phu-dong',
  activityDate: '2026-11-20',
  kind: 'group_class',
  residents: { under30: 1, from30to59: 2, over60: 3 },
  language: 'km',
  skills: [{ skillId: 'scam-aware', contentVersion: 1, stepsDone: ['hang-up'] }],
  outcome: 'done',
  notes: '',
};

function problems(input: unknown) {
  const r = v.safeParse(logContentSchema, input);
  return r.success ? [] : fieldProblems(r.issues);
}

describe('logContentSchema', () => {
  it('accepts a complete session', () => {
    expect(problems(valid)).toEqual([]);
  });

  it.each([
    ['activityDate', { activityDate: '2026-02-30' }, 'invalidDate'],
    ['activityDate', { activityDate: '21/11/2026' }, 'invalidDate'],
    ['kind', { kind: 'party' }, 'invalidChoice'],
    ['residents', { residents: { under30: 0, from30to59: 0, over60: 0 } }, 'residentsTotal'],
    ['residents.over60', { residents: { under30: 0, from30to59: 0, over60: 501 } }, 'outOfRange'],
    ['skills', { skills: [] }, 'skillRequired'],
    [
      'skills.0.contentVersion',
      { skills: [{ skillId: 'scam-aware', contentVersion: 10001, stepsDone: [] }] },
      'invalid',
    ],
    ['reason', { outcome: 'partly' }, 'reasonRequired'],
    ['householdCode', { householdCode: 'Nguyễn Văn A' }, 'householdCode'],
    ['notes', { notes: 'x'.repeat(1001) }, 'tooLong'],
    [
      'residents.women',
      { residents: { under30: 1, from30to59: 2, over60: 3, women: 7 } },
      'womenOverTotal',
    ],
    [
      'residents.women',
      { residents: { under30: 1, from30to59: 0, over60: 0, women: -1 } },
      'outOfRange',
    ],
  ])('rejects a bad %s with a code the UI can translate', (field, patch, code) => {
    expect(problems({ ...valid, ...patch })).toContainEqual({ field, code });
  });

  it.each([
    ['notes', 'Cài VNeID \ud83d'],
    ['notes', '\ude00'],
    ['householdCode', 'TH07\ud83d'],
    ['hamletId', 'tan-phu-\udc00'],
  ])('rejects a lone surrogate in %s as invalid', (field, text) => {
    expect(problems({ ...valid, [field]: text })).toContainEqual({ field, code: 'invalid' });
  });

  it('keeps emoji and Vietnamese in notes', () => {
    const r = v.parse(logContentSchema, { ...valid, notes: ' Bà Tư 😀 vui ' });

    expect(r.notes).toBe('Bà Tư 😀 vui');
  });

  it('rejects the same skill twice', () => {
    const skill = valid.skills[0]!;

    expect(problems({ ...valid, skills: [skill, skill] })).toContainEqual({
      field: 'skills',
      code: 'duplicate',
    });
  });

  it('drops a reason sent with outcome done, and keeps one with another outcome', () => {
    const done = v.parse(logContentSchema, { ...valid, outcome: 'done', reason: 'no_signal' });
    const partly = v.parse(logContentSchema, { ...valid, outcome: 'partly', reason: 'no_signal' });

    expect(done).not.toHaveProperty('reason');
    expect(partly.reason).toBe('no_signal');
  });

  it('drops fields it does not know instead of storing them', () => {
    const r = v.parse(logContentSchema, { ...valid, nationalId: '001234567890' });

    expect(r).not.toHaveProperty('nationalId');
  });
});

describe('loginSchema', () => {
  it.each([
    ['username', { username: 'tnv.an\ud83d', password: 'x' }],
    ['password', { username: 'tnv.an', password: '\ude00' }],
  ])('rejects a lone surrogate in the %s as invalid', (field, input) => {
    const r = v.safeParse(loginSchema, input);

    expect(r.success ? [] : fieldProblems(r.issues)).toContainEqual({ field, code: 'invalid' });
  });
});

describe('reviewDecisionSchema', () => {
  it('rejects a lone surrogate in the comment as invalid', () => {
    const r = v.safeParse(reviewDecisionSchema, {
      decision: 'return',
      expectedVersion: 1,
      comment: 'Thiếu \ud83d',
    });

    expect(r.success ? [] : fieldProblems(r.issues)).toContainEqual({
      field: 'comment',
      code: 'invalid',
    });
  });

  it('requires a comment to return a session but not to approve it', () => {
    expect(
      v.safeParse(reviewDecisionSchema, { decision: 'approve', expectedVersion: 1 }).success,
    ).toBe(true);
    const ret = v.safeParse(reviewDecisionSchema, {
      decision: 'return',
      expectedVersion: 1,
      comment: '  ',
    });

    expect(ret.success).toBe(false);
    expect(ret.success ? [] : fieldProblems(ret.issues)).toContainEqual({
      field: 'comment',
      code: 'commentRequired',
    });
  });
});

describe('payload schemas (the previous client is accepted and upcast)', () => {
  it('keeps the optional count of women, blank meaning "not recorded"', () => {
    const withWomen = { ...valid, residents: { ...valid.residents, women: 6 } };
    expect(v.parse(logContentSchema, withWomen).residents).toEqual({
      under30: 1,
      from30to59: 2,
      over60: 3,
      women: 6,
    });
    expect(v.parse(logContentSchema, valid).residents).not.toHaveProperty('women');
  });

  it('reads a schema-1 payload as current content without women, and drops a women sent under 1', () => {
    expect([OLDEST_PAYLOAD_SCHEMA, PAYLOAD_SCHEMA]).toEqual([1, 2]);
    const old = parseLogPayload(1, valid);
    expect(old?.success && old.output).toEqual(v.parse(logContentSchema, valid));
    const stray = parseLogPayload(1, { ...valid, residents: { ...valid.residents, women: 2 } });
    expect(stray?.success && stray.output.residents).toEqual(valid.residents);
  });

  it('still validates a schema-1 payload field by field', () => {
    const bad = parseLogPayload(1, { ...valid, outcome: 'partly' });
    expect(bad?.success).toBe(false);
    expect(bad && !bad.success && fieldProblems(bad.issues)).toContainEqual({
      field: 'reason',
      code: 'reasonRequired',
    });
  });

  it('knows no schema before 1 or after the current one', () => {
    expect(parseLogPayload(0, valid)).toBeNull();
    expect(parseLogPayload(PAYLOAD_SCHEMA + 1, valid)).toBeNull();
  });
});
