import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api, enc, type RuleDetail, type RunDetail, type Waiting } from '../api';
import { Done, ErrorBox, Loading, Page } from '../components/common';
import { sourceHref, TimelineChart } from '../components/timeline-chart';
import { shortId, text, when } from '../format';
import { useAction, usePoll } from '../hooks';
import { t } from '../i18n';
import { useCan, useSession } from '../session';
import { Status } from '../status';

/** What the page shows as the run's status: a running run blocked on a person or an event waits. */
export function shownStatus(run: RunDetail): string {
  if (run.status === 'running' && run.waiting.some((w) => w.kind === 'approval' || w.kind === 'event'))
    return 'waiting';
  return run.status;
}

function WaitingItem({ w }: { w: Waiting }) {
  const until = typeof w.until === 'string' ? ` · ${t('run.until', { time: when(w.until) })}` : '';
  if (w.kind === 'approval') {
    const group = typeof w.role === 'string' ? ` · ${t('run.by', { group: w.role })}` : '';
    return (
      <li>
        {t('run.approval', { text: text(w.description) })}
        {group}
        {until}
      </li>
    );
  }
  if (w.kind === 'event') {
    const c = w.correlation as { field: string; value: unknown } | undefined;
    return (
      <li>
        {c
          ? t('run.eventWait', { type: text(w.event), field: c.field, value: text(c.value) })
          : text(w.event)}
        {until}
      </li>
    );
  }
  if (w.kind === 'sleep') return <li>sleep{until}</li>;
  return (
    <li>
      {w.kind} {text(w.action)}
    </li>
  );
}

/** The failing line itself, from the rule's source at the run's version. */
function FailingLine({ run }: { run: RunDetail }) {
  const line = run.error?.line;
  const source = usePoll<RuleDetail>(
    run.rule && run.version && line ? `/v1/rules/${enc(run.rule)}/versions/${run.version}` : null,
    false,
  );
  const textOfLine = line ? source.data?.source.split('\n')[line - 1] : undefined;
  if (!line || !run.error) return null;
  return (
    <p>
      <a href={sourceHref(run, line)}>{t('run.failingLine', { file: run.error.file ?? '', line })}</a>
      {textOfLine !== undefined && (
        <pre class="failing-line">
          <code>
            {line} {textOfLine}
          </code>
        </pre>
      )}
    </p>
  );
}

