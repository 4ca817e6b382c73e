import type { Overview } from '../api';
import { EmptyRow, ErrorBox, Loading, Page } from '../components/common';
import { when } from '../format';
import { usePoll } from '../hooks';
import { t } from '../i18n';
import { Status } from '../status';

/** The counts of the overview, in the order shown (`timedOut` is the API's name). */
const COUNTS = ['failed', 'running', 'waiting', 'completed', 'stopped', 'cancelled', 'timedOut'] as const;

/** The runs filter of a count: waiting runs are running ones. */
const RUN_STATUS: Partial<Record<(typeof COUNTS)[number], string>> = {
  waiting: 'running',
  timedOut: 'timed_out',
};

/** Runs by status over the last 24 h per rule, failing rules first; pending approvals. */
export function OverviewPage() {
  const { data, error } = usePoll<Overview>('/v1/overview?hours=24');
  return (
    <Page title={t('overview.title')}>
      <ErrorBox error={error} />
      <Loading when={!data && !error} />
      {data && (
        <>
          <p>
            {/* The link's name leaves the navigation's words alone: `Approvals` names one link. */}
            {t('overview.pending', { count: data.pendingApprovals })}{' '}
            {data.pendingApprovals > 0 && <a href="/console/approvals">{t('overview.openInbox')}</a>}
          </p>
          <table>
            <caption>{t('overview.window', { hours: data.hours })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('overview.rule')}</th>
                <th scope="col">{t('overview.state')}</th>
                {COUNTS.map((c) => (
                  <th scope="col" key={c}>
                    <Status value={c === 'timedOut' ? 'timed_out' : c} />
                  </th>
                ))}
                <th scope="col">{t('overview.lastRun')}</th>
              </tr>
            </thead>
            <tbody>
              {data.rules.length === 0 && <EmptyRow columns={COUNTS.length + 3} />}
              {data.rules.map((r) => (
                <tr key={r.rule} class={(r.counts.failed ?? 0) > 0 ? 'row-bad' : undefined}>
                  <td>
                    <a href={`/console/rules/${encodeURIComponent(r.rule)}`}>{r.rule}</a>
                  </td>
                  <td>
                    <Status value={r.state} />
                  </td>
                  {COUNTS.map((c) => (
                    <td key={c} class="num">
                      {(r.counts[c] ?? 0) > 0 ? (
                        <a
                          href={`/console/runs?rule=${encodeURIComponent(r.rule)}&status=${RUN_STATUS[c] ?? c}`}
                        >
                          {r.counts[c]}
                        </a>
                      ) : (
                        (r.counts[c] ?? 0)
                      )}
                    </td>
                  ))}
                  <td>{when(r.lastRunAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Page>
  );
}
