import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { userProfileSchema, type UserProfile } from '../../../src/shared/schemas/auth.ts';
import { isUserProfile, parseStoredProfile } from '../../../src/shared/stored-profile.ts';

const profile: UserProfile = {
  id: 'u1',
  username: 'an',
  displayName: 'Nguyễn Văn An',
  role: 'volunteer',
  communeId: 'tan-phu',
  communeName: 'Tân Phú',
  hamletId: 'ap-1',
  hamlets: [{ id: 'ap-1', name: 'Ấp 1' }],
};

/** A profile with one field replaced, removed, or left alone: near misses of the schema. */
const nearProfile = fc
  .record({
    key: fc.constantFrom(...Object.keys(profile), 'hamlets.0', 'hamlets.0.id', 'extra'),
    value: fc.oneof(
      fc.constant(undefined),
      fc.anything(),
      fc.constantFrom('admin', 'coordinator', 'chief', null, [], [{ id: 'x' }], {}),
    ),
  })
  .map(({ key, value }) => {
    const copy = structuredClone(profile) as unknown as Record<string, unknown>;
    const path = key.split('.');
    let target = copy;
    for (const step of path.slice(0, -1)) target = target[step] as Record<string, unknown>;
    const last = path[path.length - 1]!;
    if (value === undefined) delete target[last];
    else target[last] = value;
    return copy;
  });

describe('the stored profile check (first screen, without valibot)', () => {
  it('gives the same answer as userProfileSchema for near misses and for anything', () => {
    fc.assert(
      fc.property(fc.oneof(nearProfile, fc.anything()), (x) => {
        expect(isUserProfile(x)).toBe(v.is(userProfileSchema, x));
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads back a stored profile, and nothing from missing or broken storage', () => {
    expect(parseStoredProfile(JSON.stringify(profile))).toEqual(profile);
    expect(parseStoredProfile(JSON.stringify({ ...profile, hamletId: null }))?.hamletId).toBe(null);
    expect(parseStoredProfile(JSON.stringify({ ...profile, stale: 1 }))).toEqual(profile);
    expect(parseStoredProfile(null)).toBe(null);
    expect(parseStoredProfile('{"id":')).toBe(null);
    expect(parseStoredProfile(JSON.stringify({ ...profile, role: 'chief' }))).toBe(null);
  });
});
