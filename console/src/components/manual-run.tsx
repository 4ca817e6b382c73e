import { useState } from 'preact/hooks';
import { api, enc, type ManualInput, type RuleSummary } from '../api';
import { t } from '../i18n';
import { useAction } from '../hooks';
import { ErrorBox } from './common';
import { baseType, isOptional, parseField } from '../input-values';

function Field({
  input,
  value,
  onChange,
}: {
  input: ManualInput;
  value: string;
  onChange: (v: string) => void;
}) {
  const type = baseType(input.type);
  const id = `input-${input.name}`;
  const optional = isOptional(input);
  const label = (
    <label for={id}>
      {input.name} <span class="muted">({input.type})</span>
    </label>
  );
  const set = (e: Event): void => onChange((e.target as HTMLInputElement).value);
  if (type === 'bool') {
    return (
      <div class="field">
        {label}
        <select id={id} value={value} onChange={set}>
          {optional && <option value="">—</option>}
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      </div>
    );
  }
  if (type === 'int' || type === 'number') {
    return (
      <div class="field">
        {label}
        <input
          id={id}
          type="number"
          step={type === 'int' ? 1 : 'any'}
          required={!optional}
          value={value}
          onInput={set}
        />
      </div>
    );
  }
  if (type === 'string' || type === 'time' || type === 'duration') {
    return (
      <div class="field">
        {label}
        <input id={id} type="text" required={!optional} value={value} onInput={set} />
      </div>
    );
  }
  return (
    <div class="field">
      {label}
      <textarea id={id} rows={2} required={!optional} value={value} onInput={set} />
      {type.startsWith('list<') && <span class="muted small">{t('rules.listHint')}</span>}
    </div>
  );
}

/**
 * `Run now`: a form of the rule's typed `manual(...)` inputs, or the event's data (JSON) for an
 * `on` rule; a scheduled rule runs with nothing.
 */
export function ManualRun({ rule, onStarted }: { rule: RuleSummary; onStarted: (runId: string) => void }) {
  const inputs = rule.trigger.kind === 'manual' ? rule.trigger.inputs : [];
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      inputs.map((i) => [i.name, baseType(i.type) === 'bool' && !isOptional(i) ? 'false' : '']),
    ),
  );
  const [eventData, setEventData] = useState('{}');
  const action = useAction();
  const submit = (e: Event): void => {
    e.preventDefault();
    void action.run(async () => {
      let body: unknown = {};
      if (rule.trigger.kind === 'manual') {
        const input: Record<string, unknown> = {};
        for (const i of inputs) {
          const v = parseField(i, values[i.name] ?? '');
          if (v !== undefined) input[i.name] = v;
        }
        body = { input };
      } else if (rule.trigger.kind === 'on') {
        let data: unknown;
        try {
          data = JSON.parse(eventData);
        } catch {
          throw new Error(`${t('rules.eventData')}: not valid JSON`);
        }
        body = { event: { data } };
      }
      const started = await api<{ runId: string }>('POST', `/v1/rules/${enc(rule.name)}/runs`, body);
      onStarted(started.runId);
    });
  };
  return (
    <form class="card" onSubmit={submit} aria-label={t('rules.manualRun')}>
      <h2>{t('rules.manualRun')}</h2>
      {inputs.map((i) => (
        <Field
          key={i.name}
          input={i}
          value={values[i.name] ?? ''}
          onChange={(v) => setValues({ ...values, [i.name]: v })}
        />
      ))}
      {rule.trigger.kind === 'on' && (
        <div class="field">
          <label for="event-data">{t('rules.eventData')}</label>
          <textarea
            id="event-data"
            rows={4}
            value={eventData}
            onInput={(e) => setEventData((e.target as HTMLTextAreaElement).value)}
          />
        </div>
      )}
      <button type="submit" disabled={action.busy}>
        {t('rules.runNow')}
      </button>
      {action.error && <ErrorBox error={action.error} />}
    </form>
  );
}
