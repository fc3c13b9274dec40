/**
 * Property-based fuzzing of every write route (docs/SECURITY.md): the routes
 * come from the app (`app.routes`, every POST under /api), so a new one
 * without a valid example below fails the first test. Each gets random JSON,
 * its own valid body with one field swapped for something hostile or huge,
 * malformed text, and hostile path parameters. Every answer is below 500;
 * every 4xx is JSON naming its error, and a validation error names each
 * field with a message. Afterwards nothing invalid is stored: every log row
 * reads back as a valid record, every revision's snapshot as valid content.
 */
import fc from 'fast-check';
import * as v from 'valibot';
import { foldText } from '../../src/domain/text-fold.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payloadHash } from '../../src/shared/hash.ts';
import { uuidv4 } from '../../src/shared/ids.ts';
import { logContentSchema, logRecordSchema } from '../../src/shared/schemas/log.ts';
import { createMember } from '../../src/server/accounts.ts';
import { readLogRows, rowToRecord } from '../../src/server/logs/record.ts';
import { ensureUser } from '../../src/server/users.ts';
import {
  availableBackends,
  createTestServer,
  makeClient,
  makeLogContent,
  makeMutation,
  type TestServer,
  TEST_PASSWORD,
} from '../helpers/server.ts';

/** Runs of each property per route: 60 in `npm test`, 600 in `npm run test:soak`. */
const RUNS = Number(process.env.SOTAY_FUZZ_RUNS ?? (process.env.SOTAY_SOAK === '1' ? 600 : 60));

/** Text meant to break something: the database, the JSON, the HTML, the limits. */
const HOSTILE_TEXT = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  "'; drop table activity_log; --",
  '" or 1=1 --',
  '\u202eevil',
  'Nguyễn', // NFD
  '🧑‍🌾'.repeat(50),
  ' ',
  '',
  'x'.repeat(70_000),
  '../../etc/passwd',
  '%00',
  '${process.exit()}',
  '__proto__',
];

const hostileValue = fc.oneof(
  fc.constantFrom<unknown>(
    ...HOSTILE_TEXT,
    null,
    true,
    -1,
    0,
    1e308,
    -1e308,
    2 ** 53 + 1,
    0.5,
    [],
    {},
    { __proto__: { admin: true } },
    Array.from({ length: 2000 }, (_, i) => i),
  ),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** The path of a JSON value's leaves and objects, for swapping one of them. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value)
    ? value.map((x, i) => [i, x] as const)
    : Object.entries(value as Record<string, unknown>);
  return [prefix, ...entries.flatMap(([k, x]) => paths(x, [...prefix, k]))];
}

function swap(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...(value as unknown[])];
    copy[head as number] = swap(copy[head as number], rest, replacement);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  copy[head!] = swap(copy[head!], rest, replacement);
  return copy;
}

interface WriteRoute {
  /** Who sends it (a username), or nobody. */
  as: string | null;
  /** A valid body for this route, fresh each time (new ids where they must be unique). */
  valid(ctx: { logId: string }): Promise<unknown>;
  /**
   * After the swap, what a well-behaved client would also redo (a push's
   * payload hashes), so the swapped value reaches the checks behind them.
   */
  seal?(body: unknown): Promise<unknown>;
}

let newUsers = 0;
let newHamlets = 0;

