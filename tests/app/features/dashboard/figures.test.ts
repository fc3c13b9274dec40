/** The periods the dashboard and the report offer (src/app/features/dashboard/figures.ts). */
import { describe, expect, it } from 'vitest';
import { parsePeriod } from '../../../../src/domain/indicators.ts';
import { percent, periodChoices } from '../../../../src/app/features/dashboard/figures.ts';

const t = ((key: string, o: Record<string, unknown>) => `${key}:${JSON.stringify(o)}`) as never;

describe('periodChoices', () => {
  it('offers the last 12 months, the last 4 quarters and two years, across a new year', () => {
    const keys = periodChoices('2026-02-10', t).map((c) => c.key);
    expect(keys.slice(0, 3)).toEqual(['2026-02', '2026-01', '2025-12']);
    expect(keys[11]).toBe('2025-03');
    expect(keys.slice(12, 16)).toEqual(['2026-Q1', '2025-Q4', '2025-Q3', '2025-Q2']);
    expect(keys.slice(16)).toEqual(['2026', '2025']);
    // Every key is a period the server understands.
    expect(keys.every((k) => parsePeriod(k) !== null)).toBe(true);
  });

  it('writes percentages as Vietnamese and English readers do', () => {
    expect(percent(0.125, 'vi')).toBe('12,5 %');
    expect(percent(0.125, 'en')).toBe('12.5 %');
    expect(percent(null, 'vi')).toBe('—');
  });
});
