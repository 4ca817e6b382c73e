/**
 * One rule set in the editor: the files of its folder (what is on disk, overlaid by what is open
 * in the editor), parsed per file (a file is parsed again only when its text changed) and checked
 * together, as `opsflow check` does, so a change in one file re-checks every file that uses it.
 */
import {
  Codes,
  checkProgram,
  connectorSignatures,
  didYouMean,
  error,
  fileKind,
  parseRuleSet,
  parseRuleTests,
  sortDiagnostics,
  type ConnectorDecl,
  type Diagnostic,
  type ParsedRuleSet,
  type RuleTest,
  type SourceFile,
} from '../dsl';
import { Indexer, type Declarations, type Occurrence, type RuleInfo } from './analysis';

/** Everything known about a rule set after one check. */
export interface Analysis {
  /** Diagnostics by file (relative name); every file of the set has an entry, possibly empty. */
  readonly diagnostics: ReadonlyMap<string, readonly Diagnostic[]>;
  /** Occurrences of names by file, in source order. */
  readonly occurrences: ReadonlyMap<string, readonly Occurrence[]>;
  readonly byKey: ReadonlyMap<string, readonly Occurrence[]>;
  readonly declarations: Declarations;
  readonly rules: ReadonlyMap<string, RuleInfo>;
  readonly sources: ReadonlyMap<string, SourceFile>;
  readonly connectors: readonly ConnectorDecl[];
  readonly tests: ReadonlyMap<string, readonly RuleTest[]>;
}

interface Parsed {
  readonly content: string;
  readonly parsed?: ParsedRuleSet;
  readonly tests?: { tests: RuleTest[]; diagnostics: Diagnostic[] };
}

export class RuleSetModel {
  private readonly files = new Map<string, string>();
  private readonly parsed = new Map<string, Parsed>();
  private current?: Analysis;
  /** Rules as last seen when they parsed, for completion inside a rule being edited. */
  private readonly lastRules = new Map<string, RuleInfo>();

  constructor(readonly root: string) {}

  names(): string[] {
    return [...this.files.keys()].sort();
  }

  content(path: string): string | undefined {
    return this.files.get(path);
  }

  /** Sets a file's text; true when it changed. */
  set(path: string, content: string): boolean {
    if (this.files.get(path) === content) return false;
    this.files.set(path, content);
    this.current = undefined;
    return true;
  }

  delete(path: string): boolean {
    const had = this.files.delete(path);
    if (had) this.current = undefined;
    return had;
  }

  get stale(): boolean {
    return this.current === undefined;
  }

  /** The last analysis, even if files changed since (completion while typing), else a new one. */
  latest(): Analysis {
    return this.lastAnalysis ?? this.analyze();
  }

  private lastAnalysis?: Analysis;

  /** A rule by name: as it is now, or as it was when it last parsed. */
  rule(name: string): RuleInfo | undefined {
    return this.latest().rules.get(name) ?? this.lastRules.get(name);
  }

  analyze(): Analysis {
    if (this.current) return this.current;
    const sources: SourceFile[] = [];
    const connectors: ConnectorDecl[] = [];
    const parseDiagnostics: Diagnostic[] = [];
    const tests = new Map<string, RuleTest[]>();
    for (const path of this.names()) {
      const p = this.parse(path, this.files.get(path) ?? '');
      if (p.parsed) {
        sources.push(...p.parsed.sources);
        connectors.push(...p.parsed.connectors);
        parseDiagnostics.push(...p.parsed.diagnostics);
      }
      if (p.tests) {
        tests.set(path, p.tests.tests);
        parseDiagnostics.push(...p.tests.diagnostics);
      }
    }
    const actions = connectors.flatMap(connectorSignatures);
    const checked = checkProgram(sources, { actions });
    const indexer = new Indexer(checked.program);
    for (const s of sources) indexer.source(s);
    for (const c of connectors) indexer.connector(c);
    const ruleNames = new Set(indexer.rules.map((r) => r.decl.name));
    const testDiagnostics: Diagnostic[] = [];
    for (const list of tests.values()) {
      for (const t of list) {
        indexer.testRule(t.rule, t.ruleSpan);
        if (t.rule && !ruleNames.has(t.rule)) {
          const hint = didYouMean(t.rule, ruleNames);
          testDiagnostics.push(error(Codes.testInvalid, `no rule named '${t.rule}' in the rule set${hint}`, t.ruleSpan)); // prettier-ignore
        }
      }
    }
    const all = sortDiagnostics([...parseDiagnostics, ...checked.diagnostics, ...testDiagnostics]);
    const diagnostics = new Map<string, Diagnostic[]>(this.names().map((n) => [n, []]));
    for (const d of all) diagnostics.get(d.span.file)?.push(d);
    const occurrences = new Map<string, Occurrence[]>();
    const byKey = new Map<string, Occurrence[]>();
    for (const o of indexer.occurrences) {
      push(occurrences, o.span.file, o);
      push(byKey, o.key, o);
    }
    for (const list of occurrences.values()) list.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column); // prettier-ignore
    const rules = new Map<string, RuleInfo>();
    for (const r of indexer.rules) if (!rules.has(r.decl.name)) rules.set(r.decl.name, r);
    for (const [name, r] of rules) this.lastRules.set(name, r);
    const analysis: Analysis = {
      diagnostics,
      occurrences,
      byKey,
      declarations: checked.program,
      rules,
      sources: new Map(sources.map((s) => [s.file, s])),
      connectors,
      tests,
    };
    this.current = analysis;
    this.lastAnalysis = analysis;
    return analysis;
  }

  private parse(path: string, content: string): Parsed {
    const cached = this.parsed.get(path);
    if (cached && cached.content === content) return cached;
    const kind = fileKind(path);
    const result: Parsed =
      kind === 'test'
        ? { content, tests: parseRuleTests(path, content) }
        : { content, parsed: parseRuleSet([{ path, content }]) };
    this.parsed.set(path, result);
    return result;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
