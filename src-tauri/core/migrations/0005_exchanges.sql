-- Schema version 5: the HTTP exchange log per account (masked; see src/redact.rs). No foreign
-- key: the exchanges of a revoked account stay readable by its old id.
CREATE TABLE exchanges (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER,
    at            INTEGER NOT NULL,
    method        TEXT    NOT NULL,
    url           TEXT    NOT NULL,
    status        INTEGER,
    request_body  TEXT    NOT NULL,
    response_body TEXT    NOT NULL,
    duration_ms   INTEGER NOT NULL,
    error         TEXT
);

CREATE INDEX exchanges_by_account ON exchanges (account_id, id DESC);
