-- The digest of the rule folder's content a folder deploy (`opsflow start`, SIGHUP) deployed: a
-- boot finds the folder unchanged and keeps what operators did since (a rollback, say).
ALTER TABLE deployments ADD COLUMN folder_digest text;
