-- Whether the last server on this database stopped cleanly (1) or is running or crashed (0). A
-- SQLite start after a crash cannot prove that no commit was lost (synchronous = NORMAL), so it
-- gives the change log a new epoch and every wallet a full snapshot (store/continuity.rs).
-- Existing databases count as cleanly stopped. Portable SQL.
ALTER TABLE sync_state ADD COLUMN clean_stop BIGINT NOT NULL DEFAULT 1;
