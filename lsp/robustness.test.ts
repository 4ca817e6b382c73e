/**
 * No text crashes the language server: every feature answers on random text, on rules cut and
 * spliced at random places, at random positions (property tests, without the server's own
 * safety net, so a bug shows as a failure here instead of an empty answer there).
 */
import fc from 'fast-check';
import type { Position } from 'vscode-languageserver';
import { complete } from './completion';
import {
  definition,
  documentSymbols,
  format,
  hover,
  references,
  rename,
  RenameError,
  semanticTokens,
} from './features';
import { RuleSetModel } from './rule-set';

const CATALOG = 'event inventory.updated {\n  sku: string\n  available: int\n  tags: list<string>?\n}\n';
const RULE = `rule restock "r"
  on inventory.updated
  when event.available < 3 and len(event.tags ?? []) > 0
  key event.sku
do
  let qty = max(event.available, 2) * 2
  let po = call notify.slack(channel: "#ops", text: "\${event.sku} \${qty}")
  for each t in event.tags ?? []
    log t
  end
  wait for inventory.updated as again where again.sku == event.sku within 1d
    on timeout
      stop "late"
  end
  emit inventory.updated { sku: event.sku, available: qty }
end
`;
const YAML = `rule: restock_yaml
on: inventory.updated
when: event.available < 3
do:
  - let: qty
    value: event.available * 2
  - call: notify.slack
    with: { channel: "#ops", text: "\${qty}" }
`;
const TEST =
  'test: t\nrule: restock\ntrigger:\n  event: inventory.updated\n  data: { sku: a }\nexpect:\n  status: completed\n';
const TOKENS = ['rule', 'event', 'action', 'on', 'do', 'end', 'call', 'let', 'wait for', 'emit', '.', '(', ')', '{', '}', '"', '${', ':', '?', '\n', ' ', '#', 'x', 'event.', 'inventory.updated', '1h', '---', '- ', '中文']; // prettier-ignore

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((t) => t.join('')),
  fc
    .tuple(fc.constantFrom(RULE, YAML, TEST), fc.nat(), fc.nat(), fc.string({ maxLength: 20 }))
    .map(([base, a, b, insert]) => {
      const i = a % (base.length + 1);
      const j = Math.min(base.length, i + (b % 40));
      return base.slice(0, i) + insert + base.slice(j);
    }),
);
const position = fc.record({ line: fc.nat({ max: 20 }), character: fc.nat({ max: 80 }) });
const fileName = fc.constantFrom('a.rule', 'a.rule.yaml', 'a.test.yaml', 'a.connector.yaml');

function allFeatures(model: RuleSetModel, file: string, content: string, pos: Position): void {
  const analysis = model.analyze();
  complete(model, file, content, pos);
  hover(analysis, file, pos);
  definition(analysis, file, pos);
  references(analysis, file, pos, true);
  try {
    rename(analysis, file, pos, 'renamed');
  } catch (err) {
    if (!(err instanceof RenameError)) throw err;
  }
  documentSymbols(analysis, file);
  const tokens = semanticTokens(analysis, file);
  expect(tokens.length % 5).toBe(0);
  format(file, content);
}

describe('the language server on any text', () => {
  it('answers every request on random files without throwing', () => {
    fc.assert(
      fc.property(
        fileName,
        text,
        fc.array(position, { minLength: 1, maxLength: 5 }),
        (file, content, positions) => {
          const model = new RuleSetModel('/nowhere');
          model.set('catalog.rule', CATALOG);
          model.set('b.rule', RULE);
          model.set(file, content);
          for (const pos of positions) allFeatures(model, file, content, pos);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers at every position of a rule being edited', () => {
    const model = new RuleSetModel('/nowhere');
    model.set('catalog.rule', CATALOG);
    model.set('a.rule', RULE);
    model.analyze();
    const truncated = RULE.slice(0, RULE.indexOf('  let po'));
    model.set('a.rule', truncated);
    const lines = RULE.split('\n');
    for (let line = 0; line < lines.length; line++) {
      for (let character = 0; character <= lines[line].length; character++) {
        allFeatures(model, 'a.rule', RULE, { line, character });
        allFeatures(model, 'a.rule', truncated, { line, character });
      }
    }
  });
});
