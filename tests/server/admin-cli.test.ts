/**
 * `npm run admin`: an admin sets up a commune from nothing (commune, hamlet,
 * coordinator), and the coordinator redeems the printed code in the app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCli } from '../../src/server/admin-cli.ts';
import { createApp } from '../../src/server/app.ts';
import { openDatabase } from '../../src/server/db/open.ts';
import { silentLogger } from '../../src/server/env.ts';
import { testCurriculum } from '../helpers/server.ts';

describe('the admin command line', () => {
  let dir: string;
  const env = () => ({ SOTAY_DATA_DIR: dir });

  async function admin(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdminCli(
      args,
      env(),
      (l) => out.push(l),
      (l) => err.push(l),
    );
    return { code, out, err };
  }

  /** Redeems a printed code in the app on the same data folder, as the new account's owner would. */
  async function enrol(code: string, password: string): Promise<Response> {
    const db = await openDatabase({ databaseUrl: undefined, dataDir: dir });
    try {
      const app = createApp({ db, log: silentLogger, curriculum: testCurriculum() });
      return await app.request('/api/auth/enrol', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, password }),
      });
    } finally {
      await db.close();
    }
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sotay-admin-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets up a commune and a coordinator who enrols with the printed code', async () => {
    expect(
      (await admin('commune', 'add', 'xa-hoa-binh', 'Xã Hòa Bình', '--province', 'Thái Nguyên'))
        .code,
    ).toBe(0);
    expect((await admin('hamlet', 'add', 'xa-hoa-binh', 'hoa-binh-mot', 'Thôn Một')).code).toBe(0);
    const added = await admin(
      'user',
      'add',
      'xa-hoa-binh',
      'canbo.hoabinh',
      'Nguyễn Thị Hoa',
      '--role',
      'coordinator',
      '--url',
      'https://sotay.example/',
    );
    expect(added.code).toBe(0);
    const code = /enrolment code: ([A-Z0-9]{5}-[A-Z0-9]{5})/.exec(added.out.join('\n'))?.[1];
    expect(code).toBeDefined();
    expect(added.out.join('\n')).toContain(
      `link: https://sotay.example/enrol#${code!.replace('-', '')}`,
    );

    const listed = await admin('list');
    expect(listed.out).toEqual([
      'xa-hoa-binh  Xã Hòa Bình, Thái Nguyên',
      '  hamlet hoa-binh-mot  Thôn Một',
      '  coordinator canbo.hoabinh (not enrolled)',
    ]);

    const res = await enrol(code!, 'mat-khau-can-bo');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: unknown }).user).toMatchObject({
      username: 'canbo.hoabinh',
      role: 'coordinator',
      communeId: 'xa-hoa-binh',
      communeName: 'Xã Hòa Bình',
      hamlets: [{ id: 'hoa-binh-mot', name: 'Thôn Một' }],
    });
    expect((await admin('list')).out.at(-1)).toBe('  coordinator canbo.hoabinh');
  });

  it('resets and deactivates an account by username', async () => {
    const reset = await admin('user', 'reset', 'canbo.hoabinh');
    expect(reset.code).toBe(0);
    expect(reset.out.join('\n')).toMatch(/enrolment code: [A-Z0-9]{5}-[A-Z0-9]{5}/);
    expect((await admin('list')).out.at(-1)).toBe('  coordinator canbo.hoabinh (not enrolled)');

    expect((await admin('user', 'deactivate', 'canbo.hoabinh')).code).toBe(0);
    expect((await admin('list')).out.at(-1)).toBe('  coordinator canbo.hoabinh (deactivated)');
  });

  it('adds a team lead to a hamlet and a viewer to a province (who enrols with no commune)', async () => {
    expect(
      (
        await admin(
          'user',
          'add',
          'xa-hoa-binh',
          'totruong.mot',
          'Tổ trưởng Một',
          '--role',
          'team_lead',
          '--hamlet',
          'hoa-binh-mot',
        )
      ).code,
    ).toBe(0);
    expect(
      (await admin('user', 'add', 'Tỉnh Không Có', 'tinh.khong', 'A', '--role', 'province_viewer'))
        .code,
    ).toBe(2);
    const viewer = await admin(
      'user',
      'add',
      'Thái Nguyên',
      'tinh.thainguyen',
      'Sở Thái Nguyên',
      '--role',
      'province_viewer',
    );
    expect(viewer.code).toBe(0);
    const code = /enrolment code: ([A-Z0-9]{5}-[A-Z0-9]{5})/.exec(viewer.out.join('\n'))?.[1];
    const res = await enrol(code!, 'mat-khau-cua-tinh');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: unknown }).user).toMatchObject({
      role: 'province_viewer',
      communeId: '',
      communeName: 'Thái Nguyên',
    });
    // Accounts without a commune reset and lock like any other.
    expect((await admin('user', 'reset', 'tinh.thainguyen')).code).toBe(0);
    expect((await admin('user', 'deactivate', 'tinh.thainguyen')).code).toBe(0);
  });

  it.each([
    [[], /usage/],
    [['commune', 'add', 'Xã Sai', 'Tên'], /commune id must be/],
    [['hamlet', 'add', 'khong-co', 'thon-a', 'Thôn A'], /no commune khong-co/],
    [['user', 'add', 'xa-hoa-binh', 'Tên Có Dấu', 'A', '--role', 'coordinator'], /username/],
    [['user', 'add', 'xa-hoa-binh', 'tnv.moi', 'A', '--role', 'chief'], /--role must be one of/],
    [['user', 'add', 'xa-hoa-binh', 'tnv.moi', 'A', '--role', 'volunteer'], /needs --hamlet/],
    [['user', 'add', 'xa-hoa-binh', 'totruong.hai', 'A', '--role', 'team_lead'], /needs --hamlet/],
    [['user', 'add', 'xa-hoa-binh', 'canbo.hoabinh', 'A', '--role', 'admin'], /is taken/],
    [['user', 'reset', 'khong.co.ai'], /no account khong.co.ai/],
  ])('refuses %j with exit code 2 and says why', async (args, message) => {
    const r = await admin(...args);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(message);
  });
});
