-- Wallet Sync Protocol v1 (docs/protocol.md section 9). Portable SQL, as in the first migration.

-- The issuer-wide version counter: one row. Every write of an entity takes the next value with
-- `UPDATE ... SET version = version + 1 RETURNING version` inside the writing transaction. The row
-- stays locked until that transaction ends, so versions become visible in the order they were
-- given out: a wallet that has seen version n can never later miss a version below n.
-- `epoch` (random, set once by the server) goes into every cursor, so a cursor from another
-- database (a restored backup, a rebuilt issuer) is recognised as unknown rather than trusted.
CREATE TABLE sync_state (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL,
    epoch TEXT NOT NULL
);

-- The current state of every entity a wallet sees, per membership, tombstones included.
-- `data` is JSON text (absent for a tombstone); `deleted` is 0 or 1.
CREATE TABLE entities (
    membership_id TEXT NOT NULL REFERENCES memberships (id),
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    version BIGINT NOT NULL,
    deleted BIGINT NOT NULL DEFAULT 0,
    data TEXT,
    PRIMARY KEY (membership_id, kind, id)
);

-- What a pull reads: a membership's changes after a version, in version order.
CREATE UNIQUE INDEX entities_by_version ON entities (membership_id, version);

-- Each wallet installation's last processed mutation, per membership. Updated in the same
-- transaction as the mutations' effects.
CREATE TABLE sync_clients (
    membership_id TEXT NOT NULL REFERENCES memberships (id),
    client_id TEXT NOT NULL,
    last_seq BIGINT NOT NULL,
    PRIMARY KEY (membership_id, client_id)
);

-- The answer given to each processed mutation, so a resend gets the same answer.
-- `status` is 'applied' or 'rejected'; `code` and `message` are set for a rejection.
CREATE TABLE mutation_results (
    membership_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    mutation_id TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    code TEXT,
    message TEXT,
    PRIMARY KEY (membership_id, client_id, seq),
    FOREIGN KEY (membership_id, client_id) REFERENCES sync_clients (membership_id, client_id)
);
