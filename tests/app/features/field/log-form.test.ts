import { describe, expect, it } from 'vitest';
import {
  emptyForm,
  fieldKey,
  formFromContent,
  parseForm,
  residentsTotal,
  type FormState,
} from '../../../../src/app/features/field/log-form.ts';

const TODAY = '2026-11-21';

function filled(patch: Partial<FormState> = {}): FormState {
  return {
    ...emptyForm(TODAY, 'tan-phu-dong'),
    kind: 'home_visit',
    over60: '2',
    skills: [{ skillId: 'vneid-level2', contentVersion: 1, stepsDone: ['install-app'] }],
    outcome: 'done',
    ...patch,
  };
}

describe('parseForm', () => {
  it('names every missing field of a blank form', () => {
    const result = parseForm(emptyForm(TODAY, 'tan-phu-dong'), 'tan-phu', TODAY);

    expect(result.ok).toBe(false);
    const fields = result.ok ? [] : result.problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['kind', 'residents', 'skills', 'outcome']));
  });

  it('accepts a complete form and counts blank age bands as zero', () => {
    const result = parseForm(filled(), 'tan-phu', TODAY);

    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.content.residents).toEqual({ under30: 0, from30to59: 0, over60: 2 });
      expect(result.content.communeId).toBe('tan-phu');
      expect(result.content.reason).toBeUndefined();
    }
  });

  it('asks for a reason when the outcome is not "done"', () => {
    const result = parseForm(filled({ outcome: 'not_possible' }), 'tan-phu', TODAY);

    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems).toContainEqual({ field: 'reason', code: 'reasonRequired' });
  });

  it('refuses a date after today on this phone', () => {
    const result = parseForm(filled({ activityDate: '2026-11-22' }), 'tan-phu', TODAY);

    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems).toContainEqual({ field: 'activityDate', code: 'futureDate' });
  });

  it('refuses negative and fractional counts, naming the age band', () => {
    const result = parseForm(filled({ under30: '-1', from30to59: '1.5' }), 'tan-phu', TODAY);

    expect(result.ok).toBe(false);
    const fields = result.ok ? [] : result.problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['residents.under30', 'residents.from30to59']));
  });

  it('normalises notes to NFC and upper-cases the household code', () => {
    const decomposed = 'Nguyễn'.normalize('NFD');
    const result = parseForm(
      filled({ notes: ` ${decomposed} `, householdCode: 'th07-h023' }),
      'tan-phu',
      TODAY,
    );

    expect(result.ok && result.content.notes).toBe('Nguyễn'.normalize('NFC'));
    expect(result.ok && result.content.householdCode).toBe('TH07-H023');
  });

  it('round-trips through formFromContent', () => {
    const first = parseForm(filled({ notes: 'ghi chú' }), 'tan-phu', TODAY);
    if (!first.ok) throw new Error('expected valid');

    const again = parseForm(formFromContent(first.content), 'tan-phu', TODAY);

    expect(again).toEqual(first);
  });
});

describe('residentsTotal and fieldKey', () => {
  it('sums the bands', () => {
    expect(residentsTotal(filled({ under30: '3', from30to59: '', over60: '4' }))).toBe(7);
  });

  it('drops array indexes from a field path', () => {
    expect(fieldKey('skills.0.stepsDone')).toBe('skills.stepsDone');
    expect(fieldKey('residents.under30')).toBe('residents.under30');
  });
});
