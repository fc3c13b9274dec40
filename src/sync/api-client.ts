/**
 * The HTTP client for our server: the ONLY code in the app that calls it
 * (STYLE.md §2.8 habit 2). Owns: request building (same-origin credentials,
 * JSON, gzip for large pushes), parsing every answer with the shared valibot
 * schemas (the server may be newer: unknown fields are dropped, missing ones
 * are a ProtocolError), and mapping failures to the named errors of errors.ts.
 * API contract: docs/ARCHITECTURE.md "HTTP API".
 */
import * as v from 'valibot';
import {
  memberResponseSchema,
  membersResponseSchema,
  adminCommunesSchema,
  communeResponseSchema,
  hamletResponseSchema,
  type AdminCommune,
  type NewHamlet,
  memberWithEnrolmentSchema,
  type EnrolInput,
  type Member,
  type MemberWithEnrolment,
  type NewMember,
} from '../shared/schemas/accounts.ts';
import { auditPageSchema, type AuditPage } from '../shared/schemas/audit.ts';
import { provinceSummarySchema, type ProvinceSummary } from '../shared/schemas/province.ts';
import { userProfileSchema, type LoginInput, type UserProfile } from '../shared/schemas/auth.ts';
import { logRecordSchema, type LogRecord, type LogStatus } from '../shared/schemas/log.ts';
import {
  communeDirectorySchema,
  reviewDetailSchema,
  reviewListResponseSchema,
  type AmendmentDecision,
  type CommuneDirectory,
  type ReviewDecisionKind,
  type ReviewDetail,
  type ReviewListResponse,
} from '../shared/schemas/review.ts';
import {
  dashboardSchema,
  hamletProgressSchema,
  targetsResponseSchema,
  type Dashboard,
  type ExportRecord,
  type HamletProgress,
  type HamletTargets,
  type TargetsResponse,
} from '../shared/schemas/dashboard.ts';
import {
  contactPushResponseSchema,
  contactRowSchema,
  type ContactPush,
  type ContactPushResponse,
  type ContactRow,
} from '../shared/schemas/contact.ts';
import {
  encodeCheckpoint,
  pullResponseSchema,
  pushResponseSchema,
  seqGapSchema,
  DEFAULT_PULL_LIMIT,
  type Checkpoint,
  type PullResponse,
  type PushRequest,
  type PushResponse,
} from '../shared/protocol.ts';
import {
  AmendmentConflictError,
  ApiValidationError,
  HttpError,
  NetworkError,
  ProtocolError,
  SeqGapError,
  TooManyAttemptsError,
  UnauthorizedError,
  VersionMismatchError,
} from './errors.ts';

// The named errors are part of this module's contract (callers branch on them).
export {
  AmendmentConflictError,
  ApiError,
  ApiValidationError,
  HttpError,
  NetworkError,
  ProtocolError,
  SeqGapError,
  TooManyAttemptsError,
  UnauthorizedError,
  VersionMismatchError,
} from './errors.ts';
export type { ApiProblem } from './errors.ts';

/** Push bodies larger than this are gzipped when the browser can. */
export const GZIP_THRESHOLD_BYTES = 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

export interface ApiClientOptions {
  /** Prefix for `/api/...`; '' for the same origin. */
  baseUrl?: string;
  /** Injected in tests (e.g. Hono's `app.request` behind a cookie jar). */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** The UI language for translated problem messages (`Accept-Language`). */
  language?: () => string | undefined;
  /** A request without an answer after this long is a NetworkError. */
  timeoutMs?: number;
}

export interface ReviewListParams {
  hamletId?: string;
  authorId?: string;
  status?: LogStatus | 'to_review';
  skillId?: string;
  from?: string;
  to?: string;
  q?: string;
  cursor?: string;
  limit?: number;
}

export interface ReviewDecisionInput {
  decision: ReviewDecisionKind;
  /** The version the coordinator saw: an approval binds to exactly that content. */
  expectedVersion: number;
  comment?: string;
}

