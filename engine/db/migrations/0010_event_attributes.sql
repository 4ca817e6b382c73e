-- CloudEvents attributes kept with the event: its extension attributes (traceparent, custom
-- ones), the data's content type and schema, and whether a deployed rule declared its type when
-- it was stored (false only for types stored under OPSFLOW_UNDECLARED_EVENTS=store; null for
-- events stored before this was recorded).
ALTER TABLE events ADD COLUMN extensions jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE events ADD COLUMN datacontenttype text;
ALTER TABLE events ADD COLUMN dataschema text;
ALTER TABLE events ADD COLUMN declared boolean;
