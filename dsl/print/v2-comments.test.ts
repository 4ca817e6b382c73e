/**
 * Comments in and around the v2 constructs stay where they were through `fmt` and through
 * translation to YAML and back.
 */
import { stripSpans } from '../ast/strip-spans';
import { parseDsl } from '../text/parse-dsl';
import { parseYaml } from '../yaml/parse-yaml';
import { printDsl } from './print-dsl';
import { printYaml } from './print-yaml';

const TEXT = `rule r
  on order.created
  # hold bursts
  debounce 30s max 5m  # per order
  cancel on order.cancelled as c where c.order_id == event.order_id
do
  # first of two
  wait for first  # whichever comes first
    # paid
    case payment.captured as p where p.order_id == event.order_id  # the usual case
      # label it
      call shipping.create_label(order_id: event.order_id)
    # cancelled
    case order.cancelled
      stop "cancelled"
  # nothing more
  # after an hour
  within 1h
    log "late"
    # before end
  end
end
`;

describe('comments of v2 constructs', () => {
  it('are kept in place by fmt', () => {
    const parsed = parseDsl('c.rule', TEXT);
    expect(parsed.diagnostics).toEqual([]);
    expect(printDsl(parsed.file)).toBe(TEXT);
    const [rule] = parsed.file.decls;
    expect(rule.kind === 'rule' && rule.clauses[1]).toMatchObject({
      comments: ['hold bursts'],
      trailingComment: 'per order',
    });
    const stmt = rule.kind === 'rule' ? rule.body[0] : undefined;
    expect(stmt).toMatchObject({
      kind: 'wait_first',
      comments: ['first of two'],
      trailingComment: 'whichever comes first',
      onTimeoutComments: ['nothing more', 'after an hour'],
      endComments: ['before end'],
      cases: [
        { comments: ['paid'], trailingComment: 'the usual case', body: [{ comments: ['label it'] }] },
        { comments: ['cancelled'] },
      ],
    });
  });

  it('survive translation to YAML and back', () => {
    const parsed = parseDsl('c.rule', TEXT).file;
    const yaml = printYaml(parsed);
    const back = parseYaml('c.rule.yaml', yaml);
    expect(back.diagnostics).toEqual([]);
    expect(printYaml(back.file)).toBe(yaml);
    const again = parseDsl('c.rule', printDsl(back.file));
    expect(again.diagnostics).toEqual([]);
    expect(stripSpans(back.file.decls)).toEqual(stripSpans(again.file.decls));
    const comments = (text: string) => [...text.matchAll(/# (.*)$/gm)].map((m) => m[1]).sort();
    expect(comments(yaml)).toEqual(comments(TEXT));
  });
});