export interface ApiClient {
  /** @throws UnauthorizedError (code `bad_credentials`), ApiValidationError, NetworkError */
  login(input: LoginInput): Promise<UserProfile>;
  logout(): Promise<void>;
  /** @throws UnauthorizedError when not signed in */
  me(): Promise<UserProfile>;
  /**
   * @param opts.signal aborting it abandons the request at once (NetworkError), even
   *   when the underlying fetch ignores the signal (the sync watchdog uses it)
   * @throws SeqGapError (409), HttpError (413: halve the batch), UnauthorizedError, NetworkError
   */
  push(req: PushRequest, opts?: { gzip?: boolean; signal?: AbortSignal }): Promise<PushResponse>;
  /**
   * @param cp the last checkpoint, or null for the first pull
   * @param opts.signal as for push
   */
  pull(
    cp: Checkpoint | null,
    limit?: number,
    opts?: { signal?: AbortSignal },
  ): Promise<PullResponse>;
  /** Hands follow-up contacts to the server (their logs are on it). @param opts.signal as for push */
  pushContacts(body: ContactPush, opts?: { signal?: AbortSignal }): Promise<ContactPushResponse>;
  /** The dashboard of a period (`2026-11`, `2026-Q4`, `2026`); a hamlet of one's commune, or all. */
  dashboard(period: string, hamletId?: string): Promise<Dashboard>;
  listTargets(period: string): Promise<TargetsResponse>;
  /** A field worker's own hamlet this month. */
  hamletProgress(): Promise<HamletProgress>;
  /** @throws ApiValidationError (field problems) */
  saveTargets(input: HamletTargets): Promise<void>;
  /** Records an export in the audit log; call it before saving the file. */
  recordExport(e: ExportRecord): Promise<void>;
  /** The follow-up contacts the coordinator (or team lead) may see. */
  listContacts(): Promise<ContactRow[]>;
  /** Deletes one on the resident's request. @throws HttpError 404 */
  deleteContact(logId: string): Promise<void>;
  /**
   * Redeems an enrolment code with a new password; signs in.
   * @throws ApiValidationError (`code`: wrong, used or expired; `password`: too short), TooManyAttemptsError
   */
  enrol(input: EnrolInput): Promise<UserProfile>;
  communeDirectory(): Promise<CommuneDirectory>;
  /** One page of the commune's audit log, newest first. */
  listAudit(cursor?: string): Promise<AuditPage>;
  /** The accounts the coordinator manages. */
  listMembers(): Promise<Member[]>;
  /** @throws ApiValidationError (409 `username` taken; 400 field problems) */
  addMember(input: NewMember): Promise<MemberWithEnrolment>;
  /** A new enrolment code (forgotten password). @throws HttpError 404 */
  newEnrolment(memberId: string): Promise<MemberWithEnrolment>;
  /** @throws HttpError 404 */
  deactivateMember(memberId: string): Promise<Member>;
  /** A new hamlet of the commune. @throws ApiValidationError (409 `name` taken) */
  addHamlet(input: NewHamlet): Promise<{ id: string; name: string }>;
  /** An admin's communes (their province's). */
  adminCommunes(): Promise<AdminCommune[]>;
  /** @throws ApiValidationError (409 `name` taken), HttpError 409 (no province) */
  addCommune(input: NewHamlet): Promise<{ id: string; name: string }>;
  /** The first coordinator or admin of a commune. @throws ApiValidationError, HttpError 404 */
  addCommuneStaff(
    communeId: string,
    input: { displayName: string; username: string; role?: 'coordinator' | 'admin' },
  ): Promise<MemberWithEnrolment>;
  /** The province's communes for a period key (`2026-11`, `2026-Q4`, `2026`; default: this month). */
  provinceSummary(period?: string): Promise<ProvinceSummary>;
  listReviewLogs(params?: ReviewListParams): Promise<ReviewListResponse>;
  /** @throws HttpError 404 (also for another commune's log) */
  getReviewLog(id: string): Promise<LogRecord>;
  /** The log and its open amendment requests. @throws HttpError 404 */
  getReviewDetail(id: string): Promise<ReviewDetail>;
  /** @throws VersionMismatchError when the log changed since `expectedVersion`; ApiValidationError */
  decide(id: string, decision: ReviewDecisionInput): Promise<LogRecord>;
  /**
   * Accepts or declines one amendment request (an edit or delete of an
   * approved log), bound to the log version the coordinator saw.
   * @throws AmendmentConflictError (409, with the fresh detail); HttpError 404
   */
  decideAmendment(
    id: string,
    amendmentId: string,
    decision: AmendmentDecision,
  ): Promise<ReviewDetail>;
}

