/**
 * Follow-up contacts on the server (docs/SECURITY.md "Follow-up contacts").
 * Owns: `storeContacts` (a field worker's phone hands them over),
 * `listContacts` and `deleteContact` (the commune's coordinators and the
 * hamlet's team lead), `purgeExpiredContacts` (the retention period).
 *
 * A contact belongs to one session and only its author may attach it. It is
 * kept apart from the session: no revision, pull, review answer or export
 * carries it. It is deleted `CONTACT_RETENTION_DAYS` after it arrived, when
 * its session is deleted, or when a coordinator deletes it on the resident's
 * request (audited without the name or phone).
 */
import * as v from 'valibot';
import {
  CONTACT_RETENTION_DAYS,
  contactSchema,
  type ContactPush,
  type ContactPushResponse,
  type ContactRow,
} from '../shared/schemas/contact.ts';
import { UUID_PATTERN } from '../shared/ids.ts';
import { recordAudit } from './audit.ts';
import type { SessionUser } from './auth/session.ts';
import type { Db, Queryable } from './db/index.ts';
import { issuesToProblems } from './http/problems.ts';
import { findBadText } from './http/text.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Deletes every contact past its retention date. @returns how many */
export async function purgeExpiredContacts(db: Queryable, now: Date): Promise<number> {
  const rows = await db.query<{ log_id: string }>(
    'delete from follow_up_contact where delete_after <= $1::timestamptz returning log_id',
    [now.toISOString()],
  );
  return rows.length;
}

/**
 * Stores the contacts a field worker's phone sends, each for a live session
 * the worker wrote. Sending one again replaces it (same consent, new
 * retention date): the phone may resend after a lost answer.
 */
export async function storeContacts(
  db: Db,
  user: SessionUser,
  body: ContactPush,
  now: Date,
): Promise<ContactPushResponse> {
  const deleteAfter = new Date(now.getTime() + CONTACT_RETENTION_DAYS * DAY_MS).toISOString();
  return db.transaction(async (tx) => {
    const results: ContactPushResponse['results'] = [];
    for (const item of body.contacts) {
      const badText = findBadText(item.contact);
      const parsed = v.safeParse(contactSchema, item.contact);
      if (badText !== null || !parsed.success) {
        const problems = parsed.success
          ? [{ field: badText || 'contact', code: 'invalid' }]
          : issuesToProblems(parsed.issues);
        results.push({ logId: item.logId, status: 'invalid', problems });
        continue;
      }
      const c = parsed.output;
      const rows = await tx.query<{ log_id: string }>(
        `insert into follow_up_contact
           (log_id, commune_id, hamlet_id, name, phone, notice_version, notice_lang,
            recorded_by, recorded_at, delete_after)
         select l.id, l.commune_id, l.hamlet_id, $3, $4, $5, $6, $2::uuid, $7::timestamptz, $8::timestamptz
           from activity_log l
          where l.id = $1::uuid and l.author_id = $2::uuid and l.commune_id = $9
            and l.deleted_at is null
         on conflict (log_id) do update set
           name = excluded.name, phone = excluded.phone,
           notice_version = excluded.notice_version, notice_lang = excluded.notice_lang,
           recorded_at = excluded.recorded_at, delete_after = excluded.delete_after
         returning log_id`,
        [
          item.logId,
          user.id,
          c.name,
          c.phone,
          c.noticeVersion,
          c.noticeLang,
          now.toISOString(),
          deleteAfter,
          user.communeId,
        ],
      );
      if (rows.length === 1) {
        results.push({ logId: item.logId, status: 'stored', deleteAfter });
        continue;
      }
      // No such session at all (a server restored from an older backup, say):
      // the phone keeps the contact and sends it again once the session is back.
      const known = await tx.query('select 1 from activity_log where id = $1::uuid', [item.logId]);
      results.push({ logId: item.logId, status: known.length === 0 ? 'unknown' : 'refused' });
    }
    return { results };
  });
}

/**
 * The commune's contacts; a team lead's: those of sessions held in their
 * hamlet now (`l`, the session: its hamlet may have been corrected since).
 */
function contactScope(user: SessionUser, params: unknown[]): string {
  params.push(user.communeId);
  if (user.role !== 'team_lead') return `c.commune_id = $${params.length}`;
  params.push(user.hamletId ?? '');
  return `c.commune_id = $${params.length - 1} and l.hamlet_id = $${params.length}`;
}

/** The contacts in the user's scope, newest first (expired ones are deleted first). */
export async function listContacts(
  db: Queryable,
  user: SessionUser,
  now: Date,
): Promise<ContactRow[]> {
  await purgeExpiredContacts(db, now);
  const params: unknown[] = [];
  const where = contactScope(user, params);
  const rows = await db.query<{
    log_id: string;
    hamlet_id: string;
    activity_date: string | Date;
    skills: unknown;
    name: string;
    phone: string;
    recorded_by_name: string;
    recorded_at: Date;
    delete_after: Date;
  }>(
    `select c.log_id, l.hamlet_id, to_char(l.activity_date, 'YYYY-MM-DD') as activity_date,
            l.skills, c.name, c.phone, u.display_name as recorded_by_name,
            c.recorded_at, c.delete_after
       from follow_up_contact c
       join activity_log l on l.id = c.log_id
       join app_user u on u.id = c.recorded_by
      where ${where}
      order by c.recorded_at desc, c.log_id
      limit 500`,
    params,
  );
  return rows.map((r) => ({
    logId: r.log_id,
    hamletId: r.hamlet_id,
    activityDate: String(r.activity_date),
    skills: Array.isArray(r.skills)
      ? r.skills.flatMap((s: { skillId?: unknown }) =>
          typeof s.skillId === 'string' ? [s.skillId] : [],
        )
      : [],
    name: r.name,
    phone: r.phone,
    recordedByName: r.recorded_by_name,
    recordedAt: new Date(r.recorded_at).toISOString(),
    deleteAfter: new Date(r.delete_after).toISOString(),
  }));
}

/**
 * Deletes one contact in the user's scope, on the resident's request, with
 * an audit row naming the session (never the name or phone).
 * @returns false when there is no such contact in scope
 */
export async function deleteContact(
  db: Db,
  user: SessionUser,
  logId: string,
  now: Date,
): Promise<boolean> {
  if (!UUID_PATTERN.test(logId)) return false;
  return db.transaction(async (tx) => {
    const params: unknown[] = [];
    const where = contactScope(user, params);
    params.push(logId);
    const rows = await tx.query<{ log_id: string }>(
      `delete from follow_up_contact c using activity_log l
        where l.id = c.log_id and ${where} and c.log_id = $${params.length}::uuid
        returning c.log_id`,
      params,
    );
    if (rows.length === 0) return false;
    await recordAudit(tx, {
      communeId: user.communeId,
      actorId: user.id,
      action: 'contact.delete',
      targetType: 'log',
      targetId: rows[0]!.log_id,
      at: now,
    });
    return true;
  });
}
