import { useEffect } from 'preact/hooks';

/** A rule's source with line numbers; `line` is highlighted and scrolled to. */
export function SourceView({
  source,
  file,
  line,
}: {
  source: string;
  file: string;
  line?: number | undefined;
}) {
  const lines = source.replace(/\n$/, '').split('\n');
  useEffect(() => {
    if (line) document.getElementById(`L${line}`)?.scrollIntoView({ block: 'center' });
  }, [line, source]);
  return (
    <figure class="source">
      <figcaption>
        <code>{file}</code>
      </figcaption>
      <pre>
        <code>
          {lines.map((text, i) => (
            <div key={i} id={`L${i + 1}`} class={i + 1 === line ? 'line line-hit' : 'line'}>
              <span class="ln" aria-hidden="true">
                {i + 1}
              </span>
              <span class="lt">{text || ' '}</span>
            </div>
          ))}
        </code>
      </pre>
    </figure>
  );
}

/** A unified diff, additions and removals coloured (and marked by their +/- for screen readers). */
export function DiffView({ diff }: { diff: string }) {
  const lines = diff.replace(/\n$/, '').split('\n');
  return (
    <pre class="diff">
      <code>
        {lines.map((text, i) => {
          const kind =
            text.startsWith('+++') ||
            text.startsWith('---') ||
            text.startsWith('Index') ||
            text.startsWith('===')
              ? 'meta'
              : text.startsWith('@@')
                ? 'hunk'
                : text.startsWith('+')
                  ? 'add'
                  : text.startsWith('-')
                    ? 'del'
                    : 'ctx';
          return (
            <div key={i} class={`dl dl-${kind}`}>
              {text || ' '}
            </div>
          );
        })}
      </code>
    </pre>
  );
}
