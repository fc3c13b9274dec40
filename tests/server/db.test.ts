import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../../src/server/db/lock.ts';
import { migrate } from '../../src/server/db/migrate.ts';
import { openDatabase } from '../../src/server/db/open.ts';
import { MIGRATIONS } from '../../src/server/db/migrations/index.ts';
import { ensureDemoData, DEMO_USERS } from '../../src/server/demo.ts';
import { availableBackends, createTestServer, type TestServer } from '../helpers/server.ts';

describe.each(availableBackends())('Db over %s', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await createTestServer({ backend });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('records every migration and applies none twice', async () => {
    const rows = await s.db.query<{ version: number }>(
      'select version from schema_migration order by version',
    );
    expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));

    expect(await migrate(s.db)).toEqual([]);
  });

  it('applies a new migration once, in order', async () => {
    const extra = [
      ...MIGRATIONS,
      { version: 9001, name: 'test', sql: 'create table migration_probe (x int);' },
    ];

    expect(await migrate(s.db, extra)).toEqual([9001]);
    expect(await migrate(s.db, extra)).toEqual([]);
    await s.db.exec(
      'drop table migration_probe; delete from schema_migration where version = 9001;',
    );
  });

  it('has a server epoch made at creation', async () => {
    const rows = await s.db.query<{ value: string }>(
      `select value from server_meta where key = 'epoch'`,
    );
    expect(rows[0]?.value).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('rolls a failed transaction back', async () => {
    await expect(
      s.db.transaction(async (tx) => {
        await tx.query(`insert into commune (id, name) values ('rollback-probe', 'x')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');

    expect(await s.db.query(`select 1 from commune where id = 'rollback-probe'`)).toEqual([]);
  });

  it('maps jsonb, arrays, dates and bigints the same way on both backends', async () => {
    const rows = await s.db.query<{ j: unknown; a: string[]; d: string; n: number | string }>(
      `select $1::text::jsonb as j, $2::text[] as a, '2025-01-02'::date::text as d, 9007199254740::bigint as n`,
      [JSON.stringify({ x: [1, 'y'] }), ['p', 'q']],
    );

    expect(rows[0]).toMatchObject({ j: { x: [1, 'y'] }, a: ['p', 'q'], d: '2025-01-02' });
    expect(Number(rows[0]!.n)).toBe(9007199254740);
  });

  it('seeds the demo idempotently', async () => {
    expect(await ensureDemoData(s.db)).toEqual([]);

    const users = await s.db.query<{ username: string }>(
      `select username from app_user
        where commune_id = 'tan-phu' or province = 'Tỉnh Đồng Tháp' order by username`,
    );
    expect(users.map((u) => u.username)).toEqual(DEMO_USERS.map((u) => u.username).sort());
  });
});

describe('the data folder lock', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sotay-lock-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets one holder in and tells the second who holds it', async () => {
    const lock = await lockDataDir(dir);

    expect(readFileSync(lock.path, 'utf8').trim()).toBe(String(process.pid));
    await expect(lockDataDir(dir)).rejects.toThrow(DataDirLockedError);
    await expect(lockDataDir(dir)).rejects.toThrow(/in use by another Sổ tay server \(pid \d+\)/);

    lock.release();
    expect(existsSync(lock.path)).toBe(false);
    (await lockDataDir(dir)).release();
  });

  it('guards the PGlite folder of openDatabase and frees it on close', async () => {
    const data = join(dir, 'data');
    const db = await openDatabase({ dataDir: data });

    await expect(openDatabase({ dataDir: data })).rejects.toThrow(DataDirLockedError);
    expect(await db.query('select count(*)::int as n from schema_migration')).toEqual([
      { n: MIGRATIONS.length },
    ]);
    await db.close();
    expect(existsSync(join(data, 'sotay.lock'))).toBe(false);
    expect(existsSync(join(data, 'pgdata', 'PG_VERSION'))).toBe(true);
  });

  it('takes over a lock left by a process that died', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(join(dir, 'sotay.lock'), `${dead.stdout.toString()}\n`);

    const lock = await lockDataDir(dir);

    expect(readFileSync(lock.path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('takes over a lock holding its own pid that it does not hold (containers reuse pids)', async () => {
    writeFileSync(join(dir, 'sotay.lock'), `${process.pid}\n`);
    const started = Date.now();

    const lock = await lockDataDir(dir);

    expect(Date.now() - started).toBeLessThan(1000);
    expect(readFileSync(lock.path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('takes over a lock with no pid in it, after waiting for one', async () => {
    writeFileSync(join(dir, 'sotay.lock'), '');

    const lock = await lockDataDir(dir, { waitMs: 300, intervalMs: 50 });

    expect(readFileSync(lock.path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  /** Starts a child process (the caller kills it). */
  function child(command: string, args: string[]): Promise<ChildProcess> {
    const c = spawn(command, args, { stdio: 'ignore' });
    return new Promise((resolve, reject) => {
      c.once('spawn', () => resolve(c));
      c.once('error', reject);
    });
  }

  it('refuses a live Node holder after re-checking for about 2 s', async () => {
    const holder = await child(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      writeFileSync(join(dir, 'sotay.lock'), `${holder.pid}\n`);
      const started = Date.now();

      await expect(lockDataDir(dir)).rejects.toThrow(`(pid ${holder.pid})`);

      expect(Date.now() - started).toBeGreaterThanOrEqual(1800);
      expect(readFileSync(join(dir, 'sotay.lock'), 'utf8').trim()).toBe(String(holder.pid));
    } finally {
      holder.kill('SIGKILL');
      rmSync(join(dir, 'sotay.lock'), { force: true });
    }
  });

  it('takes the lock when a killed holder disappears while it waits', async () => {
    const holder = await child(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    writeFileSync(join(dir, 'sotay.lock'), `${holder.pid}\n`);
    setTimeout(() => holder.kill('SIGKILL'), 500);

    const lock = await lockDataDir(dir);

    expect(readFileSync(lock.path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it.runIf(process.platform === 'linux')(
    'takes over a lock whose pid now belongs to a process that is not Node',
    async () => {
      const other = await child('sleep', ['60']);
      try {
        writeFileSync(join(dir, 'sotay.lock'), `${other.pid}\n`);
        const started = Date.now();

        const lock = await lockDataDir(dir);

        expect(Date.now() - started).toBeLessThan(1000);
        lock.release();
      } finally {
        other.kill('SIGKILL');
      }
    },
  );
});
