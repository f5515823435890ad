-- Surveys after a visit (issue 12): a merchant's survey, the invitations a purchase issues, and
-- the service-recovery cases a low rating opens. Portable SQL (SQLite and PostgreSQL).
CREATE TABLE surveys (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    -- JSON: wallet_core::survey::SurveyDefinition ({"questions": [...]}).
    questions TEXT NOT NULL,
    -- 0: an invitation after every visit (one open at a time); N: at most one per N days.
    invite_every_days BIGINT NOT NULL DEFAULT 0,
    expires_days BIGINT NOT NULL DEFAULT 7,
    reward_points BIGINT NOT NULL DEFAULT 0,
    reward_template_id TEXT REFERENCES coupon_templates (id),
    -- A star rating at or below this opens a service-recovery case.
    recovery_at_most BIGINT NOT NULL DEFAULT 2,
    apology_template_id TEXT REFERENCES coupon_templates (id),
    active BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX surveys_by_merchant ON surveys (merchant_id);

CREATE TABLE survey_invitations (
    id TEXT PRIMARY KEY,
    survey_id TEXT NOT NULL REFERENCES surveys (id),
    membership_id TEXT NOT NULL REFERENCES memberships (id),
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- open | answered | expired
    state TEXT NOT NULL,
    answers TEXT,
    answered_at BIGINT,
    rating BIGINT,
    nps BIGINT
);
CREATE INDEX survey_invitations_by_member ON survey_invitations (membership_id, survey_id, issued_at);
CREATE INDEX survey_invitations_by_survey ON survey_invitations (survey_id, answered_at);

CREATE TABLE recovery_cases (
    id TEXT PRIMARY KEY,
    invitation_id TEXT NOT NULL UNIQUE REFERENCES survey_invitations (id),
    merchant_id TEXT NOT NULL,
    membership_id TEXT NOT NULL,
    rating BIGINT NOT NULL,
    comment TEXT,
    opened_at BIGINT NOT NULL,
    -- open | closed
    state TEXT NOT NULL
);
CREATE INDEX recovery_cases_by_merchant ON recovery_cases (merchant_id, opened_at);
