-- The birthday coupon comes only if the birthday month was set some days before that month
-- begins (issue 11: throwaway memberships farmed it by naming this month). Portable SQL.
ALTER TABLE merchants ADD COLUMN birthday_wait_days BIGINT NOT NULL DEFAULT 30;
-- When the member set the birthday month; NULL for months set before this was recorded.
ALTER TABLE memberships ADD COLUMN birthday_set_at BIGINT;
