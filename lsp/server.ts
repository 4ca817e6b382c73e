/**
 * `opsflow lsp`: the language server over a pair of streams (stdio). Every request goes through
 * `safe`: an internal error is logged to the client and that request answers empty, so no text
 * can crash the server. Diagnostics are checked for the whole rule set, debounced after changes,
 * and published for every file of the set.
 */
import type { Readable, Writable } from 'node:stream';
import {
  CodeActionKind,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeParams,
  type InitializeResult,
  type Location,
  type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseRuleSet, type Diagnostic } from '../dsl';
import { complete } from './completion';
import {
  LEGEND,
  RenameError,
  definition,
  documentSymbols,
  format,
  hover,
  quickFixes,
  references,
  rename,
  renameTarget,
  semanticTokens,
  type Place,
} from './features';
import { uriToPath } from './paths';
import { toRange } from './ranges';
import type { RuleSetModel } from './rule-set';
import { Workspace } from './workspace';

export interface ServerOptions {
  readonly input: Readable;
  readonly output: Writable;
  /** Milliseconds between the last change and the check (default 150). */
  readonly debounceMs?: number;
}

export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  return {
    range: toRange(d.span),
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: 'opsflow',
    message: d.message,
  };
}

/** Starts the server; resolves when the connection closes. */
export function startLanguageServer(options: ServerOptions): Promise<void> {
  const connection = createConnection(
    ProposedFeatures.all,
    new StreamMessageReader(options.input),
    new StreamMessageWriter(options.output),
  );
  const server = new Server(connection, options.debounceMs ?? 150);
  server.listen();
  return new Promise((resolve) => connection.onExit(() => resolve()));
}

class Server {
  private workspace = new Workspace([], []);
  private readonly documents = new TextDocuments(TextDocument);
  private readonly timers = new Map<RuleSetModel, NodeJS.Timeout>();
  private readonly published = new Set<string>();
  private watch = false;

  constructor(
    private readonly connection: Connection,
    private readonly debounceMs: number,
  ) {}

  private safe<A extends unknown[], R>(name: string, empty: R, fn: (...args: A) => R): (...args: A) => R {
    return (...args: A): R => {
      try {
        return fn(...args);
      } catch (err) {
        if (err instanceof ResponseError) throw err;
        this.connection.console.error(`opsflow lsp: internal error in ${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`); // prettier-ignore
        return empty;
      }
    };
  }

  private at(uri: string) {
    const at = this.workspace.locate(uri);
    if (!at) return undefined;
    return { ...at, analysis: at.model.analyze() };
  }

  private location(model: RuleSetModel, p: Place): Location {
    return { uri: this.workspace.uriOf(model, p.file), range: toRange(p.span) };
  }

  listen(): void {
    const c = this.connection;
    c.onInitialize(
      this.safe(
        'initialize',
        { capabilities: {} } as InitializeResult,
        (params: InitializeParams): InitializeResult => {
          const folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => !!p); // prettier-ignore
          const root = params.rootUri ? uriToPath(params.rootUri) : (params.rootPath ?? undefined);
          if (root && !folders.includes(root)) folders.push(root);
          const init = (params.initializationOptions ?? {}) as { rulesPath?: unknown };
          const given = typeof init.rulesPath === 'string' ? [init.rulesPath] : Array.isArray(init.rulesPath) ? init.rulesPath : []; // prettier-ignore
          const configured = given
            .filter((p): p is string => typeof p === 'string')
            .map((p) => (p.startsWith('/') ? p : `${folders[0] ?? process.cwd()}/${p}`).replace(/\/+$/, ''));
          this.workspace = new Workspace(folders, configured);
          this.watch = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
          return {
            capabilities: {
              textDocumentSync: TextDocumentSyncKind.Incremental,
              completionProvider: { triggerCharacters: ['.', ' ', ':', '(', ','] },
              hoverProvider: true,
              definitionProvider: true,
              referencesProvider: true,
              renameProvider: { prepareProvider: true },
              documentFormattingProvider: true,
              codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
              documentSymbolProvider: true,
              semanticTokensProvider: { legend: LEGEND, full: true },
            },
            serverInfo: { name: 'opsflow' },
          };
        },
      ),
    );
    c.onInitialized(() => {
      // Builds the parsers (chevrotain's grammar analysis takes a while once) before the first file.
      setTimeout(this.safe('warm-up', undefined, () => parseRuleSet([{ path: 'warm-up.rule', content: 'rule w\n  on a.b\ndo\nend\n' }])), 0); // prettier-ignore
      if (this.watch) {
        const globs = ['**/*.rule', '**/*.rule.{yaml,yml}', '**/*.connector.{yaml,yml}', '**/*.test.{yaml,yml}', '**/*.source.{yaml,yml}']; // prettier-ignore
        void c.client.register(DidChangeWatchedFilesNotification.type, { watchers: globs.map((g) => ({ globPattern: g })) }); // prettier-ignore
      }
    });
    this.documents.onDidOpen(this.safe('didOpen', undefined, (e) => this.changed(this.workspace.opened(e.document.uri, e.document.getText())))); // prettier-ignore
    this.documents.onDidChangeContent(this.safe('didChange', undefined, (e) => this.changed(this.workspace.opened(e.document.uri, e.document.getText())))); // prettier-ignore
    this.documents.onDidClose(this.safe('didClose', undefined, (e) => this.changed(this.workspace.closed(e.document.uri)))); // prettier-ignore
    c.onDidChangeWatchedFiles(this.safe('didChangeWatchedFiles', undefined, (e) => { for (const ch of e.changes) this.changed(this.workspace.reloaded(ch.uri)); })); // prettier-ignore

