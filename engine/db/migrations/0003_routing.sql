-- Routing: what happened to each (event, rule) pair, and the runs waiting for events.

-- A failed routing attempt (Temporal unreachable) is retried after a delay instead of at once.
ALTER TABLE events ADD COLUMN route_after timestamptz;

-- One row per event and rule whose trigger is the event's type. The primary key makes routing
-- idempotent: a row in 'starting' says a start may have reached Temporal before a crash.
CREATE TABLE event_outcomes (
  event_id     text NOT NULL REFERENCES events (id),
  rule_name    text NOT NULL,
  rule_version integer NOT NULL,
  outcome      text NOT NULL CHECK (outcome IN
                 ('starting', 'started', 'skipped', 'dropped', 'queued', 'replaced', 'error')),
  workflow_id  text,
  run_id       text,
  -- the guard's explanation for 'skipped', the error for 'error'
  detail       text,
  at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, rule_name)
);

CREATE INDEX event_outcomes_workflow ON event_outcomes (workflow_id);

-- Runs blocked in `wait for`. Looked up by (event type, correlation field, correlation value), so
-- finding the runs an event concerns does not depend on how many runs are waiting. A `where`
-- that is not an equality has no correlation (field and value null) and is checked in the run.
CREATE TABLE subscriptions (
  workflow_id       text NOT NULL,
  event_type        text NOT NULL,
  -- '' without correlation, else the field and the value's JSON: part of the key since a run
  -- may wait for one type with different correlations in parallel branches
  correlation_key   text NOT NULL,
  correlation_field text,
  correlation_value jsonb,
  run_id            text NOT NULL,
  since             timestamptz NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_id, event_type, correlation_key)
);

CREATE INDEX subscriptions_correlated ON subscriptions (event_type, correlation_field, correlation_value)
  WHERE correlation_field IS NOT NULL;
CREATE INDEX subscriptions_uncorrelated ON subscriptions (event_type) WHERE correlation_field IS NULL;
