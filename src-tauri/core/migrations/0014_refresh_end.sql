-- When the refresh token ends, where the provider or the token itself says so: the provider's
-- `refresh_token_expires_in` / `refresh_expires_in` (`refresh_end_source` 'provider') or a JWT
-- refresh token's `exp` ('refresh_token'); NULL where nothing says.
ALTER TABLE accounts ADD COLUMN refresh_end_at INTEGER;
ALTER TABLE accounts ADD COLUMN refresh_end_source TEXT;
