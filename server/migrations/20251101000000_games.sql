-- Scratch cards and prize wheels (issue 12): campaigns with prize tables and stock, the members'
-- draw seeds (committed before the wallet sets its client seed, revealed when rotated) and the
-- tickets drawn from them. Portable SQL (SQLite and PostgreSQL).
CREATE TABLE campaigns (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    -- scratch | wheel
    game TEXT NOT NULL,
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    -- The "thanks for playing" slot: a row of campaign_prizes without stock.
    no_win_slot TEXT NOT NULL,
    plays_per_day BIGINT NOT NULL DEFAULT 3,
    -- Tickets a purchase of at least min_amount gives, and an answered survey gives.
    tickets_per_purchase BIGINT NOT NULL DEFAULT 0,
    min_amount BIGINT NOT NULL DEFAULT 0,
    tickets_per_survey BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX campaigns_by_merchant ON campaigns (merchant_id);

CREATE TABLE campaign_prizes (
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    slot_id TEXT NOT NULL,
    sort_order BIGINT NOT NULL,
    label_zh TEXT NOT NULL,
    label_en TEXT NOT NULL,
    weight BIGINT NOT NULL,
    -- NULL: no limit. Taken when a ticket draws the prize, so an issued win is always honoured.
    stock BIGINT,
    coupon_template_id TEXT REFERENCES coupon_templates (id),
    points BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, slot_id)
);

CREATE TABLE draw_seeds (
    id TEXT PRIMARY KEY,
    membership_id TEXT NOT NULL REFERENCES memberships (id),
    -- 32 random bytes in hex: secret until revealed_at.
    seed TEXT NOT NULL,
    commitment TEXT NOT NULL,
    client_seed TEXT,
    next_nonce BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    revealed_at BIGINT
);
CREATE INDEX draw_seeds_by_member ON draw_seeds (membership_id, revealed_at);

CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    membership_id TEXT NOT NULL REFERENCES memberships (id),
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    seed_id TEXT NOT NULL REFERENCES draw_seeds (id),
    nonce BIGINT,
    -- JSON: wallet_core::fair_draw::PrizeTable and the slots' labels and chances, as issued.
    prize_table TEXT NOT NULL,
    prizes TEXT NOT NULL,
    drawn TEXT,
    awarded TEXT,
    -- waiting | ready | played
    state TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    played_at BIGINT,
    UNIQUE (seed_id, nonce)
);
CREATE INDEX tickets_by_member ON tickets (membership_id, campaign_id, played_at);
CREATE INDEX tickets_by_seed ON tickets (seed_id, state);
