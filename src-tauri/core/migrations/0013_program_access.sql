-- Schema version 13: the programs a person allowed, with "Always allow", to take an account's
-- access token through the app's token service without asking again (engine/programs.rs), by
-- the path of their executable, with when they were allowed and last took one. An account's
-- go with it.
CREATE TABLE program_access (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    executable TEXT NOT NULL,
    allowed_at INTEGER NOT NULL,
    last_used INTEGER,
    PRIMARY KEY (account_id, executable)
);
