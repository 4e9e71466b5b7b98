-- Schema version 10: what belongs together. Each provider-facing operation (a link, a refresh,
-- a revocation, a scope check) is one run; its HTTP exchanges and the history entries it
-- recorded carry the same run number, so a failure in the history leads to its exchanges.
-- `operation` names the operation, so that the log can be filtered by it. NULL in rows
-- written before this version.
ALTER TABLE http_log ADD COLUMN operation TEXT;
ALTER TABLE http_log ADD COLUMN run INTEGER;
ALTER TABLE activity ADD COLUMN run INTEGER;
CREATE INDEX http_log_by_run ON http_log (run) WHERE run IS NOT NULL;
