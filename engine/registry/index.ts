/** The rule registry: deploys, versions, enable/disable, rollback, and the rules that are active. */
export { RuleRegistry, deployRuleSet } from './registry';
export { ActiveRuleCache, activeRules, indexRules, type RuleIndex } from './active-rules';
export type * from './records';
