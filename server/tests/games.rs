//! Scratch cards and the prize wheel against a real database (SQLite, or the PostgreSQL of
//! TEST_DATABASE_URL): the seed is committed before the wallet's client seed, tickets are drawn
//! as they are issued (or as soon as the client seed arrives), played once within the daily limit,
//! and after a rotation every ticket verifies with `wallet_core::fair_draw`; 200 draws at once
//! against a prize with stock 10 give exactly 10 winners.

mod common;

use axum::http::StatusCode;
use common::till::*;
use common::{Member, TestApp};
use serde_json::json;
use wallet_core::fair_draw::{verify_seed, ClientSeed, Verification};
use wallet_core::games::{
    draw_rotate_seed, draw_set_client_seed, ticket_play, DrawSeedData, TicketData, TicketState,
};
use wallet_core::loyalty::LedgerReason;
use wallet_core::sync::{EntityKind, MutationOutcome};
use wallet_server::demo::{games::WHEEL, BOOKS, YAKINIKU};

const CLIENT_SEED: &str = "my-phone-client-seed";

fn seeds(snapshot: &Snapshot) -> Vec<(String, DrawSeedData)> {
    snapshot.all(EntityKind::DrawSeed)
}

fn tickets(snapshot: &Snapshot) -> Vec<(String, TicketData)> {
    let all: Vec<(String, TicketData)> = snapshot.all(EntityKind::Ticket);
    for (id, ticket) in &all {
        assert!(ticket.validate(), "ticket {id}: {ticket:?}");
    }
    all
}

/// The member's one seed that is not revealed.
async fn current_seed(app: &TestApp, member: &Member) -> (String, DrawSeedData) {
    let mut open: Vec<(String, DrawSeedData)> = seeds(&snapshot(app, member).await)
        .into_iter()
        .filter(|(_, s)| s.revealed_seed.is_none())
        .collect();
    assert_eq!(open.len(), 1, "one current seed");
    open.remove(0)
}

async fn set_client_seed(app: &TestApp, member: &Member, seq: u64) {
    let (seed_id, seed) = current_seed(app, member).await;
    assert_eq!(
        seed.commitment.len(),
        64,
        "committed before the client seed is set"
    );
    assert_eq!(seed.client_seed, None);
    let args = json!({ "seed_id": seed_id, "client_seed": CLIENT_SEED });
    let outcome = push(app, member, mutation(seq, draw_set_client_seed::NAME, args)).await;
    assert_eq!(outcome, MutationOutcome::Applied);
}

fn play(seq: u64, ticket_id: &str) -> wallet_core::sync::Mutation {
    mutation(seq, ticket_play::NAME, json!({ "ticket_id": ticket_id }))
}

