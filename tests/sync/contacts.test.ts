/**
 * Follow-up contacts from the phone to the server (src/storage/contacts.ts,
 * the engine's `sendContacts`), against the real server on PGlite: saved with
 * their session in one transaction, never inside the session's outbox entry,
 * sent once the session is acknowledged, and then gone from the phone but for
 * the server's deletion date.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  deleteLog,
  getContact,
  saveLog,
  ValidationError,
  type UserDb,
} from '../../src/storage/index.ts';
import { createSyncEngine, NetworkError } from '../../src/sync/index.ts';
import { CONTACT_NOTICE_VERSION } from '../../src/shared/schemas/contact.ts';
import { makeContent } from '../helpers/log-builders.ts';
import { createTestServer, type TestServer } from '../helpers/server.ts';
import { device, manualTimers, wipeSyncData } from './setup.ts';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer({ backend: 'pglite' });
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  await wipeSyncData(server);
});

const contact = (name = 'Bác Hai Lúa', phone = '091 234 5678') => ({
  consent: true as const,
  noticeVersion: CONTACT_NOTICE_VERSION,
  noticeLang: 'vi' as const,
  name,
  phone,
});

/** Everything the phone's database holds, as text. */
async function phoneText(db: UserDb): Promise<string> {
  const stores = ['logs', 'outbox', 'attention', 'meta', 'contacts'] as const;
  const all = await Promise.all(stores.map((s) => db.getAll(s)));
  return JSON.stringify(all);
}

async function serverContacts() {
  return server.db.query<{ log_id: string; name: string; phone: string; notice_version: number }>(
    'select log_id, name, phone, notice_version from follow_up_contact order by log_id',
  );
}

describe('follow-up contacts on the phone', () => {
  it('saves the contact with its session, sends it after the session, then keeps no name or phone', async () => {
    const { net, user, db, engine } = await device(server);
    net.offline = true;
    const log = await saveLog(db, {
      content: makeContent({ notes: 'có hẹn gọi lại' }),
      contact: contact(),
      userId: user.id,
    });
    expect(await getContact(db, log.id)).toMatchObject({
      state: 'pending',
      contact: { name: 'Bác Hai Lúa', phone: '0912345678' },
    });
    // The session's own change carries no contact: it is not in what the
    // session sends, keeps in its revisions, or shows a reviewer.
    expect(JSON.stringify(await db.getAll('outbox'))).not.toContain('Hai Lúa');
    expect(await engine.syncNow()).toMatchObject({ status: 'offline' });

    net.offline = false;
    expect(await engine.syncNow()).toMatchObject({ status: 'ok', pushed: 1 });

    expect(await serverContacts()).toEqual([
      { log_id: log.id, name: 'Bác Hai Lúa', phone: '0912345678', notice_version: 1 },
    ]);
    const kept = await getContact(db, log.id);
    expect(kept).toMatchObject({ state: 'sent' });
    expect(Date.parse((kept as { deleteAfter: string }).deleteAfter)).toBeGreaterThan(Date.now());
    const text = await phoneText(db);
    expect(text).not.toContain('Hai Lúa');
    expect(text).not.toContain('0912345678');
    db.close();
  });

  it('refuses a contact without consent or with a bad phone, naming the field, and writes nothing', async () => {
    const { user, db } = await device(server);
    for (const [bad, field] of [
      [{ ...contact(), consent: false }, 'contact.consent'],
      [contact('Bác Ba', '12345'), 'contact.phone'],
      [contact('   '), 'contact.name'],
    ] as const) {
      const error = await saveLog(db, {
        content: makeContent(),
        contact: bad as never,
        userId: user.id,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems.map((p) => p.field)).toEqual([field]);
    }
    expect(await db.count('logs')).toBe(0);
    expect(await db.count('contacts')).toBe(0);
    db.close();
  });

  it('a contact withdrawn before it was sent, or a session deleted, never reaches the server', async () => {
    const { net, user, db, engine } = await device(server);
    net.offline = true;
    const a = await saveLog(db, { content: makeContent(), contact: contact(), userId: user.id });
    await saveLog(db, {
      id: a.id,
      content: makeContent({ notes: 'đổi ý' }),
      contact: null,
      userId: user.id,
    });
    const b = await saveLog(db, {
      content: makeContent(),
      contact: contact('Cô Ba'),
      userId: user.id,
    });
    await deleteLog(db, b.id, user.id);
    expect(await db.count('contacts')).toBe(0);

    net.offline = false;
    expect(await engine.syncNow()).toMatchObject({ status: 'ok' });
    expect(await serverContacts()).toEqual([]);
    db.close();
  });

  it('a lost contact request leaves it on the phone, and the next sync delivers it once', async () => {
    const { api, user, db } = await device(server);
    let fail = true;
    const engine = createSyncEngine({
      db,
      api: {
        push: (r, o) => api.push(r, o),
        pull: (c, l, o) => api.pull(c, l, o),
        pushContacts: async (b, o) => {
          if (fail) {
            fail = false;
            await api.pushContacts(b, o); // the server stores it; the answer is lost
            throw new NetworkError('Failed to fetch');
          }
          return api.pushContacts(b, o);
        },
      },
      userId: user.id,
      locks: null,
      window: null,
      document: null,
      ...manualTimers(),
    });
    const log = await saveLog(db, { content: makeContent(), contact: contact(), userId: user.id });

    expect(await engine.syncNow()).toMatchObject({ status: 'offline' });
    expect(await getContact(db, log.id)).toMatchObject({ state: 'pending' });
    expect(await engine.syncNow()).toMatchObject({ status: 'ok' });
    expect(await getContact(db, log.id)).toMatchObject({ state: 'sent' });
    expect(await serverContacts()).toHaveLength(1);
    db.close();
  });

  it('drops a waiting contact once its session is gone from the server (a pulled tombstone)', async () => {
    const { net, user, db, engine } = await device(server);
    const log = await saveLog(db, { content: makeContent(), userId: user.id });
    expect(await engine.syncNow()).toMatchObject({ status: 'ok' });
    // The contact waits (offline), then the coordinator's side deletes the session.
    net.offline = true;
    await saveLog(db, { id: log.id, content: makeContent(), contact: contact(), userId: user.id });
    await server.db.query(
      'update activity_log set deleted_at = now(), version = version + 1 where id = $1',
      [log.id],
    );
    await server.db.query(
      `update activity_log set seq = (select seq + 1 from commune_clock where commune_id = 'tan-phu') where id = $1`,
      [log.id],
    );
    await server.db.query(`update commune_clock set seq = seq + 1 where commune_id = 'tan-phu'`);
    net.offline = false;
    expect(await engine.syncNow()).toMatchObject({ status: 'ok' });
    await engine.syncNow();
    expect(await getContact(db, log.id)).toBeUndefined();
    expect(await serverContacts()).toEqual([]);
    db.close();
  });
});
