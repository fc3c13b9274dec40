/**
 * 0005: enrolment. An account the coordinator creates has no password until
 * its volunteer redeems a one-time code (only the code's SHA-256 is kept).
 */
export const name = 'enrolment';

export const sql = /* sql */ `
alter table app_user alter column password_hash drop not null;

create table enrolment_code (
  code_hash text primary key,
  user_id uuid not null references app_user on delete cascade,
  created_by uuid references app_user,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz
);
create index enrolment_code_user on enrolment_code (user_id);
`;
