-- Portable SQL only: the same file runs on SQLite and PostgreSQL through sqlx's Any driver,
-- which decodes nothing but integers and text across both (no BOOLEAN, TIMESTAMP or UUID).
-- Times are Unix seconds; ids are text chosen by the server, so no auto-increment is needed.

CREATE TABLE merchants (
    id TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    tagline_zh TEXT NOT NULL,
    tagline_en TEXT NOT NULL,
    brand_color TEXT NOT NULL,
    mark TEXT NOT NULL,
    -- Stored upper case: join codes are matched case-insensitively.
    join_code TEXT NOT NULL UNIQUE,
    -- SHA-256 (hex) of the cashier's bearer key; the key itself is never stored.
    cashier_key_hash TEXT NOT NULL UNIQUE
);

CREATE TABLE memberships (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    -- SHA-256 (hex) of the membership's bearer token.
    token_hash TEXT NOT NULL UNIQUE,
    -- RFC 4648 base32: the server must be able to compute codes, so this one cannot be hashed.
    totp_secret TEXT NOT NULL,
    member_since BIGINT NOT NULL,
    -- The newest TOTP step accepted at a counter; codes of this step or older are replays.
    last_used_step BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX memberships_by_merchant ON memberships (merchant_id);
