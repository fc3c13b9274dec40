/**
 * Accounts a coordinator, admin or team lead manages (`managedRoles`) and
 * enrolment: a one-time code the volunteer redeems on their phone to set a
 * password (docs/SECURITY.md "Enrolment").
 */
import * as v from 'valibot';
import { isWellFormedText } from '../text.ts';
import { ROLES } from '../roles.ts';
import { userProfileSchema } from './auth.ts';

export const MIN_PASSWORD_LENGTH = 8;
/** Letters and digits that cannot be mistaken for each other (no 0/O, 1/I/L). */
export const ENROLMENT_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const ENROLMENT_CODE_LENGTH = 10;

const text = (max: number) =>
  v.pipe(
    v.string('required'),
    v.check(isWellFormedText, 'invalid'),
    v.trim(),
    v.nonEmpty('required'),
    v.maxLength(max, 'tooLong'),
  );

/** `tnv.an`: lower-case letters, digits, dot, dash, underscore; 3 to 32, starting with a letter or digit. */
export const usernameSchema = v.pipe(
  v.string('required'),
  v.check(isWellFormedText, 'invalid'),
  v.trim(),
  v.toLowerCase(),
  v.nonEmpty('required'),
  v.maxLength(32, 'tooLong'),
  v.regex(/^[a-z0-9][a-z0-9._-]{2,31}$/, 'username'),
);

export const newMemberSchema = v.object({
  displayName: text(80),
  username: usernameSchema,
  /** A volunteer unless said; which roles one may add: `managedRoles`. */
  role: v.optional(v.picklist(ROLES, 'invalidChoice')),
  /** Required for a hamlet role (volunteer, team lead); none for a coordinator. */
  hamletId: v.optional(
    v.nullable(
      v.pipe(
        v.string('invalidChoice'),
        v.nonEmpty('invalidChoice'),
        v.maxLength(64, 'invalidChoice'),
      ),
    ),
  ),
});
export type NewMember = v.InferInput<typeof newMemberSchema>;

export const newHamletSchema = v.object({ name: text(80) });
export type NewHamlet = v.InferInput<typeof newHamletSchema>;
export const communeResponseSchema = v.object({
  commune: v.object({ id: v.string(), name: v.string() }),
});
export const adminCommuneSchema = v.object({
  id: v.string(),
  name: v.string(),
  hamlets: v.number(),
  /** Active coordinators and admins. */
  staff: v.number(),
});
export type AdminCommune = v.InferOutput<typeof adminCommuneSchema>;
export const adminCommunesSchema = v.object({ communes: v.array(adminCommuneSchema) });

export const hamletResponseSchema = v.object({
  hamlet: v.object({ id: v.string(), name: v.string() }),
});

/** The code as typed: spaces, dashes and case do not matter. */
export function normaliseEnrolmentCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/** `ABCDE-FGHJK`, as shown and read aloud. */
export function formatEnrolmentCode(code: string): string {
  const c = normaliseEnrolmentCode(code);
  return `${c.slice(0, 5)}-${c.slice(5)}`;
}

export const newPasswordSchema = v.pipe(
  v.string('required'),
  v.check(isWellFormedText, 'invalid'),
  v.nonEmpty('required'),
  v.minLength(MIN_PASSWORD_LENGTH, 'passwordTooShort'),
  v.maxLength(256, 'tooLong'),
);

export const enrolSchema = v.object({
  code: v.pipe(
    v.string('required'),
    v.check(isWellFormedText, 'invalid'),
    v.transform(normaliseEnrolmentCode),
    v.nonEmpty('required'),
    v.maxLength(32, 'enrolmentCode'),
  ),
  password: newPasswordSchema,
});
export type EnrolInput = v.InferInput<typeof enrolSchema>;

export const MEMBER_STATES = ['pending', 'active', 'deactivated'] as const;
export type MemberState = (typeof MEMBER_STATES)[number];

export const memberSchema = v.object({
  id: v.string(),
  username: v.string(),
  displayName: v.string(),
  role: v.string(),
  hamletId: v.nullable(v.string()),
  /** pending: has an enrolment code and no password yet. */
  state: v.picklist(MEMBER_STATES),
  /** When the open enrolment code stops working, if there is one. */
  enrolmentExpiresAt: v.nullable(v.string()),
});
export type Member = v.InferOutput<typeof memberSchema>;

export const membersResponseSchema = v.object({ members: v.array(memberSchema) });

export const enrolmentSchema = v.object({
  /** Shown once: the server keeps only its hash. */
  code: v.string(),
  expiresAt: v.string(),
});
export type Enrolment = v.InferOutput<typeof enrolmentSchema>;

export const memberWithEnrolmentSchema = v.object({
  member: memberSchema,
  enrolment: enrolmentSchema,
});
export type MemberWithEnrolment = v.InferOutput<typeof memberWithEnrolmentSchema>;

export const memberResponseSchema = v.object({ member: memberSchema });
export const enrolResponseSchema = v.object({ user: userProfileSchema });
