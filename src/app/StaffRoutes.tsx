/**
 * The routes of the commune's and province's staff (and the not-found page),
 * in their own chunk: the volunteer's first screen carries none of them
 * (PERFORMANCE.md G1). App.tsx hands every path it does not know to this
 * router; each page checks the role itself (`Guard`).
 */
import { Route, Router, lazy } from 'preact-iso';
import {
  ADMIN_ROLES,
  COMMUNE_ROLES,
  PROVINCE_ROLES,
  REVIEW_ROLES,
  TEAM_ROLES,
} from '../shared/roles.ts';
import { Guard } from './App.tsx';
import { useTranslation } from './use-translation.ts';

const TeamPage = lazy(() => import('./features/team/TeamPage.tsx').then((m) => m.TeamPage));
const AuditPage = lazy(() => import('./features/team/AuditPage.tsx').then((m) => m.AuditPage));
const ContactsPage = lazy(() =>
  import('./features/team/ContactsPage.tsx').then((m) => m.ContactsPage),
);
const DashboardPage = lazy(() =>
  import('./features/dashboard/DashboardPage.tsx').then((m) => m.DashboardPage),
);
const ReportPage = lazy(() =>
  import('./features/dashboard/ReportPage.tsx').then((m) => m.ReportPage),
);
const AdminPage = lazy(() => import('./features/team/AdminPage.tsx').then((m) => m.AdminPage));
const ProvincePage = lazy(() =>
  import('./features/province/ProvincePage.tsx').then((m) => m.ProvincePage),
);
const ReviewList = lazy(() => import('./features/review/ReviewList.tsx').then((m) => m.ReviewList));
const ReviewDetail = lazy(() =>
  import('./features/review/ReviewDetail.tsx').then((m) => m.ReviewDetail),
);

function NotFound() {
  const { t } = useTranslation();
  return (
    <main id="main" class="page">
      <p>{t('app.notFound')}</p>
      <a href="/">{t('app.goHome')}</a>
    </main>
  );
}

const guarded = (roles: Parameters<typeof Guard>[0]['roles'], Page: () => preact.JSX.Element) =>
  function GuardedPage() {
    return <Guard roles={roles} page={() => <Page />} />;
  };

const REVIEW = guarded(REVIEW_ROLES, () => <ReviewList />);
const REVIEW_ONE = guarded(REVIEW_ROLES, () => <ReviewDetail />);
const TEAM = guarded(TEAM_ROLES, () => <TeamPage />);
const AUDIT = guarded(COMMUNE_ROLES, () => <AuditPage />);
const DASHBOARD = guarded(REVIEW_ROLES, () => <DashboardPage />);
const REPORT = guarded(REVIEW_ROLES, () => <ReportPage />);
const CONTACTS = guarded(REVIEW_ROLES, () => <ContactsPage />);
const ADMIN = guarded(ADMIN_ROLES, () => <AdminPage />);
const PROVINCE = guarded(PROVINCE_ROLES, () => <ProvincePage />);

export function StaffRoutes() {
  return (
    <Router>
      <Route path="/review" component={REVIEW} />
      <Route path="/review/:id" component={REVIEW_ONE} />
      <Route path="/team" component={TEAM} />
      <Route path="/audit" component={AUDIT} />
      <Route path="/dashboard" component={DASHBOARD} />
      <Route path="/report" component={REPORT} />
      <Route path="/contacts" component={CONTACTS} />
      <Route path="/admin" component={ADMIN} />
      <Route path="/province" component={PROVINCE} />
      <Route default component={NotFound} />
    </Router>
  );
}
