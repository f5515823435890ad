//! The list of checks: one per promise of docs/protocol.md, each against fresh memberships so a
//! failure in one does not spill into the next.

mod cashier_code;
mod cashier_coupons;
mod cashier_requests;
mod cashier_sync;
mod claims;
mod cors;
mod enroll;
mod errors;
mod messages;
mod paging;
mod pull;
mod push;
mod referrals;

use crate::context::Context;

pub enum Problem {
    Fail(String),
    Skip(String),
}

impl From<String> for Problem {
    fn from(why: String) -> Self {
        Self::Fail(why)
    }
}

impl From<&str> for Problem {
    fn from(why: &str) -> Self {
        Self::Fail(why.to_owned())
    }
}

pub type CheckResult = Result<(), Problem>;

pub struct Check {
    pub name: &'static str,
    pub promise: &'static str,
    pub run: fn(&Context) -> CheckResult,
}

/// Fails with `why` unless `condition` holds.
pub fn ensure(condition: bool, why: impl FnOnce() -> String) -> CheckResult {
    if condition {
        Ok(())
    } else {
        Err(Problem::Fail(why()))
    }
}

const fn check(
    name: &'static str,
    promise: &'static str,
    run: fn(&Context) -> CheckResult,
) -> Check {
    Check { name, promise, run }
}

