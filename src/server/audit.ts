/**
 * The audit log (docs/SECURITY.md "Audit log"): one row per action of a
 * coordinator or admin (reviews, amendment decisions, account changes) and
 * per account activation, written in the same transaction as the action, so
 * there is no action without its row and no row without its action. Read by
 * the commune's coordinators, newest first, in pages.
 */
import { randomUUID } from 'node:crypto';
import type { AuditAction, AuditEvent, AuditPage, AuditTarget } from '../shared/schemas/audit.ts';
import { UUID_PATTERN } from '../shared/ids.ts';
import type { Queryable } from './db/index.ts';

export const AUDIT_PAGE = 50;

export async function recordAudit(
  tx: Queryable,
  e: {
    communeId: string;
    actorId: string | null;
    action: AuditAction;
    targetType: AuditTarget;
    targetId: string;
    detail?: Record<string, string>;
    at: Date;
  },
): Promise<void> {
  await tx.query(
    `insert into audit_event (id, commune_id, actor_id, action, target_type, target_id, detail, at)
     values ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8::timestamptz)`,
    [
      randomUUID(),
      e.communeId,
      e.actorId,
      e.action,
      e.targetType,
      e.targetId,
      JSON.stringify(e.detail ?? {}),
      e.at.toISOString(),
    ],
  );
}

interface Cursor {
  at: string;
  id: string;
}

export function decodeAuditCursor(s: string): Cursor | null {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    const at = typeof (c as Cursor | null)?.at === 'string' ? Date.parse((c as Cursor).at) : NaN;
    // Only times the log can hold (a year 0 or 275760 would fail the SQL, not the request).
    const year = new Date(at).getUTCFullYear();
    const id = (c as Cursor | null)?.id;
    if (year >= 2000 && year <= 2200 && typeof id === 'string' && UUID_PATTERN.test(id)) {
      return { at: new Date(at).toISOString(), id };
    }
  } catch {
    // not base64url JSON
  }
  return null;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

export async function listAudit(
  db: Queryable,
  communeId: string,
  cursor: Cursor | null,
  limit = AUDIT_PAGE,
): Promise<AuditPage> {
  const rows = await db.query<{
    id: string;
    at: string | Date;
    action: AuditEvent['action'];
    actor_name: string | null;
    target_type: AuditTarget;
    target_id: string;
    target_label: string | null;
    detail: Record<string, string> | string;
  }>(
    `select e.id, e.at, e.action, a.display_name as actor_name, e.target_type, e.target_id, e.detail,
            case e.target_type
              when 'user' then (select u.display_name from app_user u where u.id::text = e.target_id)
              when 'hamlet' then (select h.name from hamlet h where h.id = e.target_id)
              when 'commune' then (select c.name from commune c where c.id = e.target_id)
              else (select au.display_name || ', ' || to_char(l.activity_date, 'DD/MM/YYYY')
                      from activity_log l join app_user au on au.id = l.author_id
                     where l.id::text = e.target_id)
            end as target_label
       from audit_event e left join app_user a on a.id = e.actor_id
      where e.commune_id = $1
        and ($2::timestamptz is null or (e.at, e.id) < ($2::timestamptz, $3::uuid))
      order by e.at desc, e.id desc
      limit $4`,
    [communeId, cursor?.at ?? null, cursor?.id ?? null, limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    events: page.map((r) => {
      const detail =
        typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, string>) : r.detail;
      return {
        id: r.id,
        at: new Date(r.at).toISOString(),
        action: r.action,
        actorName: r.actor_name,
        targetType: r.target_type,
        targetId: r.target_id,
        targetLabel: r.target_label ?? r.target_id,
        ...(detail.comment ? { comment: detail.comment } : {}),
        ...(r.action === 'export' || r.action === 'targets.set' ? { detail } : {}),
      };
    }),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ at: new Date(last.at).toISOString(), id: last.id })
        : null,
  };
}
