/**
 * The one shape of every 4xx answer to bad input:
 * `{ error: 'validation', problems: [{ field, code, message }] }`.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type * as v from 'valibot';
import { fieldProblems, type FieldProblem } from '../../shared/validation.ts';
import { requestLang, withMessages, type Problem } from './i18n.ts';

export interface ValidationBody {
  error: 'validation';
  problems: Problem[];
}

const CODE = /^[a-z][a-zA-Z0-9]*$/;

/**
 * Valibot issues → problems. Messages in src/shared are error codes; a
 * schema without a custom message yields valibot's English sentence, which
 * becomes the generic `invalid`.
 */
export function issuesToProblems(issues: readonly v.BaseIssue<unknown>[]): FieldProblem[] {
  const named = issues.map((issue) =>
    // A key missing from an object is reported by the object schema, whose
    // message is valibot's sentence: it means the field is required.
    issue.type === 'object' && issue.input === undefined && (issue.path?.length ?? 0) > 0
      ? { ...issue, message: 'required' }
      : issue,
  );
  return fieldProblems(named).map((p) => (CODE.test(p.code) ? p : { ...p, code: 'invalid' }));
}

/** The validation body in the request's language. */
export function validationBody(
  c: { req: { header(name: string): string | undefined } },
  problems: readonly FieldProblem[],
): ValidationBody {
  return {
    error: 'validation',
    problems: withMessages(requestLang(c.req.header('accept-language')), problems),
  };
}

/** Answers `status` with the validation body. */
export function problemResponse(
  c: Context,
  status: ContentfulStatusCode,
  problems: readonly FieldProblem[],
): Response {
  return c.json(validationBody(c, problems), status);
}
