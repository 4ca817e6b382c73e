import { type Approval } from '../api';
import { enc } from '../api';
import { EmptyRow, ErrorBox, Loading, Page, Pager } from '../components/common';
import { shortId, when } from '../format';
import { useCursor, usePoll } from '../hooks';
import { t } from '../i18n';
import { query } from '../api';

/** The approvals inbox, oldest first; each row links to the run, where it is decided. */
export function ApprovalsPage() {
  const pages = useCursor('');
  const { data, error } = usePoll<{ approvals: Approval[]; nextCursor: string | null }>(
    `/v1/approvals${query({ limit: 50, cursor: pages.cursor })}`,
  );
  return (
    <Page title={t('approvals.title')}>
      <ErrorBox error={error} />
      <Loading when={!data && !error} />
      {data && (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('approvals.text')}</th>
                <th scope="col">{t('approvals.rule')}</th>
                <th scope="col">{t('approvals.run')}</th>
                <th scope="col">{t('approvals.by')}</th>
                <th scope="col">{t('approvals.requested')}</th>
                <th scope="col">{t('approvals.deadline')}</th>
                <th scope="col">{t('approvals.mayDecide')}</th>
              </tr>
            </thead>
            <tbody>
              {data.approvals.length === 0 && <EmptyRow columns={7} />}
              {data.approvals.map((a) => (
                <tr key={a.runId}>
                  <td>
                    <a href={`/console/runs/${enc(a.runId)}`}>{a.description}</a>
                  </td>
                  <td>{a.rule}</td>
                  <td>
                    <a href={`/console/runs/${enc(a.runId)}`}>{shortId(a.runId)}</a>
                    {a.key && <span class="muted small"> {a.key}</span>}
                  </td>
                  <td>{a.by ?? t('approvals.anyOperator')}</td>
                  <td>{when(a.requestedAt)}</td>
                  <td>{when(a.deadline)}</td>
                  <td>{a.mayDecide ? t('common.yes') : t('common.no')}</td>
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
