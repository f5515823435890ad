//! Loyalty against a real database (SQLite, or the PostgreSQL of TEST_DATABASE_URL): purchases at
//! the counter (stamps, points, ledger, tiers), stamp card rewards and new cards, the daily limit,
//! expiry on an injected clock, `reward.exchange` exactly once or rejected without effect, coupon
//! redemption (and its race), group points across brands, idempotent cashier requests, the
//! birthday coupon, point adjustments and stamps staff add or take off. Every entity a wallet receives is parsed with the core
//! types and validated, as the wallet does.

mod common;

use axum::http::StatusCode;
use common::till::*;
use common::TestApp;
use serde_json::{json, Value};
use wallet_core::cashier::{error_code as cashier_code, AdjustResponse, RedeemResponse};
use wallet_core::loyalty::reward_exchange::rejection;
use wallet_core::loyalty::{
    profile_set_birthday, CouponSource, CouponState, LedgerReason, MembershipLoyaltyData,
    PointsBalanceData, RewardData, StampCardState, TierData,
};
use wallet_core::loyalty_rules::SECS_PER_DAY;
use wallet_core::message::{MessageData, MessageTopic};
use wallet_core::protocol::error_code;
use wallet_core::sync::error_code::INVALID_ARGUMENTS;
use wallet_core::sync::{EntityKind, MembershipData, MutationOutcome};
use wallet_server::demo::{BOOKS, CAFE, RAMEN, YAKINIKU};

// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn enroll_creates_the_loyalty_entities() {
    let app = TestApp::start().await;

    let cafe = snapshot(&app, &app.enroll("CAFE").await).await;
    let card = cafe.active_card();
    assert_eq!((card.stamps, card.stamps_required, card.serial), (0, 10, 1));
    assert_eq!(card.stamp_mark, "☕");
    assert!(cafe
        .all::<PointsBalanceData>(EntityKind::PointsBalance)
        .is_empty());

    let books = snapshot(&app, &app.enroll("BOOKS").await).await;
    assert_eq!(books.balance().balance, 50, "welcome points");
    let ledger = books.ledger();
    assert_eq!(ledger.len(), 1);
    assert_eq!(
        (ledger[0].reason.clone(), ledger[0].points, ledger[0].seq),
        (LedgerReason::Welcome, 50, 1)
    );
    let (tier_id, tier) = books.one::<TierData>(EntityKind::Tier);
    assert_eq!(tier_id, BOOKS.id);
    assert_eq!(
        (tier.tier_id.as_str(), tier.name.zh_tw.as_str()),
        ("regular", "一般")
    );
    let names: Vec<&str> = tier.tiers.iter().map(|t| t.name.zh_tw.as_str()).collect();
    assert_eq!(names, ["一般", "銀卡", "金卡", "鑽石"]);
    assert_eq!(tier.next().map(|t| t.min_spend), Some(3_000));
    let rewards = books.all::<RewardData>(EntityKind::Reward);
    assert_eq!(rewards.len(), 3);
    assert!(rewards
        .iter()
        .any(|(id, r)| id == "books-tote" && r.limited_stock && r.in_stock));
}

#[tokio::test]
async fn a_purchase_grants_points_writes_the_ledger_and_raises_the_tier() {
    let app = TestApp::start().await;
    let member = app.enroll("BOOKS").await;

    let first = buy(&app, &member, 3_450, BOOKS.cashier_key).await;
    assert_eq!(first.membership_id.as_str(), member.id());
    assert_eq!(first.stamps, None, "the bookshop has no stamp card");
    let points = first.points.clone().expect("points");
    assert_eq!((points.earned, points.balance), (34, 84));
    let tier = first.tier.clone().expect("tiers");
    assert_eq!(
        (tier.tier_id.as_str(), tier.changed, tier.spend_12m),
        ("silver", true, 3_450)
    );

    // Silver earns 1.2x.
    let second = buy(&app, &member, 1_000, BOOKS.cashier_key).await;
    assert_eq!(
        second.points.as_ref().map(|p| (p.earned, p.balance)),
        Some((12, 96))
    );
    assert!(!second.tier.expect("tiers").changed);

    let wallet = snapshot(&app, &member).await;
    assert_eq!(wallet.balance().balance, 96);
    let ledger = wallet.ledger();
    let summary: Vec<(LedgerReason, i64, i64, Option<i64>)> = ledger
        .iter()
        .map(|e| (e.reason.clone(), e.points, e.balance_after, e.amount))
        .collect();
    assert_eq!(
        summary,
        [
            (LedgerReason::Welcome, 50, 50, None),
            (LedgerReason::Purchase, 34, 84, Some(3_450)),
            (LedgerReason::Purchase, 12, 96, Some(1_000)),
        ]
    );
    assert!(ledger
        .iter()
        .all(|e| e.expires_at.is_some() && e.merchant_name.zh_tw == BOOKS.name_zh));
    let (_, tier) = wallet.one::<TierData>(EntityKind::Tier);
    assert_eq!(
        (
            tier.tier_id.as_str(),
            tier.spend_12m,
            tier.points_multiplier_pct
        ),
        ("silver", 4_450, 120)
    );
    assert_eq!(tier.spend_to_next(), Some(10_000 - 4_450));

    // A year later the spend has left the window: the next purchase recomputes the tier.
    app.clock.advance(366 * SECS_PER_DAY as u64);
    let later = buy(&app, &member, 100, BOOKS.cashier_key).await;
    let tier = later.tier.expect("tiers");
    assert_eq!(
        (tier.tier_id.as_str(), tier.changed, tier.spend_12m),
        ("regular", true, 100)
    );
}

#[tokio::test]
async fn stamps_fill_the_card_issue_rewards_and_start_a_new_card() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let mut issued = Vec::new();
    for visit in 1..=10u32 {
        let answer = buy(&app, &member, 180, CAFE.cashier_key).await;
        let stamps = answer.stamps.expect("a stamp program");
        assert_eq!(stamps.granted, 1, "visit {visit}");
        assert_eq!(answer.points, None, "the café has no points");
        issued.extend(answer.coupons_issued);
        if visit < 10 {
            assert_eq!((stamps.stamps, stamps.cards_completed), (visit, 0));
        } else {
            assert_eq!(
                (stamps.stamps, stamps.cards_completed),
                (0, 1),
                "a new card"
            );
        }
        app.clock.advance(SECS_PER_DAY as u64);
    }
    let titles: Vec<&str> = issued.iter().map(|c| c.title.en.as_str()).collect();
    assert_eq!(titles, ["A scone on us", "Any drink on us"]);

    let wallet = snapshot(&app, &member).await;
    let cards = wallet.cards();
    assert_eq!(cards.len(), 2);
    assert_eq!(
        (cards[0].serial, cards[0].stamps, cards[0].state.clone()),
        (1, 10, StampCardState::Rewarded)
    );
    assert!(cards[0].completed_at.is_some() && cards[0].expires_at.is_none());
    assert_eq!(
        (cards[1].serial, cards[1].stamps, cards[1].state.clone()),
        (2, 0, StampCardState::Active)
    );
    assert_eq!(cards[1].next_step().map(|s| s.at), Some(5));
    let coupons = wallet.coupons();
    assert_eq!(coupons.len(), 2);
    assert!(coupons
        .iter()
        .all(|c| c.source == CouponSource::StampCard && c.state == CouponState::Active));
    assert!(coupons.iter().all(|c| c.merchant_id == CAFE.id));
}

