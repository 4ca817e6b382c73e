/**
 * lsp: editor support for rule sets, `opsflow lsp` (Language Server Protocol over stdio). Takes
 * the rule language only through the `dsl` face; gives diagnostics, completion, hover,
 * definition, references, rename, formatting, quick fixes, symbols and semantic tokens over a
 * whole rule-set folder.
 */
export { startLanguageServer, type ServerOptions } from './server';
export { RuleSetModel, type Analysis } from './rule-set';