#[tokio::test]
async fn tickets_are_drawn_at_issue_played_once_and_verified_after_rotation() {
    let app = TestApp::start().await;
    let member = app.enroll("YAKINIKU").await;
    set_client_seed(&app, &member, 1).await;
    buy(&app, &member, 600, YAKINIKU.cashier_key).await; // the wheel
    buy(&app, &member, 1200, YAKINIKU.cashier_key).await; // the wheel and a scratch card
    buy(&app, &member, 300, YAKINIKU.cashier_key).await; // below both: nothing

    let before = snapshot(&app, &member).await;
    let mut issued = tickets(&before);
    issued.sort_by_key(|(_, t)| t.nonce);
    assert_eq!(issued.len(), 3);
    assert_eq!(
        issued.iter().map(|(_, t)| t.nonce).collect::<Vec<_>>(),
        [Some(1), Some(2), Some(3)],
        "nonces 1, 2, 3 with none skipped"
    );
    assert!(issued.iter().all(|(_, t)| t.state == TicketState::Ready));
    let wheel = issued
        .iter()
        .filter(|(_, t)| t.campaign_id == WHEEL)
        .count();
    assert_eq!(wheel, 2);
    // The odds shown are the weights over their total.
    let odds: u32 = issued[0].1.prizes.iter().map(|p| p.chance_ppm).sum();
    assert!((999_990..=1_000_010).contains(&odds), "{odds}");

    let first = issued[0].0.clone();
    assert_eq!(
        push(&app, &member, play(2, &first)).await,
        MutationOutcome::Applied
    );
    let again = push(&app, &member, play(3, &first)).await;
    assert_eq!(rejected_with(&again), ticket_play::TICKET_PLAYED);
    let played = tickets(&snapshot(&app, &member).await);
    let state = played
        .iter()
        .find(|(id, _)| *id == first)
        .map(|(_, t)| t.state);
    assert_eq!(state, Some(TicketState::Played));

    // Rotating reveals the seed; every ticket of it checks out with the wallet's own function.
    let (old_id, committed) = current_seed(&app, &member).await;
    let rotate = mutation(4, draw_rotate_seed::NAME, json!({}));
    assert_eq!(push(&app, &member, rotate).await, MutationOutcome::Applied);
    let after = snapshot(&app, &member).await;
    let revealed = seeds(&after)
        .into_iter()
        .find(|(id, _)| *id == old_id)
        .and_then(|(_, s)| s.revealed_seed)
        .expect("the old seed, revealed");
    let drawn: Vec<_> = tickets(&after)
        .iter()
        .filter(|(_, t)| t.seed_id == old_id)
        .filter_map(|(_, t)| t.drawn_ticket())
        .collect();
    let client = ClientSeed::parse(CLIENT_SEED).unwrap();
    let verification = verify_seed(&revealed, &committed.commitment, &client, &drawn);
    assert!(verification.all_verified(), "{verification:?}");
    // A revealed seed other than the committed one is caught.
    let mut tampered = revealed.clone().into_bytes();
    tampered[0] = if tampered[0] == b'0' { b'1' } else { b'0' };
    let tampered = String::from_utf8(tampered).unwrap();
    assert_eq!(
        verify_seed(&tampered, &committed.commitment, &client, &drawn),
        Verification::SeedDoesNotMatch
    );
    // And a new seed is committed, waiting for the wallet's client seed.
    let (new_id, new_seed) = current_seed(&app, &member).await;
    assert_ne!(new_id, old_id);
    assert_eq!(new_seed.client_seed, None);
}

#[tokio::test]
async fn a_ticket_issued_before_the_client_seed_waits_and_is_drawn_when_it_arrives() {
    let app = TestApp::start().await;
    let member = app.enroll("YAKINIKU").await;
    buy(&app, &member, 600, YAKINIKU.cashier_key).await;
    let (ticket_id, waiting) = tickets(&snapshot(&app, &member).await).remove(0);
    assert_eq!(waiting.state, TicketState::Waiting);
    assert_eq!(waiting.drawn, None, "not drawn before the client seed");
    let early = push(&app, &member, play(1, &ticket_id)).await;
    assert_eq!(rejected_with(&early), ticket_play::TICKET_WAITING);

    set_client_seed(&app, &member, 2).await;
    let (_, drawn) = tickets(&snapshot(&app, &member).await).remove(0);
    assert_eq!(drawn.state, TicketState::Ready);
    assert_eq!(drawn.nonce, Some(1));
    // The client seed is set once.
    let (seed_id, _) = current_seed(&app, &member).await;
    let args = json!({ "seed_id": seed_id, "client_seed": "another-client-seed" });
    let twice = push(&app, &member, mutation(3, draw_set_client_seed::NAME, args)).await;
    assert_eq!(rejected_with(&twice), draw_set_client_seed::SEED_CLOSED);
}

/// A campaign of the bookshop whose top prize is drawn almost every time, with stock 10 and
/// 500 points, three plays a day.
async fn jackpot_campaign(app: &TestApp) {
    for sql in [
        "INSERT INTO campaigns (id, merchant_id, game, title_zh, title_en, no_win_slot, \
         plays_per_day, tickets_per_purchase, min_amount, tickets_per_survey, active) \
         VALUES ('books-jackpot', 'qingtian-books', 'wheel', '書店轉盤', 'Bookshop wheel', \
         'thanks', 3, 1, 0, 0, 1)",
        "INSERT INTO campaign_prizes (campaign_id, slot_id, sort_order, label_zh, label_en, \
         weight, stock, coupon_template_id, points) VALUES \
         ('books-jackpot', 'thanks', 0, '謝謝參加', 'Thanks for playing', 1, NULL, NULL, 0), \
         ('books-jackpot', 'jackpot', 1, '500 點', '500 points', 1000000, 10, NULL, 500)",
    ] {
        sqlx::query(sql)
            .execute(&app.pool)
            .await
            .expect("the test campaign");
    }
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.pool)
        .await
        .expect("a count")
}

