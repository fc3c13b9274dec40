/** Login and the signed-in user's profile. */
import * as v from 'valibot';
import { ROLES } from '../roles.ts';
import { isWellFormedText } from '../text.ts';

export { ROLES, type Role } from '../roles.ts';

export const loginSchema = v.object({
  username: v.pipe(
    v.string('required'),
    v.check(isWellFormedText, 'invalid'),
    v.trim(),
    v.toLowerCase(),
    v.nonEmpty('required'),
    v.maxLength(64, 'tooLong'),
  ),
  password: v.pipe(
    v.string('required'),
    v.check(isWellFormedText, 'invalid'),
    v.nonEmpty('required'),
    v.maxLength(256, 'tooLong'),
  ),
});
export type LoginInput = v.InferInput<typeof loginSchema>;

export const hamletSchema = v.object({ id: v.string(), name: v.string() });
export type Hamlet = v.InferOutput<typeof hamletSchema>;

/** What the client keeps about the signed-in user (also offline). */
export const userProfileSchema = v.object({
  id: v.string(),
  username: v.string(),
  displayName: v.string(),
  role: v.picklist(ROLES),
  communeId: v.string(),
  communeName: v.string(),
  /** A volunteer's own hamlet (their team); null for commune-level roles. */
  hamletId: v.nullable(v.string()),
  /** The hamlets of the commune, for pickers and filters. */
  hamlets: v.array(hamletSchema),
});
export type UserProfile = v.InferOutput<typeof userProfileSchema>;
