//! The till and the wallet over the real router, for the loyalty and survey tests: cashier
//! requests, a purchase with the member's current code, mutations pushed by sync, and the
//! wallet's whole copy of a membership, validated with the core types as a wallet does.

use super::{post_request, Member, TestApp, TestResponse};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use wallet_core::cashier::{AdjustResponse, AdjustStamps, PurchaseResponse};
use wallet_core::claim::ClaimData;
use wallet_core::loyalty::{
    CouponData, LedgerEntryData, PointsBalanceData, RewardData, StampCardData, StampCardState,
    TierData,
};
use wallet_core::referral::ReferralData;
use wallet_core::sync::{Change, EntityKind, Mutation, MutationOutcome, SyncResponse};

pub const STEP: u64 = 30;
pub const CLIENT: &str = "7d1c9e2a-0b4f-4e8d-a6c3-5f2e1d0c9b8a";

pub async fn cashier_post(
    app: &TestApp,
    path: &str,
    body: Value,
    key: &str,
    idempotency_key: Option<&str>,
) -> TestResponse {
    let mut request = post_request(path, &body.to_string(), Some(key));
    if let Some(id) = idempotency_key {
        request
            .headers_mut()
            .insert("idempotency-key", id.parse().expect("a header value"));
    }
    app.send(request).await
}

/// A purchase with the member's current code; the clock then moves a step on, so the next
/// purchase has a fresh code.
pub async fn buy(app: &TestApp, member: &Member, amount: i64, key: &str) -> PurchaseResponse {
    let response = try_buy(app, member, amount, key).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json_as()
}

pub async fn try_buy(app: &TestApp, member: &Member, amount: i64, key: &str) -> TestResponse {
    let body = json!({
        "payload": member.payload(app.now(), 0),
        "amount": amount,
        "request_id": super::unique_name("till"),
    });
    let response = cashier_post(app, "/v1/cashier/purchase", body, key, None).await;
    app.clock.advance(STEP);
    response
}

pub async fn redeem(app: &TestApp, code: &str, key: &str, request_id: &str) -> TestResponse {
    let body = json!({ "coupon_code": code, "request_id": request_id });
    cashier_post(app, "/v1/cashier/redeem", body, key, None).await
}

pub async fn adjust(
    app: &TestApp,
    member: &Member,
    delta: i64,
    reason: &str,
    key: &str,
) -> TestResponse {
    let body = json!({
        "membership_id": member.id(), "delta_points": delta, "reason": reason,
        "note": "感謝填寫問卷", "request_id": super::unique_name("adj"),
    });
    cashier_post(app, "/v1/cashier/adjust", body, key, None).await
}

/// Staff add (or take off) stamps with the given request id.
pub async fn adjust_stamps(
    app: &TestApp,
    member: &Member,
    delta: i64,
    key: &str,
    request_id: &str,
) -> TestResponse {
    let body = json!({
        "membership_id": member.id(), "delta_stamps": delta, "reason": "adjustment",
        "request_id": request_id,
    });
    cashier_post(app, "/v1/cashier/adjust", body, key, None).await
}

/// Sends every body to `path` at the same moment (one task each, on the test's worker threads)
/// and gives their answers: status and body, in the order of `bodies`.
pub async fn post_all_at_once(
    app: &TestApp,
    path: &'static str,
    bodies: Vec<String>,
    key: &'static str,
) -> Vec<(StatusCode, axum::body::Bytes)> {
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let router = app.app.clone();
            tokio::spawn(async move {
                use http_body_util::BodyExt;
                use tower::ServiceExt;
                let request = post_request(path, &body, Some(key));
                let response = router.oneshot(request).await.expect("an answer");
                let status = response.status();
                let bytes = response.into_body().collect().await.expect("a body");
                (status, bytes.to_bytes())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("the task ran"));
    }
    answers
}

/// Copies of one request: every copy got the same successful answer.
pub fn assert_one_success_for_all(answers: &[(StatusCode, axum::body::Bytes)]) {
    assert!(
        answers.iter().all(|(s, _)| *s == StatusCode::OK),
        "{answers:?}"
    );
    assert!(
        answers.windows(2).all(|w| w[0].1 == w[1].1),
        "one answer for all"
    );
}

/// As `adjust_stamps` with a fresh request id, expecting `200`.
pub async fn stamp(app: &TestApp, member: &Member, delta: i64, key: &str) -> AdjustResponse {
    let response = adjust_stamps(app, member, delta, key, &super::unique_name("adj")).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json_as()
}

pub fn card_of(answer: &AdjustResponse) -> (u32, u32, u32) {
    let AdjustStamps {
        stamps,
        stamps_required,
        cards_completed,
        ..
    } = answer.stamps.clone().expect("a stamps answer");
    (stamps, stamps_required, cards_completed)
}

pub fn mutation(seq: u64, name: &str, args: Value) -> Mutation {
    Mutation {
        seq,
        id: format!("m-{seq}-{name}"),
        name: name.into(),
        args,
        client_time: 0,
    }
}

