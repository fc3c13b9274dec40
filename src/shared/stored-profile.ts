/**
 * Reads back the profile this device stored at sign-in (localStorage), on
 * the first screen and offline. It checks exactly what `userProfileSchema`
 * checks, by hand, so the app's first download does not carry valibot
 * (PERFORMANCE.md G1); tests/unit/shared/stored-profile.test.ts proves the two
 * agree on any input. Everything from the network goes through the schema.
 */
import { ROLES } from './roles.ts';
import type { UserProfile } from './schemas/auth.ts';

type Loose = Record<string, unknown>;

const isObject = (x: unknown): x is Loose =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const isString = (x: unknown): x is string => typeof x === 'string';
const isHamlet = (x: unknown): boolean => isObject(x) && isString(x.id) && isString(x.name);
/** Every index, holes included (`every` would skip a hole; the schema refuses it). */
const isArrayOf = (x: unknown, item: (y: unknown) => boolean): boolean => {
  if (!Array.isArray(x)) return false;
  for (let i = 0; i < x.length; i++) if (!item(x[i])) return false;
  return true;
};

/** Whether `x` is a valid `UserProfile` (the same answer as `v.is(userProfileSchema, x)`). */
export function isUserProfile(x: unknown): x is UserProfile {
  return (
    isObject(x) &&
    isString(x.id) &&
    isString(x.username) &&
    isString(x.displayName) &&
    (ROLES as readonly unknown[]).includes(x.role) &&
    isString(x.communeId) &&
    isString(x.communeName) &&
    (x.hamletId === null || isString(x.hamletId)) &&
    isArrayOf(x.hamlets, isHamlet)
  );
}

/** The profile in its stored form (JSON), or null when missing, unreadable or invalid. */
export function parseStoredProfile(raw: string | null): UserProfile | null {
  if (!raw) return null;
  try {
    const p: unknown = JSON.parse(raw);
    if (!isUserProfile(p)) return null;
    // Only the schema's fields, as the schema's output has (an older build may have stored more).
    return {
      id: p.id,
      username: p.username,
      displayName: p.displayName,
      role: p.role,
      communeId: p.communeId,
      communeName: p.communeName,
      hamletId: p.hamletId,
      hamlets: p.hamlets.map((h) => ({ id: h.id, name: h.name })),
    };
  } catch {
    return null;
  }
}
