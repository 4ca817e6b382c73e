import { useState } from 'preact/hooks';
import { api, enc, type ScheduleView } from '../api';
import { Done, EmptyRow, ErrorBox, Loading, Page } from '../components/common';
import { when } from '../format';
import { useAction, usePoll } from '../hooks';
import { t } from '../i18n';
import { Status } from '../status';

function ScheduleRow({ s, onChanged }: { s: ScheduleView; onChanged: () => void }) {
  const action = useAction();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const post = (path: string, body?: unknown): void =>
    void action.run(async () => {
      await api('POST', `/v1/schedules/${enc(s.rule)}/${path}`, body);
      onChanged();
      return t('common.done');
    });
  const id = s.rule.replace(/[^A-Za-z0-9_-]/g, '_');
  return (
    <tr>
      <td>
        <a href={`/console/rules/${enc(s.rule)}`}>{s.rule}</a>
        <div class="muted small">v{s.version}</div>
      </td>
      <td>{s.every ?? '—'}</td>
      <td>
        <Status value={s.paused ? 'paused' : 'enabled'} />
        {s.note && <div class="muted small">{s.note}</div>}
      </td>
      <td>
        {s.nextActionTimes.slice(0, 3).map((n) => (
          <div key={n}>{when(n)}</div>
        ))}
      </td>
      <td>
        {s.recentActions
          .slice(-3)
          .reverse()
          .map((a, i) => (
            <div key={i}>{when(a.takenAt ?? a.scheduledAt)}</div>
          ))}
      </td>
      <td>
        <div class="actions" role="group" aria-label={t('schedules.actionsFor', { rule: s.rule })}>
          {s.paused ? (
            <button type="button" disabled={action.busy} onClick={() => post('unpause')}>
              {t('schedules.resume')}
            </button>
          ) : (
            <button type="button" disabled={action.busy} onClick={() => post('pause')}>
              {t('schedules.pause')}
            </button>
          )}
          <button type="button" disabled={action.busy} onClick={() => post('trigger')}>
            {t('schedules.trigger')}
          </button>
        </div>
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            post('backfill', { from: new Date(from).toISOString(), to: new Date(to).toISOString() });
          }}
        >
          <label for={`bf-from-${id}`}>{t('schedules.from')}</label>
          <input
            id={`bf-from-${id}`}
            type="datetime-local"
            required
            value={from}
            onInput={(e) => setFrom((e.target as HTMLInputElement).value)}
          />
          <label for={`bf-to-${id}`}>{t('schedules.to')}</label>
          <input
            id={`bf-to-${id}`}
            type="datetime-local"
            required
            value={to}
            onInput={(e) => setTo((e.target as HTMLInputElement).value)}
          />
          <button type="submit" disabled={action.busy}>
            {t('schedules.backfill')}
          </button>
        </form>
        <ErrorBox error={action.error} />
        <Done message={action.done} />
      </td>
    </tr>
  );
}

/** The rules' Temporal Schedules: pause/resume, trigger now, backfill a time range. */
export function SchedulesPage() {
  const { data, error, reload } = usePoll<{ schedules: ScheduleView[] }>('/v1/schedules');
  return (
    <Page title={t('schedules.title')}>
      <ErrorBox error={error} />
      <Loading when={!data && !error} />
      {data && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('schedules.rule')}</th>
              <th scope="col">{t('schedules.every')}</th>
              <th scope="col">{t('schedules.state')}</th>
              <th scope="col">{t('schedules.next')}</th>
              <th scope="col">{t('schedules.recent')}</th>
              <th scope="col">{t('rules.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {data.schedules.length === 0 && <EmptyRow columns={6} />}
            {data.schedules.map((s) => (
              <ScheduleRow key={s.rule} s={s} onChanged={reload} />
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
