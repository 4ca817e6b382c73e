import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import type { ApiError } from '../api';
import { t } from '../i18n';

/** A page: its `h1` (also the document's title) and its content. */
export function Page({ title, children }: { title: string; children: ComponentChildren }) {
  useEffect(() => {
    document.title = `${title} · opsflow`;
  }, [title]);
  return (
    <section class="page">
      <h1>{title}</h1>
      {children}
    </section>
  );
}

/** An API error said plainly: what failed and, for invalid fields, which and why. */
export function ErrorBox({ error }: { error: ApiError | undefined }) {
  if (!error) return null;
  return (
    <div class="error" role="alert">
      <p>
        {error.status === 404
          ? t('common.notFound', { message: error.message })
          : t('common.error', { message: error.message })}
      </p>
      {error.errors.length > 0 && (
        <ul>
          {error.errors.map((e) => (
            <li key={e.path}>
              <code>{e.path}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A success message, announced to screen readers. */
export function Done({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p class="done" role="status">
      {message}
    </p>
  );
}

/** Shown while the first answer is on its way. */
export function Loading({ when }: { when: boolean }) {
  return when ? <p class="muted">{t('common.loading')}</p> : null;
}

/** Previous/next page buttons of a cursor-paged list. */
export function Pager({
  page,
  nextCursor,
  onNext,
  onPrevious,
}: {
  page: number;
  nextCursor: string | null | undefined;
  onNext: (cursor: string) => void;
  onPrevious: () => void;
}) {
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={page <= 1} onClick={onPrevious}>
        {t('common.previous')}
      </button>
      <span class="muted">{page}</span>
      <button type="button" disabled={!nextCursor} onClick={() => nextCursor && onNext(nextCursor)}>
        {t('common.next')}
      </button>
      <span class="muted live">{t('common.live')}</span>
    </nav>
  );
}

/** An empty table's single row. */
export function EmptyRow({ columns }: { columns: number }) {
  return (
    <tr>
      <td colSpan={columns} class="muted">
        {t('common.none')}
      </td>
    </tr>
  );
}
