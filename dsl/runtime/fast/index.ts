/**
 * runtime/fast: the router's fast guards and keys. Takes IR expressions; gives functions that
 * return exactly what the evaluator returns (value or `EvalError`, budget included), built once
 * per IR node: JavaScript generated for the usual case (made with `new Function`, so never loaded
 * into workflow code: ESLint keeps `workflows/` out of here) in front of a tree of closures.
 */
export {
  closureCondition,
  closureExpression,
  fastCondition,
  fastExpression,
  type FastCondition,
  type FastExpression,
} from './closures';
