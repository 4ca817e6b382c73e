import { useState } from 'preact/hooks';
import { api, type Whoami } from '../api';
import { ErrorBox, Page } from '../components/common';
import { LanguageSwitch } from '../components/layout';
import { useAction } from '../hooks';
import { t } from '../i18n';

/** Sign in with the admin token or an API key: whoami says who it is and what it may do. */
export function SignInPage({ onSignedIn }: { onSignedIn: (token: string, who: Whoami) => void }) {
  const [token, setToken] = useState('');
  const action = useAction();
  const submit = (e: Event): void => {
    e.preventDefault();
    void action.run(async () => {
      const who = await api<Whoami>('GET', '/v1/whoami', undefined, token.trim());
      onSignedIn(token.trim(), who);
    });
  };
  return (
    <main class="sign-in">
      <div class="sign-in-top">
        <LanguageSwitch />
      </div>
      <Page title={t('signIn.title')}>
        <form onSubmit={submit} class="card">
          <label for="token">{t('signIn.token')}</label>
          <input
            id="token"
            name="token"
            type="text"
            class="secret"
            autoComplete="off"
            spellcheck={false}
            required
            value={token}
            onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          />
          <p class="muted">{t('signIn.hint')}</p>
          <button type="submit" disabled={action.busy}>
            {t('signIn.submit')}
          </button>
          <ErrorBox error={action.error} />
        </form>
      </Page>
    </main>
  );
}
