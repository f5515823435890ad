-- Loyalty: merchant groups, stamp card programs, points, tiers, the rewards catalogue, coupons and
-- the cashier's idempotent requests (docs/protocol.md sections 9.7, 9.8 and 11). Portable SQL, as
-- in the first migration: integers and text only; times are Unix seconds; flags are 0 or 1.

-- ---------------------------------------------------------------------------------------------
-- Rules (what the operator configures per merchant).

-- Brands whose memberships share one points balance (like Ocoin across a restaurant group).
CREATE TABLE merchant_groups (
    id TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
);

ALTER TABLE merchants ADD COLUMN group_id TEXT;
-- The merchant's local time as a fixed offset from UTC: days (stamp limits) and months (birthday
-- coupons) are counted in it. Taiwan is +08:00 all year.
ALTER TABLE merchants ADD COLUMN utc_offset_min BIGINT NOT NULL DEFAULT 480;
-- The coupon issued in a member's birthday month (NULL: no birthday gift).
ALTER TABLE merchants ADD COLUMN birthday_template_id TEXT;

-- What a coupon is when issued; the coupon copies its texts, so a later edit changes new coupons only.
CREATE TABLE coupon_templates (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    terms_zh TEXT NOT NULL,
    terms_en TEXT NOT NULL,
    valid_days BIGINT NOT NULL
);

-- Points: `points_per_unit` points for every full `amount_unit` NT$. NULL `valid_days`: points never expire.
CREATE TABLE points_programs (
    merchant_id TEXT PRIMARY KEY REFERENCES merchants (id),
    amount_unit BIGINT NOT NULL,
    points_per_unit BIGINT NOT NULL,
    welcome_points BIGINT NOT NULL DEFAULT 0,
    valid_days BIGINT
);

-- Stamp card programs; at most one active per merchant.
CREATE TABLE stamp_programs (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    stamps_required BIGINT NOT NULL,
    min_amount BIGINT NOT NULL DEFAULT 0,
    -- 0: one stamp per qualifying purchase.
    amount_per_stamp BIGINT NOT NULL DEFAULT 0,
    max_per_visit BIGINT NOT NULL DEFAULT 1,
    max_per_day BIGINT NOT NULL DEFAULT 1,
    expiry_days BIGINT,
    -- 'first_stamp' or 'last_stamp'
    expiry_from TEXT NOT NULL DEFAULT 'first_stamp',
    stamp_color TEXT NOT NULL,
    stamp_mark TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1
);

CREATE UNIQUE INDEX stamp_programs_one_active ON stamp_programs (merchant_id) WHERE active = 1;

-- The steps of a program that give something. A step with a template issues that coupon when the
-- stamp lands; the final step without one is exchanged from the catalogue (rewards costing a card).
CREATE TABLE stamp_steps (
    program_id TEXT NOT NULL REFERENCES stamp_programs (id),
    at_stamp BIGINT NOT NULL,
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    coupon_template_id TEXT REFERENCES coupon_templates (id),
    PRIMARY KEY (program_id, at_stamp)
);

-- Tiers by spend over a rolling 12 months; rank 0 (min_spend 0) is the base tier.
CREATE TABLE tier_levels (
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    tier_rank BIGINT NOT NULL,
    id TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    benefits_zh TEXT NOT NULL,
    benefits_en TEXT NOT NULL,
    min_spend BIGINT NOT NULL,
    points_multiplier_pct BIGINT NOT NULL DEFAULT 100,
    PRIMARY KEY (merchant_id, tier_rank)
);

-- The catalogue: exactly one of cost_points and cost_stamp_program_id is set. NULL stock: unlimited.
CREATE TABLE rewards (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    description_zh TEXT NOT NULL,
    description_en TEXT NOT NULL,
    cost_points BIGINT,
    cost_stamp_program_id TEXT REFERENCES stamp_programs (id),
    coupon_template_id TEXT NOT NULL REFERENCES coupon_templates (id),
    stock BIGINT,
    sort_order BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1
);

CREATE INDEX rewards_by_merchant ON rewards (merchant_id);

-- ---------------------------------------------------------------------------------------------
-- Members' state.