#[tokio::test]
async fn the_daily_limit_and_the_minimum_amount_hold_stamps_back() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    // The café: one stamp a purchase from NT$60, at most two a day.
    let small = buy(&app, &member, 59, CAFE.cashier_key)
        .await
        .stamps
        .expect("stamps");
    assert_eq!((small.granted, small.limited), (0, false));
    let granted: Vec<(u32, bool)> = [
        buy(&app, &member, 100, CAFE.cashier_key).await,
        buy(&app, &member, 100, CAFE.cashier_key).await,
        buy(&app, &member, 100, CAFE.cashier_key).await,
    ]
    .into_iter()
    .map(|a| a.stamps.map(|s| (s.granted, s.limited)).expect("stamps"))
    .collect();
    assert_eq!(granted, [(1, false), (1, false), (0, true)]);
    assert_eq!(snapshot(&app, &member).await.active_card().stamps, 2);

    app.clock.advance(SECS_PER_DAY as u64);
    let tomorrow = buy(&app, &member, 100, CAFE.cashier_key)
        .await
        .stamps
        .expect("stamps");
    assert_eq!((tomorrow.granted, tomorrow.stamps), (1, 3));
}

#[tokio::test]
async fn cards_and_points_expire_on_the_clock() {
    let app = TestApp::start().await;
    // The café's card expires 180 days after its last stamp.
    let cafe = app.enroll("CAFE").await;
    buy(&app, &cafe, 100, CAFE.cashier_key).await;
    let card = snapshot(&app, &cafe).await.active_card();
    let expires_at = card.expires_at.expect("an expiry");
    assert_eq!(
        expires_at,
        card.last_stamp_at.expect("stamped") + 180 * SECS_PER_DAY
    );

    // Yakiniku points (welcome 100 + 10 earned) expire after 365 days.
    let grill = app.enroll("YAKINIKU").await;
    buy(&app, &grill, 1_000, YAKINIKU.cashier_key).await;
    let balance = snapshot(&app, &grill).await.balance();
    assert_eq!(balance.balance, 110);
    assert_eq!(balance.expiring.iter().map(|e| e.points).sum::<i64>(), 110);

    app.clock.advance(367 * SECS_PER_DAY as u64);
    let cafe_wallet = snapshot(&app, &cafe).await;
    let cards = cafe_wallet.cards();
    let states: Vec<(u32, StampCardState)> =
        cards.iter().map(|c| (c.serial, c.state.clone())).collect();
    assert_eq!(
        states,
        [(1, StampCardState::Expired), (2, StampCardState::Active)]
    );

    let grill_wallet = snapshot(&app, &grill).await;
    assert_eq!(grill_wallet.balance().balance, 0);
    assert!(grill_wallet.balance().expiring.is_empty());
    let last = grill_wallet.ledger().pop().expect("entries");
    assert_eq!(
        (last.reason, last.points, last.balance_after),
        (LedgerReason::Expiry, -110, 0)
    );
    // A second sync sweeps nothing more.
    let again = snapshot(&app, &grill).await;
    assert_eq!(again.ledger().len(), 3);
}

#[tokio::test]
async fn exchanging_points_is_applied_once_and_refusals_change_nothing() {
    let app = TestApp::start().await;
    let member = app.enroll("YAKINIKU").await;
    let first = sync(&app, &member, None, &[]).await;

    // 100 welcome points; the dessert costs 120.
    let dessert = mutation(
        1,
        "reward.exchange",
        json!({ "reward_id": "yakiniku-dessert" }),
    );
    let outcome = push(&app, &member, dessert.clone()).await;
    assert_eq!(rejected_with(&outcome), rejection::INSUFFICIENT_POINTS);
    let resent = sync(&app, &member, None, &[dessert]).await;
    assert_eq!(
        rejected_with(&resent.results[0].outcome),
        rejection::INSUFFICIENT_POINTS,
        "a resend gets the same rejection"
    );
    // Nothing changed: the pull after the rejected push brings no change at all.
    let after = sync(&app, &member, Some(&first.cursor), &[]).await;
    assert!(after.changes.is_empty(), "{:?}", after.changes);

    let cases = [
        (
            json!({ "reward_id": "no-such-reward" }),
            rejection::REWARD_UNKNOWN,
        ),
        (
            json!({ "reward_id": "ramen-egg" }),
            rejection::REWARD_UNKNOWN,
        ), // another brand's
        (
            json!({ "reward_id": "yakiniku-wagyu" }),
            rejection::CARD_NOT_COMPLETE,
        ),
        (json!({ "reward": "x" }), INVALID_ARGUMENTS),
    ];
    for (seq, (args, code)) in (2..).zip(cases) {
        let outcome = push(&app, &member, mutation(seq, "reward.exchange", args)).await;
        assert_eq!(rejected_with(&outcome), code);
    }
    sqlx::query("UPDATE rewards SET stock = 0 WHERE id = 'yakiniku-wagyu'")
        .execute(&app.pool)
        .await
        .unwrap();
    let last_rejected = mutation(
        6,
        "reward.exchange",
        json!({ "reward_id": "yakiniku-wagyu" }),
    );
    let outcome = push(&app, &member, last_rejected.clone()).await;
    assert_eq!(rejected_with(&outcome), rejection::OUT_OF_STOCK);
    let after = sync(&app, &member, Some(&first.cursor), &[]).await;
    assert!(
        after.changes.is_empty(),
        "rejections change nothing: {:?}",
        after.changes
    );
    // A rejected mutation is final: sent again (its answer lost), the same rejection, still
    // nothing applied.
    let resent = sync(&app, &member, None, std::slice::from_ref(&last_rejected)).await;
    assert_eq!(
        rejected_with(&resent.results[0].outcome),
        rejection::OUT_OF_STOCK
    );

    buy(&app, &member, 2_000, YAKINIKU.cashier_key).await; // +20: 120 points
    let exchange = mutation(
        7,
        "reward.exchange",
        json!({ "reward_id": "yakiniku-dessert" }),
    );
    assert_eq!(
        push(&app, &member, exchange.clone()).await,
        MutationOutcome::Applied
    );
    // The response was "lost": the wallet sends the same mutation again.
    let resent = sync(&app, &member, None, &[exchange]).await;
    assert_eq!(resent.results[0].outcome, MutationOutcome::Applied);
    assert_eq!(resent.last_processed_seq, 7);

    let wallet = snapshot(&app, &member).await;
    assert_eq!(wallet.balance().balance, 0, "spent once");
    let coupons = wallet.coupons();
    assert_eq!(coupons.len(), 1, "one coupon");
    assert_eq!(
        (coupons[0].source.clone(), coupons[0].reward_id.as_deref()),
        (CouponSource::Reward, Some("yakiniku-dessert"))
    );
    let spent: Vec<i64> = wallet
        .ledger()
        .iter()
        .filter(|e| e.reason == LedgerReason::RewardExchange)
        .map(|e| e.points)
        .collect();
    assert_eq!(spent, [-120]);
}

