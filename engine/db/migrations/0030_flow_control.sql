-- Rule language v2 in the router (LANGUAGE.md §9–11): the outcomes of flow control, `limit`'s
-- admissions, the previous event per (rule, key), and the index windows read the event log by.

ALTER TABLE event_outcomes DROP CONSTRAINT event_outcomes_outcome_check;
ALTER TABLE event_outcomes ADD CONSTRAINT event_outcomes_outcome_check CHECK (outcome IN
  ('starting', 'started', 'skipped', 'dropped', 'queued', 'replaced', 'error', 'paused',
   'debounced', 'batched', 'throttled', 'limited'));

-- `limit N per D`: one row per trigger let through, by the trigger's time. Written with the
-- 'starting' row, before the run starts; routing the same event again finds its own row.
CREATE TABLE flow_limit_admissions (
  rule_name  text NOT NULL,
  key_text   text NOT NULL,
  event_id   text NOT NULL,
  at         timestamptz NOT NULL,
  PRIMARY KEY (rule_name, key_text, event_id)
);
CREATE INDEX flow_limit_admissions_window ON flow_limit_admissions (rule_name, key_text, at);

-- `previous`: the last trigger routed to the rule per key (whatever its guard said), and the one
-- before it, so routing that trigger again after a crash gives it the same `previous`.
CREATE TABLE flow_previous (
  rule_name  text NOT NULL,
  key_text   text NOT NULL,
  event_id   text NOT NULL,
  event      jsonb NOT NULL,
  previous   jsonb,
  PRIMARY KEY (rule_name, key_text)
);

-- Windows read events of one type by their time (CloudEvents `time`, else when stored); a
-- window's correlation fields get an expression index of their own when a rule using it is
-- routed (engine/router/windows.ts).
CREATE INDEX events_type_event_time ON events (type, time);