    c.onCompletion(
      this.safe('completion', [], (p) => {
        const at = this.workspace.locate(p.textDocument.uri);
        const doc = this.documents.get(p.textDocument.uri);
        if (!at) return [];
        const text = doc?.getText() ?? at.model.content(at.file) ?? '';
        return complete(at.model, at.file, text, p.position);
      }),
    );
    c.onHover(this.safe('hover', null, (p) => { const at = this.at(p.textDocument.uri); return at ? hover(at.analysis, at.file, p.position) : null; })); // prettier-ignore
    c.onDefinition(this.safe('definition', [], (p) => { const at = this.at(p.textDocument.uri); return at ? definition(at.analysis, at.file, p.position).map((x) => this.location(at.model, x)) : []; })); // prettier-ignore
    c.onReferences(this.safe('references', [], (p) => { const at = this.at(p.textDocument.uri); return at ? references(at.analysis, at.file, p.position, p.context.includeDeclaration).map((x) => this.location(at.model, x)) : []; })); // prettier-ignore
    c.onPrepareRename(
      this.safe('prepareRename', null, (p) => {
        const at = this.at(p.textDocument.uri);
        const target = at && renameTarget(at.analysis, at.file, p.position);
        return target ? { range: toRange(target.span), placeholder: target.name } : null;
      }),
    );
    c.onRenameRequest(
      this.safe('rename', null, (p) => {
        const at = this.at(p.textDocument.uri);
        if (!at) return null;
        try {
          const edits = rename(at.analysis, at.file, p.position, p.newName);
          const changes: Record<string, TextEdit[]> = {};
          for (const [file, list] of edits) changes[this.workspace.uriOf(at.model, file)] = list;
          return { changes };
        } catch (err) {
          if (err instanceof RenameError) throw new ResponseError(-32803, err.message);
          throw err;
        }
      }),
    );
    c.onDocumentFormatting(
      this.safe('formatting', [], (p) => {
        const at = this.workspace.locate(p.textDocument.uri);
        const text = this.documents.get(p.textDocument.uri)?.getText() ?? (at && at.model.content(at.file));
        return at && text !== undefined ? format(at.file, text) : [];
      }),
    );
    c.onCodeAction(this.safe('codeAction', [], (p) => quickFixes(p.textDocument.uri, p.context.diagnostics)));
    c.onDocumentSymbol(this.safe('documentSymbol', [], (p) => { const at = this.at(p.textDocument.uri); return at ? documentSymbols(at.analysis, at.file) : []; })); // prettier-ignore
    c.languages.semanticTokens.on(this.safe('semanticTokens', { data: [] }, (p) => { const at = this.at(p.textDocument.uri); return { data: at ? semanticTokens(at.analysis, at.file) : [] }; })); // prettier-ignore
    this.documents.listen(c);
    c.listen();
  }

  private changed(at: { model: RuleSetModel } | undefined): void {
    if (!at) return;
    const model = at.model;
    const pending = this.timers.get(model);
    if (pending) clearTimeout(pending);
    this.timers.set(model, setTimeout(this.safe('diagnostics', undefined, () => this.publish(model)), this.debounceMs)); // prettier-ignore
  }

  private publish(model: RuleSetModel): void {
    this.timers.delete(model);
    const analysis = model.analyze();
    for (const [file, list] of analysis.diagnostics) {
      const uri = this.workspace.uriOf(model, file);
      if (list.length === 0 && !this.published.has(uri) && !this.documents.get(uri)) continue;
      if (list.length > 0) this.published.add(uri);
      else this.published.delete(uri);
      void this.connection.sendDiagnostics({ uri, diagnostics: list.map(toLspDiagnostic) });
    }
  }
}
