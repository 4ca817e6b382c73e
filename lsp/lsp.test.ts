/**
 * `opsflow lsp` driven as an editor drives it: the real CLI as a child process, JSON-RPC over
 * stdio, a rule set of several files on disk.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  HoverRequest,
  ReferencesRequest,
  RenameRequest,
  SemanticTokensRequest,
  type CompletionItem,
  type CompletionList,
  type Location,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { parseDsl, printDsl } from '../dsl';
import { LspClient } from './testing/lsp-client';

const CATALOG = `event inventory.updated {
  sku: string
  available: int
  reorder_point: int
  supplier: string?
}

event purchase_order.confirmed {
  po_id: string
}
`;

const RESTOCK = `rule restock "Reorder below the reorder point"
  on inventory.updated
  when event.available < event.reorder_point
do
  let qty = event.reorder_point - event.available
  let po = call purchasing.create_order(sku: event.sku, quantity: qty)
  log "PO \${po.id} for \${qty}"
end
`;

const TEST = `test: reorders
rule: restock
trigger:
  event: inventory.updated
  data: { sku: S-1, available: 1, reorder_point: 5 }
mocks:
  purchasing.create_order: { id: PO-1 }
expect:
  status: completed
`;

let dir: string;
let client: LspClient;

const items = (r: CompletionItem[] | CompletionList | null): CompletionItem[] =>
  Array.isArray(r) ? r : (r?.items ?? []);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'opsflow-lsp-'));
  writeFileSync(join(dir, 'catalog.rule'), CATALOG);
  writeFileSync(join(dir, 'restock.rule'), RESTOCK);
  writeFileSync(join(dir, 'restock.test.yaml'), TEST);
  copyFileSync(
    join(__dirname, '..', 'rules', 'purchasing.connector.yaml'),
    join(dir, 'purchasing.connector.yaml'),
  );
  client = await LspClient.start(dir);
  await client.open('restock.rule', RESTOCK);
});

afterAll(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('opsflow lsp over stdio', () => {
  it('publishes no errors for a rule set that checks', async () => {
    const d = await client.diagnosticsFor('restock.rule', () => true);
    expect(d.filter((x) => x.severity === 1)).toEqual([]);
  });

  it('reports a misspelled field at its range, with a quick fix', async () => {
    const text = RESTOCK.replace('event.available < ', 'event.availabel < ');
    await client.change('restock.rule', text);
    const d = await client.diagnosticsFor('restock.rule', (l) => l.some((x) => x.code === 'unknown-field'));
    const bad = d.find((x) => x.code === 'unknown-field')!;
    expect(bad.range).toEqual({ start: { line: 2, character: 13 }, end: { line: 2, character: 22 } });
    expect(bad.message).toContain("did you mean 'available'?");
    const actions = await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: client.uri('restock.rule') },
      range: bad.range,
      context: { diagnostics: [bad] },
    });
    const fix = (actions ?? []).find((a) => 'edit' in a && a.edit);
    expect(fix && 'edit' in fix && fix.edit?.changes?.[client.uri('restock.rule')]).toEqual([
      { range: bad.range, newText: 'available' },
    ]);
    await client.change('restock.rule', RESTOCK);
    await client.diagnosticsFor('restock.rule', (l) => !l.some((x) => x.code === 'unknown-field'));
  });

  it('completes the fields of event. with their types', async () => {
    const text = RESTOCK.replace('  let qty', '  log event.\n  let qty');
    await client.change('restock.rule', text);
    const result = await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: client.uri('restock.rule') },
      position: { line: 4, character: 12 },
    });
    const fields = items(result);
    expect(fields.map((i) => i.label).sort()).toEqual(['available', 'reorder_point', 'sku', 'supplier']);
    expect(fields.find((i) => i.label === 'supplier')?.detail).toBe('string?');
    await client.change('restock.rule', RESTOCK);
  });

  it('completes actions after call, with their arguments as a snippet', async () => {
    const text = RESTOCK.replace('  log "PO', '  call \n  log "PO');
    await client.change('restock.rule', text);
    const result = await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: client.uri('restock.rule') },
      position: { line: 6, character: 7 },
    });
    const list = items(result);
    const create = list.find((i) => i.label === 'purchasing.create_order');
    expect(create?.insertTextFormat).toBe(2);
    expect(create?.textEdit && 'newText' in create.textEdit && create.textEdit.newText).toBe(
      'purchasing.create_order(sku: ${1}, quantity: ${2})$0',
    );
    expect(list.map((i) => i.label)).toContain('notify.slack');
    await client.change('restock.rule', RESTOCK);
  });

  it('hovers with the type of a name, a field and an event declaration', async () => {
    const at = async (line: number, character: number) => {
      const h = await client.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri: client.uri('restock.rule') },
        position: { line, character },
      });
      return (h?.contents as MarkupContent | undefined)?.value ?? '';
    };
    expect(await at(4, 7)).toContain('qty: int');
    expect(await at(2, 16)).toContain('inventory.updated.available: int');
    expect(await at(1, 8)).toContain('event inventory.updated {');
    expect(await at(5, 20)).toContain('action purchasing.create_order(sku: string, quantity: int, supplier: string?) -> { id: string }'); // prettier-ignore
    expect(await at(6, 12)).toContain('po: { id: string }');
  });

  it('jumps to an event declared in another file, and finds its uses', async () => {
    const defs = (await client.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: client.uri('restock.rule') },
      position: { line: 1, character: 10 },
    })) as Location[];
    expect(defs).toEqual([
      {
        uri: client.uri('catalog.rule'),
        range: { start: { line: 0, character: 6 }, end: { line: 0, character: 23 } },
      },
    ]);
    const field = (await client.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: client.uri('restock.rule') },
      position: { line: 2, character: 15 },
    })) as Location[];
    expect(field).toEqual([
      {
        uri: client.uri('catalog.rule'),
        range: { start: { line: 2, character: 2 }, end: { line: 2, character: 11 } },
      },
    ]);
    const refs = await client.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: client.uri('catalog.rule') },
      position: { line: 2, character: 4 },
      context: { includeDeclaration: false },
    });
    expect((refs ?? []).map((r) => r.range.start.line).sort()).toEqual([2, 4]);
  });

  it('renames a rule in its file and in the test file that names it', async () => {
    const edit = await client.connection.sendRequest(RenameRequest.type, {
      textDocument: { uri: client.uri('restock.rule') },
      position: { line: 0, character: 7 },
      newName: 'reorder_low_stock',
    });
    expect(edit?.changes?.[client.uri('restock.rule')]).toEqual([
      {
        range: { start: { line: 0, character: 5 }, end: { line: 0, character: 12 } },
        newText: 'reorder_low_stock',
      },
    ]);
    expect(edit?.changes?.[client.uri('restock.test.yaml')]).toEqual([
      {
        range: { start: { line: 1, character: 6 }, end: { line: 1, character: 13 } },
        newText: 'reorder_low_stock',
      },
    ]);
  });

  it('renames a let name everywhere it is used', async () => {
    const edit = await client.connection.sendRequest(RenameRequest.type, {
      textDocument: { uri: client.uri('restock.rule') },
      position: { line: 4, character: 7 },
      newName: 'quantity',
    });
    const lines = (edit?.changes?.[client.uri('restock.rule')] ?? []).map((e) => e.range.start.line).sort();
    expect(lines).toEqual([4, 5, 6]);
  });

  it("formats with opsflow fmt's printer", async () => {
    const messy = 'rule   tidy\n on inventory.updated\ndo\nlog   "x"\nend';
    await client.open('tidy.rule', messy);
    const edits = await client.connection.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri: client.uri('tidy.rule') },
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(edits?.[0].newText).toBe(printDsl(parseDsl('tidy.rule', messy).file));
    expect(edits?.[0].newText).toBe('rule tidy\n  on inventory.updated\ndo\n  log "x"\nend\n');
  });

  it('lists symbols and semantic tokens', async () => {
    const symbols = await client.connection.sendRequest(DocumentSymbolRequest.type, {
      textDocument: { uri: client.uri('catalog.rule') },
    });
    expect((symbols ?? []).map((s) => s.name)).toEqual(['inventory.updated', 'purchase_order.confirmed']);
    const tokens = await client.connection.sendRequest(SemanticTokensRequest.type, {
      textDocument: { uri: client.uri('restock.rule') },
    });
    expect(tokens?.data.length).toBeGreaterThan(20);
    expect((tokens?.data.length ?? 0) % 5).toBe(0);
  });

  it('completes rule names in a test file', async () => {
    await client.open('restock.test.yaml', TEST.replace('rule: restock', 'rule: res'));
    const result = await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: client.uri('restock.test.yaml') },
      position: { line: 1, character: 9 },
    });
    expect(items(result).map((i) => i.label)).toEqual(expect.arrayContaining(['restock', 'tidy']));
  });

  it('re-checks the files that use a declaration when it changes', async () => {
    await client.open('catalog.rule', CATALOG.replace('  reorder_point: int\n', ''));
    const d = await client.diagnosticsFor('restock.rule', (l) => l.some((x) => x.code === 'unknown-field'));
    expect(d.filter((x) => x.code === 'unknown-field').map((x) => x.range.start.line)).toEqual([2, 4]);
    expect(client.logs.filter((l) => l.includes('internal error'))).toEqual([]);
  });
});
