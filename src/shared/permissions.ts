/** What each role may do beyond the route lists of roles.ts (kept off the first screen). */
import { COMMUNE_ROLES, isFieldRole, REVIEW_ROLES, type Role } from './roles.ts';

export const canReview = (role: Role): boolean => REVIEW_ROLES.includes(role);
export const canManageTeam = canReview;
export const isCommuneStaff = (role: Role): boolean => COMMUNE_ROLES.includes(role);
/** Roles whose account belongs to one hamlet (and needs one): the field roles. */
export const isHamletRole = isFieldRole;

/** The roles of the accounts `role` may create and manage. */
export function managedRoles(role: Role): readonly Role[] {
  switch (role) {
    case 'team_lead':
      return ['volunteer'];
    case 'coordinator':
      return ['volunteer', 'team_lead'];
    case 'admin':
      return ['volunteer', 'team_lead', 'coordinator'];
    default:
      return [];
  }
}
