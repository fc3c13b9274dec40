/**
 * A follow-up contact (docs/SECURITY.md "Follow-up contacts"): the name and
 * phone of a resident who asked to be contacted again, recorded only with
 * their separate, explicit consent to the notice the volunteer showed them.
 * It is never part of the session's content: it travels on its own
 * (POST /api/sync/contacts), after its session reached the server, and the
 * phone keeps no name or phone once the server has it. The server deletes it
 * after the retention period, or sooner at the coordinator's hand.
 */
import * as v from 'valibot';
import { UUID_PATTERN } from '../ids.ts';
import { isWellFormedText } from '../text.ts';

/** The notice the volunteer shows; a new wording is a new version (the server keeps which one). */
export const CONTACT_NOTICE_VERSION = 1;
/** Days a contact is kept on the server after it arrives; the notice says so. */
export const CONTACT_RETENTION_DAYS = 90;
/** At most this many contacts in one request. */
export const MAX_CONTACTS_PER_PUSH = 100;
export const CONTACT_NOTICE_LANGS = ['vi', 'en'] as const;

/** Vietnamese numbers: mobile 0[35789]xxxxxxxx, landline 02xxxxxxxxx; "+84" means 0. */
const PHONE = /^(0[35789]\d{8}|02\d{9})$/;

/** Spaces, dots, dashes and brackets people type in a number; "+84"/"84" for the leading 0. */
export function normalizePhone(s: string): string {
  const digits = s.replace(/[\s.\-()]/g, '');
  if (digits.startsWith('+84')) return `0${digits.slice(3)}`;
  if (/^84\d{9,10}$/.test(digits)) return `0${digits.slice(2)}`;
  return digits;
}

/** What the volunteer records: the resident's consent, then how to reach them. */
export const contactSchema = v.object({
  /** Ticked by the volunteer when the resident says yes; never pre-ticked. */
  consent: v.literal(true, 'consentRequired'),
  noticeVersion: v.pipe(
    v.number('invalid'),
    v.integer('invalid'),
    v.minValue(1, 'invalid'),
    v.maxValue(CONTACT_NOTICE_VERSION, 'invalid'),
  ),
  /** The language the notice was shown in. */
  noticeLang: v.picklist(CONTACT_NOTICE_LANGS, 'invalidChoice'),
  name: v.pipe(
    v.string('required'),
    v.check(isWellFormedText, 'invalid'),
    v.trim(),
    v.normalize('NFC'),
    v.nonEmpty('required'),
    v.maxLength(80, 'tooLong'),
  ),
  phone: v.pipe(
    v.string('required'),
    v.check(isWellFormedText, 'invalid'),
    v.trim(),
    v.nonEmpty('required'),
    v.maxLength(20, 'phone'),
    v.transform(normalizePhone),
    v.regex(PHONE, 'phone'),
  ),
});
export type Contact = v.InferOutput<typeof contactSchema>;
export type ContactInput = v.InferInput<typeof contactSchema>;

/**
 * The envelope of POST /api/sync/contacts. Each contact is validated on its
 * own (`contactSchema`), so one the server cannot take is answered `invalid`
 * and the others are stored.
 */
export const contactPushSchema = v.object({
  contacts: v.pipe(
    v.array(
      v.object({
        logId: v.pipe(v.string(), v.regex(UUID_PATTERN, 'invalid')),
        contact: v.unknown(),
      }),
    ),
    v.minLength(1),
    v.maxLength(MAX_CONTACTS_PER_PUSH),
  ),
});
export type ContactPush = v.InferOutput<typeof contactPushSchema>;

/**
 * - `stored`: the server has it, until `deleteAfter`; the phone drops the name and phone.
 * - `refused`: no session of this user has that id (gone, deleted, or someone else's):
 *   the phone drops the contact, since nobody may hold it.
 * - `invalid`: the contact fails the server's rules (`problems`); the phone keeps it for an edit.
 * - `unknown`: the server has no session of that id at all (it was restored from an
 *   older backup): the phone keeps the contact and sends it again after the session.
 */
export const CONTACT_RESULTS = ['stored', 'refused', 'invalid', 'unknown'] as const;
export const contactPushResponseSchema = v.object({
  results: v.array(
    v.object({
      logId: v.string(),
      status: v.picklist(CONTACT_RESULTS),
      deleteAfter: v.optional(v.string()),
      problems: v.optional(v.array(v.object({ field: v.string(), code: v.string() }))),
    }),
  ),
});
export type ContactPushResponse = v.InferOutput<typeof contactPushResponseSchema>;

/** A contact as the coordinator (or the hamlet's team lead) lists it. */
export const contactRowSchema = v.object({
  logId: v.string(),
  hamletId: v.string(),
  activityDate: v.string(),
  skills: v.array(v.string()),
  name: v.string(),
  phone: v.string(),
  recordedByName: v.string(),
  recordedAt: v.string(),
  deleteAfter: v.string(),
});
export type ContactRow = v.InferOutput<typeof contactRowSchema>;
