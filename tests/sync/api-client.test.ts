/**
 * The API client against the real server, plus the few failures only a fake
 * network can produce (no answer, a malformed answer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AmendmentConflictError,
  ApiValidationError,
  createApiClient,
  HttpError,
  NetworkError,
  ProtocolError,
  SeqGapError,
  UnauthorizedError,
  VersionMismatchError,
  type ApiClient,
} from '../../src/sync/index.ts';
import { uuidv4, uuidv7 } from '../../src/shared/ids.ts';
import { createCookieFetch, type FakeNetwork } from '../helpers/cookie-fetch.ts';
import {
  createTestServer,
  makeLogContent,
  makeMutation,
  OTHER_COMMUNE,
  TEST_PASSWORD,
  type TestServer,
} from '../helpers/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await createTestServer({ backend: 'pglite' });
});
afterAll(async () => {
  await server.close();
});

function client(): { api: ApiClient; net: FakeNetwork } {
  const net = createCookieFetch(server.app);
  return { api: createApiClient({ fetch: net.fetch, language: () => 'en' }), net };
}

async function signedIn(username: string) {
  const c = client();
  const user = await c.api.login({ username, password: TEST_PASSWORD });
  return { ...c, user };
}

describe('createApiClient', () => {
  it('signs in, keeps the session cookie, and reads the profile', async () => {
    const { api, net } = client();

    const user = await api.login({ username: 'TNV.An ', password: TEST_PASSWORD });
    const me = await api.me();

    expect(user).toMatchObject({ username: 'tnv.an', role: 'volunteer', communeId: 'tan-phu' });
    expect(me.id).toBe(user.id);
    expect(net.cookies.has('sotay_session')).toBe(true);
  });

  it('sends JSON with same-origin credentials and the UI language', async () => {
    const inits: RequestInit[] = [];
    const api = createApiClient({
      fetch: (input, init) => {
        inits.push(init);
        return Promise.resolve(Response.json({ error: 'bad_credentials' }, { status: 401 }));
      },
      language: () => 'vi',
    });

    await api.login({ username: 'x', password: 'y' }).catch(() => undefined);

    expect(inits[0]?.credentials).toBe('same-origin');
    expect(inits[0]?.method).toBe('POST');
    const headers = new Headers(inits[0]?.headers);
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('accept-language')).toBe('vi');
  });

  it('maps a wrong password to UnauthorizedError(bad_credentials)', async () => {
    const { api } = client();

    const error = await api.login({ username: 'tnv.an', password: 'sai' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as UnauthorizedError).code).toBe('bad_credentials');
  });

  it('maps a validation answer to ApiValidationError naming the field', async () => {
    const { api } = client();

    const error = await api.login({ username: '', password: 'x' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiValidationError);
    const problems = (error as ApiValidationError).problems;
    expect(problems.map((p) => [p.field, p.code])).toContainEqual(['username', 'required']);
    expect(problems[0]?.message).toBeTruthy();
  });

  it('maps 401 on me() to UnauthorizedError', async () => {
    await expect(client().api.me()).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('maps a rejected fetch to NetworkError', async () => {
    const { api, net } = client();
    net.offline = true;

    await expect(api.me()).rejects.toBeInstanceOf(NetworkError);
  });

  it('turns a request without an answer into NetworkError after the timeout', async () => {
    const api = createApiClient({ fetch: () => new Promise<Response>(() => {}), timeoutMs: 20 });

    await expect(api.me()).rejects.toBeInstanceOf(NetworkError);
  });

  it('refuses a success answer that does not match the schema (ProtocolError)', async () => {
    const api = createApiClient({
      fetch: () => Promise.resolve(Response.json({ user: { id: 1 } })),
    });

    await expect(api.me()).rejects.toBeInstanceOf(ProtocolError);
  });

  it('keeps working when a newer server adds fields', async () => {
    const { api: real } = await signedIn('tnv.an');
    const profile = await real.me();
    const api = createApiClient({
      fetch: () => Promise.resolve(Response.json({ user: { ...profile, badge: 'mới' }, x: 1 })),
    });

    expect(await api.me()).toEqual(profile);
  });

  it('push: maps a sequence gap to SeqGapError(expectedSeq)', async () => {
    const { api } = await signedIn('tnv.an');
    const clientId = uuidv4();
    await api.push({ clientId, mutations: [await makeMutation({ seq: 1 })] });

    const error = await api
      .push({ clientId, mutations: [await makeMutation({ seq: 3 })] })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SeqGapError);
    expect((error as SeqGapError).expectedSeq).toBe(2);
  });

  it('push and pull round-trip, gzipped', async () => {
    const { api, net } = await signedIn('tnv.khac'); // a volunteer no other test pushes for
    const clientId = uuidv4();
    const payload = makeLogContent({
      communeId: OTHER_COMMUNE.id,
      hamletId: OTHER_COMMUNE.hamletId,
      notes: 'x'.repeat(600), // over the gzip threshold
    });
    const mutations = await Promise.all([1, 2, 3].map((seq) => makeMutation({ seq, payload })));

    const res = await api.push({ clientId, mutations }, { gzip: true });
    const page = await api.pull(null, 2);
    const rest = await api.pull(page.cp, 500);

    const push = net.requests.find((r) => r.path === '/api/sync/push');
    expect(push?.headers.get('content-encoding')).toBe('gzip');
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    expect(page.hasMore).toBe(true);
    expect([...page.changes, ...rest.changes].map((c) => c.id).sort()).toEqual(
      mutations.map((m) => m.entityId).sort(),
    );
    expect(rest.hasMore).toBe(false);
  });

  it('review: lists, reads, decides, and maps a stale decision to VersionMismatchError', async () => {
    const volunteer = await signedIn('tnv.an');
    const mutation = await makeMutation({ seq: 1 });
    await volunteer.api.push({ clientId: uuidv4(), mutations: [mutation] });
    const { api } = await signedIn('canbo.tanphu');

    const dir = await api.communeDirectory();
    const list = await api.listReviewLogs({ authorId: volunteer.user.id, limit: 50 });
    const log = await api.getReviewLog(mutation.entityId);
    const approved = await api.decide(log.id, { decision: 'approve', expectedVersion: 1 });
    const stale = await api
      .decide(log.id, { decision: 'return', expectedVersion: 1, comment: 'x' })
      .catch((e: unknown) => e);

    expect(dir.communeId).toBe('tan-phu');
    expect(dir.volunteers.map((v) => v.id)).toContain(volunteer.user.id);
    expect(list.items.map((i) => i.id)).toContain(mutation.entityId);
    expect(approved).toMatchObject({ status: 'approved', version: 2 });
    expect(stale).toBeInstanceOf(VersionMismatchError);
    expect((stale as VersionMismatchError).log).toMatchObject({ version: 2, status: 'approved' });
  });

  it('amendments: reads the open requests, accepts one, and maps a stale decision to AmendmentConflictError', async () => {
    const volunteer = await signedIn('tnv.an');
    const clientId = uuidv4();
    const create = await makeMutation({ seq: 1 });
    await volunteer.api.push({ clientId, mutations: [create] });
    const { api } = await signedIn('canbo.tanphu');
    await api.decide(create.entityId, { decision: 'approve', expectedVersion: 1 });
    const edit = await makeMutation({
      seq: 2,
      name: 'log.update',
      entityId: create.entityId,
      baseVersion: 1,
      payload: makeLogContent({ notes: 'sửa sau khi duyệt' }),
    });
    const pushed = await volunteer.api.push({ clientId, mutations: [edit] });

    const detail = await api.getReviewDetail(create.entityId);
    const request = detail.amendments[0]!;
    const stale = await api
      .decideAmendment(create.entityId, request.id, { decision: 'accept', expectedVersion: 1 })
      .catch((e: unknown) => e);
    const accepted = await api.decideAmendment(create.entityId, request.id, {
      decision: 'accept',
      expectedVersion: detail.log.version,
    });
    const again = await api
      .decideAmendment(create.entityId, request.id, {
        decision: 'decline',
        expectedVersion: accepted.log.version,
      })
      .catch((e: unknown) => e);

    expect(pushed.results[0]).toMatchObject({ status: 'conflict', reason: 'approved_locked' });
    expect(detail.amendments).toHaveLength(1);
    expect(request).toMatchObject({ kind: 'edit', mutationId: edit.mutationId });
    expect(request.localPayload?.notes).toBe('sửa sau khi duyệt');
    expect(stale).toBeInstanceOf(AmendmentConflictError);
    expect((stale as AmendmentConflictError).code).toBe('version_mismatch');
    expect((stale as AmendmentConflictError).detail.amendments).toHaveLength(1);
    expect(accepted.log).toMatchObject({ notes: 'sửa sau khi duyệt', status: 'approved' });
    expect(accepted.amendments).toEqual([]);
    expect((again as AmendmentConflictError).code).toBe('already_resolved');
  });

  it('answers 404 for a log that is not there', async () => {
    const { api } = await signedIn('canbo.tanphu');

    const error = await api.getReviewLog(uuidv7()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(404);
  });

  it('signs out: the session no longer works', async () => {
    const { api } = await signedIn('tnv.an');

    await api.logout();

    await expect(api.me()).rejects.toBeInstanceOf(UnauthorizedError);
  });
});
