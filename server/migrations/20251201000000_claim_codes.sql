-- Claim codes (issue 13): a merchant's staff create one-time codes that give bonus stamps or a
-- game ticket; a member claims one with the claim.redeem mutation. claimed_by is set by one
-- conditional UPDATE, so of two members claiming one code at once exactly one wins. Portable
-- SQL (SQLite and PostgreSQL).
CREATE TABLE claim_codes (
    code TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    -- stamps | ticket
    gift TEXT NOT NULL,
    stamps BIGINT NOT NULL DEFAULT 0,
    campaign_id TEXT REFERENCES campaigns (id),
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    claimed_by TEXT REFERENCES memberships (id),
    claimed_at BIGINT
);
CREATE INDEX claim_codes_by_merchant ON claim_codes (merchant_id, created_at);

-- Every claim.redeem a membership made (applied or not), for its limit per 24 hours.
CREATE TABLE claim_attempts (
    membership_id TEXT NOT NULL REFERENCES memberships (id),
    attempted_at BIGINT NOT NULL
);
CREATE INDEX claim_attempts_by_member ON claim_attempts (membership_id, attempted_at);