/** One line per write route the app serves: a valid example to mutate. */
const WRITE_ROUTES: Record<string, WriteRoute> = {
  'POST /api/auth/login': {
    as: null,
    valid: () => Promise.resolve({ username: 'tnv.binh', password: 'sotay-demo' }),
  },
  'POST /api/auth/logout': { as: 'tnv.binh', valid: () => Promise.resolve({}) },
  'POST /api/sync/push': {
    as: 'tnv.an',
    valid: async () => ({
      clientId: makeClient().clientId,
      mutations: [await makeMutation({ seq: 1, payload: makeLogContent() })],
    }),
    seal: async (body) => {
      const b = body as { mutations?: unknown };
      if (!Array.isArray(b?.mutations)) return body;
      const mutations = await Promise.all(
        b.mutations.map(async (m: unknown) =>
          m && typeof m === 'object' && 'payload' in m
            ? { ...m, payloadHash: await payloadHash(m.payload) }
            : m,
        ),
      );
      return { ...b, mutations };
    },
  },
  // Before the contacts route, so the contact it stores is still there at the end.
  'POST /api/commune/contacts/:logId/delete': {
    as: 'canbo.tanphu',
    valid: () => Promise.resolve({}),
  },
  'POST /api/sync/contacts': {
    as: 'tnv.an',
    valid: ({ logId }) =>
      Promise.resolve({
        contacts: [
          {
            logId,
            contact: {
              consent: true,
              noticeVersion: 1,
              noticeLang: 'vi',
              name: 'Bác Ba',
              phone: '0912 345 678',
            },
          },
        ],
      }),
  },
  'POST /api/auth/enrol': {
    as: null,
    valid: () => Promise.resolve({ code: 'ABCDE-FGHJK', password: 'mat-khau-moi' }),
  },
  'POST /api/commune/users': {
    as: 'canbo.tanphu',
    valid: () =>
      Promise.resolve({
        displayName: 'Người Mới',
        username: `tnv.fuzz${++newUsers}`,
        hamletId: 'tan-phu-dong',
      }),
  },
  'POST /api/commune/users/:id/enrolment': { as: 'canbo.tanphu', valid: () => Promise.resolve({}) },
  'POST /api/admin/communes': {
    as: 'quantri.tanphu',
    valid: () => Promise.resolve({ name: `Xã Thử ${++newHamlets}` }),
  },
  'POST /api/admin/communes/:id/users': {
    as: 'quantri.tanphu',
    valid: () =>
      Promise.resolve({ displayName: 'Cán bộ Mới', username: `canbo.fuzz${++newUsers}` }),
  },
  'POST /api/commune/targets': {
    as: 'canbo.tanphu',
    valid: () =>
      Promise.resolve({
        hamletId: 'tan-phu-dong',
        period: '2026-Q4',
        households: 120,
        adults: 300,
        targets: {
          sessions: 40,
          households_reached: 30,
          households_core5: 10,
          vneid_activations: 15,
          first_payments: null,
        },
      }),
  },
  'POST /api/commune/exports': {
    as: 'canbo.tanphu',
    valid: () => Promise.resolve({ table: 'skills', format: 'csv', scope: 'period=2026-Q4' }),
  },
  'POST /api/commune/hamlets': {
    as: 'canbo.tanphu',
    valid: () => Promise.resolve({ name: `Thôn Thử ${++newHamlets}` }),
  },
  'POST /api/commune/users/:id/deactivate': {
    as: 'canbo.tanphu',
    valid: () => Promise.resolve({}),
  },
  'POST /api/review/logs/:id/decision': {
    as: 'canbo.tanphu',
    valid: () => Promise.resolve({ decision: 'return', expectedVersion: 1, comment: 'Ghi rõ hơn' }),
  },
  'POST /api/review/logs/:id/amendments/:amendmentId': {
    as: 'canbo.tanphu',
    valid: () => Promise.resolve({ decision: 'decline', expectedVersion: 2 }),
  },
};

const HOSTILE_PARAMS = [
  'x'.repeat(300),
  "' or 1=1 --",
  '%00',
  '..%2F..%2F',
  '0',
  '-1',
  '%F0%9F%A7%91',
];

