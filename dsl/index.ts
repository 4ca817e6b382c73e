/**
 * The rule language, as the rest of opsflow sees it. Code outside `dsl/` imports this face (or
 * `dsl/runtime`, the part workflow code may use); ESLint refuses imports of anything deeper.
 *
 * The pipeline, one folder per stage:
 *
 *   text (.rule) ─┐
 *                 ├─► ast ──► check ──► runtime (IR, evaluator) ──► runtime/fast (router)
 *   yaml (.rule.yaml)    │
 *                        └──► print (canonical DSL / YAML)
 *   connector (.connector.yaml) ──► action signatures for check, requests for activities
 *
 * `core` (spans, diagnostics, suggestions, durations) is shared by all. A rule set of files goes
 * through the whole pipeline in `rule-set.ts`; `rule-test.ts` reads `*.test.yaml` rule tests.
 */
export * from './core';
export * from './ast';
export * from './text';
export * from './yaml';
export * from './print';
export * from './connector';
export * from './check';
export * from './runtime';
export * from './runtime/fast';
export {
  compileRuleSet,
  fileKind,
  parseRuleSet,
  parseSource,
  type CompiledRuleSet,
  type ParsedRuleSet,
  type RuleSetFileKind,
  type RuleSetInput,
} from './rule-set';
export {
  EXPECTED_STATUSES,
  parseRuleTests,
  type ExpectedCall,
  type ExpectedStatus,
  type MockBehaviour,
  type RuleTest,
  type TestTrigger,
  type TimelineItem,
  type HistoryItem,
  type TriggerItem,
} from './rule-test';
export { TEST_OUTCOMES } from './rule-test-v2';
