-- The rule registry: every deployed rule with its immutable versions, and a record of who changed
-- what. A version is never updated or deleted; rollback points a rule at an older version again.
CREATE TABLE rules (
  name            text PRIMARY KEY,
  -- the version runs start with; always a row of rule_versions
  current_version integer NOT NULL,
  -- the operator's switch (enable/disable); a rule disabled in its source stays off regardless
  enabled         boolean NOT NULL DEFAULT true,
  -- set when a deploy no longer contains the rule; its versions are kept
  removed_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Who did what, as one record per action: a deploy, a rollback, an enable or a disable.
CREATE TABLE deployments (
  id          bigserial PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('deploy', 'rollback', 'enable', 'disable')),
  author      text NOT NULL,
  message     text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- [{ rule, change, version }], change: added | changed | unchanged | removed | rolled_back | ...
  changes     jsonb NOT NULL DEFAULT '[]'
);

CREATE TABLE rule_versions (
  rule_name     text NOT NULL REFERENCES rules (name),
  version       integer NOT NULL CHECK (version > 0),
  hash          text NOT NULL,
  source_path   text NOT NULL,
  -- the whole text of the rule's file at deploy time
  source        text NOT NULL,
  ir            jsonb NOT NULL,
  author        text NOT NULL,
  message       text NOT NULL DEFAULT '',
  deployment_id bigint NOT NULL REFERENCES deployments (id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (rule_name, version)
);

ALTER TABLE rules ADD FOREIGN KEY (name, current_version) REFERENCES rule_versions (rule_name, version)
  DEFERRABLE INITIALLY DEFERRED;

-- One line per rule an action touched, for "who changed this rule, when, and why".
CREATE TABLE audit (
  id            bigserial PRIMARY KEY,
  at            timestamptz NOT NULL DEFAULT now(),
  actor         text NOT NULL,
  action        text NOT NULL,
  rule_name     text,
  version       integer,
  deployment_id bigint REFERENCES deployments (id),
  detail        jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_rule ON audit (rule_name, at);
