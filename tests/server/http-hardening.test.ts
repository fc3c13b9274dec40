import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeCheckpoint,
  MAX_PUSH_BYTES,
  type MutationName,
  type PullResponse,
  type PushResponse,
} from '../../src/shared/protocol.ts';
import { uuidv4 } from '../../src/shared/ids.ts';
import {
  createTestServer,
  makeLogContent,
  makeMutation,
  type TestServer,
} from '../helpers/server.ts';

/** Any code point, and now and then a lone UTF-16 surrogate (fast-check's 'binary' has none). */
const textUnit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  },
);

/** encodeURIComponent, except that a lone surrogate goes out as its WTF-8 bytes (`%ED%A0%BD`). */
function encodeWtf8(s: string): string {
  return Array.from(s, (ch) => {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff) {
      return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    }
    return encodeURIComponent(ch);
  }).join('');
}

/** Malformed, wrong-typed and oversized requests: always a 4xx with a reason, never a 500. */
describe('HTTP input hardening', () => {
  let s: TestServer;
  let an: string;
  let coordinator: string;
  const errors: string[] = [];

  beforeAll(async () => {
    s = await createTestServer({
      log: {
        info: () => {},
        warn: () => {},
        error: (m, e) => errors.push(`${m} ${JSON.stringify(e)}`),
      },
    });
    [an, coordinator] = await Promise.all([s.login('tnv.an'), s.login('canbo.tanphu')]);
  });
  afterAll(async () => {
    expect(errors).toEqual([]);
    await s?.close();
  });

  /** A log.delete mutation envelope (seq 1, payload to be replaced). */
  function makeMutationSync() {
    return {
      mutationId: uuidv4(),
      seq: 1,
      name: 'log.delete',
      entityId: uuidv4(),
      baseVersion: 1,
      payloadSchema: 1,
      payloadHash: `sha256:${'0'.repeat(64)}`,
      createdAtDevice: 0,
    };
  }

  async function expectProblem(res: Response, status: number) {
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: string; problems: { message: string }[] };
    expect(body.error).toBe('validation');
    expect(body.problems.length).toBeGreaterThan(0);
    expect(body.problems.every((p) => p.message.length > 0)).toBe(true);
  }

  it.each(['{"username":', 'null', '', '[1,2', '\u0000'])(
    'answers 400 to the malformed JSON %j',
    async (body) => {
      const res = await s.request('/api/auth/login', {
        body,
        headers: { 'content-type': 'application/json' },
      });

      await expectProblem(res, 400);
    },
  );

  it.each([
    ['text/plain', '{"username":"tnv.an","password":"sotay-demo"}'],
    ['application/x-www-form-urlencoded', 'username=tnv.an&password=sotay-demo'],
    ['multipart/form-data; boundary=x', '--x--'],
  ])('answers 415 to a %s login', async (type, body) => {
    const res = await s.request('/api/auth/login', { body, headers: { 'content-type': type } });

    await expectProblem(res, 415);
  });

  it('answers 415 to a body without a content type', async () => {
    const res = await s.request('/api/auth/login', { body: '{}' });

    await expectProblem(res, 415);
  });

  it('answers 415 to logout without the JSON content type', async () => {
    const res = await s.request('/api/auth/logout', { method: 'POST', cookie: coordinator });

    await expectProblem(res, 415);
  });

  it('answers 413 to a push over the limit, plain or gzip', async () => {
    const big = JSON.stringify({
      clientId: uuidv4(),
      mutations: [],
      pad: 'x'.repeat(MAX_PUSH_BYTES),
    });

    const plain = await s.request('/api/sync/push', {
      cookie: an,
      body: big,
      headers: { 'content-type': 'application/json' },
    });
    await expectProblem(plain, 413);

    // Small on the wire, too big once decompressed (a gzip bomb).
    const bomb = gzipSync(big);
    expect(bomb.length).toBeLessThan(MAX_PUSH_BYTES);
    const zipped = await s.request('/api/sync/push', {
      cookie: an,
      body: bomb,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    await expectProblem(zipped, 413);
  });

  it('answers 400 to a body that claims gzip but is not', async () => {
    const res = await s.request('/api/sync/push', {
      cookie: an,
      body: '{"clientId":"x"}',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });

    await expectProblem(res, 400);
  });

  it('answers 415 to an encoding it does not speak, and to gzip where it is not offered', async () => {
    const br = await s.request('/api/sync/push', {
      cookie: an,
      body: '{}',
      headers: { 'content-type': 'application/json', 'content-encoding': 'br' },
    });
    await expectProblem(br, 415);

    const gz = await s.request('/api/auth/login', {
      body: gzipSync('{}'),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    await expectProblem(gz, 415);
  });

  it('answers 400 with field problems to a push envelope of the wrong shape', async () => {
    const res = await s.request('/api/sync/push', {
      cookie: an,
      json: {
        clientId: 'nope',
        mutations: [{ ...(await makeMutation({ seq: 0 })), name: 'log.drop' }],
      },
    });

    expect(res.status).toBe(400);
    const body = (await res.json()) as { problems: { field: string }[] };
    expect(body.problems.map((p) => p.field)).toEqual(
      expect.arrayContaining(['clientId', 'mutations.0.seq', 'mutations.0.name']),
    );
  });

  it('refuses U+0000 (which PostgreSQL text cannot hold) as bad input', async () => {
    const login = await s.request('/api/auth/login', {
      json: { username: 'tnv\u0000an', password: 'x' },
    });
    await expectProblem(login, 400);

    const query = await s.request('/api/review/logs?hamletId=a%00b', { cookie: coordinator });
    await expectProblem(query, 400);

    // Inside a push it is one rejected mutation, not a blocked batch.
    const good = await makeMutation({ seq: 1 });
    const bad = await makeMutation({ seq: 2, payload: { ...makeLogContent(), notes: 'a\u0000b' } });
    const push = await s.request('/api/sync/push', {
      cookie: an,
      json: { clientId: uuidv4(), mutations: [good, bad] },
    });
    expect(push.status).toBe(200);
    const results = ((await push.json()) as PushResponse).results;
    expect(results.map((r) => r.status)).toEqual(['applied', 'rejected']);
    expect(results[1]!.problems).toEqual([{ field: 'notes', code: 'invalid' }]);
  });

  it.each([
    ['a high surrogate alone', 'abc \ud83d'],
    ['a low surrogate alone', '\udc00 abc'],
    ['two high surrogates', '\ud83d\ud83d\ude00'],
  ])('refuses %s (which jsonb cannot hold) as bad input', async (_name, text) => {
    const login = await s.request('/api/auth/login', { json: { username: text, password: 'x' } });
    await expectProblem(login, 400);
    const unknownKey = await s.request('/api/auth/login', {
      json: { username: 'tnv.an', password: 'x', [text]: 1 },
    });
    await expectProblem(unknownKey, 400);
    const decision = await s.request(`/api/review/logs/${uuidv4()}/decision`, {
      cookie: coordinator,
      json: { decision: 'return', expectedVersion: 1, comment: text },
    });
    await expectProblem(decision, 400);
    const envelope = await s.request('/api/sync/push', {
      cookie: an,
      json: { clientId: uuidv4(), mutations: [await makeMutation({ seq: 1 })], note: text },
    });
    await expectProblem(envelope, 400);

    // Inside a push it is one rejected mutation, not a blocked batch (nor a 500 forever).
    const clientId = uuidv4();
    const batch = [
      await makeMutation({ seq: 1 }),
      await makeMutation({ seq: 2, payload: { ...makeLogContent(), notes: text } }),
      await makeMutation({ seq: 3, payload: { ...makeLogContent(), householdCode: text } }),
      await makeMutation({ seq: 4, payload: { ...makeLogContent(), [`x${text}`]: 'y' } }),
      await makeMutation({ seq: 5, payload: { ...makeLogContent(), extra: [text] } }),
      await makeMutation({ seq: 6 }),
    ];
    const push = await s.request('/api/sync/push', {
      cookie: an,
      json: { clientId, mutations: batch },
    });
    expect(push.status).toBe(200);
    const results = ((await push.json()) as PushResponse).results;
    expect(results.map((r) => r.status)).toEqual([
      'applied',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'applied',
    ]);
    expect(results.map((r) => r.problems?.[0])).toEqual([
      undefined,
      { field: 'notes', code: 'invalid' },
      { field: 'householdCode', code: 'invalid' },
      { field: expect.stringMatching(/^x/) as string, code: 'invalid' },
      { field: 'extra.0', code: 'invalid' },
      undefined,
    ]);
    // A replay answers the stored rejections again.
    const again = await s.request('/api/sync/push', {
      cookie: an,
      json: { clientId, mutations: batch },
    });
    expect(((await again.json()) as PushResponse).results.map((r) => r.status)).toEqual([
      'duplicate',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'duplicate',
    ]);
  });

  it('checks a deeply nested body without overflowing the stack', async () => {
    const deep = `${'['.repeat(100_000)}"\\ud83d"${']'.repeat(100_000)}`;
    const body = (where: 'envelope' | 'payload') =>
      JSON.stringify({
        clientId: uuidv4(),
        mutations: [{ ...makeMutationSync(), payload: 'PAYLOAD' }],
        ...(where === 'envelope' ? { extra: 'EXTRA' } : {}),
      })
        .replace('"PAYLOAD"', where === 'payload' ? deep : 'null')
        .replace('"EXTRA"', deep);

    const envelope = await s.request('/api/sync/push', {
      cookie: an,
      body: body('envelope'),
      headers: { 'content-type': 'application/json' },
    });
    await expectProblem(envelope, 400);
    const payload = await s.request('/api/sync/push', {
      cookie: an,
      body: body('payload'),
      headers: { 'content-type': 'application/json' },
    });
    expect(payload.status).toBe(200);
    expect(((await payload.json()) as PushResponse).results[0]).toMatchObject({
      status: 'rejected',
      reason: 'invalid',
    });
  });

  it('answers 404 not_found as JSON for an unknown API route', async () => {
    for (const path of ['/api/nope', '/api', '/api/sync/nothing']) {
      const res = await s.request(path);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'not_found' });
    }
  });

  it('never answers 5xx to random JSON on any POST route', async () => {
    const routes = ['/api/auth/login', '/api/sync/push', `/api/review/logs/${uuidv4()}/decision`];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.jsonValue({ maxDepth: 4, stringUnit: textUnit }),
        async (route, value) => {
          const cookie = route.includes('review') ? coordinator : an;
          const res = await s.request(route, { cookie, json: value });
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never answers 5xx to random mutations inside a valid envelope', async () => {
    let seq = 0;
    const clientId = uuidv4();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3, stringUnit: textUnit }),
          // Nearly valid: one field replaced by anything.
          fc
            .tuple(
              fc.constantFrom(...Object.keys(makeLogContent()), 'extra'),
              fc.jsonValue({ maxDepth: 2, stringUnit: textUnit }),
            )
            .map(([k, v]) => ({ ...makeLogContent(), [k]: v })),
          // Valid but for the text of one free-text field (lone surrogates included).
          fc
            .tuple(
              fc.constantFrom('notes', 'householdCode', 'hamletId'),
              fc.string({ maxLength: 12, unit: textUnit }),
            )
            .map(([k, v]) => ({ ...makeLogContent(), [k]: v })),
        ),
        fc.constantFrom<MutationName>('log.create', 'log.update', 'log.delete'),
        async (payload, name) => {
          const m = await makeMutation({ seq: ++seq, payload, name });
          const res = await s.request('/api/sync/push', {
            cookie: an,
            json: { clientId, mutations: [m] },
          });
          expect(res.status).toBe(200);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never answers 5xx to well-formed checkpoints holding any numbers', async () => {
    const { epoch } = (await (await s.request('/api/health')).json()) as { epoch: string };
    const clock = fc.oneof(
      fc.nat(),
      fc.integer(),
      fc.maxSafeInteger(),
      fc.double(),
      fc.bigInt({ min: 0n, max: 2n ** 80n }).map(Number),
      fc.constantFrom(2 ** 53, 2 ** 63, 2 ** 64, 1e300, -0, Number.MAX_SAFE_INTEGER),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 4, arbitrary: fc.constant(epoch) },
          { weight: 1, arbitrary: fc.string({ maxLength: 40, unit: textUnit }) },
        ),
        fc.dictionary(
          fc.oneof(
            fc.constantFrom('tan-phu', 'xa-khac'),
            fc.string({ maxLength: 8, unit: textUnit }),
          ),
          clock,
          { minKeys: 1, maxKeys: 3 },
        ),
        async (cpEpoch, perCommune) => {
          const cp = encodeCheckpoint({ epoch: cpEpoch, perCommune });
          const res = await s.request(`/api/sync/pull?cp=${cp}`, { cookie: an });
          expect(res.status).toBe(200);
          const body = (await res.json()) as PullResponse;
          expect(body.cp.epoch).toBe(epoch);
          expect(Number.isSafeInteger(body.cp.perCommune['tan-phu'])).toBe(true);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('never answers 5xx to well-formed review cursors holding any date or id', async () => {
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    const date = fc.oneof(
      // Shaped like a date, mostly not a real one (2024-13-45, 2025-02-30, 0000-00-00).
      fc
        .tuple(fc.integer({ min: 0, max: 9999 }), fc.nat(99), fc.nat(99))
        .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`),
      fc
        .date({ min: new Date('2019-01-01'), max: new Date('2101-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10)),
      fc.string({ maxLength: 12, unit: textUnit }),
      fc.jsonValue({ maxDepth: 1 }),
    );
    const id = fc.oneof(fc.uuid(), fc.string({ maxLength: 40, unit: textUnit }));
    await fc.assert(
      fc.asyncProperty(
        fc.record({ d: date, id }, { requiredKeys: [] }),
        fc.option(fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 1 }))),
        async (cursor, extra) => {
          const encoded = Buffer.from(JSON.stringify({ ...extra, ...cursor })).toString(
            'base64url',
          );
          const res = await s.request(`/api/review/logs?cursor=${encoded}`, {
            cookie: coordinator,
          });
          expect([200, 400]).toContain(res.status);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never answers 5xx to random query strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 40, unit: textUnit }),
        fc.string({ maxLength: 40, unit: textUnit }),
        async (a, b) => {
          const q = `?cp=${encodeWtf8(a)}&limit=${encodeWtf8(b)}`;
          const pull = await s.request(`/api/sync/pull${q}`, { cookie: an });
          expect(pull.status).toBeLessThan(500);
          const review = await s.request(
            `/api/review/logs?cursor=${encodeWtf8(a)}&authorId=${encodeWtf8(b)}&hamletId=${encodeWtf8(a)}`,
            { cookie: coordinator },
          );
          expect(review.status).toBeLessThan(500);
        },
      ),
      { numRuns: 80 },
    );
  });
});
