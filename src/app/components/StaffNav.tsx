/**
 * The commune official's pages, at the top of each of them (not in the
 * header: the volunteer's first screen does not carry it, PERFORMANCE.md G1).
 */
import '../../i18n/pages.ts'; // nav.*
import { useLocation } from 'preact-iso';
import { useTranslation } from '../use-translation.ts';

export function StaffNav() {
  const { t } = useTranslation();
  const { path } = useLocation();
  const link = (href: string, label: string) => (
    <a href={href} aria-current={path === href || path.startsWith(`${href}/`) ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <nav class="staff-nav" aria-label={t('nav.navLabel')}>
      {link('/review', t('nav.review'))}
      {link('/team', t('nav.team'))}
      {link('/audit', t('nav.audit'))}
    </nav>
  );
}
