import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import type { Clause, Decl, FieldDecl, SourceFile, Stmt, TypeExpr } from '../ast/ast';
import { readDuration } from '../core/duration-literal';
import { parseDsl } from '../text/parse-dsl';
import { printDsl } from '../print/print-dsl';
import { printYaml } from '../print/print-yaml';
import { stripSpans } from '../ast/strip-spans';
import { sourceFile as dslFileArb } from '../testing/dsl-arbitraries';
import { SPEC_RULE } from '../testing/dsl-example';
import { sourceFileArb as yamlFileArb } from '../testing/yaml-arbitraries';
import { SPEC_EXAMPLE, VALID_FIXTURES } from '../testing/yaml-fixtures';
import { parseYaml } from './parse-yaml';

function dsl(text: string): SourceFile {
  const result = parseDsl('x.rule', text);
  expect(result.diagnostics).toEqual([]);
  return result.file;
}

function yaml(text: string): SourceFile {
  const result = parseYaml('x.rule.yaml', text);
  expect(result.diagnostics).toEqual([]);
  return result.file;
}

const unique = (names: readonly string[]): boolean => new Set(names).size === names.length;

/**
 * Whether YAML can say what a (DSL-made) AST says: YAML mapping keys are unique (arguments, fields), a rule key appears
 * once, a cron text must not read as an interval, and an `else` holding only an `if` is an `else if`.
 */
function yamlRepresentable(file: SourceFile): boolean {
  const stmtsOk = (stmts: readonly Stmt[]): boolean => stmts.every(stmtOk);
  const stmtOk = (s: Stmt): boolean => {
    switch (s.kind) {
      case 'call':
      case 'emit': {
        const args = s.kind === 'call' ? s.args : s.fields;
        return unique(args.map((a) => a.name));
      }
      case 'if':
        return (
          s.branches.every((b) => stmtsOk(b.body)) &&
          (s.else === undefined || (!(s.else.length === 1 && s.else[0].kind === 'if') && stmtsOk(s.else)))
        );
      case 'wait':
      case 'approve':
        return s.onTimeout === undefined || stmtsOk(s.onTimeout);
      case 'parallel':
        return s.branches.every(stmtsOk);
      case 'for_each':
        return stmtsOk(s.body);
      default:
        return true;
    }
  };
  const fieldsOk = (fields: readonly FieldDecl[]): boolean =>
    unique(fields.map((f) => f.name)) && fields.every((f) => typeOk(f.type));
  const typeOk = (t: TypeExpr): boolean =>
    t.kind === 'object' ? fieldsOk(t.fields) : t.kind === 'list' ? typeOk(t.element) : true;
  const clauseKey = (c: Clause): string => (c.kind.startsWith('every') ? 'every' : c.kind);
  const declOk = (d: Decl): boolean => {
    if (d.kind === 'event') return fieldsOk(d.fields);
    if (d.kind === 'action') return fieldsOk(d.params) && (d.result === undefined || typeOk(d.result));
    return (
      unique(d.clauses.map(clauseKey)) &&
      d.clauses.every((c) => c.kind !== 'manual' || fieldsOk(c.params)) &&
      d.clauses.every((c) => c.kind !== 'every_cron' || !('ms' in readDuration(c.cron))) &&
      stmtsOk(d.body) &&
      (d.compensate === undefined || stmtsOk(d.compensate))
    );
  };
  return file.decls.every(declOk);
}

describe('the YAML and DSL forms', () => {
  it('read the LANGUAGE.md §3 and §6 examples to the same AST', () => {
    expect(stripSpans(yaml(SPEC_EXAMPLE).decls)).toEqual(stripSpans(dsl(SPEC_RULE).decls));
  });

  it.each(Object.entries(VALID_FIXTURES))('translate the fixture %s to DSL and back', (_name, source) => {
    const fromYaml = yaml(source);
    const viaDsl = dsl(printDsl(fromYaml));
    expect(stripSpans(viaDsl.decls)).toEqual(stripSpans(fromYaml.decls));
    expect(printYaml(viaDsl)).toBe(printYaml(fromYaml));
  });

  it('translate every file of the example rule set to the other form and back', () => {
    const root = path.join(__dirname, '..', '..', 'rules');
    const files = fs.existsSync(root) ? fs.readdirSync(root) : [];
    for (const name of files) {
      const text = fs.readFileSync(path.join(root, name), 'utf8');
      if (/\.rule\.ya?ml$/.test(name)) {
        const fromYaml = yaml(text);
        expect(stripSpans(dsl(printDsl(fromYaml)).decls)).toEqual(stripSpans(fromYaml.decls));
      } else if (name.endsWith('.rule')) {
        const fromDsl = dsl(text);
        expect(stripSpans(yaml(printYaml(fromDsl)).decls)).toEqual(stripSpans(fromDsl.decls));
      }
    }
  });

  it('DSL can say whatever YAML can: YAML-made ASTs survive printDsl and parseDsl', () => {
    fc.assert(
      fc.property(yamlFileArb, (file) => {
        const back = dsl(printDsl(file));
        expect(stripSpans(back.decls)).toEqual(stripSpans(file.decls));
        expect(back.trailingComments).toEqual(file.trailingComments);
      }),
      { numRuns: 100 },
    );
  });

  it('YAML can say what DSL can, within its limits: DSL-made ASTs survive printYaml and parseYaml', () => {
    fc.assert(
      fc.property(dslFileArb.filter(yamlRepresentable), (file) => {
        const back = yaml(printYaml(file));
        expect(stripSpans(back.decls)).toEqual(stripSpans(file.decls));
        expect(back.trailingComments).toEqual(file.trailingComments);
      }),
      { numRuns: 100 },
    );
  });
});
