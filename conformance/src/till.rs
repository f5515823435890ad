//! The till's half of the suite: a cashier key, members of its merchant, their member codes by
//! the suite's clock, and the cashier endpoints (protocol sections 3, 5 and 11).
//!
//! Member codes are computed from this machine's clock: the issuer's clock must agree within a
//! few seconds (the window of one step either side absorbs the rest).

use crate::checks::Problem;
use crate::client::Reply;
use crate::context::{Context, Member};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::{SystemTime, UNIX_EPOCH};
use wallet_core::cashier::IDEMPOTENCY_KEY_HEADER;
use wallet_core::{MemberCode, Totp};

/// The till under test: its key, and the join code of its merchant.
pub struct Till<'a> {
    pub context: &'a Context,
    key: &'a str,
    join_code: &'a str,
}

/// A member of the till's merchant, with the TOTP parameters its wallet was given.
pub struct TillMember {
    pub member: Member,
    totp: Totp,
}

/// See `TillMember::code`: longer than a request takes, far shorter than a step.
const STEP_LEAD_SECS: u64 = 3;

pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

impl TillMember {
    pub fn id(&self) -> &str {
        self.member.id()
    }

    /// The TOTP code of the step `offset` steps from the current one. "Current" is the step of
    /// `STEP_LEAD_SECS` from now: a code made in a step's last seconds then belongs to the next
    /// step, which the issuer takes as `current + 1` before the step ends and as `current` after,
    /// so the check's outcome does not depend on a step ending between sending and checking
    /// (the previous step's code would otherwise turn `code_expired` on the way).
    pub fn code(&self, offset: i64) -> String {
        let step = self
            .totp
            .step_at(now_unix() + STEP_LEAD_SECS)
            .saturating_add_signed(offset);
        self.totp.code_for_step(step)
    }

    /// The QR payload with the code of the step `offset` steps from now.
    pub fn payload(&self, offset: i64) -> String {
        MemberCode::new(
            self.member.enrolled.membership.id.clone(),
            self.code(offset),
        )
        .encode()
    }

    /// A payload whose code (of the right length) is none of the codes of the last 25 steps or
    /// the next 3, so an issuer can only find it wrong.
    pub fn wrong_payload(&self) -> String {
        let current = self.totp.step_at(now_unix() + STEP_LEAD_SECS);
        let near: HashSet<String> = (current.saturating_sub(25)..=current + 3)
            .map(|step| self.totp.code_for_step(step))
            .collect();
        let width = self.totp.digits as usize;
        let code = (0u64..)
            .map(|n| format!("{n:0width$}"))
            .find(|candidate| !near.contains(candidate))
            .unwrap_or_default();
        MemberCode::new(self.member.enrolled.membership.id.clone(), code).encode()
    }
}

impl Context {
    /// The till, or a skip when no cashier key was given.
    pub fn till(&self) -> Result<Till<'_>, Problem> {
        let cashier = self.config.cashier.as_ref().ok_or_else(|| {
            Problem::Skip("no cashier key given (--cashier-key, --cashier-join-code)".into())
        })?;
        Ok(Till {
            context: self,
            key: &cashier.key,
            join_code: &cashier.join_code,
        })
    }
}

impl Till<'_> {
    /// A new member of the till's merchant.
    pub fn member(&self) -> Result<TillMember, String> {
        let member = self
            .context
            .enroll_with(self.join_code)
            .map_err(|e| format!("with the cashier's join code: {e}"))?;
        let totp = member
            .enrolled
            .validate()
            .map_err(|e| format!("enroll: a wallet refuses this response: {e}"))?;
        Ok(TillMember { member, totp })
    }

    /// POST a JSON body with the cashier key (and extra headers).
    pub fn post(
        &self,
        path: &str,
        body: &Value,
        headers: &[(&str, &str)],
    ) -> Result<Reply, String> {
        self.context.client.post_with(
            path,
            body.to_string().as_bytes(),
            Some(self.key),
            Some("application/json"),
            headers,
        )
    }

    pub fn scan(&self, payload: &str) -> Result<Reply, String> {
        self.post("/v1/cashier/scan", &json!({ "payload": payload }), &[])
    }

    pub fn purchase(&self, payload: &str, amount: i64, request_id: &str) -> Result<Reply, String> {
        let body = json!({ "payload": payload, "amount": amount, "request_id": request_id });
        self.post("/v1/cashier/purchase", &body, &[])
    }

    pub fn redeem(&self, coupon_code: &str, request_id: &str) -> Result<Reply, String> {
        let body = json!({ "coupon_code": coupon_code, "request_id": request_id });
        self.post("/v1/cashier/redeem", &body, &[])
    }

    /// An adjustment, `delta` being `{"delta_points": n}` or `{"delta_stamps": n}`.
    pub fn adjust(
        &self,
        member: &TillMember,
        delta: Value,
        request_id: &str,
    ) -> Result<Reply, String> {
        let mut body = json!({ "membership_id": member.id(), "reason": "adjustment", "request_id": request_id });
        if let (Some(body), Some(delta)) = (body.as_object_mut(), delta.as_object()) {
            body.extend(delta.clone());
        }
        self.post("/v1/cashier/adjust", &body, &[])
    }

    /// The same request again with its id in the `Idempotency-Key` header instead of the body.
    pub fn resend_with_header(
        &self,
        path: &str,
        body: &Value,
        request_id: &str,
    ) -> Result<Reply, String> {
        let mut body = body.clone();
        if let Some(fields) = body.as_object_mut() {
            fields.remove("request_id");
        }
        self.post(path, &body, &[(IDEMPOTENCY_KEY_HEADER, request_id)])
    }

    /// A request id unique to this run.
    pub fn request_id(&self) -> String {
        format!("conformance-{}", self.context.new_id())
    }
}

/// A `200` whose body reads as `T`.
pub fn accepted<T: serde::de::DeserializeOwned>(reply: &Reply, what: &str) -> Result<T, String> {
    if reply.status != 200 {
        return Err(format!("{what}: expected 200, got {}", reply.describe()));
    }
    serde_json::from_str(&reply.body).map_err(|e| {
        format!(
            "{what}: not the answer of protocol section 11 ({e}): {}",
            reply.describe()
        )
    })
}

/// The stored answer sent again: `200`, `Idempotent-Replayed: true`, the first answer's bytes.
pub fn replayed(reply: &Reply, first: &Reply, what: &str) -> Result<(), String> {
    if reply.status != 200 {
        return Err(format!(
            "{what}: expected the stored 200, got {}",
            reply.describe()
        ));
    }
    if reply.header("idempotent-replayed") != Some("true") {
        return Err(format!(
            "{what}: no Idempotent-Replayed: true header (got {:?})",
            reply.header("idempotent-replayed")
        ));
    }
    if reply.body != first.body {
        return Err(format!(
            "{what}: the stored answer must come back byte for byte: first {}, now {}",
            first.describe(),
            reply.describe()
        ));
    }
    Ok(())
}
