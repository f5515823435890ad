-- Stored cashier answers are forgotten after 30 days (docs/protocol.md section 11.5): the server
-- deletes them by age, a batch at a time. Portable SQL, as in the first migration.
CREATE INDEX cashier_requests_by_age ON cashier_requests (created_at);
