/**
 * The reviewer's pages, at the top of each of them (not in the header: the
 * volunteer's first screen does not carry it, PERFORMANCE.md G1). Each link
 * only for a role that may open it; a team lead also gets their own sessions.
 */
import '../../i18n/pages.ts'; // nav.*
import { useLocation } from 'preact-iso';
import { canManageTeam, canReview, isCommuneStaff } from '../../shared/permissions.ts';
import { isFieldRole } from '../../shared/roles.ts';
import { session } from '../session.ts';
import { useTranslation } from '../use-translation.ts';

export function StaffNav() {
  const { t } = useTranslation();
  const { path } = useLocation();
  const role = session.value?.user.role;
  if (!role) return null;
  const link = (href: string, label: string) => (
    <a href={href} aria-current={path === href || path.startsWith(`${href}/`) ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <nav class="staff-nav" aria-label={t('nav.navLabel')}>
      {isFieldRole(role) && link('/field', t('nav.field'))}
      {canReview(role) && link('/review', t('nav.review'))}
      {canReview(role) && link('/dashboard', t('nav.dashboard'))}
      {canManageTeam(role) && link('/team', t('nav.team'))}
      {canReview(role) && link('/contacts', t('nav.contacts'))}
      {isCommuneStaff(role) && link('/audit', t('nav.audit'))}
      {role === 'admin' && link('/admin', t('nav.admin'))}
    </nav>
  );
}
