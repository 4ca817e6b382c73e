import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { currentLanguage, i18next, LANGUAGES, t } from '../i18n';
import { useSession } from '../session';

/** The pages of the navigation, with the permission each needs (whoami). */
export const NAV = [
  { path: '/console/overview', key: 'overview', permission: 'runs.read' },
  { path: '/console/rules', key: 'rules', permission: 'rules.read' },
  { path: '/console/runs', key: 'runs', permission: 'runs.read' },
  { path: '/console/events', key: 'events', permission: 'events.read' },
  { path: '/console/approvals', key: 'approvals', permission: 'approvals.read' },
  { path: '/console/schedules', key: 'schedules', permission: 'schedules.manage' },
  { path: '/console/audit', key: 'audit', permission: 'audit.read' },
] as const;

/** The language switch, on every page (signed in or not). */
export function LanguageSwitch() {
  return (
    <label class="language">
      {t('app.language')}{' '}
      <select
        value={currentLanguage()}
        onChange={(e) => void i18next.changeLanguage((e.target as HTMLSelectElement).value)}
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Header, navigation and the page. */
export function Layout({ children, onSignOut }: { children: ComponentChildren; onSignOut: () => void }) {
  const session = useSession();
  const { path } = useLocation();
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href="/console/overview">
          opsflow
        </a>
        <nav aria-label={t('nav.label')} class="nav">
          {NAV.filter((item) => session.permissions.includes(item.permission)).map((item) => (
            <a key={item.key} href={item.path} aria-current={path.startsWith(item.path) ? 'page' : undefined}>
              {t(`nav.${item.key}`)}
            </a>
          ))}
        </nav>
        <div class="who">
          <span class="muted">{t('app.signedInAs', { name: session.name, role: session.role })}</span>
          <LanguageSwitch />
          <button type="button" onClick={onSignOut}>
            {t('app.signOut')}
          </button>
        </div>
      </header>
      <main>{children}</main>
    </div>
  );
}
