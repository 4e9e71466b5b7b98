-- How many refreshes brought a new refresh token (rotation), for the account's token panel.
ALTER TABLE accounts ADD COLUMN refresh_rotations INTEGER NOT NULL DEFAULT 0;
