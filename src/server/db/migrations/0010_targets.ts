/**
 * 0010: the coordinator's denominators (households, adults per hamlet, from
 * the commune's statistics) and targets per hamlet and period, for the
 * dashboard (src/domain/indicators.ts); and an index for the dashboard's
 * households.
 */
export const name = 'targets';

export const sql = /* sql */ `
create table hamlet_denominator (
  hamlet_id text primary key references hamlet,
  commune_id text not null references commune,
  households int check (households >= 0),
  adults int check (adults >= 0),
  updated_by uuid references app_user,
  updated_at timestamptz not null
);
create table hamlet_target (
  hamlet_id text not null references hamlet,
  commune_id text not null references commune,
  period text not null check (period ~ '^20[2-9][0-9](-(0[1-9]|1[0-2])|-Q[1-4])?$'),
  indicator text not null check (indicator in
    ('sessions', 'households_reached', 'households_core5', 'vneid_activations', 'first_payments')),
  target int not null check (target >= 0),
  updated_by uuid references app_user,
  updated_at timestamptz not null,
  primary key (hamlet_id, period, indicator)
);
create index hamlet_target_commune on hamlet_target (commune_id, period);
create index activity_log_household on activity_log (commune_id, hamlet_id, household_code, activity_date)
  where deleted_at is null and household_code is not null;
`;
