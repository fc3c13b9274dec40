/**
 * The routes of the commune's and province's staff, the residents' learn
 * area (public) and the not-found page,
 * in their own chunk: the volunteer's first screen carries none of them
 * (PERFORMANCE.md G1). App.tsx hands every path it does not know to this
 * router; each page checks the role itself (`Guard`).
 */
import { Route, Router, lazy, useLocation } from 'preact-iso';
import { useEffect } from 'preact/hooks';
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
const LearnList = lazy(() => import('./learn/LearnPages.tsx').then((m) => m.LearnList));
const TutorialPage = lazy(() => import('./learn/LearnPages.tsx').then((m) => m.TutorialPage));
const QuizPage = lazy(() => import('./learn/LearnPages.tsx').then((m) => m.QuizPage));
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

/**
 * After a move to another page (a link, a sign-in), focus goes to the new
 * page's main content, so a keyboard or screen-reader user goes on from
 * there rather than from the top of the document (where the page's link,
 * now gone, leaves it). A page that already put focus somewhere keeps it;
 * the first load of the app (no interaction yet) keeps the skip link first.
 */
function FocusOnNavigate() {
  const { path } = useLocation();
  useEffect(() => {
    if (!(navigator.userActivation?.hasBeenActive ?? true)) return;
    let frame = 0;
    let tries = 0;
    const tick = () => {
      const active = document.activeElement;
      if (active && active !== document.body && active.isConnected) return;
      const main = document.getElementById('main');
      if (main) {
        main.tabIndex = -1;
        main.focus();
      } else if (tries++ < 120) frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [path]);
  return null;
}

export function StaffRoutes() {
  return (
    <>
      <FocusOnNavigate />
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
        {/* The residents' learn area: public, no account. */}
        <Route path="/learn" component={LearnList} />
        <Route path="/learn/quiz" component={QuizPage} />
        <Route path="/learn/:skillId" component={TutorialPage} />
        <Route path="/learn/:skillId/:step" component={TutorialPage} />
        <Route default component={NotFound} />
      </Router>
    </>
  );
}