pub const ALL: &[Check] = &[
    check(
        "enroll.grants_a_membership",
        "enroll answers 200 with a membership, token, TOTP and merchant a wallet accepts",
        enroll::grants_a_membership,
    ),
    check(
        "enroll.unknown_join_code",
        "an unknown join code is 404 join_code_unknown",
        enroll::unknown_join_code,
    ),
    check(
        "enroll.bad_body",
        "a body that is not an enroll request is 400 bad_request",
        enroll::bad_body,
    ),
    check(
        "enroll.referral_friend_joins",
        "a member's referral entity has a code; a friend enrolling with it gets a referral status",
        referrals::friend_joins,
    ),
    check(
        "enroll.referral_refusals",
        "one's own referral code is 409 referral_self, an unknown one 404 referral_code_unknown",
        referrals::refusals,
    ),
    check(
        "enroll.line_id_token",
        "a line_id_token that is no token is 422 line_id_token_invalid, 503 line_unavailable, or ignored",
        referrals::line_token_is_checked_or_ignored,
    ),
    check(
        "cors.preflight_enroll",
        "the enroll preflight allows POST and content-type from any origin",
        cors::preflight_enroll,
    ),
    check(
        "cors.preflight_sync",
        "the sync preflight allows POST, content-type and authorization from any origin",
        cors::preflight_sync,
    ),
    check(
        "cors.allow_origin_on_answers",
        "Access-Control-Allow-Origin on successes and errors alike",
        cors::allow_origin_on_answers,
    ),
    check(
        "auth.missing_token",
        "sync without a bearer token is 401 unauthorized",
        errors::missing_token,
    ),
    check(
        "auth.unknown_token",
        "sync with a token the issuer did not give out is 401 unauthorized",
        errors::unknown_token,
    ),
    check(
        "pull.first_sync_is_a_snapshot",
        "no cursor: reset true, last_processed_seq 0, the membership and merchant entities",
        pull::first_sync_is_a_snapshot,
    ),
    check(
        "pull.wire_shape",
        "the answer's fields and the change envelope have the specified JSON types",
        pull::wire_shape,
    ),
    check(
        "pull.cursor_is_incremental",
        "with the cursor just given, nothing changed means no changes and reset false",
        pull::cursor_is_incremental,
    ),
    check(
        "pull.unknown_cursor_resets",
        "an unknown cursor answers reset true and a full snapshot",
        pull::unknown_cursor_resets,
    ),
    check(
        "pull.memberships_are_separate",
        "a membership never sees another membership's entities",
        pull::memberships_are_separate,
    ),
    check(
        "push.push_then_pull",
        "one round trip applies a mutation and returns its effect",
        push::push_then_pull,
    ),
    check(
        "push.resend_gets_stored_result",
        "a resent mutation gets its first answer and is not applied again",
        push::resend_gets_stored_result,
    ),
    check(
        "push.resend_alone",
        "resending only an old mutation answers it without claiming more than was sent",
        push::resend_alone,
    ),
    check(
        "push.seq_order",
        "mutations apply in seq order and results come in seq order",
        push::seq_order,
    ),
    check(
        "push.invalid_arguments",
        "bad arguments are rejected with invalid_arguments and a message",
        push::invalid_arguments,
    ),
    check(
        "push.unknown_mutation",
        "an unknown mutation name is rejected with unknown_mutation",
        push::unknown_mutation,
    ),
    check(
        "push.rejection_is_final",
        "a resent rejected mutation gets the same rejection; it counts as processed",
        push::rejection_is_final,
    ),
    check(
        "push.rejection_does_not_stop_the_batch",
        "mutations after a rejected one still apply",
        push::rejection_does_not_stop_the_batch,
    ),
    check(
        "push.clients_have_own_sequences",
        "each client id of a membership numbers from 1",
        push::clients_have_own_sequences,
    ),
    check(
        "push.last_processed_on_pull",
        "a sync without mutations reports the client's last processed seq",
        push::last_processed_on_pull,
    ),
    check(
        "push.seq_gap",
        "a first new seq past last + 1 is 409 seq_gap and applies nothing",
        push::seq_gap,
    ),
    check(
        "push.seq_conflict",
        "an old seq with another mutation id is 409 seq_conflict and applies nothing",
        push::seq_conflict,
    ),
    check(
        "push.concurrent_clients",
        "two clients syncing at once each have every mutation applied",
        push::concurrent_clients,
    ),
    check(
        "push.concurrent_resend",
        "the same request twice at once gets the same answers",
        push::concurrent_resend,
    ),
    check(
        "messages.read_unknown",
        "message.read of an id that is not the member's message is rejected message_unknown",
        messages::read_unknown_is_refused,
    ),
    check(
        "messages.read_marks_read",
        "message.read of the member's message sends it back with read_at",
        messages::read_marks_read,
    ),
    check(
        "membership.leave",
        "membership.leave is applied, and the token is 401 unauthorized afterwards",
        messages::leave_ends_the_token,
    ),
    check(
        "errors.not_contiguous",
        "mutations out of order or with holes are 400 bad_request",
        errors::not_contiguous,
    ),
    check(
        "errors.too_many_mutations",
        "more than 100 mutations is 400 bad_request; 100 is fine",
        errors::too_many_mutations,
    ),
    check(
        "errors.body_too_large",
        "a body over 65,536 bytes is 413 bad_request; one of exactly 65,536 bytes is not",
        errors::body_too_large,
    ),
    check(
        "errors.malformed_body",
        "not JSON, a wrong shape or a wrong content type is 400/415 bad_request",
        errors::malformed_body,
    ),
    check(
        "errors.unknown_endpoint",
        "an unknown /v1 path is 404 not_found",
        errors::unknown_endpoint,
    ),
    check(
        "errors.wrong_method",
        "GET /v1/sync is 405 bad_request with Allow: POST",
        errors::wrong_method,
    ),
    check(
        "errors.v2_is_not_found",
        "a v1 issuer answers POST /v2/sync with 404 not_found, JSON and CORS (v1 only)",
        errors::v2_is_not_found,
    ),
    check(
        "cashier.fresh_code_then_replay",
        "a fresh member code is accepted; the same code again is 409 code_already_used",
        cashier_code::fresh_code_then_replay,
    ),
    check(
        "cashier.previous_step_once",
        "the previous step's code is accepted once, and the current one after it",
        cashier_code::previous_step_once,
    ),
    check(
        "cashier.old_and_wrong_codes",
        "a code of 4 steps ago is 422 code_expired, a wrong one 422 code_invalid; neither uses a step",
        cashier_code::old_and_wrong_codes,
    ),
    check(
        "cashier.refusals",
        "no or a wrong key is 401; not a member code is 400 member_code_malformed; nobody's is 404; the typed form works",
        cashier_code::refusals,
    ),
    check(
        "cashier.purchase_exactly_once",
        "a purchase resent with its request id gets the stored answer (replayed), changes nothing; another request with the id is 409",
        cashier_requests::purchase_exactly_once,
    ),
    check(
        "cashier.purchase_arrives_by_sync",
        "the stamp card, points balance, ledger entry, tier and coupons a purchase changed sync with valid data",
        cashier_sync::purchase_arrives_by_sync,
    ),
    check(
        "cashier.adjust_exactly_once",
        "an adjustment resent with its request id is applied once; another request with the id is 409",
        cashier_requests::adjust_exactly_once,
    ),
    check(
        "cashier.redeem_exactly_once",
        "a coupon redeems once; resent (QR or typed) it gets the stored answer; a new id is 409 coupon_already_used",
        cashier_coupons::redeem_exactly_once,
    ),
    check(
        "cashier.redeem_race",
        "two tills redeeming one coupon at once: exactly one 200, the other 409 coupon_already_used",
        cashier_coupons::redeem_race,
    ),
    check(
        "claims.claimed_once",
        "a claim code staff created is claimed by one member, arrives in the same sync, and is claim_used for the next",
        claims::claimed_once,
    ),
    check(
        "claims.refusals",
        "an unknown claim code is rejected claim_unknown; a bad staff request is 400, no key 401",
        claims::refusals,
    ),
    // Last of the cashier checks: it spends failed attempts of the key too (section 8).
    check(
        "cashier.failed_attempt_limit",
        "wrong codes for one member end in 429 rate_limited with Retry-After; then the right code waits too",
        cashier_code::failed_attempt_limit,
    ),
    check(
        "paging.follows_more",
        "over 500 changes come in pages of at most 500, flagged more, in version order",
        paging::follows_more,
    ),
    check(
        "paging.last_cursor_is_current",
        "after the last page, the cursor brings nothing more",
        paging::last_cursor_is_current,
    ),
    check(
        "paging.tombstones",
        "deleted entities arrive as tombstones: deleted true, no data",
        paging::tombstones,
    ),
];