const problemsBodySchema = v.object({
  error: v.literal('validation'),
  problems: v.array(
    v.object({ field: v.string(), code: v.string(), message: v.optional(v.string(), '') }),
  ),
});
const userBodySchema = v.object({ user: userProfileSchema });
const contactsBodySchema = v.object({ contacts: v.array(contactRowSchema) });
const logBodySchema = v.object({ log: logRecordSchema });
const amendmentConflictSchema = v.object({
  ...reviewDetailSchema.entries,
  error: v.picklist(['version_mismatch', 'already_resolved', 'invalid_amendment']),
});
const versionMismatchSchema = v.object({
  error: v.literal('version_mismatch'),
  log: logRecordSchema,
});

interface RawAnswer {
  status: number;
  ok: boolean;
  body: unknown;
}

async function gzip(text: string): Promise<Uint8Array | null> {
  if (typeof CompressionStream === 'undefined') return null;
  try {
    const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch {
    return null; // send it uncompressed
  }
}

function parseOrThrow<T>(schema: v.GenericSchema<unknown, T>, answer: RawAnswer, what: string): T {
  const parsed = v.safeParse(schema, answer.body);
  if (parsed.success) return parsed.output;
  const where = parsed.issues
    .slice(0, 3)
    .map((i) => v.getDotPath(i) ?? '(root)')
    .join(', ');
  throw new ProtocolError(answer.status, `Unexpected ${what} answer (${where})`);
}

const tooManyBodySchema = v.object({
  retryAfterSeconds: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

/** Maps a non-success answer to the named error every caller can branch on. */
function failure(answer: RawAnswer): HttpError {
  if (answer.status === 401) return new UnauthorizedError(answer.body);
  if (answer.status === 429) {
    const wait = v.safeParse(tooManyBodySchema, answer.body);
    // Without a figure the server's own lock is at least the first one (30 s).
    return new TooManyAttemptsError(answer.body, wait.success ? wait.output.retryAfterSeconds : 30);
  }
  const problems = v.safeParse(problemsBodySchema, answer.body);
  if (problems.success) {
    return new ApiValidationError(answer.status, answer.body, problems.output.problems);
  }
  return new HttpError(answer.status, answer.body);
}

/** Creates the client. All requests are same-origin with credentials (the session cookie). */
export function createApiClient(opts: ApiClientOptions = {}): ApiClient {
  const baseUrl = opts.baseUrl ?? '';
  const doFetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    { compress = false, signal }: { compress?: boolean; signal?: AbortSignal } = {},
  ): Promise<RawAnswer> {
    if (signal?.aborted) throw new NetworkError('Request aborted');
    const headers: Record<string, string> = { Accept: 'application/json' };
    const lang = opts.language?.();
    if (lang) headers['Accept-Language'] = lang;
    let payload: BodyInit | undefined;
    if (method === 'POST') {
      // Every state-changing request is JSON: with SameSite=Strict that is the CSRF defence.
      headers['Content-Type'] = 'application/json';
      const text = JSON.stringify(body ?? {});
      payload = text;
      if (compress && text.length > GZIP_THRESHOLD_BYTES) {
        const zipped = await gzip(text);
        if (zipped) {
          payload = zipped as Uint8Array<ArrayBuffer>;
          headers['Content-Encoding'] = 'gzip';
        }
      }
    }

    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    // Neither a hung fetch nor one that ignores its signal can hold a caller:
    // the timeout and the caller's signal both settle the call on their own.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new NetworkError(`No answer after ${timeoutMs} ms`, { timedOut: true }));
      }, timeoutMs);
      onAbort = () => {
        controller.abort();
        reject(new NetworkError('Request aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const exchange = (async (): Promise<RawAnswer> => {
        let res: Response;
        try {
          res = await doFetch(`${baseUrl}${path}`, {
            method,
            headers,
            body: payload,
            credentials: 'same-origin',
            signal: controller.signal,
          });
        } catch (e) {
          throw e instanceof NetworkError ? e : new NetworkError(undefined, { cause: e });
        }
        let text: string;
        try {
          text = await res.text();
        } catch (e) {
          throw new NetworkError('The answer was cut off', { cause: e });
        }
        let parsed: unknown = undefined;
        if (text !== '') {
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = text;
          }
        }
        return { status: res.status, ok: res.ok, body: parsed };
      })();
      return await Promise.race([exchange, timeout]);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  async function expectOk(answerP: Promise<RawAnswer>): Promise<RawAnswer> {
    const answer = await answerP;
    if (!answer.ok) throw failure(answer);
    return answer;
  }

  const client: ApiClient = {
    async login(input) {
      const answer = await expectOk(call('POST', '/api/auth/login', input));
      return parseOrThrow(userBodySchema, answer, 'login').user;
    },

    async logout() {
      await expectOk(call('POST', '/api/auth/logout', {}));
    },

    async me() {
      const answer = await expectOk(call('GET', '/api/auth/me'));
      return parseOrThrow(userBodySchema, answer, 'me').user;
    },

    async push(req, { gzip: compress = true, signal } = {}) {
      const answer = await call('POST', '/api/sync/push', req, {
        compress,
        ...(signal ? { signal } : {}),
      });
      if (answer.status === 409) {
        const gap = v.safeParse(seqGapSchema, answer.body);
        if (gap.success) throw new SeqGapError(answer.body, gap.output.expectedSeq);
      }
      if (!answer.ok) throw failure(answer);
      return parseOrThrow(pushResponseSchema, answer, 'push');
    },

    async pull(cp, limit = DEFAULT_PULL_LIMIT, { signal } = {}) {
      const q = new URLSearchParams({ limit: String(limit) });
      if (cp) q.set('cp', encodeCheckpoint(cp));
      const answer = await expectOk(
        call('GET', `/api/sync/pull?${q.toString()}`, undefined, signal ? { signal } : {}),
      );
      return parseOrThrow(pullResponseSchema, answer, 'pull');
    },

    async pushContacts(body, { signal } = {}) {
      const answer = await expectOk(
        call('POST', '/api/sync/contacts', body, signal ? { signal } : {}),
      );
      return parseOrThrow(contactPushResponseSchema, answer, 'contacts');
    },

    async dashboard(period, hamletId) {
      const q = new URLSearchParams({ period });
      if (hamletId) q.set('hamletId', hamletId);
      const answer = await expectOk(call('GET', `/api/commune/dashboard?${q.toString()}`));
      return parseOrThrow(dashboardSchema, answer, 'dashboard');
    },

    async hamletProgress() {
      const answer = await expectOk(call('GET', '/api/commune/progress'));
      return parseOrThrow(hamletProgressSchema, answer, 'progress');
    },

    async listTargets(period) {
      const q = new URLSearchParams({ period });
      const answer = await expectOk(call('GET', `/api/commune/targets?${q.toString()}`));
      return parseOrThrow(targetsResponseSchema, answer, 'targets');
    },

    async saveTargets(input) {
      await expectOk(call('POST', '/api/commune/targets', input));
    },

    async recordExport(e) {
      await expectOk(call('POST', '/api/commune/exports', e));
    },

    async listContacts() {
      const answer = await expectOk(call('GET', '/api/commune/contacts'));
      return parseOrThrow(contactsBodySchema, answer, 'contacts').contacts;
    },

    async deleteContact(logId) {
      const path = `/api/commune/contacts/${encodeURIComponent(logId)}/delete`;
      await expectOk(call('POST', path, {}));
    },

    async enrol(input) {
      const answer = await expectOk(call('POST', '/api/auth/enrol', input));
      return parseOrThrow(userBodySchema, answer, 'enrol').user;
    },

    async communeDirectory() {
      const answer = await expectOk(call('GET', '/api/commune'));
      return parseOrThrow(communeDirectorySchema, answer, 'commune');
    },

    async listAudit(cursor) {
      const qs = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
      const answer = await expectOk(call('GET', `/api/commune/audit${qs}`));
      return parseOrThrow(auditPageSchema, answer, 'audit');
    },

    async listMembers() {
      const answer = await expectOk(call('GET', '/api/commune/users'));
      return parseOrThrow(membersResponseSchema, answer, 'members').members;
    },

    async addMember(input) {
      const answer = await expectOk(call('POST', '/api/commune/users', input));
      return parseOrThrow(memberWithEnrolmentSchema, answer, 'new member');
    },

    async newEnrolment(memberId) {
      const path = `/api/commune/users/${encodeURIComponent(memberId)}/enrolment`;
      const answer = await expectOk(call('POST', path, {}));
      return parseOrThrow(memberWithEnrolmentSchema, answer, 'enrolment');
    },

    async deactivateMember(memberId) {
      const path = `/api/commune/users/${encodeURIComponent(memberId)}/deactivate`;
      const answer = await expectOk(call('POST', path, {}));
      return parseOrThrow(memberResponseSchema, answer, 'deactivate').member;
    },

    async addHamlet(input) {
      const answer = await expectOk(call('POST', '/api/commune/hamlets', input));
      return parseOrThrow(hamletResponseSchema, answer, 'hamlet').hamlet;
    },

    async adminCommunes() {
      const answer = await expectOk(call('GET', '/api/admin/communes'));
      return parseOrThrow(adminCommunesSchema, answer, 'communes').communes;
    },

    async addCommune(input) {
      const answer = await expectOk(call('POST', '/api/admin/communes', input));
      return parseOrThrow(communeResponseSchema, answer, 'commune').commune;
    },

    async addCommuneStaff(communeId, input) {
      const path = `/api/admin/communes/${encodeURIComponent(communeId)}/users`;
      const answer = await expectOk(call('POST', path, input));
      return parseOrThrow(memberWithEnrolmentSchema, answer, 'staff');
    },

    async provinceSummary(period) {
      const qs = period ? `?period=${encodeURIComponent(period)}` : '';
      const answer = await expectOk(call('GET', `/api/province/communes${qs}`));
      return parseOrThrow(provinceSummarySchema, answer, 'province');
    },

    async listReviewLogs(params = {}) {
      const q = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) {
        if (value !== undefined && value !== '') q.set(key, String(value));
      }
      const qs = q.toString();
      const answer = await expectOk(call('GET', `/api/review/logs${qs ? `?${qs}` : ''}`));
      return parseOrThrow(reviewListResponseSchema, answer, 'review list');
    },

    async getReviewLog(id) {
      return (await client.getReviewDetail(id)).log;
    },

    async getReviewDetail(id) {
      const answer = await expectOk(call('GET', `/api/review/logs/${encodeURIComponent(id)}`));
      return parseOrThrow(reviewDetailSchema, answer, 'review log');
    },

    async decide(id, decision) {
      const answer = await call(
        'POST',
        `/api/review/logs/${encodeURIComponent(id)}/decision`,
        decision,
      );
      if (answer.status === 409) {
        const mismatch = v.safeParse(versionMismatchSchema, answer.body);
        if (mismatch.success) throw new VersionMismatchError(answer.body, mismatch.output.log);
      }
      if (!answer.ok) throw failure(answer);
      return parseOrThrow(logBodySchema, answer, 'decision').log;
    },

    async decideAmendment(id, amendmentId, decision) {
      const answer = await call(
        'POST',
        `/api/review/logs/${encodeURIComponent(id)}/amendments/${encodeURIComponent(amendmentId)}`,
        decision,
      );
      if (answer.status === 409) {
        const conflict = v.safeParse(amendmentConflictSchema, answer.body);
        if (conflict.success) {
          const { error, ...detail } = conflict.output;
          throw new AmendmentConflictError(answer.body, error, detail);
        }
      }
      if (!answer.ok) throw failure(answer);
      return parseOrThrow(reviewDetailSchema, answer, 'amendment decision');
    },
  };
  return client;
}
