/**
 * Demo data for a first start: the commune "Xã Tân Phú" (Tỉnh Đồng Tháp) with
 * three hamlets, a coordinator, an admin, two volunteers, a team lead and a
 * viewer for the province, all with the password `sotay-demo`. That
 * password is public, so by default the demo is only created on a server that
 * listens on a loopback address (config.ts); see setUpDemo.
 */
import type { Role } from '../shared/schemas/auth.ts';
import { verifyPassword } from './auth/password.ts';
import { isLoopbackHost } from './config.ts';
import type { Db } from './db/index.ts';
import type { Logger } from './env.ts';
import { ensureCommune, ensureHamlet, ensureUser } from './users.ts';

export const DEMO_PASSWORD = 'sotay-demo';
export const DEMO_COMMUNE = {
  id: 'tan-phu',
  name: 'Xã Tân Phú',
  province: 'Tỉnh Đồng Tháp',
} as const;
export const DEMO_HAMLETS = [
  { id: 'tan-phu-dong', name: 'Thôn Đông' },
  { id: 'tan-phu-tay', name: 'Thôn Tây' },
  { id: 'tan-phu-binh-an', name: 'Ấp Bình An' },
] as const;

export interface DemoLogin {
  username: string;
  password: string;
  role: Role;
  displayName: string;
  hamletId: string | null;
}

export const DEMO_USERS: readonly DemoLogin[] = [
  {
    username: 'canbo.tanphu',
    password: DEMO_PASSWORD,
    role: 'coordinator',
    displayName: 'Nguyễn Thị Hoa',
    hamletId: null,
  },
  {
    username: 'quantri.tanphu',
    password: DEMO_PASSWORD,
    role: 'admin',
    displayName: 'Võ Minh Quân',
    hamletId: null,
  },
  {
    username: 'tnv.an',
    password: DEMO_PASSWORD,
    role: 'volunteer',
    displayName: 'Trần Văn An',
    hamletId: 'tan-phu-dong',
  },
  {
    username: 'tnv.binh',
    password: DEMO_PASSWORD,
    role: 'volunteer',
    displayName: 'Lê Thị Bình',
    hamletId: 'tan-phu-tay',
  },
  {
    username: 'totruong.dong',
    password: DEMO_PASSWORD,
    role: 'team_lead',
    displayName: 'Phạm Văn Đông',
    hamletId: 'tan-phu-dong',
  },
  {
    username: 'tinh.dongthap',
    password: DEMO_PASSWORD,
    role: 'province_viewer',
    displayName: 'Sở Khoa học và Công nghệ',
    hamletId: null,
  },
];

/**
 * Creates whatever of the demo data is missing; never changes what exists
 * (a changed password stays changed).
 * @returns the demo logins that were created by this call
 */
export async function ensureDemoData(db: Db): Promise<DemoLogin[]> {
  return db.transaction(async (tx) => {
    await ensureCommune(tx, DEMO_COMMUNE.id, DEMO_COMMUNE.name);
    await tx.query('update commune set province = $2 where id = $1 and province is null', [
      DEMO_COMMUNE.id,
      DEMO_COMMUNE.province,
    ]);
    for (const [i, h] of DEMO_HAMLETS.entries()) {
      await ensureHamlet(tx, { id: h.id, communeId: DEMO_COMMUNE.id, name: h.name, sortOrder: i });
    }
    const created: DemoLogin[] = [];
    for (const u of DEMO_USERS) {
      const viewer = u.role === 'province_viewer';
      const r = await ensureUser(tx, {
        ...u,
        communeId: viewer ? null : DEMO_COMMUNE.id,
        province: viewer ? DEMO_COMMUNE.province : null,
      });
      if (r.created) created.push(u);
    }
    return created;
  });
}

/**
 * Seeds the demo on an empty database (no accounts yet).
 * @returns the created logins, or null when the database already had accounts
 */
export async function seedDemoIfEmpty(db: Db): Promise<DemoLogin[] | null> {
  const users = await db.query('select 1 from app_user limit 1');
  if (users.length > 0) return null;
  return ensureDemoData(db);
}

/** The active demo accounts whose password is still the documented one. */
export async function openDemoLogins(db: Db): Promise<string[]> {
  const rows = await db.query<{ username: string; password_hash: string }>(
    'select username, password_hash from app_user where active and username = any($1::text[])',
    [DEMO_USERS.map((u) => u.username)],
  );
  const open: string[] = [];
  for (const r of rows) {
    if (await verifyPassword(DEMO_PASSWORD, r.password_hash)) open.push(r.username);
  }
  return open.sort();
}

/**
 * At start: seeds the demo on an empty database when `demo` is on, says what
 * was created, and warns when the demo password can be used from the network
 * (a HOST that is not a loopback address).
 */
export async function setUpDemo(
  db: Db,
  config: { demo: boolean; host: string },
  log: Logger,
): Promise<void> {
  const exposed = !isLoopbackHost(config.host);
  if (config.demo) {
    const created = await seedDemoIfEmpty(db);
    if (created && created.length > 0) {
      log.info(`Demo commune "Xã Tân Phú" created. Logins (password ${DEMO_PASSWORD}):`);
      for (const u of created) log.info(`  ${u.username}  (${u.role}, ${u.displayName})`);
    } else {
      log.info(
        `Demo logins, if unchanged: ${DEMO_USERS.map((u) => u.username).join(', ')} / ${DEMO_PASSWORD}`,
      );
    }
    if (exposed) {
      log.warn(
        `WARNING: SOTAY_DEMO=1 with HOST=${config.host}: anyone who can reach this server can ` +
          `sign in to the demo accounts with the published password ${DEMO_PASSWORD}. ` +
          'Use this only for a trial; set SOTAY_DEMO=0 and change or deactivate those accounts before real use.',
      );
    }
    return;
  }
  if (!exposed) return;
  // Demo accounts made earlier (e.g. on 127.0.0.1) are still there: say so.
  const open = await openDemoLogins(db);
  if (open.length > 0) {
    log.warn(
      `WARNING: HOST=${config.host} is reachable from other machines and the demo accounts ` +
        `${open.join(', ')} still have the published password ${DEMO_PASSWORD}. ` +
        'Change their passwords or deactivate them.',
    );
  }
}
