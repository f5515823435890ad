-- Referrals (issue 13): each membership's referral code (random, not derived from its id), who
-- referred it and whether that referral was rewarded, what its own referrals earned it, and each
-- merchant's referral rules. Portable SQL (SQLite and PostgreSQL).
ALTER TABLE memberships ADD COLUMN referral_code TEXT;
ALTER TABLE memberships ADD COLUMN referred_by TEXT REFERENCES memberships (id);
-- NULL (not referred) | pending (rewarded at the first purchase) | rewarded | not_counted
ALTER TABLE memberships ADD COLUMN referral_state TEXT;
ALTER TABLE memberships ADD COLUMN referral_points_earned BIGINT NOT NULL DEFAULT 0;
ALTER TABLE memberships ADD COLUMN referral_stamps_earned BIGINT NOT NULL DEFAULT 0;
ALTER TABLE memberships ADD COLUMN referral_coupons_earned BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX memberships_by_referral_code ON memberships (referral_code);
CREATE INDEX memberships_by_referrer ON memberships (referred_by, referral_state);

CREATE TABLE referral_rules (
    merchant_id TEXT PRIMARY KEY REFERENCES merchants (id),
    referrer_points BIGINT NOT NULL DEFAULT 0,
    referrer_stamps BIGINT NOT NULL DEFAULT 0,
    referrer_coupon_template_id TEXT REFERENCES coupon_templates (id),
    friend_points BIGINT NOT NULL DEFAULT 0,
    friend_stamps BIGINT NOT NULL DEFAULT 0,
    friend_coupon_template_id TEXT REFERENCES coupon_templates (id),
    -- 1: both sides are rewarded at the new member's first purchase, not at the join.
    on_first_purchase BIGINT NOT NULL DEFAULT 0,
    -- Friends a member is rewarded for at most; NULL: no limit.
    max_rewarded BIGINT,
    active BIGINT NOT NULL DEFAULT 1
);
