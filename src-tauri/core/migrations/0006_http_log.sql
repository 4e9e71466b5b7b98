-- Schema version 6: the HTTP exchange log is named for what it is.
ALTER TABLE exchanges RENAME TO http_log;
DROP INDEX exchanges_by_account;
CREATE INDEX http_log_by_account ON http_log (account_id, id DESC);
