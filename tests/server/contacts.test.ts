/**
 * Follow-up contacts on the server (src/server/contacts.ts): only with the
 * resident's consent, only for the author's own live session, never in the
 * session's pull, review record or revisions, deleted after the retention
 * period, with the session, or at the coordinator's hand (audited without
 * the name or phone).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONTACT_RETENTION_DAYS } from '../../src/shared/schemas/contact.ts';
import type { PushResponse } from '../../src/shared/protocol.ts';
import { ensureUser } from '../../src/server/users.ts';
import {
  availableBackends,
  createTestServer,
  makeClient,
  makeLogContent,
  makeMutation,
  TEST_PASSWORD,
  type TestServer,
} from '../helpers/server.ts';

const DAY = 24 * 60 * 60 * 1000;
const START = Date.parse('2026-03-01T08:00:00Z');

const consented = (name: string, phone = '0912 345 678') => ({
  consent: true,
  noticeVersion: 1,
  noticeLang: 'vi',
  name,
  phone,
});

describe.each(availableBackends())('follow-up contacts (%s)', (backend) => {
  let s: TestServer;
  let clock = START;
  let an = '';
  let binh = '';
  let coordinator = '';
  let other = '';
  const phone = makeClient();

  beforeAll(async () => {
    s = await createTestServer({ backend, now: () => new Date(clock) });
  });
  afterAll(async () => {
    await s?.close();
  });
  // Fresh sessions each time: a sign-in at a later clock clears the ones it finds expired.
  beforeEach(async () => {
    clock = START;
    an = await s.login('tnv.an');
    binh = await s.login('tnv.binh');
    coordinator = await s.login('canbo.tanphu');
    other = await s.login('canbo.khac');
  });

  async function anLog(notes = 'buổi có liên hệ'): Promise<string> {
    const create = await makeMutation({ seq: phone.nextSeq(), payload: makeLogContent({ notes }) });
    const res = await s.request('/api/sync/push', {
      cookie: an,
      json: { clientId: phone.clientId, mutations: [create] },
    });
    expect(((await res.json()) as PushResponse).results[0]?.status).toBe('applied');
    return create.entityId;
  }

  const send = (cookie: string, contacts: unknown[]) =>
    s.request('/api/sync/contacts', { cookie, json: { contacts } });
  const list = async (cookie: string) => {
    const res = await s.request('/api/commune/contacts', { cookie });
    expect(res.status).toBe(200);
    return ((await res.json()) as { contacts: { logId: string; name: string; phone: string }[] })
      .contacts;
  };

  it('stores a consented contact for its author, normalised, until the retention date', async () => {
    const logId = await anLog();
    const res = await send(an, [{ logId, contact: consented('  Bác Ba  ', '+84 912.345.678') }]);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { status: string; deleteAfter?: string }[] };
    expect(body.results).toEqual([
      {
        logId,
        status: 'stored',
        deleteAfter: new Date(START + CONTACT_RETENTION_DAYS * DAY).toISOString(),
      },
    ]);
    const mine = (await list(coordinator)).filter((c) => c.logId === logId);
    expect(mine).toMatchObject([{ name: 'Bác Ba', phone: '0912345678' }]);
  });

  it('refuses a contact without consent, or with a number that is not a phone, naming the field', async () => {
    const logId = await anLog();
    const res = await send(an, [
      { logId, contact: { ...consented('Bác Tư'), consent: false } },
      { logId, contact: consented('Bác Tư', '12345') },
      { logId, contact: { name: 'Bác Tư', phone: '0912345678' } },
    ]);
    const body = (await res.json()) as {
      results: { status: string; problems?: { field: string }[] }[];
    };
    expect(body.results.map((r) => r.status)).toEqual(['invalid', 'invalid', 'invalid']);
    expect(body.results[0]!.problems?.map((p) => p.field)).toContain('consent');
    expect(body.results[1]!.problems?.map((p) => p.field)).toEqual(['phone']);
    expect((await list(coordinator)).filter((c) => c.logId === logId)).toEqual([]);
  });

  it("refuses a contact for someone else's session, and stores nothing for one that does not exist", async () => {
    const logId = await anLog();
    const res = await send(binh, [
      { logId, contact: consented('Người lạ') },
      { logId: '0190a5f0-0000-7000-8000-000000000000', contact: consented('Không có') },
    ]);
    const body = (await res.json()) as { results: { status: string }[] };
    expect(body.results.map((r) => r.status)).toEqual(['refused', 'unknown']);
    expect((await list(coordinator)).map((c) => c.name)).not.toContain('Người lạ');
  });

  it('keeps the contact out of the pull, the review record and the revisions', async () => {
    const logId = await anLog();
    await send(an, [{ logId, contact: consented('Bà Năm Riêng Tư', '0987654321') }]);
    for (const [path, cookie] of [
      ['/api/sync/pull?limit=1000', an],
      ['/api/sync/pull?limit=1000', coordinator],
      [`/api/review/logs/${logId}`, coordinator],
    ] as const) {
      const text = await (await s.request(path, { cookie })).text();
      expect(text).toContain(logId);
      expect(text).not.toContain('Riêng Tư');
      expect(text).not.toContain('0987654321');
    }
    const revisions = await s.db.query<{ snapshot: unknown }>(
      'select snapshot from activity_log_revision where log_id = $1',
      [logId],
    );
    expect(JSON.stringify(revisions)).not.toContain('0987654321');
  });

  it('deletes contacts past the retention period, and shows none of them late', async () => {
    const logId = await anLog();
    await send(an, [{ logId, contact: consented('Ông Sáu') }]);
    // Sessions end sooner than contacts: the coordinator signs in again each time.
    clock = START + (CONTACT_RETENTION_DAYS - 1) * DAY;
    expect((await list(await s.login('canbo.tanphu'))).map((c) => c.logId)).toContain(logId);
    clock = START + CONTACT_RETENTION_DAYS * DAY;
    expect((await list(await s.login('canbo.tanphu'))).map((c) => c.logId)).not.toContain(logId);
    const rows = await s.db.query('select 1 from follow_up_contact where log_id = $1', [logId]);
    expect(rows).toEqual([]);
  });

  it("deletes one on the coordinator's request, audited without the name or phone; another commune's coordinator cannot", async () => {
    const logId = await anLog();
    await send(an, [{ logId, contact: consented('Cô Bảy', '0355555555') }]);
    const path = `/api/commune/contacts/${logId}/delete`;
    expect((await s.request(path, { cookie: other, json: {} })).status).toBe(404);
    expect((await list(coordinator)).map((c) => c.logId)).toContain(logId);
    expect((await s.request(path, { cookie: coordinator, json: {} })).status).toBe(200);
    expect((await list(coordinator)).map((c) => c.logId)).not.toContain(logId);
    expect((await s.request(path, { cookie: coordinator, json: {} })).status).toBe(404);
    const audit = await s.db.query<{ action: string; target_id: string; detail: unknown }>(
      `select action, target_id, detail from audit_event where action = 'contact.delete' and target_id = $1`,
      [logId],
    );
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toMatch(/Bảy|0355555555/);
  });

  it('deletes the contact with its session', async () => {
    const logId = await anLog();
    await send(an, [{ logId, contact: consented('Chú Tám') }]);
    const del = await makeMutation({
      seq: phone.nextSeq(),
      name: 'log.delete',
      entityId: logId,
      baseVersion: 1,
      payload: null,
    });
    const res = await s.request('/api/sync/push', {
      cookie: an,
      json: { clientId: phone.clientId, mutations: [del] },
    });
    expect(((await res.json()) as PushResponse).results[0]?.status).toBe('applied');
    expect((await list(coordinator)).map((c) => c.logId)).not.toContain(logId);
    // And a contact for the deleted session is refused.
    const again = await send(an, [{ logId, contact: consented('Chú Tám') }]);
    expect(await again.json()).toMatchObject({ results: [{ status: 'refused' }] });
  });

  it('answers unknown for a session the server never had, so the phone keeps the contact', async () => {
    const res = await send(an, [
      { logId: '0190a5f0-0000-7000-8000-00000000abcd', contact: consented('Bác Mười') },
    ]);
    expect(await res.json()).toMatchObject({ results: [{ status: 'unknown' }] });
  });

  it("follows the session's hamlet: after it moves, the new hamlet's team lead sees the contact, the old one's does not", async () => {
    for (const [username, hamletId] of [
      ['totruong.dong', 'tan-phu-dong'],
      ['totruong.tay', 'tan-phu-tay'],
    ] as const) {
      await ensureUser(s.db, {
        username,
        password: TEST_PASSWORD,
        displayName: username,
        role: 'team_lead',
        communeId: 'tan-phu',
        hamletId,
      });
    }
    const logId = await anLog('buổi sẽ đổi thôn');
    await send(an, [{ logId, contact: consented('Bà Chín') }]);
    const move = await makeMutation({
      seq: phone.nextSeq(),
      name: 'log.update',
      entityId: logId,
      baseVersion: 1,
      payload: makeLogContent({ notes: 'buổi sẽ đổi thôn', hamletId: 'tan-phu-tay' }),
    });
    await s.request('/api/sync/push', {
      cookie: an,
      json: { clientId: phone.clientId, mutations: [move] },
    });
    const dong = await s.login('totruong.dong');
    const tay = await s.login('totruong.tay');
    expect((await list(dong)).map((c) => c.logId)).not.toContain(logId);
    expect((await list(tay)).map((c) => c.logId)).toContain(logId);
    const path = `/api/commune/contacts/${logId}/delete`;
    expect((await s.request(path, { cookie: dong, json: {} })).status).toBe(404);
    expect((await s.request(path, { cookie: tay, json: {} })).status).toBe(200);
  });
});