pub async fn sync(
    app: &TestApp,
    member: &Member,
    cursor: Option<&str>,
    mutations: &[Mutation],
) -> SyncResponse {
    let body = json!({ "client_id": CLIENT, "cursor": cursor, "mutations": mutations });
    let response = app
        .post(
            "/v1/sync",
            &body.to_string(),
            Some(&member.enrolled.membership.token),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let answer: SyncResponse = response.json_as();
    answer
        .validate(mutations)
        .expect("a sync answer the wallet accepts");
    answer
}

/// Pushes one mutation and returns its outcome.
pub async fn push(app: &TestApp, member: &Member, m: Mutation) -> MutationOutcome {
    let answer = sync(app, member, None, std::slice::from_ref(&m)).await;
    assert_eq!(answer.results.len(), 1);
    answer.results[0].outcome.clone()
}

pub fn rejected_with(outcome: &MutationOutcome) -> &str {
    match outcome {
        MutationOutcome::Rejected { code, message } => {
            assert!(!message.is_empty());
            code
        }
        MutationOutcome::Applied => "applied",
    }
}

/// The wallet's whole copy of a membership: a full snapshot, every page.
pub struct Snapshot(pub Vec<Change>);

pub async fn snapshot(app: &TestApp, member: &Member) -> Snapshot {
    let mut cursor: Option<String> = None;
    let mut changes = Vec::new();
    loop {
        let page = sync(app, member, cursor.as_deref(), &[]).await;
        changes.extend(page.changes);
        cursor = Some(page.cursor);
        if !page.more {
            break;
        }
    }
    let snapshot = Snapshot(changes);
    snapshot.validate_all();
    snapshot
}

impl Snapshot {
    pub fn all<T: DeserializeOwned>(&self, kind: EntityKind) -> Vec<(String, T)> {
        self.0
            .iter()
            .filter(|c| c.kind == kind && !c.deleted)
            .map(|c| {
                let data = c.data.clone().expect("live data");
                let parsed = serde_json::from_value(data.clone())
                    .unwrap_or_else(|e| panic!("{kind} {}: {e}: {data}", c.id));
                (c.id.clone(), parsed)
            })
            .collect()
    }

    pub fn one<T: DeserializeOwned>(&self, kind: EntityKind) -> (String, T) {
        let mut all = self.all(kind.clone());
        assert_eq!(all.len(), 1, "one {kind}");
        all.remove(0)
    }

    pub fn balance(&self) -> PointsBalanceData {
        self.one(EntityKind::PointsBalance).1
    }

    pub fn ledger(&self) -> Vec<LedgerEntryData> {
        let mut entries: Vec<LedgerEntryData> = self
            .all(EntityKind::LedgerEntry)
            .into_iter()
            .map(|(_, e)| e)
            .collect();
        entries.sort_by_key(|e| e.seq);
        entries
    }

    pub fn coupons(&self) -> Vec<CouponData> {
        self.all(EntityKind::Coupon)
            .into_iter()
            .map(|(_, c)| c)
            .collect()
    }

    pub fn cards(&self) -> Vec<StampCardData> {
        let mut cards: Vec<StampCardData> = self
            .all(EntityKind::StampCard)
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        cards.sort_by_key(|c| c.serial);
        cards
    }

    pub fn active_card(&self) -> StampCardData {
        let active: Vec<StampCardData> = self
            .cards()
            .into_iter()
            .filter(|c| c.state == StampCardState::Active)
            .collect();
        assert_eq!(active.len(), 1, "one active card");
        active.into_iter().next().expect("checked")
    }

    /// Every loyalty entity parses into its core type and passes the wallet's validation.
    pub fn validate_all(&self) {
        for (id, card) in self.all::<StampCardData>(EntityKind::StampCard) {
            assert!(card.validate(), "stamp_card {id}: {card:?}");
        }
        for (id, balance) in self.all::<PointsBalanceData>(EntityKind::PointsBalance) {
            assert!(balance.validate(), "points_balance {id}: {balance:?}");
        }
        for (id, entry) in self.all::<LedgerEntryData>(EntityKind::LedgerEntry) {
            assert!(entry.validate(), "ledger_entry {id}: {entry:?}");
        }
        for (id, tier) in self.all::<TierData>(EntityKind::Tier) {
            assert!(tier.validate(), "tier {id}: {tier:?}");
        }
        for (id, coupon) in self.all::<CouponData>(EntityKind::Coupon) {
            assert!(coupon.validate(), "coupon {id}: {coupon:?}");
            assert_eq!(coupon.code.as_str(), id, "a coupon's id is its code");
        }
        for (id, reward) in self.all::<RewardData>(EntityKind::Reward) {
            assert!(reward.validate(), "reward {id}: {reward:?}");
        }
        for (id, claim) in self.all::<ClaimData>(EntityKind::Claim) {
            assert!(claim.validate(), "claim {id}: {claim:?}");
            assert_eq!(claim.code.as_str(), id, "a claim's id is its code");
        }
        for (id, referral) in self.all::<ReferralData>(EntityKind::Referral) {
            assert!(referral.validate(), "referral {id}: {referral:?}");
        }
    }
}

pub async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.pool)
        .await
        .expect("a count")
}
