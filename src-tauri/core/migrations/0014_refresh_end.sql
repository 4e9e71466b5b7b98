-- When the refresh token ends, where the provider or the token itself says so: the provider's
-- `refresh_token_expires_in` / `refresh_expires_in` (`refresh_end_source` 'provider') or a JWT
-- refresh token's `exp` ('refresh_token'); NULL where nothing says.
ALTER TABLE accounts ADD COLUMN refresh_end_at INTEGER;
ALTER TABLE accounts ADD COLUMN refresh_end_source TEXT;
-- The grant end seen at the last hourly look, and the one the person was told of, a few days
-- before it (`engine/grant_end.rs`): told once per end, and only of an end seen at two looks
-- in a row, since one that every refresh moves on is no end.
ALTER TABLE accounts ADD COLUMN grant_end_seen_at INTEGER;
ALTER TABLE accounts ADD COLUMN grant_end_told_at INTEGER;
-- Why an account needs linking again, worked out from the provider's refusal
-- (`engine/break_cause.rs`: expired, revoked, reused, …); NULL otherwise.
ALTER TABLE accounts ADD COLUMN status_cause TEXT;
