-- Staff may take stamps off a card (POST /v1/cashier/adjust with a negative delta_stamps,
-- docs/protocol.md section 11.4). Coupons already issued are kept, so a card remembers the most
-- stamps it ever held: a step at or below it issued its coupon once and does not issue it again
-- when the card climbs back. Portable SQL, as in the first migration.
ALTER TABLE stamp_cards ADD COLUMN stamps_reached BIGINT NOT NULL DEFAULT 0;
UPDATE stamp_cards SET stamps_reached = stamps;
