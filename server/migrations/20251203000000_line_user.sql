-- The LINE user a membership was linked to at enroll (issue 13): the `sub` of a LINE ID token the
-- issuer verified with LINE, never a profile the wallet sent. Portable SQL (SQLite and PostgreSQL).
ALTER TABLE memberships ADD COLUMN line_user_id TEXT;
CREATE INDEX memberships_by_line_user ON memberships (merchant_id, line_user_id);