-- A points balance: one merchant's, or shared by the memberships of a group's brands.
CREATE TABLE points_accounts (
    id TEXT PRIMARY KEY,
    group_id TEXT,
    merchant_id TEXT NOT NULL,
    balance BIGINT NOT NULL DEFAULT 0,
    -- The last ledger entry's number in this account.
    ledger_seq BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

ALTER TABLE memberships ADD COLUMN points_account_id TEXT;
ALTER TABLE memberships ADD COLUMN birthday_month BIGINT;
-- The local year whose birthday coupon was issued.
ALTER TABLE memberships ADD COLUMN birthday_coupon_year BIGINT;
ALTER TABLE memberships ADD COLUMN tier_rank BIGINT NOT NULL DEFAULT 0;
ALTER TABLE memberships ADD COLUMN tier_since BIGINT NOT NULL DEFAULT 0;
-- 1 once the membership's loyalty entities exist (memberships from before this migration get
-- them at the next start).
ALTER TABLE memberships ADD COLUMN loyalty_ready BIGINT NOT NULL DEFAULT 0;

CREATE INDEX memberships_by_points_account ON memberships (points_account_id);

-- Points are spent and expire by lot: each credit is a lot with its own expiry, spent soonest
-- expiry first.
CREATE TABLE points_lots (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES points_accounts (id),
    earned_at BIGINT NOT NULL,
    expires_at BIGINT,
    remaining BIGINT NOT NULL
);

CREATE INDEX points_lots_by_account ON points_lots (account_id, expires_at);

-- The issuer's book of every points change (the wallet sees them as ledger_entry entities).
CREATE TABLE ledger_entries (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES points_accounts (id),
    seq BIGINT NOT NULL,
    merchant_id TEXT NOT NULL,
    -- The membership that acted; NULL for expiry.
    membership_id TEXT,
    reason TEXT NOT NULL,
    points BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    amount BIGINT,
    note_zh TEXT,
    note_en TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT
);

CREATE UNIQUE INDEX ledger_entries_by_account ON ledger_entries (account_id, seq);

-- Purchases recorded at the counter: the daily stamp limit and the rolling 12-month spend.
CREATE TABLE purchases (
    id TEXT PRIMARY KEY,
    membership_id TEXT NOT NULL REFERENCES memberships (id),
    merchant_id TEXT NOT NULL,
    amount BIGINT NOT NULL,
    stamps BIGINT NOT NULL,
    points BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX purchases_by_membership ON purchases (membership_id, created_at);

-- state: 'active', 'completed' (full, waiting for a catalogue exchange), 'rewarded', 'expired'.
CREATE TABLE stamp_cards (
    id TEXT PRIMARY KEY,
    membership_id TEXT NOT NULL REFERENCES memberships (id),
    program_id TEXT NOT NULL REFERENCES stamp_programs (id),
    serial BIGINT NOT NULL,
    stamps BIGINT NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    first_stamp_at BIGINT,
    last_stamp_at BIGINT,
    expires_at BIGINT,
    completed_at BIGINT
);

CREATE INDEX stamp_cards_by_membership ON stamp_cards (membership_id, state);

-- state: 'active', 'used', 'expired'. The code is the coupon's id and its QR (MWC1:<code>).
CREATE TABLE coupons (
    code TEXT PRIMARY KEY,
    membership_id TEXT NOT NULL REFERENCES memberships (id),
    merchant_id TEXT NOT NULL,
    template_id TEXT NOT NULL,
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    terms_zh TEXT NOT NULL,
    terms_en TEXT NOT NULL,
    valid_from BIGINT NOT NULL,
    valid_until BIGINT NOT NULL,
    state TEXT NOT NULL,
    source TEXT NOT NULL,
    reward_id TEXT,
    issued_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE INDEX coupons_by_membership ON coupons (membership_id, state);

-- ---------------------------------------------------------------------------------------------
-- Cashier requests by request id: the same id gets the stored answer. Written in the transaction
-- of the request's effects, so an id is stored if and only if its effects are.
CREATE TABLE cashier_requests (
    merchant_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    -- What the request asked (endpoint and its essential fields), to refuse an id reused for another.
    fingerprint TEXT NOT NULL,
    -- The JSON of the 200 answer.
    response TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (merchant_id, request_id)
);
