/**
 * check: the checker and the compiler to IR. Takes the ASTs of a rule set's files (from `text/`
 * or `yaml/`) and the signatures of its connector actions; gives every problem as a diagnostic
 * (binding, types, rules, statements, expressions) and, when there are no errors, each rule's IR
 * (`runtime/ir.ts`) with its version hash. "Compile" in opsflow means exactly this step. Also
 * checks data from outside (event data, manual input, test fixtures) against a declared type.
 */
export { compileProgram, type CompileResult } from './compile';
export {
  checkProgram,
  type ActionSignature,
  type CheckOptions,
  type CheckedProgram,
  type CheckedRule,
} from './checker';
export { hashRule, sha256Hex, stableStringify, withoutSpans, type JsonLike } from './canonical-json';
export { conformFields, conformValue, type Conformed, type ValueProblem } from './conform';
export { BUILTIN_ACTIONS, BUILTIN_FUNCTIONS, type BuiltinFunction } from './builtins';
export { isAssignable, typeToString, type Type } from './semantic-types';