/** A run: status, what it waits for, its error, its steps as a time chart, its actions. */
export function RunPage() {
  const { params } = useRoute();
  const runId = params.runId;
  const { route } = useLocation();
  const can = useCan();
  const { data: run, error, reload } = usePoll<RunDetail>(`/v1/runs/${enc(runId)}`);
  const action = useAction();
  const [comment, setComment] = useState('');
  const [version, setVersion] = useState<'latest' | 'pinned'>('latest');

  const post = (path: string, body: unknown, then?: (answer: { runId?: string }) => void): void =>
    void action.run(async () => {
      const answer = await api<{ runId?: string }>('POST', `/v1/runs/${enc(runId)}/${path}`, body);
      if (then) then(answer);
      reload();
      return t('common.done');
    });

  const session = useSession();
  // The oldest approval is the one a decision goes to; its group (`approve … by "GROUP"`) decides
  // who may give it: a key in that group, or the admin (docs/api.md, "Approving").
  const approval = run?.waiting.find((w) => w.kind === 'approval');
  const group = typeof approval?.role === 'string' ? approval.role : undefined;
  const waitsForApproval =
    approval !== undefined &&
    can('runs.approve') &&
    (group === undefined || session.role === 'admin' || session.groups.includes(group));
  return (
    <Page title={t('run.title', { id: shortId(runId) })}>
      <ErrorBox error={error} />
      <Loading when={!run && !error} />
      {run && (
        <>
          <dl class="facts">
            <dt>{t('run.status')}</dt>
            <dd class="run-status" aria-live="polite">
              <Status value={shownStatus(run)} />
            </dd>
            <dt>{t('runs.rule')}</dt>
            <dd>{run.rule ? <a href={`/console/rules/${enc(run.rule)}`}>{run.rule}</a> : '—'}</dd>
            <dt>{t('runs.version')}</dt>
            <dd>{run.version ?? '—'}</dd>
            <dt>{t('runs.key')}</dt>
            <dd>{run.key ?? '—'}</dd>
            {run.eventId && (
              <>
                <dt>{t('runs.event')}</dt>
                <dd>
                  <a href={`/console/events/${enc(run.eventId)}`}>{run.eventId}</a>
                </dd>
              </>
            )}
            <dt>{t('run.trigger')}</dt>
            <dd>
              {run.trigger
                ? t(`run.triggerKinds.${run.trigger.kind}`, { defaultValue: run.trigger.kind })
                : '—'}
            </dd>
            <dt>{t('runs.started')}</dt>
            <dd>{when(run.startedAt)}</dd>
            <dt>{t('runs.closed')}</dt>
            <dd>{when(run.closedAt)}</dd>
            {run.step && (
              <>
                <dt>{t('run.now')}</dt>
                <dd>
                  {run.step.kind} {run.step.where}
                </dd>
              </>
            )}
            {run.message && (
              <>
                <dt>{t('run.message')}</dt>
                <dd>{run.message}</dd>
              </>
            )}
            <dt>Id</dt>
            <dd>
              <code>{run.runId}</code> <span class="muted small">{run.workflowId}</span>
            </dd>
          </dl>

          {run.waiting.length > 0 && (
            <section aria-label={t('run.waiting')}>
              <h2>{t('run.waiting')}</h2>
              <ul>
                {run.waiting.map((w, i) => (
                  <WaitingItem key={i} w={w} />
                ))}
              </ul>
            </section>
          )}

          {run.error && (
            <section class="error-box" aria-label={t('run.error')}>
              <h2>{t('run.error')}</h2>
              <p>
                <strong>{run.error.type}</strong>: {run.error.message}
              </p>
              {run.error.where && <p class="muted">{run.error.where}</p>}
              <FailingLine run={run} />
            </section>
          )}

          <section class="card" aria-label={t('run.actions')}>
            <h2>{t('run.actions')}</h2>
            {waitsForApproval && (
              <div class="field">
                <label for="comment">{t('run.comment')}</label>
                <textarea
                  id="comment"
                  rows={2}
                  value={comment}
                  onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)}
                />
              </div>
            )}
            <div class="actions">
              {waitsForApproval && (
                <>
                  <button
                    type="button"
                    class="primary"
                    disabled={action.busy}
                    onClick={() => post('approve', { approved: true, comment: comment || undefined })}
                  >
                    {t('run.approve')}
                  </button>
                  <button
                    type="button"
                    disabled={action.busy}
                    onClick={() => post('approve', { approved: false, comment: comment || undefined })}
                  >
                    {t('run.reject')}
                  </button>
                </>
              )}
              {run.status === 'running' && can('runs.cancel') && (
                <button type="button" disabled={action.busy} onClick={() => post('cancel', undefined)}>
                  {t('run.cancel')}
                </button>
              )}
              {run.status === 'failed' && !run.retriedAs && can('runs.retry') && (
                <button
                  type="button"
                  class="primary"
                  disabled={action.busy}
                  onClick={() =>
                    post('retry', undefined, (a) => a.runId && route(`/console/runs/${enc(a.runId)}`))
                  }
                >
                  {t('run.retry')}
                </button>
              )}
              {run.status !== 'running' && can('runs.rerun') && (
                <span class="inline">
                  <label for="rerun-version">{t('run.rerunVersion')}</label>
                  <select
                    id="rerun-version"
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
                      post('rerun', { version }, (a) => a.runId && route(`/console/runs/${enc(a.runId)}`))
                    }
                  >
                    {t('run.rerun')}
                  </button>
                </span>
              )}
            </div>
            <ErrorBox error={action.error} />
            <Done message={action.done} />
          </section>

          {(run.rerunOf || run.reruns.length > 0 || run.retryOf || run.retriedAs) && (
            <section aria-label={t('run.links')}>
              <h2>{t('run.links')}</h2>
              <ul>
                {run.rerunOf && <RunLink label={t('run.rerunOf')} id={run.rerunOf} />}
                {run.retryOf && <RunLink label={t('run.retryOf')} id={run.retryOf} />}
                {run.retriedAs && <RunLink label={t('run.retriedAs')} id={run.retriedAs} />}
                {run.reruns.map((id) => (
                  <RunLink key={id} label={t('run.reruns')} id={id} />
                ))}
              </ul>
            </section>
          )}

          <h2>{t('run.timeline')}</h2>
          <TimelineChart run={run} now={Date.now()} />

          {run.temporalUiUrl && (
            <p>
              <a href={run.temporalUiUrl} target="_blank" rel="noreferrer">
                {t('run.temporal')}
              </a>
            </p>
          )}
        </>
      )}
    </Page>
  );
}

function RunLink({ label, id }: { label: string; id: string }) {
  return (
    <li>
      {label}: <a href={`/console/runs/${enc(id)}`}>{shortId(id)}</a>
    </li>
  );
}
