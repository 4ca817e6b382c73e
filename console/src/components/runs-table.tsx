import type { RunSummary } from '../api';
import { enc } from '../api';
import { shortId, when } from '../format';
import { t } from '../i18n';
import { Status } from '../status';
import { EmptyRow } from './common';

/** Runs as a table; each row links to the run's page and shows its status as text. */
export function RunsTable({ runs, showRule = true }: { runs: RunSummary[]; showRule?: boolean }) {
  const columns = showRule ? 6 : 5;
  return (
    <table class="runs">
      <thead>
        <tr>
          <th scope="col">{t('runs.run')}</th>
          {showRule && <th scope="col">{t('runs.rule')}</th>}
          <th scope="col">{t('runs.status')}</th>
          <th scope="col">{t('runs.key')}</th>
          <th scope="col">{t('runs.started')}</th>
          <th scope="col">{t('runs.closed')}</th>
        </tr>
      </thead>
      <tbody>
        {runs.length === 0 && <EmptyRow columns={columns} />}
        {runs.map((run) => (
          <tr key={run.runId} class={`row-${run.status}`}>
            <td>
              <a href={`/console/runs/${enc(run.runId)}`} title={run.workflowId}>
                {shortId(run.runId)}
              </a>
            </td>
            {showRule && <td>{run.rule ?? '—'}</td>}
            <td>
              <Status value={run.status} />
            </td>
            <td>{run.key ?? '—'}</td>
            <td>{when(run.startedAt)}</td>
            <td>{when(run.closedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
