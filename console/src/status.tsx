import { t } from './i18n';
import { en } from './locales';

/** The colour family of each status, outcome and state the API names; unknown ones are grey. */
const TONES: Readonly<Record<string, 'ok' | 'bad' | 'busy' | 'wait' | 'muted' | 'warn'>> = {
  completed: 'ok',
  done: 'ok',
  started: 'ok',
  routed: 'ok',
  enabled: 'ok',
  failed: 'bad',
  error: 'bad',
  timed_out: 'bad',
  running: 'busy',
  starting: 'busy',
  pending: 'busy',
  waiting: 'wait',
  queued: 'wait',
  paused: 'wait',
  debounced: 'wait',
  batched: 'wait',
  stopped: 'muted',
  cancelled: 'muted',
  disabled: 'muted',
  removed: 'muted',
  skipped: 'muted',
  dropped: 'muted',
  replaced: 'muted',
  throttled: 'warn',
  limited: 'warn',
};

/**
 * A status, outcome or state as text, coloured. A word the console does not know (a newer API)
 * is shown as the API wrote it: nothing is hidden for want of a label.
 */
export function Status({ value }: { value: string }) {
  const known = Object.hasOwn(en.status, value);
  const label = known ? t(`status.${value}`) : value;
  const tone = TONES[value] ?? 'muted';
  return (
    <span class={`status status-${tone}`} data-status={value}>
      {label}
    </span>
  );
}