#[tokio::test]
async fn two_hundred_draws_at_once_never_oversell_a_prize() {
    let app = TestApp::start().await;
    jackpot_campaign(&app).await;
    let mut members = Vec::new();
    for _ in 0..200 {
        let member = app.enroll("BOOKS").await;
        set_client_seed(&app, &member, 1).await;
        members.push(member);
    }
    let bodies = members
        .iter()
        .map(|m| {
            json!({
                "payload": m.payload(app.now(), 0),
                "amount": 100,
                "request_id": common::unique_name("till"),
            })
            .to_string()
        })
        .collect();
    let answers = post_all_at_once(&app, "/v1/cashier/purchase", bodies, BOOKS.cashier_key).await;
    assert!(
        answers.iter().all(|(s, _)| *s == StatusCode::OK),
        "{answers:?}"
    );
    let drawn = count(&app, "SELECT COUNT(*) FROM tickets WHERE state = 'ready'").await;
    let winners = count(
        &app,
        "SELECT COUNT(*) FROM tickets WHERE awarded = 'jackpot'",
    )
    .await;
    let stock = count(
        &app,
        "SELECT stock FROM campaign_prizes WHERE campaign_id = 'books-jackpot' AND slot_id = 'jackpot'",
    )
    .await;
    assert_eq!(drawn, 200);
    assert_eq!(winners, 10, "exactly the stock");
    assert_eq!(stock, 0);
    let fell_back = count(
        &app,
        "SELECT COUNT(*) FROM tickets WHERE drawn = 'jackpot' AND awarded = 'thanks'",
    )
    .await;
    assert!(
        fell_back >= 180,
        "the rest drew the prize and got thanks for playing: {fell_back}"
    );
}

#[tokio::test]
async fn a_win_pays_out_once_and_plays_stop_at_the_daily_limit() {
    let app = TestApp::start().await;
    jackpot_campaign(&app).await;
    let member = app.enroll("BOOKS").await;
    set_client_seed(&app, &member, 1).await;
    for _ in 0..4 {
        buy(&app, &member, 100, BOOKS.cashier_key).await;
    }
    let before = snapshot(&app, &member).await;
    let balance_before = before.balance().balance;
    let mut ids: Vec<(String, TicketData)> = tickets(&before);
    ids.sort_by_key(|(_, t)| t.nonce);
    assert!(
        ids.iter().all(|(_, t)| t.is_win()),
        "stock 10, all four win"
    );
    for (seq, (id, _)) in ids.iter().take(3).enumerate() {
        assert_eq!(
            push(&app, &member, play(seq as u64 + 2, id)).await,
            MutationOutcome::Applied
        );
    }
    let fourth = push(&app, &member, play(5, &ids[3].0)).await;
    assert_eq!(rejected_with(&fourth), ticket_play::PLAY_LIMIT);
    let after = snapshot(&app, &member).await;
    assert_eq!(after.balance().balance, balance_before + 3 * 500);
    let game_entries = after
        .ledger()
        .iter()
        .filter(|e| e.reason == LedgerReason::Game)
        .count();
    assert_eq!(game_entries, 3);
    // Tomorrow (Taiwan time) the fourth can be played.
    app.clock.advance(86_400);
    assert_eq!(
        push(&app, &member, play(6, &ids[3].0)).await,
        MutationOutcome::Applied
    );
}

