-- Schema version 11: refreshes that keep failing without the provider refusing the grant
-- (unreachable, 5xx, timeouts, rate limits), so that every process (the app and any `grantry`
-- command) can tell the person why an account's token is about to lapse
-- (engine/refresh.rs). `refresh_failures` counts the failed refreshes in a row,
-- `refresh_failing_since` is when the first of them failed and `refresh_last_error` what the
-- last one failed with, masked. A refresh that succeeds, or a new link, clears all three.
ALTER TABLE accounts ADD COLUMN refresh_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN refresh_failing_since INTEGER;
ALTER TABLE accounts ADD COLUMN refresh_last_error TEXT;
