-- Schema version 2: what linking needs. Account status and its reason, whether a refresh token
-- is held (the token itself lives in the keyring), and the scopes per account with where each
-- answer came from. The scope count is derived from the scopes table from now on.
ALTER TABLE accounts ADD COLUMN status TEXT NOT NULL DEFAULT 'valid';
ALTER TABLE accounts ADD COLUMN status_reason TEXT;
ALTER TABLE accounts ADD COLUMN has_refresh_token INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts DROP COLUMN scope_count;

CREATE TABLE scopes (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    scope      TEXT    NOT NULL,
    status     TEXT    NOT NULL,  -- granted | declined | requested
    source     TEXT    NOT NULL,  -- token_response | requested | introspection | …
    checked_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, scope)
);

CREATE INDEX activity_by_account ON activity (account_id, at DESC);
