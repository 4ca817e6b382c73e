-- API keys: a bearer token with a role. Only the token's sha256 is kept, so a leaked table does
-- not leak tokens; the token itself is shown once, when the key is created.
CREATE TABLE api_keys (
  id           text PRIMARY KEY,
  name         text NOT NULL,
  role         text NOT NULL CHECK (role IN ('ingest', 'viewer', 'operator', 'editor', 'admin')),
  token_hash   text NOT NULL UNIQUE,
  -- the first characters of the token, so people can tell their keys apart
  token_prefix text NOT NULL,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);

CREATE INDEX api_keys_active ON api_keys (token_hash) WHERE revoked_at IS NULL;
