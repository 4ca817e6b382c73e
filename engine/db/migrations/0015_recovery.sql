-- Recovering from failure: pausing rules (triggers held, not dropped), API-key groups for
-- `approve … by "GROUP"`, the approvals inbox, links between a run and its reruns or retry, and
-- bulk reruns as durable jobs.

-- A paused rule keeps its triggers: the router records them as 'paused' and routes them, in
-- order, on resume. Distinct from `enabled` (disable drops triggers).
ALTER TABLE rules ADD COLUMN paused_at timestamptz;
ALTER TABLE rules ADD COLUMN paused_by text;

ALTER TABLE deployments DROP CONSTRAINT deployments_kind_check;
ALTER TABLE deployments ADD CONSTRAINT deployments_kind_check
  CHECK (kind IN ('deploy', 'rollback', 'enable', 'disable', 'pause', 'resume'));

ALTER TABLE event_outcomes DROP CONSTRAINT event_outcomes_outcome_check;
ALTER TABLE event_outcomes ADD CONSTRAINT event_outcomes_outcome_check CHECK (outcome IN
  ('starting', 'started', 'skipped', 'dropped', 'queued', 'replaced', 'error', 'paused'));
CREATE INDEX event_outcomes_held ON event_outcomes (rule_name) WHERE outcome = 'paused';

-- The groups a key belongs to: `approve … by "risk-team"` may be decided by a key in risk-team.
ALTER TABLE api_keys ADD COLUMN groups text[] NOT NULL DEFAULT '{}';

-- A run started from another one: a rerun (a new run with the same trigger) or a retry (a
-- Temporal reset of a failed run, which continues under a new run id of the same workflow id).
CREATE TABLE run_links (
  run_id             text PRIMARY KEY,
  workflow_id        text NOT NULL,
  kind               text NOT NULL CHECK (kind IN ('rerun', 'retry')),
  source_run_id      text NOT NULL,
  source_workflow_id text NOT NULL,
  rule_name          text,
  version            integer,
  job_id             text,
  created_by         text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX run_links_source ON run_links (source_run_id);

-- Durable jobs (bulk reruns): driven by a loop in every API process, one item at a time at a
-- bounded rate per job (`next_at`), so a restart continues where the job stood.
CREATE TABLE jobs (
  id          text PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('bulk_rerun')),
  state       text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done', 'failed')),
  params      jsonb NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  next_at     timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX jobs_running ON jobs (next_at) WHERE state = 'running';

CREATE TABLE job_items (
  job_id             text NOT NULL REFERENCES jobs (id),
  seq                integer NOT NULL,
  source_run_id      text NOT NULL,
  source_workflow_id text NOT NULL,
  state              text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
  attempts           integer NOT NULL DEFAULT 0,
  run_id             text,
  error              text,
  PRIMARY KEY (job_id, seq)
);
-- A run is rerun by bulk jobs once, however often the request is repeated; an item that could
-- not be rerun may be taken up by a later job.
CREATE UNIQUE INDEX job_items_once ON job_items (source_run_id) WHERE state <> 'failed';
CREATE INDEX job_items_pending ON job_items (job_id, seq) WHERE state = 'pending';

-- Approvals runs are waiting for, as the runs report them (an engine activity), for the inbox.
-- A row stays open until the run reports the decision or timeout, or its run is found ended.
CREATE TABLE approvals (
  run_id       text NOT NULL,
  seq          integer NOT NULL,
  workflow_id  text NOT NULL,
  rule_name    text NOT NULL,
  run_key      text,
  description  text NOT NULL,
  group_name   text,
  deadline     timestamptz,
  requested_at timestamptz NOT NULL,
  closed_at    timestamptz,
  outcome      text,
  decided_by   text,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX approvals_open ON approvals (requested_at) WHERE closed_at IS NULL;