#[tokio::test]
async fn a_completed_card_buys_a_catalogue_reward_and_stock_runs_out_for_everyone() {
    let app = TestApp::start().await;
    let member = app.enroll("YAKINIKU").await;
    let other = app.enroll("YAKINIKU").await;
    sqlx::query("UPDATE rewards SET stock = 1 WHERE id = 'yakiniku-wagyu'")
        .execute(&app.pool)
        .await
        .unwrap();
    for _ in 0..6 {
        buy(&app, &member, 800, YAKINIKU.cashier_key).await;
        app.clock.advance(SECS_PER_DAY as u64); // one stamp a day
    }
    let wallet = snapshot(&app, &member).await;
    let cards = wallet.cards();
    assert_eq!(
        cards[0].state,
        StampCardState::Completed,
        "waits for the catalogue choice"
    );
    assert!(cards[0].is_exchangeable());
    assert_eq!(cards[1].state, StampCardState::Active);
    let beers = wallet
        .coupons()
        .iter()
        .filter(|c| c.title.en == "A draft beer")
        .count();
    assert_eq!(beers, 1, "the step at 3 stamps");

    let wagyu = mutation(
        1,
        "reward.exchange",
        json!({ "reward_id": "yakiniku-wagyu" }),
    );
    assert_eq!(push(&app, &member, wagyu).await, MutationOutcome::Applied);
    let wallet = snapshot(&app, &member).await;
    assert_eq!(wallet.cards()[0].state, StampCardState::Rewarded);
    assert!(wallet
        .coupons()
        .iter()
        .any(|c| c.reward_id.as_deref() == Some("yakiniku-wagyu")));
    let again = mutation(
        2,
        "reward.exchange",
        json!({ "reward_id": "yakiniku-porkbelly" }),
    );
    assert_eq!(
        rejected_with(&push(&app, &member, again).await),
        rejection::CARD_NOT_COMPLETE
    );

    // The last wagyu platter is gone: every member of the shop sees it.
    let others = snapshot(&app, &other).await;
    let (_, reward) = others
        .all::<RewardData>(EntityKind::Reward)
        .into_iter()
        .find(|(id, _)| id == "yakiniku-wagyu")
        .expect("the reward");
    assert!(!reward.in_stock && reward.limited_stock);
}

