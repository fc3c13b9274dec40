/**
 * 0007: what coordinators and admins did (reviews, amendment decisions,
 * account changes) and when volunteers activated their accounts; the
 * coordinator reads it, newest first (src/server/audit.ts).
 */
export const name = 'audit';

export const sql = /* sql */ `
create table audit_event (
  id uuid primary key,
  commune_id text not null references commune,
  actor_id uuid references app_user,
  action text not null,
  target_type text not null,
  target_id text not null,
  detail jsonb not null default '{}'::jsonb,
  at timestamptz not null
);
create index audit_event_commune on audit_event (commune_id, at desc, id desc);
`;
