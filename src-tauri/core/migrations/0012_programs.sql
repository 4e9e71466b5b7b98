-- Schema version 12: the program an access token was handed to (`grantry token`, the token
-- service of the app), on the history entry telling of it (engine/hand_out.rs), so that the
-- history can be read, and filtered, by program. Never the token.
ALTER TABLE activity ADD COLUMN program TEXT;
