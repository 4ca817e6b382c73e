import type { RuleSummary, Trigger } from '../api';
import { EmptyRow, ErrorBox, Loading, Page } from '../components/common';
import { when } from '../format';
import { usePoll } from '../hooks';
import { t } from '../i18n';
import { Status } from '../status';

/** A rule's trigger as one line: `on order.placed`, `every 5m`, `manual(sku: string)`. */
export function triggerText(trigger: Trigger): string {
  switch (trigger.kind) {
    case 'on':
      return t('rules.triggerOn', { event: trigger.event });
    case 'every':
      return t('rules.triggerEvery', {
        every: trigger.every ?? `${trigger.cron ?? ''}${trigger.timezone ? ` (${trigger.timezone})` : ''}`,
      });
    case 'manual':
      return t('rules.triggerManual', {
        inputs: trigger.inputs
          .map((i) => `${i.name}: ${i.type}${i.optional && !i.type.endsWith('?') ? '?' : ''}`)
          .join(', '),
      });
    default:
      return JSON.stringify(trigger);
  }
}

/** The rules: state, version, trigger, last run. */
export function RulesPage() {
  const { data, error } = usePoll<{ rules: RuleSummary[] }>('/v1/rules');
  const rules = data?.rules.filter((r) => !r.removedAt);
  return (
    <Page title={t('rules.title')}>
      <ErrorBox error={error} />
      <Loading when={!data && !error} />
      {rules && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('rules.rule')}</th>
              <th scope="col">{t('rules.state')}</th>
              <th scope="col">{t('rules.version')}</th>
              <th scope="col">{t('rules.trigger')}</th>
              <th scope="col">{t('rules.lastRun')}</th>
            </tr>
          </thead>
          <tbody>
            {rules.length === 0 && <EmptyRow columns={5} />}
            {rules.map((r) => (
              <tr key={r.name}>
                <td>
                  <a href={`/console/rules/${encodeURIComponent(r.name)}`}>{r.name}</a>
                  {r.description && <div class="muted small">{r.description}</div>}
                </td>
                <td>
                  <Status value={r.state} />
                </td>
                <td class="num">{r.version}</td>
                <td>
                  <code>{triggerText(r.trigger)}</code>
                </td>
                <td>{when(r.lastRunAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
