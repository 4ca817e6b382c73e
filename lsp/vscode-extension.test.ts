/**
 * The VS Code extension's static parts (editors/vscode): the JSON Schemas accept every YAML file
 * of the example rule set, the grammar and the manifest agree on the language.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';

const EXT = join(__dirname, '..', 'editors', 'vscode');
const RULES = join(__dirname, '..', 'rules');
const json = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8'));

function documents(suffix: string): { file: string; value: unknown }[] {
  return readdirSync(RULES)
    .filter((f) => f.endsWith(suffix))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(RULES, file), 'utf8')).map((d) => ({
        file,
        value: d.toJS() as unknown,
      })),
    );
}

describe('the VS Code extension', () => {
  it.each([
    ['connector.schema.json', '.connector.yaml'],
    ['test.schema.json', '.test.yaml'],
  ])('%s accepts every %s file of the example rule set, and refuses a wrong key', (schema, suffix) => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(json(join(EXT, 'schemas', schema)));
    const docs = documents(suffix);
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) expect({ file: d.file, ok: validate(d.value), errors: validate.errors }).toEqual({ file: d.file, ok: true, errors: null }); // prettier-ignore
    expect(validate({ ...(docs[0].value as object), unknown_key: 1 })).toBe(false);
  });

  it('declares the language, its grammar and the schemas it ships', () => {
    const manifest = json(join(EXT, 'package.json')) as {
      contributes: { languages: { id: string; extensions: string[] }[]; grammars: { scopeName: string; path: string }[]; yamlValidation: { url: string }[] }; // prettier-ignore
      main: string;
    };
    expect(manifest.contributes.languages[0]).toMatchObject({ id: 'opsflow', extensions: ['.rule'] });
    const grammar = json(join(EXT, manifest.contributes.grammars[0].path));
    expect(grammar.scopeName).toBe(manifest.contributes.grammars[0].scopeName);
    const urls = manifest.contributes.yamlValidation.map((v) => v.url);
    expect(urls).toEqual(['./schemas/rule.schema.json', './schemas/connector.schema.json', './schemas/test.schema.json']); // prettier-ignore
    expect(readFileSync(join(EXT, manifest.main), 'utf8')).toContain("'lsp'");
  });

  it('highlights with patterns that compile', () => {
    const grammar = readFileSync(join(EXT, 'syntaxes', 'opsflow.tmLanguage.json'), 'utf8');
    const patterns = [...grammar.matchAll(/"(?:match|begin|end)": "((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string); // prettier-ignore
    expect(patterns.length).toBeGreaterThan(15);
    for (const p of patterns) expect(() => new RegExp(p)).not.toThrow();
    expect(new RegExp(patterns.find((p) => p.includes('ms|s|m|h|d|w'))!).test('1h30m')).toBe(true);
  });
});
