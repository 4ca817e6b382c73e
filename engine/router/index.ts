/** Routing: the outbox loop, concurrency modes on Temporal, subscriptions of waiting runs, manual runs. */
export { Router, type RouterOptions, type RoutedEvent } from './router';
export { routeRule, type RouteOutcome, type RouteOutcomeKind } from './route-rule';
export {
  DEFAULT_MAX_CATCH_UP,
  createSubscriptionActivities,
  findSubscribers,
  signalSubscribers,
  type SubscriptionDeps,
} from './subscriptions';
export { startManualRun, type ManualRunDeps, type ManualRunRequest, type ManualRunStarted } from './manual';
export { EVENT_ID_MEMO, keyText, manualWorkflowId, ruleWorkflowId } from './workflow-ids';
