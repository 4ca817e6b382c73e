/**
 * text: the front end of the textual DSL. Takes the text of a `.rule` file (or of one expression
 * or template); gives its AST (`ast/`) with comments attached, and diagnostics for every problem,
 * found with error recovery: lexer (chevrotain tokens), grammar (the CST parser), CST → AST.
 */
export { parseDsl, textLocator, type ParseDslResult } from './parse-dsl';
export { parseExpression, parseTemplate, type ExpressionResult, type Locate } from './parse-expression';
export { lex, type LexResult } from './lexer';
