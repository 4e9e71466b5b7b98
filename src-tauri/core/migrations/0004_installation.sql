-- Schema version 4: an id for this data folder, part of every keyring key, so that several
-- data folders (QA profiles, tests) sharing one keyring never read or overwrite each other's
-- secrets.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('installation', lower(hex(randomblob(16))));
