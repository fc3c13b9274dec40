import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/server/auth/password.ts';
import type { Db } from '../../src/server/db/index.ts';
import { migrate } from '../../src/server/db/migrate.ts';
import { openPglite } from '../../src/server/db/pglite.ts';
import { DEMO_USERS, openDemoLogins, setUpDemo } from '../../src/server/demo.ts';
import type { Logger } from '../../src/server/env.ts';
import { availableBackends, createTestServer, type TestServer } from '../helpers/server.ts';

function recorder(): Logger & { infos: string[]; warnings: string[] } {
  const infos: string[] = [];
  const warnings: string[] = [];
  return {
    infos,
    warnings,
    info: (m) => infos.push(m),
    warn: (m) => warnings.push(m),
    error: (m) => warnings.push(m),
  };
}

describe('setUpDemo on an empty database', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPglite('memory://');
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  const users = async () =>
    (await db.query<{ n: number }>('select count(*)::int as n from app_user'))[0]!.n;

  it('creates nothing when demo is off', async () => {
    const log = recorder();

    await setUpDemo(db, { demo: false, host: '0.0.0.0' }, log);

    expect(await users()).toBe(0);
    expect(log.warnings).toEqual([]);
  });

  it('creates the demo on loopback without a warning', async () => {
    const log = recorder();

    await setUpDemo(db, { demo: true, host: '127.0.0.1' }, log);

    expect(await users()).toBe(DEMO_USERS.length);
    expect(log.infos.join('\n')).toContain('tnv.an');
    expect(log.warnings).toEqual([]);
  });
});

describe.each(availableBackends())('setUpDemo with demo accounts (%s)', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await createTestServer({ backend });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('warns when SOTAY_DEMO=1 on a HOST other machines can reach', async () => {
    const log = recorder();

    await setUpDemo(s.db, { demo: true, host: '0.0.0.0' }, log);

    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toMatch(/SOTAY_DEMO=1 with HOST=0\.0\.0\.0.*sotay-demo/);
  });

  it('warns about demo accounts left with the published password on such a HOST', async () => {
    const log = recorder();
    expect(await openDemoLogins(s.db)).toEqual(DEMO_USERS.map((u) => u.username).sort());

    await setUpDemo(s.db, { demo: false, host: '192.168.1.10' }, log);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain('canbo.tanphu');

    // Once their passwords are changed, nothing to say; nor on loopback.
    await s.db.query(`update app_user set password_hash = $1 where username = any($2::text[])`, [
      await hashPassword('another-password'),
      DEMO_USERS.map((u) => u.username),
    ]);
    const after = recorder();
    await setUpDemo(s.db, { demo: false, host: '192.168.1.10' }, after);
    await setUpDemo(s.db, { demo: true, host: '::1' }, after);
    expect(after.warnings).toEqual([]);
  });
});
