-- When a provider's access to the person's data lapses though the token may live on
-- (Facebook: 90 days without use, `data_access_expires_at`); NULL where there is no such limit.
ALTER TABLE accounts ADD COLUMN data_access_expires_at INTEGER;
