/** The app shell: header, banners, and the routes of each role. */
import { ErrorBoundary, LocationProvider, Route, Router, lazy, useLocation } from 'preact-iso';
import { useEffect } from 'preact/hooks';
import { useTranslation } from './use-translation.ts';
import { Header } from './components/Header.tsx';
import { FieldHome } from './features/field/FieldHome.tsx';
import { session } from './session.ts';
import { FIELD_ROLES, homePath, type Role } from '../shared/roles.ts';
import { useLater } from './use-later.ts';

const loadLoginPage = () => import('./features/auth/LoginPage.tsx');
const LoginPage = lazy(() => loadLoginPage().then((m) => m.LoginPage));

/**
 * Starts loading the sign-in page and its imports side by side, for a phone
 * with nobody signed in: without it the first visit fetches them one after
 * the other (entry → page → its strings and fields), a round trip each. The
 * API client comes after the page is shown (LoginPage).
 * A list kept by hand: a missing entry costs a round trip, never correctness.
 */
export function preloadSignIn(): Promise<unknown> {
  return Promise.all([
    loadLoginPage(),
    import('../i18n/pages.ts'),
    import('./components/TextField.tsx'),
    import('../sync/errors.ts'),
  ]);
}
const StaffRoutes = lazy(() => import('./StaffRoutes.tsx').then((m) => m.StaffRoutes));
const EnrolPage = lazy(() => import('./features/auth/EnrolPage.tsx').then((m) => m.EnrolPage));
const LogFormPage = lazy(() =>
  import('./features/field/LogFormPage.tsx').then((m) => m.LogFormPage),
);
const AttentionPage = lazy(() =>
  import('./features/field/AttentionPage.tsx').then((m) => m.AttentionPage),
);

/** Sends each role to its home, and signed-out users to the login page. */
function Home() {
  const { route } = useLocation();
  const s = session.value;
  useEffect(() => {
    if (!s) route('/login', true);
    else route(homePath(s.user.role), true);
  }, [s, route]);
  return null;
}

/** Renders `page` only for a signed-in user with one of `roles`. */
export function Guard({ roles, page }: { roles: readonly Role[]; page: () => preact.JSX.Element }) {
  const { route } = useLocation();
  const s = session.value;
  const allowed = s !== null && roles.includes(s.user.role);
  useEffect(() => {
    if (!allowed) route('/', true);
  }, [allowed, route]);
  return allowed ? page() : null;
}

/**
 * The update banner and the service-worker code behind it load after the
 * first screen (an update can only be found once the worker is registered,
 * and the worker replays a waiting update to a late listener); so does the
 * banner of a newer version elsewhere (the `versionChanged` signal keeps it).
 */
function Updates() {
  const Banner = useLater(() =>
    import('./components/UpdateBanner.tsx').then((m) => m.UpdateBanner),
  );
  return Banner ? <Banner /> : null;
}

export function App() {
  const { t } = useTranslation();
  return (
    <LocationProvider>
      <a class="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <Header />
      <Updates />
      <ErrorBoundary>
        <Router>
          <Route path="/" component={Home} />
          <Route path="/login" component={LoginPage} />
          <Route path="/enrol" component={EnrolPage} />
          <Route
            path="/field"
            component={() => <Guard roles={FIELD_ROLES} page={() => <FieldHome />} />}
          />
          <Route
            path="/field/new"
            component={() => <Guard roles={FIELD_ROLES} page={() => <LogFormPage />} />}
          />
          <Route
            path="/field/attention"
            component={() => <Guard roles={FIELD_ROLES} page={() => <AttentionPage />} />}
          />
          <Route
            path="/field/log/:id"
            component={() => <Guard roles={FIELD_ROLES} page={() => <LogFormPage />} />}
          />
          {/* Every other page (staff pages, not found) loads with its own router. */}
          <Route path="/*" component={StaffRoutes} />
        </Router>
      </ErrorBoundary>
    </LocationProvider>
  );
}
