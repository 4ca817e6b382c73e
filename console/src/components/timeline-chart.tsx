import type { RunDetail, RunStep } from '../api';
import { enc } from '../api';
import { duration, when } from '../format';
import { t } from '../i18n';
import { en } from '../locales';

/** Steps that take time are bars; the rest are points on the chart. */
const SPANNING = new Set(['call', 'sleep', 'wait', 'approve', 'compensate']);

/** A step's kind as shown: the run's own start and end say so (`run completed`). */
function kindLabel(kind: string): string {
  return Object.hasOwn(en.kind, kind) ? t(`kind.${kind}`) : kind;
}

/** A step's status with a mark, so it does not read as the run's status. */
const MARKS: Readonly<Record<string, string>> = {
  done: '✓',
  failed: '✗',
  running: '…',
  timed_out: '⏱',
  cancelled: '–',
};

/** Where a step's source line is shown: the rule's page at the run's version. */
export function sourceHref(run: RunDetail, line: number | null | undefined): string | undefined {
  if (!run.rule || !line) return undefined;
  return `/console/rules/${enc(run.rule)}?version=${run.version ?? ''}&line=${line}`;
}

function stepEnd(step: RunStep, now: number): number {
  return step.endedAt ? Date.parse(step.endedAt) : now;
}

/**
 * The run's timeline as a time chart: one row per step, its bar from start to end on the run's
 * time axis (an open step runs to now), sleeps and waits in their own colours, each step's label
 * linking to its source line. Also a table underneath, for reading exact times.
 */
export function TimelineChart({ run, now }: { run: RunDetail; now: number }) {
  const steps = run.timeline;
  if (steps.length === 0) return <p class="muted">{t('common.none')}</p>;
  const start = Math.min(Date.parse(run.startedAt), ...steps.map((s) => Date.parse(s.startedAt)));
  const end = Math.max(
    run.closedAt ? Date.parse(run.closedAt) : now,
    ...steps.map((s) => stepEnd(s, now)),
    start + 1,
  );
  const span = end - start;
  const pct = (ms: number): string => `${((ms / span) * 100).toFixed(3)}%`;
  return (
    <>
      {run.timelineDropped > 0 && <p class="muted">{t('run.dropped', { count: run.timelineDropped })}</p>}
      <figure class="chart" aria-label={t('run.chart')}>
        <div class="axis" aria-hidden="true">
          <span>0</span>
          <span>{duration(span / 2)}</span>
          <span>{duration(span)}</span>
        </div>
        {steps.map((step, i) => {
          const s = Date.parse(step.startedAt) - start;
          const e = stepEnd(step, now) - start;
          const bar = SPANNING.has(step.kind);
          const href = sourceHref(run, step.source?.line);
          const label = `${kindLabel(step.kind)}${step.where ? ` ${step.where}` : ''}`;
          return (
            <div class="chart-row" key={i}>
              <div class="chart-label">
                {href ? <a href={href}>{label}</a> : label}
                {step.source && <span class="muted small"> :{step.source.line}</span>}
              </div>
              <div class="chart-track">
                <div
                  class={`bar bar-${step.kind} bar-${step.status}${bar ? '' : ' point'}${step.endedAt ? '' : ' open'}`}
                  style={{ left: pct(s), width: bar ? `max(3px, ${pct(Math.max(e - s, 0))})` : undefined }}
                  title={`${label} · ${step.status} · ${duration(Math.max(e - s, 0))}`}
                />
              </div>
            </div>
          );
        })}
      </figure>
      <table class="steps">
        <caption>{t('run.timeline')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('run.kind')}</th>
            <th scope="col">{t('run.step')}</th>
            <th scope="col">{t('run.status')}</th>
            <th scope="col">{t('run.startedAt')}</th>
            <th scope="col">{t('run.duration')}</th>
            <th scope="col">{t('run.sourceLine')}</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((step, i) => {
            const href = sourceHref(run, step.source?.line);
            return (
              <tr key={i}>
                <td>{kindLabel(step.kind)}</td>
                <td>
                  {step.where ?? ''}
                  {step.detail ? <div class="muted small">{String(step.detail)}</div> : null}
                </td>
                <td class={`step-${step.status}`}>
                  {MARKS[step.status] ?? ''} {t(`status.${step.status}`, { defaultValue: step.status })}
                </td>
                <td>{when(step.startedAt)}</td>
                <td>
                  {step.endedAt
                    ? duration(Date.parse(step.endedAt) - Date.parse(step.startedAt))
                    : t('run.open')}
                </td>
                <td>
                  {href && step.source ? (
                    <a href={href}>
                      {step.source.file}:{step.source.line}
                    </a>
                  ) : (
                    ''
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
