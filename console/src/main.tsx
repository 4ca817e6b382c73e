import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import {
  api,
  setUnauthorizedHandler,
  storedToken,
  storedWhoami,
  storeToken,
  storeWhoami,
  type Whoami,
} from './api';
import { Page } from './components/common';
import { Layout, NAV } from './components/layout';
import { t } from './i18n';
import { i18next, initI18n } from './i18n';
import { ApprovalsPage } from './pages/approvals';
import { AuditPage } from './pages/audit';
import { EventPage, EventsPage } from './pages/events';
import { OverviewPage } from './pages/overview';
import { RulePage } from './pages/rule';
import { RulesPage } from './pages/rules';
import { RunPage } from './pages/run';
import { RunsPage } from './pages/runs';
import { SchedulesPage } from './pages/schedules';
import { SignInPage } from './pages/sign-in';
import { SessionContext } from './session';
import './styles.css';

function Redirect({ to }: { to: string }) {
  const { route } = useLocation();
  useEffect(() => route(to, true), [to]);
  return null;
}

/** `/console` and unknown paths: the first page the key may see (an ingest key has none). */
function Home({ session }: { session: Whoami }) {
  const first = NAV.find((item) => session.permissions.includes(item.permission));
  if (first) return <Redirect to={first.path} />;
  return (
    <Page title={t('app.nothing')}>
      <p>{t('app.nothingHint', { role: session.role })}</p>
    </Page>
  );
}

function App() {
  const [session, setSession] = useState<Whoami | null | undefined>(
    storedToken() ? (storedWhoami() ?? undefined) : null,
  );
  const [, setLanguage] = useState(i18next.language);

  useEffect(() => {
    // A new language re-renders every page.
    i18next.on('languageChanged', setLanguage);
    setUnauthorizedHandler(() => {
      storeToken(null);
      setSession(null);
    });
    const token = storedToken();
    if (token) {
      api<Whoami>('GET', '/v1/whoami')
        .then((who) => {
          storeWhoami(who);
          setSession(who);
        })
        .catch(() => {
          storeToken(null);
          setSession(null);
        });
    }
    return () => i18next.off('languageChanged', setLanguage);
  }, []);

  if (session === undefined) return null;
  if (session === null) {
    return (
      <SignInPage
        onSignedIn={(token, who) => {
          storeToken(token);
          storeWhoami(who);
          setSession(who);
        }}
      />
    );
  }
  const signOut = (): void => {
    storeToken(null);
    setSession(null);
  };
  return (
    <SessionContext.Provider value={session}>
      <Layout onSignOut={signOut}>
        <Router>
          <Route path="/console/overview" component={OverviewPage} />
          <Route path="/console/rules" component={RulesPage} />
          <Route path="/console/rules/:name" component={RulePage} />
          <Route path="/console/runs" component={RunsPage} />
          <Route path="/console/runs/:runId" component={RunPage} />
          <Route path="/console/events" component={EventsPage} />
          <Route path="/console/events/:id" component={EventPage} />
          <Route path="/console/approvals" component={ApprovalsPage} />
          <Route path="/console/schedules" component={SchedulesPage} />
          <Route path="/console/audit" component={AuditPage} />
          <Route default component={() => <Home session={session} />} />
        </Router>
      </Layout>
    </SessionContext.Provider>
  );
}

void initI18n().then(() => {
  render(
    <LocationProvider>
      <App />
    </LocationProvider>,
    document.getElementById('app') as HTMLElement,
  );
});
