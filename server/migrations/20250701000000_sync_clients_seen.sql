-- When each client last pushed, so that a membership's oldest idle client can make room for a new
-- one (at most `MAX_CLIENTS_PER_MEMBERSHIP`, store/sync_log.rs). Portable SQL.
ALTER TABLE sync_clients ADD COLUMN last_seen BIGINT NOT NULL DEFAULT 0;
-- When each answer was stored: answers a wallet has moved past are forgotten after an hour.
ALTER TABLE mutation_results ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;