describe.each(availableBackends())('fuzzing the write routes (%s)', (backend) => {
  let s: TestServer;
  const cookies = new Map<string, string>();
  let logId = '';
  let amendmentId = '';
  /** A pending volunteer of the commune: the account routes' target. */
  let memberId = '';
  let runs = 0;
  const statuses = new Map<number, number>();
  /** The push answers' per-mutation results (the mutation-level checks behind a 200). */
  const pushResults = new Map<string, number>();

  beforeAll(async () => {
    s = await createTestServer({ backend });
    await ensureUser(s.db, {
      username: 'quantri.tanphu',
      password: TEST_PASSWORD,
      displayName: 'Quản trị Tân Phú',
      role: 'admin',
      communeId: 'tan-phu',
    });
    await s.db.query(`update commune set province = 'Tỉnh Thử' where id = 'tan-phu'`);
    for (const u of ['tnv.an', 'tnv.binh', 'canbo.tanphu', 'quantri.tanphu'])
      cookies.set(u, await s.login(u));
    // A log of An's, approved, with an open amendment request: the review routes' target.
    const an = cookies.get('tnv.an')!;
    const phone = makeClient();
    const create = await makeMutation({ seq: phone.nextSeq(), payload: makeLogContent() });
    await s.request('/api/sync/push', {
      cookie: an,
      json: { clientId: phone.clientId, mutations: [create] },
    });
    logId = create.entityId;
    await s.request(`/api/review/logs/${logId}/decision`, {
      cookie: cookies.get('canbo.tanphu')!,
      json: { decision: 'approve', expectedVersion: 1 },
    });
    const edit = await makeMutation({
      seq: phone.nextSeq(),
      name: 'log.update',
      entityId: logId,
      baseVersion: 2,
      payload: makeLogContent({ notes: 'đề nghị sửa' }),
    });
    await s.request('/api/sync/push', {
      cookie: an,
      json: { clientId: phone.clientId, mutations: [edit] },
    });
    const rows = await s.db.query<{ id: string }>(
      `select id from sync_conflict where log_id = $1 and kind = 'amendment'`,
      [logId],
    );
    amendmentId = rows[0]!.id;
    const member = await createMember(
      s.db,
      { id: s.users.coordinator.id, communeId: 'tan-phu', role: 'coordinator', hamletId: null },
      { displayName: 'Tổ viên Thử', username: 'tnv.thu', hamletId: 'tan-phu-dong' },
      new Date(),
    );
    if (member.kind !== 'ok') throw new Error(member.kind);
    memberId = member.member.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  const writeRoutes = () => [
    ...new Set(
      s.app.routes
        .filter((r) => r.method === 'POST' && r.path.startsWith('/api'))
        .map((r) => `${r.method} ${r.path}`),
    ),
  ];

  /** The answer must be below 500, and a 4xx must say what is wrong. */
  async function expectClearAnswer(res: Response, what: string): Promise<void> {
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    runs += 1;
    const text = await res.text();
    if (res.status === 200 && what.startsWith('POST /api/sync/push')) {
      for (const r of (JSON.parse(text) as { results: { status: string }[] }).results) {
        pushResults.set(r.status, (pushResults.get(r.status) ?? 0) + 1);
      }
    }
    expect(res.status, `${what} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
    if (res.status < 400) return;
    const body = JSON.parse(text) as { error?: unknown; problems?: unknown };
    expect(typeof body.error, `${what}: ${text.slice(0, 200)}`).toBe('string');
    if (body.error === 'validation') {
      const problems = body.problems as { field: unknown; message: unknown }[];
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) {
        expect(typeof p.field).toBe('string');
        expect(typeof p.message === 'string' && p.message.length > 0).toBe(true);
      }
    }
  }

  function pathFor(route: string, param: string | null): string {
    const path = route.split(' ')[1]!;
    return path
      .replace(
        ':id',
        param ??
          (path.includes('/admin/communes/')
            ? 'tan-phu'
            : path.includes('/users/')
              ? memberId
              : logId),
      )
      .replace(':amendmentId', param ?? amendmentId)
      .replace(':logId', param ?? logId);
  }

  it('has a valid example for every write route the app serves', () => {
    expect(writeRoutes().sort()).toEqual(Object.keys(WRITE_ROUTES).sort());
  });

  describe.each(Object.entries(WRITE_ROUTES))('%s', (route, spec) => {
    const send = async (body: unknown, param: string | null = null, raw = false) => {
      const cookie = spec.as ? cookies.get(spec.as) : undefined;
      return s.request(pathFor(route, param), {
        method: 'POST',
        ...(raw
          ? { body: body as string, headers: { 'content-type': 'application/json' } }
          : { json: body }),
        ...(cookie ? { cookie } : {}),
      });
    };

    it('answers random JSON clearly', async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
          await expectClearAnswer(
            await send(value),
            `${route} ${JSON.stringify(value).slice(0, 80)}`,
          );
        }),
        { numRuns: RUNS },
      );
    });

    it('answers its own valid body with one field swapped for something hostile clearly', async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat(), hostileValue, async (pick, replacement) => {
          const valid = await spec.valid({ logId });
          const all = paths(valid);
          const at = all[pick % all.length]!;
          const swapped = swap(valid, at, replacement);
          // Half the time the hashes are redone, so the value reaches the content checks.
          const body = spec.seal && pick % 2 === 0 ? await spec.seal(swapped) : swapped;
          await expectClearAnswer(
            await send(body),
            `${route} ${at.join('.')} = ${JSON.stringify(replacement)?.slice(0, 60)}`,
          );
        }),
        { numRuns: RUNS },
      );
    });

    it('answers malformed text and hostile path parameters clearly', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 60 }),
            fc.jsonValue().map((j) => JSON.stringify(j).slice(0, -1)),
          ),
          fc.constantFrom(null, uuidv4(), ...HOSTILE_PARAMS),
          async (text, param) => {
            await expectClearAnswer(
              await send(text, param, true),
              `${route} raw ${JSON.stringify(text)}`,
            );
            if (route.includes(':')) {
              await expectClearAnswer(
                await send(await spec.valid({ logId }), param),
                `${route} param ${param}`,
              );
            }
          },
        ),
        { numRuns: RUNS },
      );
    });
  });

  it('stores nothing invalid: every log reads back as a valid record, every revision as valid content', async () => {
    const ids = await s.db.query<{ id: string }>('select id from activity_log');
    const rows = await readLogRows(
      s.db,
      ids.map((r) => r.id),
    );
    expect(rows.length).toBeGreaterThan(0);
    const badLogs = rows
      .map(rowToRecord)
      .filter((r) => !v.safeParse(logRecordSchema, r).success)
      .map((r) => r.id);
    expect(badLogs).toEqual([]);
    const snapshots = await s.db.query<{ log_id: string; version: number; snapshot: unknown }>(
      'select log_id, version, snapshot from activity_log_revision',
    );
    const badRevisions = snapshots
      .filter((r) => {
        const snap =
          typeof r.snapshot === 'string' ? (JSON.parse(r.snapshot) as unknown) : r.snapshot;
        return !v.safeParse(logContentSchema, snap).success;
      })
      .map((r) => `${r.log_id}@${r.version}`);
    expect(badRevisions).toEqual([]);
    // Every account has a username and a name as the schema allows.
    const users = await s.db.query<{ username: string; display_name: string }>(
      'select username, display_name from app_user',
    );
    const badUsers = users.filter(
      (u) =>
        !/^[a-z0-9][a-z0-9._-]{2,31}$/.test(u.username) ||
        u.display_name.trim() === '' ||
        u.display_name.length > 80 ||
        !u.display_name.isWellFormed(),
    );
    expect(badUsers).toEqual([]);
    // Every hamlet has a name as the schema allows, and no two of a commune share one.
    const hamlets = await s.db.query<{ commune_id: string; name: string }>(
      'select commune_id, name from hamlet',
    );
    const badHamlets = hamlets.filter(
      (h) =>
        h.name.trim() !== h.name || h.name === '' || h.name.length > 80 || !h.name.isWellFormed(),
    );
    expect(badHamlets).toEqual([]);
    const names = hamlets.map((h) => `${h.commune_id}/${foldText(h.name)}`);
    expect(names.length).toBe(new Set(names).size);
    const communes = await s.db.query<{ province: string | null; name: string }>(
      'select province, name from commune',
    );
    expect(
      communes.filter((c) => c.name.trim() !== c.name || c.name === '' || c.name.length > 80),
    ).toEqual([]);
    const inProvince = communes.map((c) => `${c.province}/${foldText(c.name)}`);
    expect(inProvince.length).toBe(new Set(inProvince).size);
    // One valid contact and one valid set of targets besides whatever the
    // fuzzing stored, so the checks below always have rows to read.
    for (const route of ['POST /api/sync/contacts', 'POST /api/commune/targets']) {
      const spec = WRITE_ROUTES[route]!;
      const res = await s.request(route.split(' ')[1]!, {
        json: await spec.valid({ logId }),
        cookie: cookies.get(spec.as!)!,
      });
      expect(res.status, route).toBe(200);
    }
    // Every follow-up contact is one An attached to his own live log, with a
    // name and a phone as the schema allows (the route was sent thousands of
    // bodies; the valid ones stored one).
    const contacts = await s.db.query<{ name: string; phone: string; ok: boolean }>(
      `select c.name, c.phone,
              (l.author_id = c.recorded_by and l.deleted_at is null and c.notice_version = 1) as ok
         from follow_up_contact c join activity_log l on l.id = c.log_id`,
    );
    expect(contacts.length).toBeGreaterThan(0);
    expect(
      contacts.filter(
        (c) =>
          !c.ok ||
          !/^(0[35789]\d{8}|02\d{9})$/.test(c.phone) ||
          c.name.trim() !== c.name ||
          c.name === '' ||
          c.name.length > 80 ||
          !c.name.isWellFormed() ||
          c.name !== c.name.normalize('NFC'),
      ),
    ).toEqual([]);
    // Every target and denominator is a count of a hamlet of the coordinator's commune.
    const targets = await s.db.query<{ ok: boolean }>(
      `select (t.target >= 0 and h.commune_id = t.commune_id) as ok
         from hamlet_target t join hamlet h on h.id = t.hamlet_id
       union all
       select (coalesce(d.households, 0) >= 0 and coalesce(d.adults, 0) >= 0 and h.commune_id = d.commune_id)
         from hamlet_denominator d join hamlet h on h.id = d.hamlet_id`,
    );
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((t) => !t.ok)).toEqual([]);
    // Every push that was answered "applied" left a log: nothing half-written.
    const orphans = await s.db.query(
      `select 1 from processed_mutation pm
        where pm.status = 'applied' and pm.log_id is not null
          and not exists (select 1 from activity_log l where l.id = pm.log_id)`,
    );
    expect(orphans).toEqual([]);
    console.log(
      `[write fuzz ${backend}] ${writeRoutes().length} write routes, ${runs} requests, ${rows.length} logs and ${users.length} accounts stored, statuses ${JSON.stringify(Object.fromEntries(statuses))}, push results ${JSON.stringify(Object.fromEntries(pushResults))}`,
    );
  });
});