#[tokio::test]
async fn ending_a_campaign_reveals_the_seeds_of_its_players_and_issues_no_more_tickets() {
    let app = TestApp::start().await;
    let member = app.enroll("YAKINIKU").await;
    set_client_seed(&app, &member, 1).await;
    buy(&app, &member, 600, YAKINIKU.cashier_key).await; // a wheel ticket
    let (old_id, committed) = current_seed(&app, &member).await;

    let path = format!("/v1/cashier/campaigns/{WHEEL}/end");
    let ended = cashier_post(&app, &path, json!({}), YAKINIKU.cashier_key, None).await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.text());
    assert_eq!(ended.json()["seeds_revealed"], 1);

    // The member's seed is revealed without asking, and every draw of it checks out.
    let after = snapshot(&app, &member).await;
    let (_, revealed) = seeds(&after)
        .into_iter()
        .find(|(id, _)| *id == old_id)
        .expect("the old seed");
    let drawn: Vec<_> = tickets(&after)
        .iter()
        .filter(|(_, t)| t.seed_id == old_id)
        .filter_map(|(_, t)| t.drawn_ticket())
        .collect();
    assert_eq!(drawn.len(), 1);
    let client = ClientSeed::parse(CLIENT_SEED).unwrap();
    let seed = revealed
        .revealed_seed
        .expect("revealed at the campaign's end");
    assert!(verify_seed(&seed, &committed.commitment, &client, &drawn).all_verified());
    assert_ne!(
        current_seed(&app, &member).await.0,
        old_id,
        "a new seed committed"
    );

    // Ended twice: nothing more; and a purchase brings no ticket of it.
    let again = cashier_post(&app, &path, json!({}), YAKINIKU.cashier_key, None).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["seeds_revealed"], 0);
    buy(&app, &member, 600, YAKINIKU.cashier_key).await;
    assert_eq!(tickets(&snapshot(&app, &member).await).len(), 1);

    // Another shop's key, or a campaign that does not exist: not found.
    for (path, key) in [
        (path.as_str(), BOOKS.cashier_key),
        (
            "/v1/cashier/campaigns/no-such-campaign/end",
            YAKINIKU.cashier_key,
        ),
    ] {
        let refused = cashier_post(&app, path, json!({}), key, None).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(refused.json()["error"]["code"], "campaign_unknown");
    }
}

#[tokio::test]
async fn a_campaign_grant_gives_every_member_one_ticket_once_per_request() {
    let app = TestApp::start().await;
    let first = app.enroll("YAKINIKU").await;
    let second = app.enroll("YAKINIKU").await;
    let bookworm = app.enroll("BOOKS").await;
    set_client_seed(&app, &first, 1).await;
    // A member who left gets no ticket.
    let gone = app.enroll("YAKINIKU").await;
    let leave = mutation(1, "membership.leave", json!({}));
    assert_eq!(push(&app, &gone, leave).await, MutationOutcome::Applied);

    let path = format!("/v1/cashier/campaigns/{WHEEL}/grant");
    let body = json!({ "request_id": "grant-opening-day" });
    let granted = cashier_post(&app, &path, body.clone(), YAKINIKU.cashier_key, None).await;
    assert_eq!(granted.status, StatusCode::OK, "{}", granted.text());
    assert_eq!(granted.json()["tickets_issued"], 2);
    // Sent again (a lost answer): the same answer, no second round of tickets.
    let again = cashier_post(&app, &path, body, YAKINIKU.cashier_key, None).await;
    assert_eq!(again.json()["tickets_issued"], 2);

    // Drawn for the member whose seed has its client seed, waiting for the other; none for
    // another shop's member.
    let first_tickets = tickets(&snapshot(&app, &first).await);
    let second_tickets = tickets(&snapshot(&app, &second).await);
    assert_eq!(first_tickets.len(), 1);
    assert_eq!(first_tickets[0].1.state, TicketState::Ready);
    assert_eq!(first_tickets[0].1.campaign_id, WHEEL);
    assert_eq!(second_tickets.len(), 1);
    assert_eq!(second_tickets[0].1.state, TicketState::Waiting);
    assert!(tickets(&snapshot(&app, &bookworm).await).is_empty());

    let unknown = json!({ "request_id": "grant-nothing" });
    let refused = cashier_post(
        &app,
        "/v1/cashier/campaigns/no-such-campaign/grant",
        unknown,
        YAKINIKU.cashier_key,
        None,
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(refused.json()["error"]["code"], "campaign_unknown");
}
