/** The account roles (DOMAIN.md): hamlet volunteers, commune coordinators, administrators. */
export const ROLES = ['volunteer', 'coordinator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