#[tokio::test]
async fn coupons_are_redeemed_once_at_their_own_merchant() {
    let app = TestApp::start().await;
    let member = app.enroll("BOOKS").await;
    let adjusted = adjust(&app, &member, 200, "survey", BOOKS.cashier_key).await;
    assert_eq!(adjusted.status, StatusCode::OK, "{}", adjusted.text());
    let exchange = mutation(1, "reward.exchange", json!({ "reward_id": "books-coffee" }));
    assert_eq!(
        push(&app, &member, exchange).await,
        MutationOutcome::Applied
    );
    let coupon = snapshot(&app, &member).await.coupons().remove(0);
    let qr = coupon.qr_payload();
    assert!(qr.starts_with("MWC1:"));

    redeem(&app, &qr, CAFE.cashier_key, "r-0")
        .await
        .assert_error(StatusCode::FORBIDDEN, cashier_code::COUPON_OTHER_MERCHANT);
    redeem(&app, "MWC1:0000000000ZZ", BOOKS.cashier_key, "r-1")
        .await
        .assert_error(StatusCode::NOT_FOUND, cashier_code::COUPON_UNKNOWN);
    redeem(&app, "MW1:7K3D9QX2M4PA:492039", BOOKS.cashier_key, "r-2")
        .await
        .assert_error(StatusCode::BAD_REQUEST, cashier_code::COUPON_CODE_MALFORMED);

    // The typed form works as well as the QR.
    let ok = redeem(
        &app,
        &coupon.code.grouped().to_lowercase(),
        BOOKS.cashier_key,
        "r-3",
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    let redeemed: RedeemResponse = ok.json_as();
    assert_eq!(
        (
            redeemed.coupon_code.clone(),
            redeemed.membership_id.as_str()
        ),
        (coupon.code.clone(), member.id())
    );
    // The same request again: the stored answer. Another request: already used.
    let replay = redeem(&app, &qr, BOOKS.cashier_key, "r-3").await;
    assert_eq!(
        (replay.status, replay.header("idempotent-replayed")),
        (StatusCode::OK, Some("true"))
    );
    assert_eq!(replay.body, ok.body);
    redeem(&app, &qr, BOOKS.cashier_key, "r-4")
        .await
        .assert_error(StatusCode::CONFLICT, cashier_code::COUPON_ALREADY_USED);
    let used = snapshot(&app, &member).await.coupons().remove(0);
    assert_eq!(
        (used.state, used.used_at.is_some()),
        (CouponState::Used, true)
    );

    // An unused coupon past its validity.
    let exchange = mutation(2, "reward.exchange", json!({ "reward_id": "books-coffee" }));
    adjust(&app, &member, 200, "game", BOOKS.cashier_key).await;
    assert_eq!(
        push(&app, &member, exchange).await,
        MutationOutcome::Applied
    );
    let fresh = snapshot(&app, &member)
        .await
        .coupons()
        .into_iter()
        .find(|c| c.state == CouponState::Active)
        .expect("the new coupon");
    app.clock.advance(31 * SECS_PER_DAY as u64);
    assert_eq!(
        fresh.state_at(i64::try_from(app.now()).unwrap()),
        CouponState::Expired
    );
    redeem(&app, &fresh.qr_payload(), BOOKS.cashier_key, "r-5")
        .await
        .assert_error(StatusCode::GONE, cashier_code::COUPON_EXPIRED);
    let expired = snapshot(&app, &member)
        .await
        .coupons()
        .into_iter()
        .find(|c| c.code == fresh.code)
        .expect("the coupon");
    assert_eq!(
        expired.state,
        CouponState::Expired,
        "marked at the next sync"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_cashiers_redeeming_one_coupon_at_once_exactly_one_wins() {
    let app = TestApp::start().await;
    let member = app.enroll("RAMEN").await;
    buy(&app, &member, 500, RAMEN.cashier_key).await; // 50 welcome + 10
    let exchange = mutation(1, "reward.exchange", json!({ "reward_id": "ramen-egg" }));
    assert_eq!(
        push(&app, &member, exchange).await,
        MutationOutcome::Applied
    );
    let qr = snapshot(&app, &member)
        .await
        .coupons()
        .remove(0)
        .qr_payload();

    for round in 0..3 {
        let bodies = (0..8)
            .map(|i| json!({ "coupon_code": qr, "request_id": format!("race-{round}-{i}") }))
            .map(|body| body.to_string())
            .collect();
        let statuses: Vec<StatusCode> =
            post_all_at_once(&app, "/v1/cashier/redeem", bodies, RAMEN.cashier_key)
                .await
                .into_iter()
                .map(|(status, _)| status)
                .collect();
        let wins = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!(wins, usize::from(round == 0), "round {round}: {statuses:?}");
        assert!(
            statuses
                .iter()
                .all(|s| [StatusCode::OK, StatusCode::CONFLICT].contains(s)),
            "{statuses:?}"
        );
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM coupons WHERE state = 'used'").await,
        1
    );
}

#[tokio::test]
async fn adjustments_at_the_edge_of_an_i64_are_refused_and_change_nothing() {
    let app = TestApp::start().await;
    let member = app.enroll("BOOKS").await;
    for delta in [i64::MIN, i64::MIN + 1, i64::MAX] {
        let response = adjust(&app, &member, delta, "adjustment", BOOKS.cashier_key).await;
        response.assert_error(StatusCode::BAD_REQUEST, error_code::BAD_REQUEST);
    }
    let body = json!({
        "membership_id": member.id(), "delta_stamps": i64::MIN, "reason": "adjustment",
        "request_id": common::unique_name("adj"),
    });
    let response = cashier_post(&app, "/v1/cashier/adjust", body, BOOKS.cashier_key, None).await;
    response.assert_error(StatusCode::BAD_REQUEST, error_code::BAD_REQUEST);
    assert_eq!(
        snapshot(&app, &member).await.balance().balance,
        50,
        "the welcome points only"
    );
}

#[tokio::test]
async fn text_that_hides_itself_is_refused_in_notes_and_names() {
    let app = TestApp::start().await;
    let member = app.enroll("BOOKS").await;
    for note in ["感謝\u{202e}填寫", "thanks\u{200b}", "\u{2066}x"] {
        let body = json!({
            "membership_id": member.id(), "delta_points": 5, "reason": "adjustment",
            "note": note, "request_id": common::unique_name("adj"),
        });
        let response =
            cashier_post(&app, "/v1/cashier/adjust", body, BOOKS.cashier_key, None).await;
        response.assert_error(StatusCode::BAD_REQUEST, error_code::BAD_REQUEST);
    }
    let wallet = snapshot(&app, &member).await;
    assert_eq!(wallet.balance().balance, 50, "no adjustment was recorded");
    // Every entry the issuer keeps is one the wallet accepts (before, a note with U+202E was
    // stored and then refused by the wallet, so the entry vanished from its ledger).
    assert!(wallet.ledger().iter().all(|entry| entry.validate()));

    let rename = mutation(
        1,
        "profile.update",
        json!({ "display_name": "Ming\u{200b}" }),
    );
    match push(&app, &member, rename).await {
        MutationOutcome::Rejected { code, .. } => assert_eq!(code, INVALID_ARGUMENTS),
        other => panic!("a hidden character in a name was {other:?}"),
    }
}

#[tokio::test]
async fn welcome_points_come_once_per_brand_into_a_shared_balance_whatever_the_order() {
    let app = TestApp::start().await;
    let grill = app.enroll("YAKINIKU").await;
    let linked = |join_code: &str, token: &str| {
        json!({ "join_code": join_code, "link_tokens": [token] }).to_string()
    };
    let grill_token = grill.enrolled.membership.token.clone();
    let mut ramen_token = String::new();
    // The same brand joined again and again through the link (the farming of issue 11), and the
    // first brand joined again from the second brand's token.
    for round in 0..3 {
        let body = linked("RAMEN", &grill_token);
        let response = app.post("/v1/enroll", &body, None).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        ramen_token = common::member_from(response.json_as())
            .enrolled
            .membership
            .token;
        let balance = snapshot(&app, &grill).await.balance().balance;
        assert_eq!(
            balance, 150,
            "round {round}: 100 yakiniku + 50 ramen welcome, once each"
        );
    }
    let body = linked("YAKINIKU", &ramen_token);
    let response = app.post("/v1/enroll", &body, None).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let again = common::member_from(response.json_as());
    assert_eq!(snapshot(&app, &again).await.balance().balance, 150);
    assert_eq!(snapshot(&app, &grill).await.balance().balance, 150);
    let welcomes = snapshot(&app, &grill)
        .await
        .ledger()
        .into_iter()
        .filter(|entry| entry.reason == LedgerReason::Welcome)
        .count();
    assert_eq!(welcomes, 2, "one welcome entry per brand");
}

#[tokio::test]
async fn group_points_earned_at_one_brand_are_spent_at_the_other() {
    let app = TestApp::start().await;
    let grill = app.enroll("YAKINIKU").await;
    let cafe = app.enroll("CAFE").await;
    // The wallet sends the tokens it holds at this issuer; only the same group's counts.
    let body = json!({
        "join_code": "RAMEN",
        "link_tokens": [cafe.enrolled.membership.token, "not-a-token", grill.enrolled.membership.token],
    });
    let response = app.post("/v1/enroll", &body.to_string(), None).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let ramen = common::member_from(response.json_as());
    let loner = app.enroll("RAMEN").await;

    let (grill_id, grill_balance) = snapshot(&app, &grill)
        .await
        .one::<PointsBalanceData>(EntityKind::PointsBalance);
    let (ramen_id, ramen_balance) = snapshot(&app, &ramen)
        .await
        .one::<PointsBalanceData>(EntityKind::PointsBalance);
    assert_eq!(
        grill_id, ramen_id,
        "one balance, the same entity in both memberships"
    );
    assert_eq!(ramen_balance.balance, 150, "both brands' welcome points");
    assert_eq!(
        ramen_balance.group.as_ref().map(|g| g.name.zh_tw.as_str()),
        Some("小巷餐飲集團")
    );
    let brands: Vec<&str> = ramen_balance
        .merchants
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(brands, [RAMEN.id, YAKINIKU.id]);
    assert_eq!(
        grill_balance, ramen_balance,
        "the ramen welcome points reach the yakiniku membership"
    );
    let (loner_id, loner_balance) = snapshot(&app, &loner)
        .await
        .one::<PointsBalanceData>(EntityKind::PointsBalance);
    assert_ne!(loner_id, grill_id);
    assert_eq!(loner_balance.balance, 50);

    // Earned at the yakiniku place ...
    let earned = buy(&app, &grill, 1_000, YAKINIKU.cashier_key).await;
    assert_eq!(
        earned.points.as_ref().map(|p| (p.earned, p.balance)),
        Some((10, 160))
    );
    // ... spent at the ramen shop.
    let chashu = mutation(1, "reward.exchange", json!({ "reward_id": "ramen-chashu" }));
    assert_eq!(push(&app, &ramen, chashu).await, MutationOutcome::Applied);

    let ramen_wallet = snapshot(&app, &ramen).await;
    let grill_wallet = snapshot(&app, &grill).await;
    assert_eq!(ramen_wallet.balance().balance, 10);
    assert_eq!(
        grill_wallet.balance().balance,
        10,
        "the other brand's wallet sees the spend"
    );
    let seqs = |w: &Snapshot| {
        w.ledger()
            .iter()
            .map(|e| (e.seq, e.merchant_id.clone(), e.points))
            .collect::<Vec<_>>()
    };
    assert_eq!(seqs(&ramen_wallet), seqs(&grill_wallet), "one ledger");
    assert_eq!(
        seqs(&grill_wallet),
        [
            (1, YAKINIKU.id.to_owned(), 100),
            (2, RAMEN.id.to_owned(), 50),
            (3, YAKINIKU.id.to_owned(), 10),
            (4, RAMEN.id.to_owned(), -150),
        ]
    );
    let coupon = ramen_wallet.coupons().remove(0);
    assert_eq!(coupon.merchant_id, RAMEN.id);
    assert!(
        grill_wallet.coupons().is_empty(),
        "the coupon is the ramen membership's"
    );
    redeem(&app, &coupon.qr_payload(), YAKINIKU.cashier_key, "g-1")
        .await
        .assert_error(StatusCode::FORBIDDEN, cashier_code::COUPON_OTHER_MERCHANT);
}

#[tokio::test]
async fn cashier_request_ids_make_requests_idempotent() {
    let app = TestApp::start().await;
    let member = app.enroll("YAKINIKU").await;
    let payload = member.payload(app.now(), 0);
    let body = json!({ "payload": payload, "amount": 1_200 });

    let first = cashier_post(
        &app,
        "/v1/cashier/purchase",
        body.clone(),
        YAKINIKU.cashier_key,
        Some("till-1-0001"),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    assert_eq!(first.header("idempotent-replayed"), None);
    // The answer was lost; the till sends the same request (its code is spent by now).
    let again = cashier_post(
        &app,
        "/v1/cashier/purchase",
        body.clone(),
        YAKINIKU.cashier_key,
        Some("till-1-0001"),
    )
    .await;
    assert_eq!(
        (again.status, again.header("idempotent-replayed")),
        (StatusCode::OK, Some("true"))
    );
    assert_eq!(again.body, first.body, "the stored answer");
    // In the body instead of the header: the same id.
    let mut with_field = body.clone();
    with_field["request_id"] = json!("till-1-0001");
    let field = cashier_post(
        &app,
        "/v1/cashier/purchase",
        with_field,
        YAKINIKU.cashier_key,
        None,
    )
    .await;
    assert_eq!(field.body, first.body);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM purchases").await,
        1,
        "recorded once"
    );
    assert_eq!(snapshot(&app, &member).await.balance().balance, 112);

    // The same id for another request; no id; two different ids.
    let mut other = body.clone();
    other["amount"] = json!(1_300);
    cashier_post(
        &app,
        "/v1/cashier/purchase",
        other,
        YAKINIKU.cashier_key,
        Some("till-1-0001"),
    )
    .await
    .assert_error(StatusCode::CONFLICT, cashier_code::REQUEST_ID_REUSED);
    cashier_post(
        &app,
        "/v1/cashier/purchase",
        body.clone(),
        YAKINIKU.cashier_key,
        None,
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, error_code::BAD_REQUEST);
    let mut both = body.clone();
    both["request_id"] = json!("till-1-0002");
    cashier_post(
        &app,
        "/v1/cashier/purchase",
        both,
        YAKINIKU.cashier_key,
        Some("till-1-0003"),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, error_code::BAD_REQUEST);
    // Request ids are per merchant: another shop's till may use the same one.
    let books = app.enroll("BOOKS").await;
    let elsewhere = json!({ "payload": books.payload(app.now(), 0), "amount": 100 });
    let ok = cashier_post(
        &app,
        "/v1/cashier/purchase",
        elsewhere,
        BOOKS.cashier_key,
        Some("till-1-0001"),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());

    // Adjustments too.
    let adjust_body = json!({ "membership_id": member.id(), "delta_points": 5, "reason": "game", "request_id": "adj-1" });
    for _ in 0..2 {
        let response = cashier_post(
            &app,
            "/v1/cashier/adjust",
            adjust_body.clone(),
            YAKINIKU.cashier_key,
            None,
        )
        .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        let answer: AdjustResponse = response.json_as();
        assert_eq!(answer.balance, Some(117));
    }
    assert_eq!(snapshot(&app, &member).await.balance().balance, 117);
}

#[tokio::test]
async fn a_purchase_checks_the_member_code_like_a_scan() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let purchase = |payload: String, amount: i64, id: &'static str| json!({ "payload": payload, "amount": amount, "request_id": id });
    let payload = member.payload(app.now(), 0);
    let ok = cashier_post(
        &app,
        "/v1/cashier/purchase",
        purchase(payload.clone(), 100, "a"),
        CAFE.cashier_key,
        None,
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    cashier_post(
        &app,
        "/v1/cashier/purchase",
        purchase(payload.clone(), 100, "b"),
        CAFE.cashier_key,
        None,
    )
    .await
    .assert_error(StatusCode::CONFLICT, error_code::CODE_ALREADY_USED);
    // A code scanned at the counter cannot be used for a purchase after (or before) either.
    app.clock.advance(STEP);
    let next = member.payload(app.now(), 0);
    assert_eq!(
        app.scan_payload(&next, CAFE.cashier_key).await.status,
        StatusCode::OK
    );
    cashier_post(
        &app,
        "/v1/cashier/purchase",
        purchase(next, 100, "c"),
        CAFE.cashier_key,
        None,
    )
    .await
    .assert_error(StatusCode::CONFLICT, error_code::CODE_ALREADY_USED);
    cashier_post(
        &app,
        "/v1/cashier/purchase",
        purchase(member.payload(app.now(), 0), 100, "d"),
        BOOKS.cashier_key,
        None,
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, error_code::MEMBERSHIP_UNKNOWN);
    cashier_post(
        &app,
        "/v1/cashier/purchase",
        purchase("hello".into(), 100, "e"),
        CAFE.cashier_key,
        None,
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, error_code::MEMBER_CODE_MALFORMED);
    for amount in [0, -5, 10_000_001] {
        cashier_post(
            &app,
            "/v1/cashier/purchase",
            purchase(member.payload(app.now(), 0), amount, "f"),
            CAFE.cashier_key,
            None,
        )
        .await
        .assert_error(StatusCode::BAD_REQUEST, error_code::BAD_REQUEST);
    }
    app.post(
        "/v1/cashier/purchase",
        &purchase(member.payload(app.now(), 0), 100, "g").to_string(),
        Some("wrong-key"),
    )
    .await
    .assert_error(StatusCode::UNAUTHORIZED, error_code::UNAUTHORIZED);
    // Failed attempts count toward the same limits as scans.
    for i in 0..4 {
        let wrong = format!("MW1:{}:000000", member.id());
        let body = json!({ "payload": wrong, "amount": 100, "request_id": format!("w{i}") });
        let response =
            cashier_post(&app, "/v1/cashier/purchase", body, CAFE.cashier_key, None).await;
        assert_ne!(response.status, StatusCode::OK);
    }
    cashier_post(
        &app,
        "/v1/cashier/purchase",
        purchase(member.payload(app.now(), 1), 100, "h"),
        CAFE.cashier_key,
        None,
    )
    .await
    .assert_error(StatusCode::TOO_MANY_REQUESTS, error_code::RATE_LIMITED);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM purchases").await,
        1,
        "refusals record nothing"
    );
}

#[tokio::test]
async fn the_birthday_coupon_arrives_in_the_birthday_month_once() {
    let app = TestApp::start().await;
    // The test clock starts on 15 June 2025 (Taiwan time). A member who joins and names this
    // month gets nothing now (throwaway memberships farmed the coupon so): the month must be set
    // 30 days before it begins, so the first coupon comes next June.
    let june = app.enroll("CAFE").await;
    let set = mutation(1, profile_set_birthday::NAME, json!({ "month": 6 }));
    assert_eq!(
        push(&app, &june, set.clone()).await,
        MutationOutcome::Applied
    );
    let wallet = snapshot(&app, &june).await;
    assert!(
        wallet.coupons().is_empty(),
        "no coupon for a month named in it"
    );
    let (_, membership) = wallet.one::<Value>(EntityKind::Membership);
    let loyalty: MembershipLoyaltyData = serde_json::from_value(membership.clone()).unwrap();
    assert_eq!(loyalty.birthday_month, Some(6));

    // Resent, set again to the same month, synced again: nothing changes.
    sync(&app, &june, None, &[set]).await;
    let same = mutation(2, profile_set_birthday::NAME, json!({ "month": 6 }));
    assert_eq!(push(&app, &june, same).await, MutationOutcome::Applied);
    let other = mutation(3, profile_set_birthday::NAME, json!({ "month": 7 }));
    assert_eq!(
        rejected_with(&push(&app, &june, other).await),
        profile_set_birthday::BIRTHDAY_ALREADY_SET
    );
    let bad = mutation(4, profile_set_birthday::NAME, json!({ "month": 13 }));
    assert_eq!(
        rejected_with(&push(&app, &june, bad).await),
        INVALID_ARGUMENTS
    );
    // A new display name keeps the birthday.
    let rename = mutation(5, "profile.update", json!({ "display_name": "阿明" }));
    assert_eq!(push(&app, &june, rename).await, MutationOutcome::Applied);
    let (_, membership) = snapshot(&app, &june)
        .await
        .one::<Value>(EntityKind::Membership);
    let data: MembershipData = serde_json::from_value(membership.clone()).unwrap();
    assert_eq!(data.display_name.as_deref(), Some("阿明"));
    assert_eq!(membership["birthday_month"], 6);

    // A July birthday named in June (16 days before July): not this July either.
    let july = app.enroll("BOOKS").await;
    let set = mutation(1, profile_set_birthday::NAME, json!({ "month": 7 }));
    assert_eq!(push(&app, &july, set).await, MutationOutcome::Applied);
    // An August birthday named 47 days before August: this August.
    let august = app.enroll("CAFE").await;
    let set = mutation(1, profile_set_birthday::NAME, json!({ "month": 8 }));
    assert_eq!(push(&app, &august, set).await, MutationOutcome::Applied);
    app.clock.advance(20 * SECS_PER_DAY as u64);
    assert!(
        snapshot(&app, &july).await.coupons().is_empty(),
        "July 2025"
    );
    app.clock.advance(31 * SECS_PER_DAY as u64);
    let coupons = snapshot(&app, &august).await.coupons();
    assert_eq!(coupons.len(), 1, "August 2025");
    assert_eq!(coupons[0].source, CouponSource::Birthday);
    // With a message that brings it.
    let told: Vec<MessageData> = snapshot(&app, &august)
        .await
        .all::<MessageData>(EntityKind::Message)
        .into_iter()
        .map(|(_, m)| m)
        .filter(|m| m.topic == MessageTopic::BirthdayGift)
        .collect();
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].validate());
    assert_eq!(
        told[0].coupon_code.as_deref(),
        Some(coupons[0].code.as_str())
    );
    assert!(told[0].body.en.contains(&coupons[0].title.en));

    // A year on, June and July bring theirs, once each.
    app.clock.advance(314 * SECS_PER_DAY as u64); // 20 June 2026
    let coupons = snapshot(&app, &june).await.coupons();
    assert_eq!(coupons.len(), 1);
    assert_eq!(
        (coupons[0].source.clone(), coupons[0].title.zh_tw.as_str()),
        (CouponSource::Birthday, "壽星蛋糕一片")
    );
    // Valid to the end of June, Taiwan time: 2026-07-01T00:00+08:00.
    assert_eq!(coupons[0].valid_until, 1_782_835_200);
    assert_eq!(snapshot(&app, &june).await.coupons().len(), 1, "once");
    app.clock.advance(20 * SECS_PER_DAY as u64);
    let coupons = snapshot(&app, &july).await.coupons();
    assert_eq!(coupons.len(), 1);
    assert_eq!(coupons[0].title.en, "15% off in your birthday month");
}

