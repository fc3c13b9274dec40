/**
 * 0008: the team lead and province viewer roles (src/shared/roles.ts). A
 * province viewer belongs to a province, not a commune: their account has no
 * commune and names the province; every other account has a commune and no
 * province of its own (it is the commune's). Hamlet roles need a hamlet.
 */
export const name = 'roles';

export const sql = /* sql */ `
alter table app_user drop constraint app_user_role_check;
alter table app_user add constraint app_user_role_check
  check (role in ('volunteer', 'team_lead', 'coordinator', 'province_viewer', 'admin'));
alter table app_user alter column commune_id drop not null;
alter table app_user add column province text;
alter table app_user add constraint app_user_scope_check check (
  case when role = 'province_viewer'
       then commune_id is null and hamlet_id is null and province is not null
       else commune_id is not null and province is null end);
alter table app_user add constraint app_user_hamlet_check
  check (role not in ('volunteer', 'team_lead') or hamlet_id is not null);
create index commune_province on commune (province);
`;
