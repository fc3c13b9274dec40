/**
 * The audit log (docs/SECURITY.md): every review, amendment decision and
 * account change by a coordinator, and every activation, is one event in
 * the commune's log, newest first, with who did it and to what; a refused
 * action leaves none; another commune sees none of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage } from '../../src/shared/schemas/audit.ts';
import type { Enrolment, Member } from '../../src/shared/schemas/accounts.ts';
import { decodeAuditCursor, listAudit } from '../../src/server/audit.ts';
import {
  availableBackends,
  createTestServer,
  makeClient,
  makeLogContent,
  makeMutation,
  type TestServer,
} from '../helpers/server.ts';

describe.each(availableBackends())('audit log (%s)', (backend) => {
  let s: TestServer;
  let t = Date.parse('2026-12-01T08:00:00Z');
  let coordinator: string;
  let an: string;
  const phone = makeClient();

  beforeAll(async () => {
    s = await createTestServer({ backend, now: () => new Date((t += 1000)) });
    coordinator = await s.login('canbo.tanphu');
    an = await s.login('tnv.an');
  });
  afterAll(async () => {
    await s?.close();
  });

  const audit = async (cookie = coordinator, query = '') => {
    const res = await s.request(`/api/commune/audit${query}`, { cookie });
    expect(res.status).toBe(200);
    return (await res.json()) as AuditPage;
  };

  async function anLog(notes: string): Promise<string> {
    const m = await makeMutation({ seq: phone.nextSeq(), payload: makeLogContent({ notes }) });
    await s.request('/api/sync/push', {
      cookie: an,
      json: { clientId: phone.clientId, mutations: [m] },
    });
    return m.entityId;
  }

  it('records reviews and amendment decisions with who, what and the comment', async () => {
    const a = await anLog('một');
    const b = await anLog('hai');
    const decide = (id: string, body: unknown) =>
      s.request(`/api/review/logs/${id}/decision`, { cookie: coordinator, json: body });
    expect((await decide(a, { decision: 'approve', expectedVersion: 1 })).status).toBe(200);
    expect(
      (await decide(b, { decision: 'return', expectedVersion: 1, comment: 'Ghi rõ số người' }))
        .status,
    ).toBe(200);
    // Refused (the log changed since): no event.
    expect((await decide(b, { decision: 'approve', expectedVersion: 1 })).status).toBe(409);

    // An edit of the approved log becomes an amendment request; the coordinator accepts it.
    const edit = await makeMutation({
      seq: phone.nextSeq(),
      name: 'log.update',
      entityId: a,
      baseVersion: 2,
      payload: makeLogContent({ notes: 'một, sửa' }),
    });
    await s.request('/api/sync/push', {
      cookie: an,
      json: { clientId: phone.clientId, mutations: [edit] },
    });
    const amendment = await s.db.query<{ id: string }>(
      `select id from sync_conflict where log_id = $1 and kind = 'amendment'`,
      [a],
    );
    const accepted = await s.request(`/api/review/logs/${a}/amendments/${amendment[0]!.id}`, {
      cookie: coordinator,
      json: { decision: 'accept', expectedVersion: 2 },
    });
    expect(accepted.status).toBe(200);

    const { events } = await audit();
    expect(
      events.slice(0, 3).map((e) => [e.action, e.actorName, e.targetId, e.targetLabel, e.comment]),
    ).toEqual([
      ['amendment.accept', 'Nguyễn Thị Hoa', a, 'Trần Văn An, 14/03/2025', undefined],
      ['log.return', 'Nguyễn Thị Hoa', b, 'Trần Văn An, 14/03/2025', 'Ghi rõ số người'],
      ['log.approve', 'Nguyễn Thị Hoa', a, 'Trần Văn An, 14/03/2025', undefined],
    ]);
  });

  it('records account changes and the volunteer activating their account', async () => {
    const added = await s.request('/api/commune/users', {
      cookie: coordinator,
      json: { displayName: 'Hà Thị Mai', username: 'tnv.mai', hamletId: 'tan-phu-tay' },
    });
    const { member, enrolment } = (await added.json()) as { member: Member; enrolment: Enrolment };
    await s.request('/api/auth/enrol', {
      json: { code: enrolment.code, password: 'mat-khau-mai' },
    });
    await s.request(`/api/commune/users/${member.id}/enrolment`, { cookie: coordinator, json: {} });
    await s.request(`/api/commune/users/${member.id}/deactivate`, {
      cookie: coordinator,
      json: {},
    });

    const { events } = await audit();
    expect(events.slice(0, 4).map((e) => [e.action, e.actorName, e.targetLabel])).toEqual([
      ['member.deactivate', 'Nguyễn Thị Hoa', 'Hà Thị Mai'],
      ['member.newCode', 'Nguyễn Thị Hoa', 'Hà Thị Mai'],
      ['member.enrolled', 'Hà Thị Mai', 'Hà Thị Mai'],
      ['member.add', 'Nguyễn Thị Hoa', 'Hà Thị Mai'],
    ]);
  });

  it('shows another commune none of it, and volunteers not at all', async () => {
    expect((await audit(await s.login('canbo.khac'))).events).toEqual([]);
    expect((await s.request('/api/commune/audit', { cookie: an })).status).toBe(403);
  });

  it('pages newest first without gaps or repeats, and refuses a forged cursor', async () => {
    const all = (await listAudit(s.db, 'tan-phu', null, 1000)).events.map((e) => e.id);
    expect(all.length).toBeGreaterThan(6);
    const seen: string[] = [];
    let page = await listAudit(s.db, 'tan-phu', null, 3);
    seen.push(...page.events.map((e) => e.id));
    // The same cursor through the API gives the rest (its pages are 50).
    const rest = await audit(coordinator, `?cursor=${page.nextCursor}`);
    expect(rest.events.map((e) => e.id)).toEqual(all.slice(3));
    while (page.nextCursor) {
      page = await listAudit(s.db, 'tan-phu', decodeAuditCursor(page.nextCursor), 3);
      seen.push(...page.events.map((e) => e.id));
    }
    expect(seen).toEqual(all);
    expect(
      (await s.request('/api/commune/audit?cursor=bm9wZQ', { cookie: coordinator })).status,
    ).toBe(400);
  });
});