#[tokio::test]
async fn adjustments_move_points_with_a_reason() {
    let app = TestApp::start().await;
    let member = app.enroll("BOOKS").await;
    let added = adjust(&app, &member, 30, "survey", BOOKS.cashier_key).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text());
    let answer: AdjustResponse = added.json_as();
    assert_eq!((answer.balance, answer.delta_points), (Some(80), 30));
    assert_eq!((answer.delta_stamps, answer.stamps), (0, None));
    let removed: AdjustResponse = adjust(&app, &member, -20, "adjustment", BOOKS.cashier_key)
        .await
        .json_as();
    assert_eq!(removed.balance, Some(60));
    adjust(&app, &member, -61, "adjustment", BOOKS.cashier_key)
        .await
        .assert_error(StatusCode::CONFLICT, cashier_code::INSUFFICIENT_POINTS);

    let ledger = snapshot(&app, &member).await.ledger();
    let last: Vec<(LedgerReason, i64, Option<String>)> = ledger[1..]
        .iter()
        .map(|e| {
            (
                e.reason.clone(),
                e.points,
                e.note.as_ref().map(|n| n.zh_tw.clone()),
            )
        })
        .collect();
    assert_eq!(
        last,
        [
            (LedgerReason::Survey, 30, Some("感謝填寫問卷".into())),
            (LedgerReason::Adjustment, -20, Some("感謝填寫問卷".into())),
        ]
    );

    let cafe = app.enroll("CAFE").await;
    adjust(&app, &cafe, 10, "adjustment", CAFE.cashier_key)
        .await
        .assert_error(StatusCode::CONFLICT, cashier_code::POINTS_NOT_ENABLED);
    adjust(&app, &member, 10, "adjustment", CAFE.cashier_key)
        .await
        .assert_error(StatusCode::NOT_FOUND, error_code::MEMBERSHIP_UNKNOWN);
    for (delta, reason) in [(0, "adjustment"), (10, "purchase"), (1_000_001, "game")] {
        adjust(&app, &member, delta, reason, BOOKS.cashier_key)
            .await
            .assert_error(StatusCode::BAD_REQUEST, error_code::BAD_REQUEST);
    }
}

