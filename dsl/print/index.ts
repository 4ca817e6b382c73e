/**
 * print: the canonical printers. Take an AST (from either front end); give canonical DSL text
 * (`opsflow fmt`) or canonical YAML, comments kept, so that DSL ⇄ YAML translation round-trips.
 */
export { printDecl, printDsl, printExpr, printType } from './print-dsl';
export { printYaml } from './print-yaml';
