/**
 * The account roles (DOMAIN.md §B4) and the role lists the route guards use,
 * on the server and in the app (the app only hides; the server enforces).
 * What each role may manage is in permissions.ts: this module is on the
 * volunteer's first screen (PERFORMANCE.md G1), so it stays this small.
 *
 * - volunteer: records sessions in their hamlet; sees their own records.
 * - team_lead: a volunteer who also leads the hamlet's team: reviews the
 *   team's sessions (not their own) and manages the team's volunteers.
 * - coordinator: the commune: reviews, manages volunteers and team leads,
 *   hamlets, and reads the audit log.
 * - province_viewer: a province: aggregates per commune only, small counts
 *   suppressed; no record, no name.
 * - admin: a commune's administrator: everything a coordinator does, and
 *   manages coordinators.
 */
export const ROLES = ['volunteer', 'team_lead', 'coordinator', 'province_viewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Record sessions on their phone, in their own hamlet (the on-device database, sync). */
export const FIELD_ROLES: readonly Role[] = ['volunteer', 'team_lead'];
/** Review sessions: the team lead their hamlet's, the others the commune's. */
export const REVIEW_ROLES: readonly Role[] = ['team_lead', 'coordinator', 'admin'];
/** Manage accounts (which ones: permissions.ts managedRoles). */
export const TEAM_ROLES = REVIEW_ROLES;
/** Commune-wide work: the audit log, hamlets. */
export const COMMUNE_ROLES: readonly Role[] = ['coordinator', 'admin'];
/** Set up the province's communes and their first staff. */
export const ADMIN_ROLES: readonly Role[] = ['admin'];
/** Aggregates across the communes of a province. */
export const PROVINCE_ROLES: readonly Role[] = ['province_viewer'];

export const isFieldRole = (role: Role): boolean => FIELD_ROLES.includes(role);

/** Where a role lands after signing in. */
export function homePath(role: Role): '/field' | '/review' | '/province' {
  if (isFieldRole(role)) return '/field';
  if (role === 'province_viewer') return '/province';
  return '/review';
}
