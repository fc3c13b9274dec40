/**
 * Errors thrown by the API client. Owns the mapping "what went wrong talking
 * to the server" → one named class, so callers branch with `instanceof`:
 * - NetworkError: no answer (offline, DNS, connection dropped, timeout). Retry later.
 * - HttpError(status, body): an answer that is not a success; subclasses:
 *   UnauthorizedError (401), ApiValidationError (`{error:'validation'}`),
 *   VersionMismatchError (409 on a review decision), AmendmentConflictError (409
 *   on an amendment decision), SeqGapError (409 on push).
 * - ProtocolError: a success answer whose body does not match the shared schema.
 */
import type { LogRecord } from '../shared/schemas/log.ts';
import type { ReviewDetail } from '../shared/schemas/review.ts';

export class ApiError extends Error {
  override name = 'ApiError';
}

/** The request got no answer: offline, connection lost, or timed out. Safe to retry. */
export class NetworkError extends ApiError {
  override name = 'NetworkError';
  /** No answer within the client's time limit (the link may be too slow for the request). */
  readonly timedOut: boolean;
  constructor(
    message = 'Network request failed',
    options?: { cause?: unknown; timedOut?: boolean },
  ) {
    super(message, options);
    this.timedOut = options?.timedOut ?? false;
  }
}

/** The server answered with a non-success status. */
export class HttpError extends ApiError {
  override name = 'HttpError';
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown, message = `HTTP ${status}`) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** 401: not signed in, or the session expired. Sign in again; nothing local is lost. */
export class UnauthorizedError extends HttpError {
  override name = 'UnauthorizedError';
  /** The server's error code, e.g. `bad_credentials` for a failed login. */
  readonly code: string | null;
  constructor(body: unknown) {
    super(401, body, 'Unauthorized');
    this.code = errorCode(body);
  }
}

/** 429 on sign-in: too many wrong passwords for this name or from this address. */
export class TooManyAttemptsError extends HttpError {
  override name = 'TooManyAttemptsError';
  /** How long until the server lets the next attempt through. */
  readonly retryAfterSeconds: number;
  constructor(body: unknown, retryAfterSeconds: number) {
    super(429, body, `Too many attempts: retry in ${retryAfterSeconds} s`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface ApiProblem {
  field: string;
  code: string;
  /** The translated text, in the request's language. */
  message: string;
}

/** The server refused the input: `{error:'validation', problems:[{field, code, message}]}`. */
export class ApiValidationError extends HttpError {
  override name = 'ApiValidationError';
  readonly problems: ApiProblem[];
  constructor(status: number, body: unknown, problems: ApiProblem[]) {
    super(status, body, `Invalid input: ${problems.map((p) => p.field).join(', ')}`);
    this.problems = problems;
  }
}

/** 409 on a review decision: the log changed since the coordinator saw it. */
export class VersionMismatchError extends HttpError {
  override name = 'VersionMismatchError';
  /** The log as it is now: show it again before deciding. */
  readonly log: LogRecord;
  constructor(body: unknown, log: LogRecord) {
    super(409, body, 'The log changed since it was shown');
    this.log = log;
  }
}

/**
 * 409 on an amendment decision: the log changed since the coordinator saw it
 * (`version_mismatch`), another coordinator already decided the request
 * (`already_resolved`), or the requested content no longer fits the commune
 * (`invalid_amendment`). Carries the log and its open requests as they are now.
 */
export class AmendmentConflictError extends HttpError {
  override name = 'AmendmentConflictError';
  readonly code: 'version_mismatch' | 'already_resolved' | 'invalid_amendment';
  readonly detail: ReviewDetail;
  constructor(body: unknown, code: AmendmentConflictError['code'], detail: ReviewDetail) {
    super(409, body, `The amendment request could not be decided: ${code}`);
    this.code = code;
    this.detail = detail;
  }
}

/** 409 on push: the server expected another client sequence number; resend from the oldest. */
export class SeqGapError extends HttpError {
  override name = 'SeqGapError';
  readonly expectedSeq: number;
  constructor(body: unknown, expectedSeq: number) {
    super(409, body, `Sequence gap: the server expected seq ${expectedSeq}`);
    this.expectedSeq = expectedSeq;
  }
}

/** A success answer whose body does not match the shared schema (a server bug or a breaking change). */
export class ProtocolError extends ApiError {
  override name = 'ProtocolError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** `body.error` when the body is `{error: string}`. */
export function errorCode(body: unknown): string | null {
  if (body && typeof body === 'object' && 'error' in body) {
    const e = body.error;
    if (typeof e === 'string') return e;
  }
  return null;
}
