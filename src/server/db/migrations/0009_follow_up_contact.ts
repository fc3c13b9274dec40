/**
 * 0009: follow-up contacts (src/shared/schemas/contact.ts, docs/SECURITY.md
 * "Follow-up contacts"): a resident's name and phone, kept apart from the
 * session they were recorded in (never in its revisions, pull or exports),
 * with the consent notice they agreed to and the day they are deleted.
 */
export const name = 'follow_up_contact';

export const sql = /* sql */ `
create table follow_up_contact (
  log_id uuid primary key references activity_log,
  commune_id text not null references commune,
  hamlet_id text not null references hamlet,
  name text not null check (length(name) between 1 and 80),
  phone text not null check (phone ~ '^(0[35789][0-9]{8}|02[0-9]{9})$'),
  notice_version int not null check (notice_version >= 1),
  notice_lang text not null check (notice_lang in ('vi', 'en')),
  recorded_by uuid not null references app_user,
  recorded_at timestamptz not null,
  delete_after timestamptz not null
);
create index follow_up_contact_commune on follow_up_contact (commune_id, recorded_at desc);
create index follow_up_contact_expiry on follow_up_contact (delete_after);
`;
