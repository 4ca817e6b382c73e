import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api, enc, query, type RuleDetail, type RuleVersion, type RunSummary } from '../api';
import { Done, ErrorBox, Loading, Page } from '../components/common';
import { ManualRun } from '../components/manual-run';
import { RunsTable } from '../components/runs-table';
import { DiffView, SourceView } from '../components/source-view';
import { when } from '../format';
import { useAction, usePoll } from '../hooks';
import { t } from '../i18n';
import { useCan } from '../session';
import { Status } from '../status';
import { triggerText } from './rules';

/** A rule: source with line numbers, versions and diffs, its actions, a manual run, its runs. */
export function RulePage() {
  const { params, query: q } = useRoute();
  const name = params.name;
  const { route } = useLocation();
  const can = useCan();
  const rule = usePoll<RuleDetail>(`/v1/rules/${enc(name)}`);
  const versions = usePoll<{ versions: RuleVersion[] }>(`/v1/rules/${enc(name)}/versions`);
  const runs = usePoll<{ runs: RunSummary[] }>(`/v1/runs${query({ rule: name, limit: 10 })}`);
  const shownVersion = q.version ? Number(q.version) : undefined;
  const line = q.line ? Number(q.line) : undefined;
  const other = usePoll<RuleDetail>(
    shownVersion && rule.data && shownVersion !== rule.data.version
      ? `/v1/rules/${enc(name)}/versions/${shownVersion}`
      : null,
    false,
  );
  const r = rule.data;
  const action = useAction();
  const list = versions.data?.versions ?? [];
  const [rollbackTo, setRollbackTo] = useState<string>('');
  const [from, setFrom] = useState<string>('');
  const [to, setTo] = useState<string>('');
  const [diff, setDiff] = useState<{ from: number; to: number; diff: string } | undefined>();
  const diffAction = useAction();

  const post = (path: string, body: unknown, done: string): void =>
    void action.run(async () => {
      await api('POST', `/v1/rules/${enc(name)}/${path}`, body);
      rule.reload();
      versions.reload();
      return done;
    });

  const older = list.filter((v) => r && v.version !== r.version);
  const rollbackValue = rollbackTo || String(older[0]?.version ?? '');
  const fromValue = from || String(list[1]?.version ?? list[0]?.version ?? '');
  const toValue = to || String(list[0]?.version ?? '');
  const source = other.data && shownVersion !== r?.version ? other.data : r;

  return (
    <Page title={name}>
      <ErrorBox error={rule.error} />
      <Loading when={!r && !rule.error} />
      {r && (
        <>
          <dl class="facts">
            <dt>{t('rules.state')}</dt>
            <dd>
              <Status value={r.state} />
            </dd>
            <dt>{t('rules.version')}</dt>
            <dd>{r.version}</dd>
            <dt>{t('rules.trigger')}</dt>
            <dd>
              <code>{triggerText(r.trigger)}</code>
            </dd>
            <dt>{t('rules.lastRun')}</dt>
            <dd>{when(r.lastRunAt)}</dd>
          </dl>
          {r.description && <p>{r.description}</p>}

          <section class="card" aria-label={t('rules.actions')}>
            <h2>{t('rules.actions')}</h2>
            <div class="actions">
              {can('rules.enable') && r.state === 'disabled' && (
                <button
                  type="button"
                  disabled={action.busy}
                  onClick={() => post('enable', undefined, t('status.enabled'))}
                >
                  {t('rules.enable')}
                </button>
              )}
              {can('rules.enable') && r.state !== 'disabled' && (
                <button
                  type="button"
                  disabled={action.busy}
                  onClick={() => post('disable', undefined, t('status.disabled'))}
                >
                  {t('rules.disable')}
                </button>
              )}
              {can('rules.pause') && r.state === 'enabled' && (
                <button
                  type="button"
                  disabled={action.busy}
                  onClick={() => post('pause', {}, t('status.paused'))}
                >
                  {t('rules.pause')}
                </button>
              )}
              {can('rules.pause') && r.state === 'paused' && (
                <button
                  type="button"
                  disabled={action.busy}
                  onClick={() => post('resume', {}, t('status.enabled'))}
                >
                  {t('rules.resume')}
                </button>
              )}
              {can('rules.rollback') && older.length > 0 && (
                <span class="inline">
                  <label for="rollback-to">{t('rules.rollbackTo')}</label>
                  <select
                    id="rollback-to"
                    value={rollbackValue}
                    onChange={(e) => setRollbackTo((e.target as HTMLSelectElement).value)}
                  >
                    {older.map((v) => (
                      <option key={v.version} value={v.version}>
                        {v.version}
                      </option>
                    ))}
                  </select>
                  <button
                    type="button"
                    disabled={action.busy}
                    onClick={() =>
                      post(
                        'rollback',
                        { version: Number(rollbackValue) },
                        t('rules.showingVersion', { version: rollbackValue }),
                      )
                    }
                  >
                    {t('rules.rollback')}
                  </button>
                </span>
              )}
            </div>
            <ErrorBox error={action.error} />
            <Done message={action.done} />
          </section>

          {can('rules.run') && r.state !== 'disabled' && (
            <ManualRun rule={r} onStarted={(runId) => route(`/console/runs/${enc(runId)}`)} />
          )}

          <h2>{t('rules.source')}</h2>
          {source && (
            <>
              <p class="muted">{t('rules.showingVersion', { version: shownVersion ?? r.version })}</p>
              <SourceView source={source.source} file={source.sourcePath} line={line} />
            </>
          )}

          <h2>{t('rules.versions')}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('rules.version')}</th>
                <th scope="col">{t('rules.created')}</th>
                <th scope="col">{t('rules.author')}</th>
                <th scope="col">{t('rules.message')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((v) => (
                <tr key={v.version}>
                  <td>
                    <a href={`/console/rules/${enc(name)}?version=${v.version}`}>{v.version}</a>
                    {v.current && <span class="tag">{t('rules.current')}</span>}
                  </td>
                  <td>{when(v.createdAt)}</td>
                  <td>{v.author}</td>
                  <td>{v.message ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>

          {list.length > 1 && (
            <form
              class="card inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                void diffAction.run(async () => {
                  setDiff(
                    await api('GET', `/v1/rules/${enc(name)}/diff${query({ from: fromValue, to: toValue })}`),
                  );
                });
              }}
            >
              <h2>{t('rules.diff')}</h2>
              <label for="diff-from">{t('rules.from')}</label>
              <select
                id="diff-from"
                value={fromValue}
                onChange={(e) => setFrom((e.target as HTMLSelectElement).value)}
              >
                {list.map((v) => (
                  <option key={v.version} value={v.version}>
                    {v.version}
                  </option>
                ))}
              </select>
              <label for="diff-to">{t('rules.to')}</label>
              <select
                id="diff-to"
                value={toValue}
                onChange={(e) => setTo((e.target as HTMLSelectElement).value)}
              >
                {list.map((v) => (
                  <option key={v.version} value={v.version}>
                    {v.version}
                  </option>
                ))}
              </select>
              <button type="submit">{t('rules.showDiff')}</button>
              <ErrorBox error={diffAction.error} />
              {diff && (diff.diff.trim() ? <DiffView diff={diff.diff} /> : <p>{t('rules.noChanges')}</p>)}
            </form>
          )}

          <h2>{t('rules.runs')}</h2>
          <ErrorBox error={runs.error} />
          {runs.data && <RunsTable runs={runs.data.runs} showRule={false} />}
          <p>
            <a href={`/console/runs?rule=${enc(name)}`}>{t('rules.allOfThem')}</a>
          </p>
        </>
      )}
    </Page>
  );
}
