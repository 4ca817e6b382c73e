import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { enc, query, type AuditEntry } from '../api';
import { EmptyRow, ErrorBox, Loading, Page } from '../components/common';
import { text, when } from '../format';
import { usePoll } from '../hooks';
import { t } from '../i18n';

/** The audit log, newest first, of every rule or one. */
export function AuditPage() {
  const { query: q } = useRoute();
  const { route } = useLocation();
  const [rule, setRule] = useState(q.rule ?? '');
  const { data, error } = usePoll<{ entries: AuditEntry[] }>(
    `/v1/audit${query({ rule: q.rule, limit: 200 })}`,
  );
  return (
    <Page title={t('audit.title')}>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          route(`/console/audit${query({ rule: rule.trim() })}`);
        }}
      >
        <label for="audit-rule">{t('audit.rule')}</label>
        <input
          id="audit-rule"
          type="text"
          value={rule}
          onInput={(e) => setRule((e.target as HTMLInputElement).value)}
        />
        <button type="submit">{t('common.filter')}</button>
      </form>
      <ErrorBox error={error} />
      <Loading when={!data && !error} />
      {data && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('audit.at')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.rule')}</th>
              <th scope="col">{t('audit.version')}</th>
              <th scope="col">{t('audit.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {data.entries.length === 0 && <EmptyRow columns={6} />}
            {data.entries.map((e) => (
              <tr key={e.id}>
                <td>{when(e.at)}</td>
                <td>{e.actor}</td>
                <td>{e.action}</td>
                <td>{e.rule ? <a href={`/console/rules/${enc(e.rule)}`}>{e.rule}</a> : '—'}</td>
                <td>{e.version ?? '—'}</td>
                <td>
                  <code class="small">{text(e.detail)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
