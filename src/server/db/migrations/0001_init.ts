/**
 * 0001: the first schema (SYNC.md §3.8, with the real content columns of
 * logContentSchema). Forward-only: never edit a released migration, add 0002.
 * Every row a commune-scoped role reads carries commune_id (and hamlet_id).
 */
export const name = 'init';

export const sql = /* sql */ `
create table server_meta (
  key text primary key,
  value text not null
);
-- The epoch changes when the database is created or restored (SYNC.md §3.1).
insert into server_meta (key, value) values ('epoch', gen_random_uuid()::text);

create table commune (
  id text primary key,
  name text not null
);

create table hamlet (
  id text primary key,
  commune_id text not null references commune,
  name text not null,
  sort_order int not null default 0
);
create index hamlet_commune on hamlet (commune_id, sort_order);

create table app_user (
  id uuid primary key,
  username text not null unique check (username = lower(username)),
  display_name text not null,
  role text not null check (role in ('volunteer', 'coordinator', 'admin')),
  commune_id text not null references commune,
  hamlet_id text references hamlet,
  password_hash text not null,
  active boolean not null default true,
  created_at timestamptz not null default now()
);
create index app_user_commune on app_user (commune_id, role);

create table auth_session (
  token_hash text primary key,
  user_id uuid not null references app_user on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index auth_session_user on auth_session (user_id);

create table commune_clock (
  commune_id text primary key references commune,
  seq bigint not null default 0
);

create table sync_client (
  client_id uuid primary key,
  user_id uuid not null references app_user,
  last_seq bigint not null default 0,
  app_version text,
  first_seen timestamptz not null default now(),
  last_push_at timestamptz
);

create table activity_log (
  id uuid primary key,
  commune_id text not null references commune,
  hamlet_id text not null references hamlet,
  author_id uuid not null references app_user,
  activity_date date not null,
  kind text not null,
  residents_under30 int not null check (residents_under30 >= 0),
  residents_30_59 int not null check (residents_30_59 >= 0),
  residents_60_plus int not null check (residents_60_plus >= 0),
  language text not null,
  skills jsonb not null,
  outcome text not null,
  reason text,
  household_code text,
  notes text not null default '',
  status text not null default 'submitted'
    check (status in ('submitted', 'changes_requested', 'approved')),
  review_comment text,
  reviewed_by uuid references app_user,
  reviewed_at timestamptz,
  version int not null default 1,
  seq bigint not null,
  deleted_at timestamptz,
  created_device_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_mutation_id uuid
);
-- Pull: a commune's changes by sequence, and a volunteer's own.
create index activity_log_pull on activity_log (commune_id, seq);
create index activity_log_pull_author on activity_log (commune_id, author_id, seq);
-- Review list: newest activity first, then id, live rows only.
create index activity_log_review on activity_log (commune_id, activity_date desc, id desc)
  where deleted_at is null;
create index activity_log_review_hamlet on activity_log (commune_id, hamlet_id, activity_date desc, id desc)
  where deleted_at is null;

create table activity_log_revision (
  log_id uuid not null references activity_log,
  version int not null,
  commune_id text not null,
  actor_id uuid not null,
  client_id uuid,
  mutation_id uuid,
  kind text not null check (kind in ('content', 'review', 'delete', 'amendment_accept')),
  changed_fields text[] not null,
  snapshot jsonb not null,
  at timestamptz not null default now(),
  primary key (log_id, version)
);

create table processed_mutation (
  mutation_id uuid primary key,
  client_id uuid not null references sync_client,
  seq bigint not null,
  log_id uuid,
  payload_hash text not null,
  status text not null check (status in ('applied', 'conflict', 'rejected')),
  result jsonb not null,
  processed_at timestamptz not null default now(),
  unique (client_id, seq)
);

create table sync_conflict (
  id uuid primary key,
  log_id uuid not null,
  commune_id text not null,
  author_id uuid not null,
  mutation_id uuid not null references processed_mutation,
  kind text not null check (kind in ('field_conflict', 'amendment', 'deleted')),
  local_payload jsonb not null,
  server_snapshot jsonb not null,
  state text not null default 'open' check (state in ('open', 'accepted', 'declined')),
  created_at timestamptz not null default now(),
  resolved_by uuid,
  resolved_at timestamptz
);
create index sync_conflict_commune on sync_conflict (commune_id, state, created_at);
`;