#[tokio::test]
async fn memberships_from_before_loyalty_get_their_entities_at_start() {
    let app = TestApp::start().await;
    let member = app.enroll("BOOKS").await;
    // As a server without loyalty left it: the membership and its merchant only.
    sqlx::query("DELETE FROM entities WHERE kind NOT IN ('membership', 'merchant')")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE memberships SET loyalty_ready = 0, points_account_id = NULL")
        .execute(&app.pool)
        .await
        .unwrap();
    let state = wallet_server::state::AppState::new(app.pool.clone(), app.clock.clone());
    let prepare = || {
        wallet_server::loyalty::enrollment::prepare_existing(
            &state.store,
            &state.rules,
            state.now(),
        )
    };
    prepare().await.unwrap();
    prepare().await.unwrap();
    let wallet = snapshot(&app, &member).await;
    assert_eq!(
        wallet.balance().balance,
        0,
        "no welcome points for an old member"
    );
    assert_eq!(
        wallet.one::<TierData>(EntityKind::Tier).1.tier_id,
        "regular"
    );
    assert_eq!(wallet.all::<RewardData>(EntityKind::Reward).len(), 3);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM memberships WHERE loyalty_ready = 0"
        )
        .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_request_sent_twice_at_once_is_recorded_once() {
    let app = TestApp::start().await;
    for round in 0..3 {
        let member = app.enroll("YAKINIKU").await;
        let body = json!({
            "payload": member.payload(app.now(), 0), "amount": 1_000,
            "request_id": format!("double-tap-{round}"),
        });
        let copies = vec![body.to_string(); 4];
        let answers =
            post_all_at_once(&app, "/v1/cashier/purchase", copies, YAKINIKU.cashier_key).await;
        assert_one_success_for_all(&answers);
        let points = snapshot(&app, &member).await.balance().balance;
        assert_eq!(points, 110, "round {round}: earned once");
        app.clock.advance(STEP);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_adjustment_sent_at_once_counts_once_and_all_get_its_answer() {
    let app = TestApp::start().await;
    let member = app.enroll("RAMEN").await;
    let before = snapshot(&app, &member).await.balance().balance;
    for round in 0..3 {
        // Every copy reads "no answer yet" before any holds the writer, so the later ones store
        // second: they must roll back and answer with the first one's stored answer.
        let body = json!({
            "membership_id": member.id(), "delta_points": 7, "reason": "adjustment",
            "request_id": format!("double-tap-adjust-{round}"),
        });
        let copies = vec![body.to_string(); 4];
        let answers = post_all_at_once(&app, "/v1/cashier/adjust", copies, RAMEN.cashier_key).await;
        assert_one_success_for_all(&answers);
        let points = snapshot(&app, &member).await.balance().balance;
        assert_eq!(
            points,
            before + 7 * (round + 1),
            "round {round}: added once"
        );
    }
}

#[tokio::test]
async fn stored_cashier_answers_are_forgotten_after_30_days() {
    let app = TestApp::start().await;
    // Yakiniku points last 365 days: none expire in the month this test waits.
    let member = app.enroll("YAKINIKU").await;
    let before = snapshot(&app, &member).await.balance().balance;
    let body = json!({
        "membership_id": member.id(), "delta_points": 7, "reason": "adjustment",
        "request_id": "sent-once",
    });
    let send = || {
        cashier_post(
            &app,
            "/v1/cashier/adjust",
            body.clone(),
            YAKINIKU.cashier_key,
            None,
        )
    };
    let state = wallet_server::state::AppState::new(app.pool.clone(), app.clock.clone());
    let forget =
        || wallet_server::store::idempotency::forget_old_answers(&state.store, state.now());
    let balance = || async { snapshot(&app, &member).await.balance().balance };

    assert_eq!(send().await.status, StatusCode::OK);
    app.clock.advance(29 * SECS_PER_DAY as u64);
    assert_eq!(forget().await.expect("forget"), 0, "29 days: still kept");
    let resent = send().await;
    assert_eq!(resent.headers["idempotent-replayed"], "true");
    assert_eq!(balance().await, before + 7, "a resend changes nothing");

    app.clock.advance(2 * SECS_PER_DAY as u64);
    assert_eq!(forget().await.expect("forget"), 1, "31 days: forgotten");
    let much_later = send().await;
    assert_eq!(much_later.status, StatusCode::OK);
    assert!(much_later.headers.get("idempotent-replayed").is_none());
    assert_eq!(balance().await, before + 14, "now a new request");
}

#[tokio::test]
async fn stamps_added_by_staff_then_a_purchase_complete_the_card_with_its_rewards() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;

    // Nine stamps the member was owed: past step 5 (the scone), one short of the drink.
    let added = stamp(&app, &member, 9, CAFE.cashier_key).await;
    assert_eq!(card_of(&added), (9, 10, 0));
    assert_eq!((added.delta_stamps, added.delta_points), (9, 0));
    assert_eq!((added.balance, added.account_id.as_deref()), (None, None));
    let titles: Vec<&str> = added
        .coupons_issued
        .iter()
        .map(|c| c.title.zh_tw.as_str())
        .collect();
    assert_eq!(titles, ["司康一個"]);
    let wallet = snapshot(&app, &member).await;
    assert_eq!(wallet.active_card().stamps, 9, "the wallet sees them");
    assert_eq!(wallet.coupons().len(), 1);

    // The same day: staff stamps are not purchases, so the purchase still earns its stamp.
    let bought = buy(&app, &member, 180, CAFE.cashier_key).await;
    let stamps = bought.stamps.expect("a stamp program");
    assert_eq!(
        (stamps.granted, stamps.cards_completed, stamps.stamps),
        (1, 1, 0)
    );
    let titles: Vec<&str> = bought
        .coupons_issued
        .iter()
        .map(|c| c.title.zh_tw.as_str())
        .collect();
    assert_eq!(titles, ["任選飲品一杯"]);

    let wallet = snapshot(&app, &member).await;
    let cards = wallet.cards();
    assert_eq!(
        cards
            .iter()
            .map(|c| (c.serial, c.stamps, c.state.clone()))
            .collect::<Vec<_>>(),
        [
            (1, 10, StampCardState::Rewarded),
            (2, 0, StampCardState::Active)
        ]
    );
    let mut coupons: Vec<(String, CouponSource, CouponState)> = wallet
        .coupons()
        .into_iter()
        .map(|c| (c.title.zh_tw, c.source, c.state))
        .collect();
    coupons.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        coupons,
        [
            (
                "任選飲品一杯".to_owned(),
                CouponSource::StampCard,
                CouponState::Active
            ),
            (
                "司康一個".to_owned(),
                CouponSource::StampCard,
                CouponState::Active
            ),
        ]
    );

    // Past a full card at once: the card completes and the rest lands on the next one.
    let more = stamp(&app, &member, 10, CAFE.cashier_key).await;
    assert_eq!(card_of(&more), (0, 10, 1));
    assert_eq!(
        more.coupons_issued.len(),
        2,
        "the scone and the drink again"
    );
    // A card whose final reward comes from the catalogue waits, completed, for the exchange.
    let yakiniku = app.enroll("YAKINIKU").await;
    let full = stamp(&app, &yakiniku, 6, YAKINIKU.cashier_key).await;
    assert_eq!(card_of(&full), (0, 6, 1));
    let cards = snapshot(&app, &yakiniku).await.cards();
    assert_eq!(cards[0].state, StampCardState::Completed);
}

