import { useState } from 'preact/hooks';
import { api, enc, type RunSummary } from '../api';
import { useAction, usePoll } from '../hooks';
import { t } from '../i18n';
import { Status } from '../status';
import { Done, ErrorBox } from './common';

interface Job {
  id: string;
  state: string;
  total: number;
  done: number;
  failed: number;
  skipped: number;
  errors: { runId: string; error: string }[];
}

/** The runs filter of the page as a bulk rerun's filter (`POST /v1/runs:rerun`). */
export interface RerunFilter {
  rule?: string;
  status?: string;
  key?: string;
  since?: string;
  until?: string;
}

function JobProgress({ id }: { id: string }) {
  const { data: job, error } = usePoll<Job>(`/v1/jobs/${enc(id)}`);
  if (error) return <ErrorBox error={error} />;
  if (!job) return null;
  return (
    <div role="status">
      <Status value={job.state} />{' '}
      {t('bulk.progress', { done: job.done, total: job.total, failed: job.failed })}
      {job.errors.length > 0 && (
        <ul>
          {job.errors.map((e) => (
            <li key={e.runId}>
              <a href={`/console/runs/${enc(e.runId)}`}>{e.runId}</a>: {e.error}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * Rerun every run the page's filter matches, in bulk: first how many (a dry run), then the job,
 * whose progress is shown until it is done. Offered only with `runs.rerun`.
 */
export function BulkRerun({ filter }: { filter: RerunFilter }) {
  const [version, setVersion] = useState<'latest' | 'pinned'>('latest');
  const [preview, setPreview] = useState<{ key: string; count: number } | undefined>();
  const [jobId, setJobId] = useState<string | undefined>();
  const action = useAction();
  const key = JSON.stringify(filter);
  const body = Object.fromEntries(Object.entries(filter).filter(([, v]) => v));
  const count = preview?.key === key ? preview.count : undefined;
  return (
    <details class="card">
      <summary>{t('bulk.title')}</summary>
      <p class="muted">{t('bulk.hint')}</p>
      <div class="actions">
        <label for="bulk-version">{t('run.rerunVersion')}</label>
        <select
          id="bulk-version"
          value={version}
          onChange={(e) => setVersion((e.target as HTMLSelectElement).value as 'latest' | 'pinned')}
        >
          <option value="latest">{t('run.latest')}</option>
          <option value="pinned">{t('run.pinned')}</option>
        </select>
        <button
          type="button"
          disabled={action.busy}
          onClick={() =>
            void action.run(async () => {
              const answer = await api<{ count: number; runs: RunSummary[] }>('POST', '/v1/runs:rerun', {
                filter: body,
                version,
                dryRun: true,
              });
              setPreview({ key, count: answer.count });
            })
          }
        >
          {t('bulk.count')}
        </button>
        {count !== undefined && count > 0 && (
          <button
            type="button"
            class="primary"
            disabled={action.busy}
            onClick={() =>
              void action.run(async () => {
                const job = await api<{ jobId: string }>('POST', '/v1/runs:rerun', { filter: body, version });
                setJobId(job.jobId);
                setPreview(undefined);
              })
            }
          >
            {t('bulk.start', { count })}
          </button>
        )}
      </div>
      {count !== undefined && <p>{t('bulk.matching', { count })}</p>}
      <ErrorBox error={action.error} />
      <Done message={action.done} />
      {jobId && <JobProgress id={jobId} />}
    </details>
  );
}
