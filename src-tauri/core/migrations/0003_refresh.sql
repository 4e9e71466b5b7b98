-- Schema version 3: refresh bookkeeping. `refresh_generation` goes up by one with every
-- completed refresh, so callers that waited on another's refresh (in this process or another)
-- can tell it happened and share its result instead of refreshing again.
ALTER TABLE accounts ADD COLUMN refresh_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN last_refresh_at INTEGER;
