import { useEffect, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { query, type RuleSummary, type RunSummary } from '../api';
import { ErrorBox, Loading, Page, Pager } from '../components/common';
import { BulkRerun } from '../components/bulk-rerun';
import { RunsTable } from '../components/runs-table';
import { useCursor, usePoll } from '../hooks';
import { t } from '../i18n';
import { useCan } from '../session';

/** The statuses `GET /v1/runs?status=` takes. */
const STATUSES = ['running', 'completed', 'failed', 'stopped', 'cancelled', 'timed_out'];
const FILTERS = ['rule', 'status', 'key', 'since', 'until'] as const;

/** `datetime-local` text (local time) as ISO-8601, and back. */
function toIso(local: string): string {
  return local ? new Date(local).toISOString() : '';
}
function toLocal(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Runs, newest first, filtered by rule, status, key and start time; the filters are in the URL. */
export function RunsPage() {
  const { query: q } = useRoute();
  const { route } = useLocation();
  const filter = Object.fromEntries(FILTERS.map((f) => [f, q[f] ?? ''])) as Record<
    (typeof FILTERS)[number],
    string
  >;
  const [form, setForm] = useState(filter);
  const filterKey = JSON.stringify(filter);
  // A new URL (a link from the overview, the nav's Runs) shows its own filters in the form.
  useEffect(() => setForm(filter), [filterKey]);
  const pages = useCursor(filterKey);
  const rules = usePoll<{ rules: RuleSummary[] }>('/v1/rules', false);
  const { data, error } = usePoll<{ runs: RunSummary[]; nextCursor: string | null }>(
    `/v1/runs${query({ ...filter, limit: 20, cursor: pages.cursor })}`,
  );
  const can = useCan();
  const set = (name: (typeof FILTERS)[number]) => (e: Event) =>
    setForm({ ...form, [name]: (e.target as HTMLInputElement).value });

  return (
    <Page title={t('runs.title')}>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          route(`/console/runs${query(form)}`);
        }}
      >
        <span class="filter">
          <label for="runs-rule">{t('runs.rule')}</label>
          <select id="runs-rule" value={form.rule} onChange={set('rule')}>
            <option value="">{t('common.any')}</option>
            {rules.data?.rules.map((r) => (
              <option key={r.name} value={r.name}>
                {r.name}
              </option>
            ))}
            {form.rule && !rules.data?.rules.some((r) => r.name === form.rule) && (
              <option value={form.rule}>{form.rule}</option>
            )}
          </select>
        </span>
        <span class="filter">
          <label for="runs-status">{t('runs.status')}</label>
          <select id="runs-status" value={form.status} onChange={set('status')}>
            <option value="">{t('common.any')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </span>
        <span class="filter">
          <label for="runs-key">{t('runs.key')}</label>
          <input id="runs-key" type="text" value={form.key} onInput={set('key')} />
        </span>
        <span class="filter">
          <label for="runs-since">{t('runs.since')}</label>
          <input
            id="runs-since"
            type="datetime-local"
            value={toLocal(form.since)}
            onInput={(e) => setForm({ ...form, since: toIso((e.target as HTMLInputElement).value) })}
          />
        </span>
        <span class="filter">
          <label for="runs-until">{t('runs.until')}</label>
          <input
            id="runs-until"
            type="datetime-local"
            value={toLocal(form.until)}
            onInput={(e) => setForm({ ...form, until: toIso((e.target as HTMLInputElement).value) })}
          />
        </span>
        <button type="submit">{t('common.filter')}</button>
        <button
          type="button"
          onClick={() => {
            setForm({ rule: '', status: '', key: '', since: '', until: '' });
            route('/console/runs');
          }}
        >
          {t('common.clear')}
        </button>
      </form>
      {can('runs.rerun') && <BulkRerun filter={filter} />}
      <ErrorBox error={error} />
      <Loading when={!data && !error} />
      {data && (
        <>
          <RunsTable runs={data.runs} />
          <Pager
            page={pages.page}
            nextCursor={data.nextCursor}
            onNext={pages.next}
            onPrevious={pages.previous}
          />
        </>
      )}
    </Page>
  );
}
