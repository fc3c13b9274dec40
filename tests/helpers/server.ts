/**
 * An in-process server for tests: createApp over PGlite `memory://` (always)
 * or a fresh PostgreSQL database (when TEST_DATABASE_URL is set), migrated,
 * with the demo commune and a second commune to test scoping against.
 *
 *   const s = await createTestServer({ backend: 'pglite' });
 *   const cookie = await s.login('tnv.an');
 *   const res = await s.request('/api/sync/pull', { cookie });
 *   const snap = await s.snapshot();   // later: await s.restore(snap) → new epoch
 *   await s.close();
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createApp, type AppType } from '../../src/server/app.ts';
import { curriculumFrom, loadCurriculum, type Curriculum } from '../../src/server/curriculum.ts';
import { backupRows, restoreRows, type RowsBackup } from '../../src/server/db/backup.ts';
import type { Db } from '../../src/server/db/index.ts';
import { migrate } from '../../src/server/db/migrate.ts';
import { openPglite } from '../../src/server/db/pglite.ts';
import { openPostgres } from '../../src/server/db/postgres.ts';
import { DEMO_PASSWORD, ensureDemoData } from '../../src/server/demo.ts';
import { silentLogger, type Logger } from '../../src/server/env.ts';
import type { Faults } from '../../src/server/fault.ts';
import { ensureCommune, ensureHamlet, ensureUser } from '../../src/server/users.ts';
import { payloadHash } from '../../src/shared/hash.ts';
import { uuidv4, uuidv7 } from '../../src/shared/ids.ts';
import { PAYLOAD_SCHEMA, type Mutation, type MutationName } from '../../src/shared/protocol.ts';
import type { LogContentInput } from '../../src/shared/schemas/log.ts';

export type Backend = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set. */
export function availableBackends(): Backend[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** A skill every test may use, whatever seeds/skills holds. */
export const TEST_SKILL = { id: 'test-skill', steps: ['step-a', 'step-b', 'step-c'] } as const;

/** The real curriculum from seeds/skills plus TEST_SKILL. */
export function testCurriculum(): Curriculum {
  const real = loadCurriculum();
  const extra = curriculumFrom([
    { id: TEST_SKILL.id, steps: TEST_SKILL.steps.map((id) => ({ id })) },
  ]);
  const ids = [...new Set([...real.ids(), ...extra.ids()])].sort();
  return {
    steps: (id, version) =>
      extra.version(id) !== undefined ? extra.steps(id, version) : real.steps(id, version),
    version: (id) => extra.version(id) ?? real.version(id),
    core: (id) => (extra.steps(id) ? extra.core(id) : real.core(id)),
    ids: () => ids,
    size: real.size + extra.size,
  };
}

/** The second commune, for scoping tests. */
export const OTHER_COMMUNE = { id: 'xa-khac', name: 'Xã Khác', hamletId: 'xa-khac-mot' } as const;
export const TEST_PASSWORD = DEMO_PASSWORD;

export type TestUserKey = 'coordinator' | 'an' | 'binh' | 'otherCoordinator' | 'otherVolunteer';
export const TEST_USERNAMES: Record<TestUserKey, string> = {
  coordinator: 'canbo.tanphu',
  an: 'tnv.an',
  binh: 'tnv.binh',
  otherCoordinator: 'canbo.khac',
  otherVolunteer: 'tnv.khac',
};

export interface RequestOptions {
  method?: string;
  cookie?: string;
  /** Sent as JSON with content-type application/json (method defaults to POST). */
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
}

export interface TestServer {
  backend: Backend;
  app: AppType;
  db: Db;
  users: Record<TestUserKey, { id: string; username: string }>;
  /** Signs in and returns the `Cookie` header value (`sotay_session=…`). */
  login(username: string, password?: string): Promise<string>;
  /** `app.request` with a cookie and a JSON body made easy. */
  request(path: string, options?: RequestOptions): Promise<Response>;
  /**
   * A backup of the whole database as the real restore tooling takes it
   * (src/server/db/backup.ts, rows format): every table, consistent.
   */
  snapshot(): Promise<RowsBackup>;
  /**
   * Restores a snapshot in place (the app keeps running) the way a real
   * restore does: everything written after it is gone — logs, mutations,
   * client sequences, sessions made later — and the server gets a NEW epoch.
   * @returns the new epoch
   */
  restore(snapshot: RowsBackup): Promise<string>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  backend?: Backend;
  now?: () => Date;
  staticDir?: string;
  curriculum?: Curriculum;
  log?: Logger;
  /** Crash-test hooks (src/server/fault.ts), e.g. to delay commits. */
  faults?: Faults;
  /** Take the client address from `X-Forwarded-For` (as behind a reverse proxy). */
  trustProxy?: boolean;
}

/**
 * A fresh, empty PostgreSQL database on TEST_DATABASE_URL's server.
 * @returns its URL and `drop()` (forces other connections off)
 * @throws when TEST_DATABASE_URL is not set
 */
export async function createPostgresDatabase(): Promise<{
  url: string;
  drop: () => Promise<void>;
}> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  const name = `sotay_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return {
    url: dbUrl.toString(),
    drop: async () => {
      const a = postgres(url, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

async function openBackend(backend: Backend): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (backend === 'pglite') return { db: await openPglite('memory://'), drop: async () => {} };
  const { url, drop } = await createPostgresDatabase();
  return { db: openPostgres(url, { max: 12 }), drop };
}

/** Builds a migrated, seeded in-process server. Close it in afterAll. */
export async function createTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const backend = options.backend ?? 'pglite';
  const { db, drop } = await openBackend(backend);
  await migrate(db);
  await ensureDemoData(db);
  await db.transaction(async (tx) => {
    await ensureCommune(tx, OTHER_COMMUNE.id, OTHER_COMMUNE.name);
    await ensureHamlet(tx, {
      id: OTHER_COMMUNE.hamletId,
      communeId: OTHER_COMMUNE.id,
      name: 'Thôn Một',
    });
    await ensureUser(tx, {
      username: TEST_USERNAMES.otherCoordinator,
      password: TEST_PASSWORD,
      displayName: 'Phạm Văn Khác',
      role: 'coordinator',
      communeId: OTHER_COMMUNE.id,
    });
    await ensureUser(tx, {
      username: TEST_USERNAMES.otherVolunteer,
      password: TEST_PASSWORD,
      displayName: 'Đỗ Thị Khác',
      role: 'volunteer',
      communeId: OTHER_COMMUNE.id,
      hamletId: OTHER_COMMUNE.hamletId,
    });
  });
  const rows = await db.query<{ id: string; username: string }>(
    'select id, username from app_user',
  );
  const byName = new Map(rows.map((r) => [r.username, r]));
  const users = Object.fromEntries(
    Object.entries(TEST_USERNAMES).map(([k, u]) => [k, { id: byName.get(u)!.id, username: u }]),
  ) as TestServer['users'];

  const app = createApp({
    db,
    log: options.log ?? silentLogger,
    curriculum: options.curriculum ?? testCurriculum(),
    ...(options.now ? { now: options.now } : {}),
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.trustProxy ? { trustProxy: true } : {}),
  });

  const request = (path: string, o: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.cookie) headers.cookie = o.cookie;
    let body = o.body;
    if (o.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(o.json);
    }
    const method = o.method ?? (body !== undefined ? 'POST' : 'GET');
    return Promise.resolve(
      app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) }),
    );
  };

  return {
    backend,
    app,
    db,
    users,
    request,
    snapshot: () => backupRows(db),
    restore: async (snapshot) => (await restoreRows(db, snapshot)).epoch,
    async login(username, password = TEST_PASSWORD) {
      const res = await request('/api/auth/login', { json: { username, password } });
      if (res.status !== 200)
        throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
      const set = res.headers.get('set-cookie') ?? '';
      const m = /sotay_session=([^;]+)/.exec(set);
      if (!m) throw new Error(`login ${username}: no session cookie`);
      return `sotay_session=${m[1]}`;
    },
    async close() {
      await db.close();
      await drop();
    },
  };
}

/** A valid log payload of the demo commune (hamlet Đông), with overrides. */
export function makeLogContent(overrides: Partial<LogContentInput> = {}): LogContentInput {
  return {
    communeId: 'tan-phu',
    hamletId: 'tan-phu-dong',
    activityDate: '2025-03-14',
    kind: 'home_visit',
    residents: { under30: 0, from30to59: 1, over60: 1 },
    language: 'vi',
    skills: [{ skillId: TEST_SKILL.id, contentVersion: 1, stepsDone: ['step-a', 'step-b'] }],
    outcome: 'done',
    notes: 'Hướng dẫn cài ứng dụng',
    ...overrides,
  };
}

/** A mutation with a real payload hash. */
export async function makeMutation(m: {
  seq: number;
  name?: MutationName;
  entityId?: string;
  baseVersion?: number | null;
  payload?: unknown;
  mutationId?: string;
  /** Defaults to the current one; 1 for the previous client's payload. */
  payloadSchema?: number;
}): Promise<Mutation> {
  const name = m.name ?? 'log.create';
  const payload =
    m.payload !== undefined ? m.payload : name === 'log.delete' ? null : makeLogContent();
  return {
    mutationId: m.mutationId ?? uuidv7(),
    seq: m.seq,
    name,
    entityId: m.entityId ?? uuidv7(),
    baseVersion: m.baseVersion ?? null,
    payloadSchema: m.payloadSchema ?? PAYLOAD_SCHEMA,
    payload,
    payloadHash: await payloadHash(payload),
    createdAtDevice: Date.now(),
  };
}

/** A fresh client id and a sequence counter for it. */
export function makeClient(): { clientId: string; nextSeq: () => number } {
  let seq = 0;
  return { clientId: uuidv4(), nextSeq: () => ++seq };
}
