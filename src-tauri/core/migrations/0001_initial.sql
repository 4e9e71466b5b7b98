-- Schema version 1: accounts (metadata only, never secrets) and the activity history.
CREATE TABLE accounts (
    id                INTEGER PRIMARY KEY,
    provider          TEXT    NOT NULL,
    environment       TEXT    NOT NULL,
    subject           TEXT    NOT NULL,
    display_name      TEXT,
    email             TEXT,
    picture_url       TEXT,
    access_expires_at INTEGER,
    scope_count       INTEGER NOT NULL DEFAULT 0,
    linked_at         INTEGER NOT NULL,
    UNIQUE (provider, environment, subject)
);

CREATE TABLE activity (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    kind       TEXT    NOT NULL,
    detail     TEXT    NOT NULL
);

CREATE INDEX activity_by_time ON activity (at DESC, id DESC);
