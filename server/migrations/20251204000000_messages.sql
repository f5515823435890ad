-- The inbox and leaving (issue 14): a merchant's welcome message, sent when a member joins; the
-- notice that points expire soon, sent once per points lot; and when a member left. Portable SQL.
ALTER TABLE merchants ADD COLUMN welcome_title_zh TEXT;
ALTER TABLE merchants ADD COLUMN welcome_title_en TEXT;
ALTER TABLE merchants ADD COLUMN welcome_body_zh TEXT;
ALTER TABLE merchants ADD COLUMN welcome_body_en TEXT;
-- Days before a lot's expiry that its member is told; NULL: never.
ALTER TABLE points_programs ADD COLUMN expiry_notice_days BIGINT;
-- 1 once the lot's member has been told it expires soon.
ALTER TABLE points_lots ADD COLUMN expiry_noticed BIGINT NOT NULL DEFAULT 0;
-- When the member left (the `membership.leave` mutation); NULL while a member. A left
-- membership's token no longer matches (its hash is replaced) and its member code is refused.
ALTER TABLE memberships ADD COLUMN left_at BIGINT;