#[tokio::test]
async fn staff_stamps_are_not_held_back_by_the_daily_limit() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    // The café gives at most two stamps a day at purchase.
    for _ in 0..2 {
        buy(&app, &member, 100, CAFE.cashier_key).await;
    }
    let limited = buy(&app, &member, 100, CAFE.cashier_key).await.stamps;
    assert_eq!(limited.map(|s| (s.granted, s.limited)), Some((0, true)));

    let added = stamp(&app, &member, 3, CAFE.cashier_key).await;
    assert_eq!(
        card_of(&added).0,
        5,
        "all three, on a day already at its limit"
    );
    // The day's limit for purchases is as it was.
    let after = buy(&app, &member, 100, CAFE.cashier_key).await.stamps;
    assert_eq!(after.map(|s| (s.granted, s.stamps)), Some((0, 5)));
    assert_eq!(snapshot(&app, &member).await.active_card().stamps, 5);
}

#[tokio::test]
async fn staff_take_stamps_off_down_to_zero_and_keep_issued_coupons() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    stamp(&app, &member, 2, CAFE.cashier_key).await;

    // Too many: refused, nothing changes, and the id may be used again once corrected.
    let before = snapshot(&app, &member).await;
    let mut cursor = None;
    loop {
        let page = sync(&app, &member, cursor.as_deref(), &[]).await;
        cursor = Some(page.cursor);
        if !page.more {
            break;
        }
    }
    adjust_stamps(&app, &member, -3, CAFE.cashier_key, "fix-1")
        .await
        .assert_error(StatusCode::CONFLICT, cashier_code::INSUFFICIENT_STAMPS);
    let since = sync(&app, &member, cursor.as_deref(), &[]).await;
    assert!(
        since.changes.is_empty(),
        "no entity changed: {:?}",
        since.changes
    );
    assert_eq!(
        snapshot(&app, &member).await.active_card(),
        before.active_card()
    );
    let removed = adjust_stamps(&app, &member, -2, CAFE.cashier_key, "fix-1").await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text());
    let removed: AdjustResponse = removed.json_as();
    assert_eq!((card_of(&removed), removed.delta_stamps), ((0, 10, 0), -2));
    let card = snapshot(&app, &member).await.active_card();
    assert_eq!((card.serial, card.stamps), (1, 0), "the same card, empty");
    assert_eq!(
        (card.first_stamp_at, card.expires_at),
        (None, None),
        "an empty card does not expire"
    );
    adjust_stamps(&app, &member, -1, CAFE.cashier_key, "fix-2")
        .await
        .assert_error(StatusCode::CONFLICT, cashier_code::INSUFFICIENT_STAMPS);

    // Past the scone, a mistaken stamp taken off, then earned again: one scone, kept.
    let six = stamp(&app, &member, 6, CAFE.cashier_key).await;
    assert_eq!(six.coupons_issued.len(), 1);
    let four = stamp(&app, &member, -2, CAFE.cashier_key).await;
    assert_eq!((card_of(&four).0, four.coupons_issued.len()), (4, 0));
    let back = stamp(&app, &member, 2, CAFE.cashier_key).await;
    assert_eq!(
        (card_of(&back).0, back.coupons_issued.len()),
        (6, 0),
        "step 5 was issued on this card already"
    );
    let wallet = snapshot(&app, &member).await;
    assert_eq!(wallet.coupons().len(), 1);
    assert_eq!(wallet.coupons()[0].state, CouponState::Active);
    assert_eq!(wallet.active_card().stamps, 6);
}

