/**
 * Turns valibot issues into field-level problems `{ field, code }` that both
 * the form and the server's 4xx answers use. `field` is the dotted path
 * (`residents.under30`, `skills.0.stepsDone`); `code` is an `errors.*` key.
 */
import type * as v from 'valibot';

export interface FieldProblem {
  field: string;
  code: string;
}

/** Flattens issues into one problem per field (the first issue wins). */
export function fieldProblems(issues: readonly v.BaseIssue<unknown>[]): FieldProblem[] {
  const seen = new Map<string, string>();
  for (const issue of issues) {
    const field = (issue.path ?? []).map((p) => String((p as { key?: unknown }).key)).join('.');
    if (!seen.has(field)) seen.set(field, issue.message);
  }
  return [...seen].map(([field, code]) => ({ field, code }));
}
