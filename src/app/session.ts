/**
 * Who is signed in on this phone, and their open database and sync engine.
 * The profile is kept in localStorage so the app opens offline; the auth
 * cookie itself is HttpOnly and never visible here.
 */
import { signal } from '@preact/signals';
import type { UserProfile } from '../shared/schemas/auth.ts';
import { parseStoredProfile } from '../shared/stored-profile.ts';
import { isFieldRole } from '../shared/roles.ts';
import {
  openUserDb,
  getSyncSummary,
  requestPersistentStorage,
  type UserDb,
} from '../storage/first-screen.ts';
import type { SyncEngine, SyncStatus } from '../sync/engine.ts';

const PROFILE_KEY = 'sotay.user';

/** The API client and the sync engine load after the first screen (see api.ts). */
const loadApi = () => import('./api.ts');
const loadSync = () => import('../sync/index.ts');

export interface ActiveSession {
  user: UserProfile;
  /** Present for field roles (volunteers, team leads): their on-device database and (once loaded) sync engine. */
  field: { db: UserDb; engine: SyncEngine | null } | null;
}

export const session = signal<ActiveSession | null>(null);
export const syncStatus = signal<SyncStatus | null>(null);
/** Set when the server said 401: the data stays, the user must sign in again. */
export const authExpired = signal(false);
/** Set when another tab upgraded the database; this tab must reload. */
export const versionChanged = signal(false);

let persistRequest: Promise<boolean> = Promise.resolve(false);
/** Settles once this visit's `navigator.storage.persist()` request has been answered. */
export function persistAnswered(): Promise<boolean> {
  return persistRequest;
}

function readStoredProfile(): UserProfile | null {
  try {
    return parseStoredProfile(localStorage.getItem(PROFILE_KEY));
  } catch {
    return null; // storage blocked
  }
}

async function activate(user: UserProfile): Promise<void> {
  if (!isFieldRole(user.role)) {
    session.value = { user, field: null };
    return;
  }
  const db = await openUserDb(user.id, {
    // A newer version needs the database: the connection is already closed.
    // Reload into the new version; a half-typed form is restored from its draft.
    onVersionChange: () => {
      versionChanged.value = true;
      window.location.reload();
    },
  });
  session.value = { user, field: { db, engine: null } };
  // The list renders from the phone at once; sync starts right after.
  void startSync(user, db);
  persistRequest = requestPersistentStorage();
}

async function startSync(user: UserProfile, db: UserDb): Promise<void> {
  const [{ createSyncEngine }, { api }] = await Promise.all([loadSync(), loadApi()]);
  const current = session.value;
  if (!current?.field || current.field.db !== db) return; // signed out meanwhile
  const engine = createSyncEngine({
    db,
    api,
    userId: user.id,
    // Unexpected failures only (the status says the rest); visible in the browser console.
    onError: (e: unknown) => console.warn('[sotay sync]', e),
  });
  engine.subscribe((s) => {
    syncStatus.value = s;
    if (s.state === 'unauthorized') authExpired.value = true;
  });
  session.value = { ...current, field: { db, engine } };
  engine.start();
}

/**
 * Whether a user may be remembered on this phone, read synchronously before
 * anything loads (only whether the key is there: restoreSession parses it).
 */
export function hasStoredProfile(): boolean {
  try {
    return localStorage.getItem(PROFILE_KEY) !== null;
  } catch {
    return false;
  }
}

/** Restores the last signed-in user from this phone, without the network. */
export async function restoreSession(): Promise<void> {
  const user = readStoredProfile();
  if (!user) return;
  await activate(user);
  // Refresh the profile in the background, offline is fine: the first screen
  // does not wait for the API client to load.
  refreshProfile().catch((e: unknown) => console.warn('[sotay] profile refresh', e));
}

/** Reads the profile again from the server (a new hamlet, a new name); offline, keeps the stored one. */
export async function refreshProfile(): Promise<void> {
  const [{ api }, { UnauthorizedError }] = await Promise.all([loadApi(), loadSync()]);
  api.me().then(
    (fresh) => {
      // Signed out (or another user signed in) meanwhile: nothing to refresh.
      if (session.value?.user.id !== fresh.id) return;
      localStorage.setItem(PROFILE_KEY, JSON.stringify(fresh));
      session.value = { ...session.value, user: fresh };
      authExpired.value = false;
    },
    (err: unknown) => {
      if (err instanceof UnauthorizedError) authExpired.value = true;
    },
  );
}

/** Signs in online and opens this user's on-device data. */
export async function signIn(username: string, password: string): Promise<UserProfile> {
  const { api } = await loadApi();
  return begin(await api.login({ username, password }));
}

/** Redeems an enrolment code with a new password (the server signs in) and opens the user's data. */
export async function enrol(code: string, password: string): Promise<UserProfile> {
  const { api } = await loadApi();
  return begin(await api.enrol({ code, password }));
}

/** After a sign-in: remembers the user on this phone and opens their data. */
async function begin(user: UserProfile): Promise<UserProfile> {
  const current = session.value;
  if (current && current.user.id !== user.id) closeActive();
  localStorage.setItem(PROFILE_KEY, JSON.stringify(user));
  authExpired.value = false;
  if (!current || current.user.id !== user.id) await activate(user);
  else {
    session.value = { ...current, user };
    // The same user signing in again (an expired session): their sync goes on.
    current.field?.engine?.start();
  }
  return user;
}

function closeActive(): void {
  const current = session.value;
  current?.field?.engine?.stop();
  current?.field?.db.close();
  session.value = null;
  syncStatus.value = null;
}

/**
 * Signs out. Refuses (returns the number of unsent records) while this
 * user's outbox is not empty, unless `withUnsent`: for a user who must sign
 * in again with their password (a PIN tried too often). Nothing is ever
 * discarded: the database stays on the phone, and signing in opens it again.
 */
export async function signOut(withUnsent = false): Promise<number> {
  const current = session.value;
  if (current?.field && !withUnsent) {
    const { pending } = await getSyncSummary(current.field.db);
    if (pending > 0) return pending;
  }
  // This phone lets go first; the server is told after (it may take a while offline).
  localStorage.removeItem(PROFILE_KEY);
  authExpired.value = false;
  closeActive();
  try {
    const { api } = await loadApi();
    await api.logout();
  } catch {
    // Offline or already expired: the server session ends by itself.
  }
  return 0;
}
