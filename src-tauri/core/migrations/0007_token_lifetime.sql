-- Schema version 7: when the current access token was issued, so that the refresh schedule
-- knows each token's lifetime (engine/schedule.rs). Existing tokens count from their last
-- refresh, else from their link.
ALTER TABLE accounts ADD COLUMN access_issued_at INTEGER;
UPDATE accounts SET access_issued_at = coalesce(last_refresh_at, linked_at);
-- HTTP log entries of accounts removed before this version are detached, so that no account
-- that reuses an id inherits them.
UPDATE http_log SET account_id = NULL
    WHERE account_id IS NOT NULL AND account_id NOT IN (SELECT id FROM accounts);
