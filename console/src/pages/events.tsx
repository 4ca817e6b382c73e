import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { enc, query, type EventSummary, type EventView } from '../api';
import { EmptyRow, ErrorBox, Loading, Page, Pager } from '../components/common';
import { shortId, when } from '../format';
import { useCursor, usePoll } from '../hooks';
import { t } from '../i18n';
import { Status } from '../status';

/** Look an event up by id, or list the latest ones (of a type). */
export function EventsPage() {
  const { query: q } = useRoute();
  const { route } = useLocation();
  const [id, setId] = useState('');
  const [type, setType] = useState(q.type ?? '');
  const pages = useCursor(q.type ?? '');
  const { data, error } = usePoll<{ events: EventSummary[]; nextCursor: string | null }>(
    `/v1/events${query({ type: q.type, limit: 20, cursor: pages.cursor })}`,
  );
  return (
    <Page title={t('events.title')}>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (id.trim()) route(`/console/events/${enc(id.trim())}`);
        }}
      >
        <label for="event-id">{t('events.eventId')}</label>
        <input
          id="event-id"
          type="search"
          value={id}
          onInput={(e) => setId((e.target as HTMLInputElement).value)}
        />
        <button type="submit">{t('events.lookUp')}</button>
      </form>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          route(`/console/events${query({ type: type.trim() })}`);
        }}
      >
        <label for="event-type">{t('events.type')}</label>
        <input
          id="event-type"
          type="text"
          value={type}
          onInput={(e) => setType((e.target as HTMLInputElement).value)}
        />
        <button type="submit">{t('common.filter')}</button>
      </form>
      <ErrorBox error={error} />
      <Loading when={!data && !error} />
      {data && (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('events.id')}</th>
                <th scope="col">{t('events.type')}</th>
                <th scope="col">{t('events.received')}</th>
                <th scope="col">{t('events.routing')}</th>
                <th scope="col">{t('events.outcomes')}</th>
              </tr>
            </thead>
            <tbody>
              {data.events.length === 0 && <EmptyRow columns={5} />}
              {data.events.map((ev) => (
                <tr key={ev.id}>
                  <td>
                    <a href={`/console/events/${enc(ev.id)}`}>{ev.id}</a>
                  </td>
                  <td>{ev.type}</td>
                  <td>{when(ev.receivedAt)}</td>
                  <td>
                    <Status value={ev.routing.status} />
                  </td>
                  <td>
                    {ev.outcomes.map((o, i) => (
                      <span key={i} class="outcome">
                        {o.rule}: <Status value={o.outcome} />
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
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

/** One event: per-rule outcome, the run it started, and why a rule skipped it (the guard). */
export function EventPage() {
  const { params } = useRoute();
  const id = params.id;
  const { data: ev, error } = usePoll<EventView>(`/v1/events/${enc(id)}`);
  return (
    <Page title={t('events.eventTitle', { id })}>
      <ErrorBox error={error} />
      <Loading when={!ev && !error} />
      {ev && (
        <>
          <dl class="facts">
            <dt>{t('events.type')}</dt>
            <dd>{ev.type}</dd>
            <dt>{t('events.received')}</dt>
            <dd>{when(ev.receivedAt)}</dd>
            <dt>{t('events.routing')}</dt>
            <dd>
              <Status value={ev.routing.status} />
              {ev.routing.error && <span class="muted"> {ev.routing.error}</span>}
            </dd>
          </dl>
          {!ev.declared && <p class="muted">{t('events.undeclared')}</p>}
          <h2>{t('events.outcomes')}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('events.rule')}</th>
                <th scope="col">{t('events.outcome')}</th>
                <th scope="col">{t('events.run')}</th>
                <th scope="col">{t('events.why')}</th>
              </tr>
            </thead>
            <tbody>
              {ev.outcomes.length === 0 && <EmptyRow columns={4} />}
              {ev.outcomes.map((o, i) => (
                <tr key={i}>
                  <td>
                    <a href={`/console/rules/${enc(o.rule)}`}>{o.rule}</a>
                    {o.version ? <span class="muted small"> v{o.version}</span> : null}
                  </td>
                  <td>
                    <Status value={o.outcome} />
                  </td>
                  <td>{o.runId ? <a href={`/console/runs/${enc(o.runId)}`}>{shortId(o.runId)}</a> : '—'}</td>
                  <td>
                    {o.detail ? (
                      <div class={o.outcome === 'skipped' ? 'why' : undefined}>
                        {o.outcome === 'skipped' && <strong>{t('events.skippedBecause')}: </strong>}
                        <code>{o.detail}</code>
                      </div>
                    ) : (
                      ''
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{t('events.data')}</h2>
          <pre class="json">
            <code>{JSON.stringify(ev.data, null, 2)}</code>
          </pre>
        </>
      )}
    </Page>
  );
}
