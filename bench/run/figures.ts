/**
 * One measured goal of PERFORMANCE.md (G1–G19) and how it is judged.
 */

export interface Figure {
  /** "G15", or "G15 p99" for a second figure of one goal. */
  goal: string;
  what: string;
  /** null when it could not be measured here (`note` says why). */
  value: number | null;
  unit: string;
  /** The budget: the figure must be at most (`max`) or at least (`min`) this. */
  budget: { max: number } | { min: number } | null;
  note?: string;
}

export type Verdict = 'pass' | 'FAIL' | 'n/a';

export function verdict(f: Figure): Verdict {
  if (f.value === null || f.budget === null) return 'n/a';
  if ('max' in f.budget) return f.value <= f.budget.max ? 'pass' : 'FAIL';
  return f.value >= f.budget.min ? 'pass' : 'FAIL';
}

export function budgetText(f: Figure): string {
  if (f.budget === null) return 'track';
  return 'max' in f.budget
    ? `≤ ${fmt(f.budget.max)} ${f.unit}`
    : `≥ ${fmt(f.budget.min)} ${f.unit}`;
}

export function fmt(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
