-- Events are facts, stored first: ingest commits a row here and only then answers 202.
-- Routing is driven from this table (a transactional outbox), so an event stored before a
-- crash is routed after restart, and a repeated id is stored and routed once.
CREATE TABLE events (
  id            text PRIMARY KEY,
  type          text NOT NULL,
  source        text,
  subject       text,
  time          timestamptz NOT NULL,
  data          jsonb NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  -- how many `emit`s led here: bounded so rules cannot trigger each other forever
  causal_depth  integer NOT NULL DEFAULT 0,
  -- pending → routed, or failed after repeated routing errors (kept, never dropped)
  route_status  text NOT NULL DEFAULT 'pending' CHECK (route_status IN ('pending', 'routed', 'failed')),
  route_attempts integer NOT NULL DEFAULT 0,
  routed_at     timestamptz,
  route_error   text
);

CREATE INDEX events_pending ON events (received_at) WHERE route_status = 'pending';
CREATE INDEX events_type_time ON events (type, received_at);