#[tokio::test]
async fn a_stamps_adjustment_sent_twice_counts_once() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let first = adjust_stamps(&app, &member, 9, CAFE.cashier_key, "adj-owed-1").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    let again = adjust_stamps(&app, &member, 9, CAFE.cashier_key, "adj-owed-1").await;
    assert_eq!(
        (again.status, again.header("idempotent-replayed")),
        (StatusCode::OK, Some("true"))
    );
    assert_eq!(again.body, first.body, "the stored answer");
    let wallet = snapshot(&app, &member).await;
    assert_eq!(wallet.active_card().stamps, 9);
    assert_eq!(wallet.coupons().len(), 1, "one scone");

    // The same id for another request: other stamps, points instead, another member.
    adjust_stamps(&app, &member, 8, CAFE.cashier_key, "adj-owed-1")
        .await
        .assert_error(StatusCode::CONFLICT, cashier_code::REQUEST_ID_REUSED);
    let points = json!({
        "membership_id": member.id(), "delta_points": 9, "reason": "adjustment",
        "request_id": "adj-owed-1",
    });
    cashier_post(&app, "/v1/cashier/adjust", points, CAFE.cashier_key, None)
        .await
        .assert_error(StatusCode::CONFLICT, cashier_code::REQUEST_ID_REUSED);
    let other = app.enroll("CAFE").await;
    adjust_stamps(&app, &other, 9, CAFE.cashier_key, "adj-owed-1")
        .await
        .assert_error(StatusCode::CONFLICT, cashier_code::REQUEST_ID_REUSED);
    assert_eq!(snapshot(&app, &member).await.active_card().stamps, 9);
}

#[tokio::test]
async fn stamps_adjustments_are_refused_without_a_stamp_card_or_a_clear_delta() {
    let app = TestApp::start().await;
    let books = app.enroll("BOOKS").await;
    adjust_stamps(&app, &books, 1, BOOKS.cashier_key, "s-1")
        .await
        .assert_error(StatusCode::CONFLICT, cashier_code::STAMPS_NOT_ENABLED);
    assert_eq!(snapshot(&app, &books).await.balance().balance, 50);

    let cafe = app.enroll("CAFE").await;
    let bodies = [
        json!({ "delta_points": 5, "delta_stamps": 1 }),
        json!({ "delta_points": 0, "delta_stamps": 0 }),
        json!({}),
        // More than the café's card of 10, and more than any card.
        json!({ "delta_stamps": 11 }),
        json!({ "delta_stamps": -11 }),
        json!({ "delta_stamps": 51 }),
        json!({ "delta_stamps": 1.5 }),
    ];
    for (n, fields) in bodies.into_iter().enumerate() {
        let mut body = json!({
            "membership_id": cafe.id(), "reason": "adjustment", "request_id": format!("bad-{n}"),
        });
        body.as_object_mut()
            .expect("an object")
            .extend(fields.as_object().expect("an object").clone());
        let message = cashier_post(&app, "/v1/cashier/adjust", body, CAFE.cashier_key, None)
            .await
            .assert_error(StatusCode::BAD_REQUEST, error_code::BAD_REQUEST);
        assert!(!message.is_empty(), "{fields}");
    }
    let wallet = snapshot(&app, &cafe).await;
    assert_eq!(wallet.active_card().stamps, 0);
    assert!(wallet.coupons().is_empty());
    // The whole card at once is allowed.
    assert_eq!(
        card_of(&stamp(&app, &cafe, 10, CAFE.cashier_key).await),
        (0, 10, 1)
    );
}
