/** Routing: the outbox loop, concurrency modes on Temporal, subscriptions of waiting runs, manual runs. */
export { Router, type RouterOptions, type RoutedEvent } from './router';
export { routeEvents } from './route-batch';
export type { RouteOutcome, RouteOutcomeKind } from './route-rule';
export {
  DEFAULT_MAX_CATCH_UP,
  createSubscriptionActivities,
  findSubscribers,
  signalBatch,
  type SubscriptionDeps,
} from './subscriptions';
export { startManualRun, type ManualRunDeps, type ManualRunRequest, type ManualRunStarted } from './manual';
export {
  EVENT_ID_MEMO,
  keyIdPart,
  keyPart,
  keyText,
  legacyWorkflowId,
  manualWorkflowId,
  ruleWorkflowId,
} from './workflow-ids';
export { releaseStragglers, resumeRule, type ReleaseDeps, type ReleaseResult } from './held';
export { createGateActivities, type GateActivityDeps } from './gate-route';
export { gateWorkflowId } from './workflow-ids';
export type { WindowEvent, WindowSource } from './windows';
