//! The soak run (bench/soak.sh): for a bounded time, simulated wallets queue mutations and sync
//! with random delays and answers they drop, simulated tills purchase, redeem and adjust with
//! request ids they resend, and the server (a real `wallet-server` process) is killed with
//! SIGKILL at random moments and started again. At the end every wallet syncs until its outbox is
//! empty and every till request has a final answer; then the invariants are checked on the
//! database and on every wallet's copy. Prints operations, kills and violations (which must be 0).
//!
//! `cargo run -p wallet-server --example soak -- --server-bin target/debug/wallet-server
//!  --database-url URL [--seconds 180] [--wallets 240]`
//!
//! HTTP clients, not browsers: each wallet is what the app's sync engine does (outbox, seq,
//! cursor, merge, reset), in a few lines.

use serde_json::{json, Value};
use sqlx::{AnyPool, Row};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wallet_conformance::client::{Client, Reply};
use wallet_conformance::till::now_unix;
use wallet_core::cashier::{AdjustResponse, PurchaseResponse};
use wallet_core::loyalty::{CouponData, CouponState, RewardCost, RewardData};
use wallet_core::merge::Snapshot;
use wallet_core::protocol::EnrollResponse;
use wallet_core::sync::{EntityKind, Mutation, MutationOutcome, SyncResponse};
use wallet_core::{MemberCode, Totp};
use wallet_server::demo::{DemoMerchant, BOOKS, CAFE, RAMEN, YAKINIKU};

const MERCHANTS: [&DemoMerchant; 4] = [&YAKINIKU, &CAFE, &BOOKS, &RAMEN];
const WALLET_THREADS: usize = 8;
const TILL_THREADS: usize = 4;
/// Chance that a wallet or till acts as if an answer never arrived (and sends again).
const DROP_ANSWER: f64 = 0.2;

struct Args {
    server_bin: String,
    database_url: String,
    seconds: u64,
    wallets: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        server_bin: "target/debug/wallet-server".into(),
        database_url: String::new(),
        seconds: 180,
        wallets: 240,
    };
    let mut iter = std::env::args().skip(1);
    while let Some(flag) = iter.next() {
        let value = iter.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag} takes a number"))
        };
        match flag.as_str() {
            "--server-bin" => args.server_bin = value.clone(),
            "--database-url" => args.database_url = value.clone(),
            "--seconds" => args.seconds = number()?,
            "--wallets" => args.wallets = usize::try_from(number()?).map_err(|e| e.to_string())?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if args.database_url.is_empty() {
        return Err("--database-url is needed".into());
    }
    Ok(args)
}

/// xorshift64*: enough randomness for delays and choices, no crate needed.
struct Rng(u64);

impl Rng {
    fn new() -> Self {
        let mut seed = [0u8; 8];
        let _ = getrandom::getrandom(&mut seed);
        Self(u64::from_le_bytes(seed) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    fn pause(&mut self, max_ms: u64) {
        std::thread::sleep(Duration::from_millis(self.next() % max_ms.max(1)));
    }
}

/// Everything the run found wrong, and how much it did.
#[derive(Default)]
struct Tally {
    violations: Mutex<Vec<String>>,
    operations: AtomicU64,
}

impl Tally {
    fn violation(&self, what: String) {
        if let Ok(mut list) = self.violations.lock() {
            list.push(what);
        }
    }
}

/// One simulated wallet: a membership, its outbox and its local copy.
struct Wallet {
    merchant: &'static DemoMerchant,
    id: String,
    token: String,
    totp: Totp,
    client_id: String,
    next_seq: u64,
    outbox: Vec<Mutation>,
    cursor: Option<String>,
    copy: Snapshot,
    /// The answer received for each seq: mutation id and outcome. Any second, different answer
    /// is a violation.
    answers: HashMap<u64, (String, MutationOutcome)>,
    last_name: Option<String>,
    exchanges_applied: usize,
}

/// What the tills got a final `200` for, per membership.
#[derive(Default)]
struct TillRecord {
    purchases: usize,
    stamps_adjusted: i64,
    points_adjusted: Vec<i64>,
    redeemed: HashSet<String>,
    answered_ok: usize,
    /// The newest TOTP step a purchase was sent with: a till does not scan one code twice (it
    /// would be a failed attempt, and enough of them lock the key for 5 minutes).
    last_step: u64,
}

struct Shared {
    base: String,
    wallets: Vec<Mutex<Wallet>>,
    tills: Vec<Mutex<TillRecord>>,
    tally: Tally,
    stop: AtomicBool,
    request_ids: AtomicU64,
}

enum SyncError {
    /// The server is down or restarting, or the answer was lost: try again later.
    Transient,
    /// Something the protocol forbids (already recorded as a violation).
    Broken,
}

impl Shared {
    fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// One sync round trip of `wallet`; `drop_answer` acts as if its answer was lost.
    fn sync_once(&self, wallet: &mut Wallet, drop_answer: bool) -> Result<bool, SyncError> {
        self.tally.operations.fetch_add(1, Ordering::Relaxed);
        let sent: Vec<Mutation> = wallet.outbox.iter().take(100).cloned().collect();
        let body =
            json!({ "client_id": wallet.client_id, "cursor": wallet.cursor, "mutations": sent });
        let reply = self
            .client()
            .post("/v1/sync", body.to_string().as_bytes(), Some(&wallet.token))
            .map_err(|_| SyncError::Transient)?;
        match reply.status {
            200 => {}
            429 | 500..=599 => return Err(SyncError::Transient),
            _ => {
                self.tally.violation(format!(
                    "wallet {}: sync answered {}",
                    wallet.id,
                    reply.describe()
                ));
                return Err(SyncError::Broken);
            }
        }
        let answer: SyncResponse = match serde_json::from_str(&reply.body) {
            Ok(answer) => answer,
            Err(e) => {
                self.tally
                    .violation(format!("wallet {}: not a sync answer: {e}", wallet.id));
                return Err(SyncError::Broken);
            }
        };
        if let Err(e) = answer.validate(&sent) {
            self.tally.violation(format!(
                "wallet {}: a wallet refuses the answer: {e}",
                wallet.id
            ));
            return Err(SyncError::Broken);
        }
        if drop_answer {
            return Err(SyncError::Transient);
        }
        for result in &answer.results {
            let seen = (result.id.clone(), result.outcome.clone());
            match wallet.answers.get(&result.seq) {
                Some(earlier) if *earlier != seen => self.tally.violation(format!(
                    "wallet {} seq {}: answered {:?}, earlier {:?}",
                    wallet.id, result.seq, seen, earlier
                )),
                Some(_) => {}
                None => {
                    if result.outcome == MutationOutcome::Applied
                        && sent
                            .iter()
                            .any(|m| m.seq == result.seq && m.name == "reward.exchange")
                    {
                        wallet.exchanges_applied += 1;
                    }
                    wallet.answers.insert(result.seq, seen);
                }
            }
        }
        let last = answer.last_processed_seq;
        if let Some(lost) = wallet
            .outbox
            .iter()
            .find(|m| m.seq <= last && !wallet.answers.contains_key(&m.seq))
        {
            self.tally.violation(format!(
                "wallet {} seq {}: processed without an answer",
                wallet.id, lost.seq
            ));
        }
        wallet.outbox.retain(|m| m.seq > last);
        if answer.reset {
            wallet.copy = Snapshot::default();
        }
        wallet.copy.apply_all(&answer.changes);
        wallet.cursor = Some(answer.cursor);
        Ok(answer.more)
    }

    fn queue(&self, wallet: &mut Wallet, name: &str, args: Value) {
        let seq = wallet.next_seq;
        wallet.next_seq += 1;
        wallet.outbox.push(Mutation {
            seq,
            id: format!("{}-{seq}", wallet.client_id),
            name: name.into(),
            args,
            client_time: i64::try_from(now_unix()).unwrap_or(0) * 1000,
        });
    }

    /// What a customer does: rename, exchange a reward, or just open the app (a sync).
    fn wallet_step(&self, rng: &mut Rng, index: usize) {
        let Ok(mut wallet) = self.wallets[index].lock() else {
            return;
        };
        match rng.below(10) {
            0..=3 => {
                let name = format!("w{index}-{}", wallet.next_seq);
                self.queue(
                    &mut wallet,
                    "profile.update",
                    json!({ "display_name": name }),
                );
                wallet.last_name = Some(name);
            }
            4 => {
                let reward = wallet.copy.live().find_map(|c| {
                    let data: RewardData = serde_json::from_value(c.data.clone()?).ok()?;
                    matches!(data.cost, RewardCost::Points { .. }).then(|| c.id.clone())
                });
                if let Some(reward_id) = reward {
                    self.queue(
                        &mut wallet,
                        "reward.exchange",
                        json!({ "reward_id": reward_id }),
                    );
                }
            }
            _ => {}
        }
        for _ in 0..20 {
            match self.sync_once(&mut wallet, rng.chance(DROP_ANSWER)) {
                Ok(true) => continue,
                Ok(false) | Err(_) => break,
            }
        }
    }

    /// Sends one till request until it has a final answer, resending the same request id when
    /// the answer is lost or the server is down. `Some(body)` for a 200.
    fn till_request(&self, rng: &mut Rng, key: &str, path: &str, body: &Value) -> Option<String> {
        let mut first_ok: Option<Reply> = None;
        let started = Instant::now();
        loop {
            self.tally.operations.fetch_add(1, Ordering::Relaxed);
            let reply = self.client().post_with(
                path,
                body.to_string().as_bytes(),
                Some(key),
                Some("application/json"),
                &[],
            );
            let reply = match reply {
                // A 429 is final too (nothing was done), but it must not hide an earlier 200:
                // a stored answer comes before the limits (protocol 11.2).
                Ok(reply) if reply.status >= 500 => None,
                Ok(reply) => Some(reply),
                Err(_) => None,
            };
            if let Some(reply) = reply {
                if let Some(first) = &first_ok {
                    if reply.status != 200
                        || reply.body != first.body
                        || reply.header("idempotent-replayed") != Some("true")
                    {
                        self.tally.violation(format!(
                            "{path} {}: resent after a 200, answered {} (replayed {:?})",
                            body["request_id"],
                            reply.describe(),
                            reply.header("idempotent-replayed")
                        ));
                    }
                }
                let lose = rng.chance(DROP_ANSWER) && started.elapsed() < Duration::from_secs(20);
                if reply.status == 200 {
                    if !lose {
                        return Some(first_ok.map_or(reply.body, |first| first.body));
                    }
                    first_ok.get_or_insert(reply);
                } else if !lose {
                    if reply.status == 409 && reply.body.contains("request_id_reused") {
                        self.tally.violation(format!(
                            "{path}: the same request refused as reused: {}",
                            reply.describe()
                        ));
                    }
                    // A refusal after a 200 was already reported above.
                    return None;
                }
            }
            if self.stop.load(Ordering::Relaxed) && started.elapsed() > Duration::from_secs(120) {
                self.tally.violation(format!(
                    "{path} {}: no final answer in 2 minutes",
                    body["request_id"]
                ));
                return None;
            }
            rng.pause(100);
        }
    }

    fn request_id(&self) -> String {
        format!("soak-{}", self.request_ids.fetch_add(1, Ordering::Relaxed))
    }

    /// What a till does: a purchase, an adjustment of points or stamps, or a redemption (now and
    /// then by two tills at once).
    fn till_step(&self, rng: &mut Rng, index: usize) {
        let (merchant, id, payload, coupons) = {
            let Ok(wallet) = self.wallets[index].lock() else {
                return;
            };
            let code = wallet.totp.code_at(now_unix());
            let payload = MemberCode::new(
                wallet_core::MembershipId::parse(&wallet.id).expect("an id the server gave"),
                code,
            )
            .encode();
            let coupons: Vec<String> = wallet
                .copy
                .live()
                .filter(|c| c.kind == EntityKind::Coupon)
                .filter_map(|c| serde_json::from_value::<CouponData>(c.data.clone()?).ok())
                .filter(|c| c.state == CouponState::Active)
                .map(|c| c.code.as_str().to_owned())
                .collect();
            (wallet.merchant, wallet.id.clone(), payload, coupons)
        };
        let key = merchant.cashier_key;
        let has_stamps = merchant.id == CAFE.id || merchant.id == YAKINIKU.id;
        let has_points = merchant.id != CAFE.id;
        let record = |update: &dyn Fn(&mut TillRecord)| {
            if let Ok(mut record) = self.tills[index].lock() {
                record.answered_ok += 1;
                update(&mut record);
            }
        };
        match rng.below(10) {
            0..=4 => {
                let step = now_unix() / 30;
                let fresh = self.tills[index].lock().is_ok_and(|mut r| {
                    let fresh = r.last_step < step;
                    r.last_step = r.last_step.max(step);
                    fresh
                });
                if !fresh {
                    return;
                }
                let amount = [80, 180, 640, 1280, 3450][rng.below(5)];
                let body = json!({ "payload": payload, "amount": amount, "request_id": self.request_id() });
                if let Some(answer) = self.till_request(rng, key, "/v1/cashier/purchase", &body) {
                    if serde_json::from_str::<PurchaseResponse>(&answer).is_err() {
                        self.tally
                            .violation(format!("purchase: not a purchase answer: {answer}"));
                    }
                    record(&|r| r.purchases += 1);
                }
            }
            5 | 6 => {
                let (field, delta) = if has_stamps && (!has_points || rng.chance(0.5)) {
                    ("delta_stamps", [1i64, 2, -1][rng.below(3)])
                } else {
                    ("delta_points", [5i64, 40, -3][rng.below(3)])
                };
                let mut body = json!({ "membership_id": id, "reason": "adjustment", "request_id": self.request_id() });
                body[field] = json!(delta);
                let path = "/v1/cashier/adjust";
                if let Some(answer) = self.till_request(rng, key, path, &body) {
                    if serde_json::from_str::<AdjustResponse>(&answer).is_err() {
                        self.tally
                            .violation(format!("adjust: not an adjust answer: {answer}"));
                    }
                    if field == "delta_stamps" {
                        record(&|r| r.stamps_adjusted += delta);
                    } else {
                        record(&|r| r.points_adjusted.push(delta));
                    }
                }
            }
            _ => {
                let Some(code) = coupons.get(rng.below(coupons.len())).cloned() else {
                    return;
                };
                let tills = if rng.chance(0.3) { 2 } else { 1 };
                let wins: Vec<bool> = std::thread::scope(|scope| {
                    let handles: Vec<_> = (0..tills)
                        .map(|_| {
                            let code = code.clone();
                            scope.spawn(move || {
                                let mut rng = Rng::new();
                                let body = json!({ "coupon_code": format!("MWC1:{code}"), "request_id": self.request_id() });
                                self.till_request(&mut rng, key, "/v1/cashier/redeem", &body).is_some()
                            })
                        })
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| h.join().unwrap_or(false))
                        .collect()
                });
                let won = wins.iter().filter(|w| **w).count();
                if won > 1 {
                    self.tally
                        .violation(format!("coupon {code}: redeemed {won} times at once"));
                }
                if won > 0 {
                    record(&|r| {
                        if !r.redeemed.insert(code.clone()) {
                            self.tally
                                .violation(format!("coupon {code}: redeemed again later"));
                        }
                        r.answered_ok += won - 1;
                    });
                }
            }
        }
    }
}

/// The `wallet-server` process, killed and started again on the same port.
struct Server {
    bin: String,
    database_url: String,
    port: u16,
    child: Option<Child>,
}

impl Server {
    fn start(&mut self) -> Result<(), String> {
        let child = Command::new(&self.bin)
            .args([
                "--port",
                &self.port.to_string(),
                "--database-url",
                &self.database_url,
            ])
            .args([
                "--demo",
                "--enroll-limit",
                "0",
                "--sync-limit",
                "0",
                "--dist",
                "/nonexistent-soak-dist",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("start {}: {e}", self.bin))?;
        self.child = Some(child);
        // Ready when the health check answers: polled, the server takes a moment to migrate.
        let client = Client::new(&format!("http://127.0.0.1:{}", self.port));
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if client.get("/healthz").is_ok_and(|r| r.status == 200) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err("the server did not become healthy in 60 s".into())
    }

    /// SIGKILL: no clean shutdown, whatever it was doing.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A free port below the ephemeral range (32768 up), so that while the server is down none of
/// the clients' own connections can take it and the restart can bind it again.
fn free_port() -> Result<u16, String> {
    (24_000..32_000)
        .find(|port| std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .ok_or_else(|| "no free port in 24000-32000".to_owned())
}

fn enroll(base: &str, merchant: &'static DemoMerchant, index: usize) -> Result<Wallet, String> {
    let body = json!({ "join_code": merchant.join_code }).to_string();
    let reply = Client::new(base).post("/v1/enroll", body.as_bytes(), None)?;
    let enrolled: EnrollResponse = serde_json::from_str(&reply.body)
        .map_err(|e| format!("enroll: {e}: {}", reply.describe()))?;
    let totp = enrolled.validate().map_err(|e| e.to_string())?;
    Ok(Wallet {
        merchant,
        id: enrolled.membership.id.as_str().to_owned(),
        token: enrolled.membership.token.clone(),
        totp,
        client_id: format!("soak-client-{index}-{}", now_unix()),
        next_seq: 1,
        outbox: Vec::new(),
        cursor: None,
        copy: Snapshot::default(),
        answers: HashMap::new(),
        last_name: None,
        exchanges_applied: 0,
    })
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("soak: {e}");
            std::process::exit(2);
        }
    };
    match run(&args) {
        Ok(0) => {}
        Ok(_) => std::process::exit(1),
        Err(e) => {
            eprintln!("soak: {e}");
            std::process::exit(2);
        }
    }
}

fn run(args: &Args) -> Result<usize, String> {
    let mut server = Server {
        bin: args.server_bin.clone(),
        database_url: args.database_url.clone(),
        port: free_port()?,
        child: None,
    };
    server.start()?;
    let base = format!("http://127.0.0.1:{}", server.port);
    let wallets = (0..args.wallets)
        .map(|i| enroll(&base, MERCHANTS[i % MERCHANTS.len()], i).map(Mutex::new))
        .collect::<Result<Vec<_>, _>>()?;
    let shared = Arc::new(Shared {
        base,
        tills: (0..wallets.len()).map(|_| Mutex::default()).collect(),
        wallets,
        tally: Tally::default(),
        stop: AtomicBool::new(false),
        request_ids: AtomicU64::new(now_unix() * 1000),
    });
    println!(
        "soak: {} wallets at {} merchants, {WALLET_THREADS} wallet and {TILL_THREADS} till threads, {} s, {}",
        shared.wallets.len(),
        MERCHANTS.len(),
        args.seconds,
        args.database_url.split(':').next().unwrap_or("?")
    );

    let workers: Vec<_> = (0..WALLET_THREADS + TILL_THREADS)
        .map(|n| {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                let mut rng = Rng::new();
                while !shared.stop.load(Ordering::Relaxed) {
                    let index = rng.below(shared.wallets.len());
                    if n < WALLET_THREADS {
                        shared.wallet_step(&mut rng, index);
                    } else {
                        shared.till_step(&mut rng, index);
                    }
                    rng.pause(30);
                }
            })
        })
        .collect();

    let mut rng = Rng::new();
    let mut kills = 0u64;
    let end = Instant::now() + Duration::from_secs(args.seconds);
    loop {
        let wait = Duration::from_millis(3_000 + rng.next() % 9_000);
        if Instant::now() + wait >= end {
            std::thread::sleep(end.saturating_duration_since(Instant::now()));
            break;
        }
        std::thread::sleep(wait);
        server.kill();
        kills += 1;
        server.start()?;
    }
    shared.stop.store(true, Ordering::Relaxed);
    for worker in workers {
        let _ = worker.join();
    }

    // Every wallet syncs until its outbox is empty and nothing more is left to pull.
    for (index, wallet) in shared.wallets.iter().enumerate() {
        let Ok(mut wallet) = wallet.lock() else {
            continue;
        };
        let mut rounds = 0;
        loop {
            rounds += 1;
            if rounds > 200 {
                shared
                    .tally
                    .violation(format!("wallet {index}: still not synced after 200 rounds"));
                break;
            }
            match shared.sync_once(&mut wallet, false) {
                Ok(true) => {}
                Ok(false) if wallet.outbox.is_empty() => break,
                Ok(false) => {}
                Err(SyncError::Transient) => std::thread::sleep(Duration::from_millis(50)),
                Err(SyncError::Broken) => break,
            }
        }
    }
    check_wallets(&shared);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(check_database(&shared, &args.database_url))?;
    server.kill();

    let violations = shared
        .tally
        .violations
        .lock()
        .map(|v| v.clone())
        .unwrap_or_default();
    for violation in violations.iter().take(30) {
        println!("VIOLATION {violation}");
    }
    let mutations: u64 = shared
        .wallets
        .iter()
        .filter_map(|w| w.lock().ok().map(|w| w.next_seq - 1))
        .sum();
    let till_ok: usize = shared
        .tills
        .iter()
        .filter_map(|t| t.lock().ok().map(|t| t.answered_ok))
        .sum();
    println!(
        "soak: {} operations ({mutations} mutations queued, {till_ok} till requests applied), {kills} kills, {} violations",
        shared.tally.operations.load(Ordering::Relaxed),
        violations.len()
    );
    Ok(violations.len())
}

/// Each wallet's copy equals the server's view (a fresh full pull), every mutation it queued
/// was answered, its last rename is its name, and its balance is the sum of its ledger.
fn check_wallets(shared: &Shared) {
    for wallet in &shared.wallets {
        let Ok(wallet) = wallet.lock() else { continue };
        let violation = |what: String| {
            shared
                .tally
                .violation(format!("wallet {}: {what}", wallet.id))
        };
        if !wallet.outbox.is_empty() {
            violation(format!("{} mutations never answered", wallet.outbox.len()));
        }
        let unanswered = (1..wallet.next_seq)
            .filter(|seq| !wallet.answers.contains_key(seq))
            .count();
        if unanswered > 0 {
            violation(format!("{unanswered} mutations without an answer"));
        }
        let mut fresh = Snapshot::default();
        let mut cursor: Option<String> = None;
        for _ in 0..100 {
            let body = json!({ "client_id": "soak-checker", "cursor": cursor, "mutations": [] });
            let Ok(reply) =
                shared
                    .client()
                    .post("/v1/sync", body.to_string().as_bytes(), Some(&wallet.token))
            else {
                violation("the final pull failed".into());
                return;
            };
            let Ok(page) = serde_json::from_str::<SyncResponse>(&reply.body) else {
                violation(format!("the final pull: {}", reply.describe()));
                return;
            };
            fresh.apply_all(&page.changes);
            cursor = Some(page.cursor);
            if !page.more {
                break;
            }
        }
        if fresh != wallet.copy {
            let mine: BTreeMap<_, _> = wallet
                .copy
                .entities
                .iter()
                .map(|(k, c)| (k.clone(), c.version))
                .collect();
            let theirs: BTreeMap<_, _> = fresh
                .entities
                .iter()
                .map(|(k, c)| (k.clone(), c.version))
                .collect();
            let differ: Vec<_> = theirs
                .iter()
                .filter(|(k, v)| mine.get(*k) != Some(*v))
                .take(3)
                .collect();
            violation(format!(
                "its copy differs from the server's view: {differ:?}"
            ));
        }
        let name = fresh
            .live()
            .find(|c| c.kind == EntityKind::Membership)
            .and_then(|c| {
                c.data
                    .as_ref()?
                    .get("display_name")?
                    .as_str()
                    .map(str::to_owned)
            });
        if wallet.last_name.is_some() && name != wallet.last_name {
            violation(format!(
                "display_name {name:?}, last renamed {:?}",
                wallet.last_name
            ));
        }
        let ledger: i64 = fresh
            .live()
            .filter(|c| c.kind == EntityKind::LedgerEntry)
            .filter_map(|c| c.data.as_ref()?.get("points")?.as_i64())
            .sum();
        if let Some(balance) = fresh
            .live()
            .find(|c| c.kind == EntityKind::PointsBalance)
            .and_then(|c| c.data.as_ref()?.get("balance")?.as_i64())
        {
            if balance != ledger {
                violation(format!(
                    "points balance {balance}, its ledger sums to {ledger}"
                ));
            }
        }
        let reward_coupons = fresh
            .live()
            .filter(|c| c.kind == EntityKind::Coupon)
            .filter(|c| {
                c.data
                    .as_ref()
                    .and_then(|d| d.get("source"))
                    .and_then(Value::as_str)
                    == Some("reward")
            })
            .count();
        if reward_coupons != wallet.exchanges_applied {
            violation(format!(
                "{reward_coupons} reward coupons for {} reward.exchange mutations applied",
                wallet.exchanges_applied
            ));
        }
    }
}

/// A wallet's identity and how many mutations it queued, for the database checks.
struct Seen {
    id: String,
    queued: u64,
}

async fn scalar(pool: &AnyPool, sql: &str, id: &str) -> Result<i64, String> {
    let row = sqlx::query(sql)
        .bind(id)
        .fetch_one(pool)
        .await
        .map_err(|e| format!("{sql}: {e}"))?;
    row.try_get::<i64, _>(0).map_err(|e| format!("{sql}: {e}"))
}

/// On the database: each points balance is the sum of its ledger (and of its lots); each
/// member's stamps are its purchases' stamps plus the staff's corrections; each purchase,
/// adjustment, redemption and mutation the clients saw applied is there exactly once.
async fn check_database(shared: &Shared, url: &str) -> Result<(), String> {
    sqlx::any::install_default_drivers();
    let pool = AnyPool::connect(url)
        .await
        .map_err(|e| format!("connect to {url}: {e}"))?;
    let accounts = sqlx::query(
        "SELECT a.id, a.balance, \
         CAST(COALESCE((SELECT SUM(l.points) FROM ledger_entries l WHERE l.account_id = a.id), 0) AS BIGINT), \
         CAST(COALESCE((SELECT SUM(p.remaining) FROM points_lots p WHERE p.account_id = a.id), 0) AS BIGINT) \
         FROM points_accounts a",
    )
    .fetch_all(&pool)
    .await
    .map_err(|e| e.to_string())?;
    for row in &accounts {
        let (id, balance, ledger, lots): (String, i64, i64, i64) = (
            row.try_get(0).map_err(|e| e.to_string())?,
            row.try_get(1).map_err(|e| e.to_string())?,
            row.try_get(2).map_err(|e| e.to_string())?,
            row.try_get(3).map_err(|e| e.to_string())?,
        );
        if balance != ledger || balance != lots {
            shared.tally.violation(format!(
                "account {id}: balance {balance}, ledger {ledger}, lots {lots}"
            ));
        }
    }
    let mut ok_requests = 0usize;
    for (wallet, till) in shared.wallets.iter().zip(&shared.tills) {
        // What the clients saw, copied out: no lock is held across the queries.
        let (wallet, till) = {
            let (Ok(wallet), Ok(till)) = (wallet.lock(), till.lock()) else {
                continue;
            };
            let seen = Seen {
                id: wallet.id.clone(),
                queued: wallet.next_seq - 1,
            };
            let record = TillRecord {
                purchases: till.purchases,
                stamps_adjusted: till.stamps_adjusted,
                points_adjusted: till.points_adjusted.clone(),
                redeemed: till.redeemed.clone(),
                answered_ok: till.answered_ok,
                last_step: till.last_step,
            };
            (seen, record)
        };
        ok_requests += till.answered_ok;
        let id = wallet.id.as_str();
        let violation = |what: String| shared.tally.violation(format!("member {id}: {what}"));
        let purchases = scalar(
            &pool,
            "SELECT COUNT(*) FROM purchases WHERE membership_id = $1",
            id,
        )
        .await?;
        if purchases != till.purchases as i64 {
            violation(format!(
                "{purchases} purchases stored, {} answered 200",
                till.purchases
            ));
        }
        let granted = scalar(&pool, "SELECT CAST(COALESCE(SUM(stamps), 0) AS BIGINT) FROM purchases WHERE membership_id = $1", id).await?;
        let on_cards = scalar(&pool, "SELECT CAST(COALESCE(SUM(stamps), 0) AS BIGINT) FROM stamp_cards WHERE membership_id = $1", id).await?;
        if on_cards != granted + till.stamps_adjusted {
            violation(format!(
                "{on_cards} stamps on its cards, {granted} granted by purchases {:+} by staff",
                till.stamps_adjusted
            ));
        }
        let adjustments = scalar(
            &pool,
            "SELECT COUNT(*) FROM ledger_entries WHERE membership_id = $1 AND reason = 'adjustment'",
            id,
        )
        .await?;
        let adjusted = scalar(
            &pool,
            "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM ledger_entries WHERE membership_id = $1 AND reason = 'adjustment'",
            id,
        )
        .await?;
        if adjustments != till.points_adjusted.len() as i64
            || adjusted != till.points_adjusted.iter().sum::<i64>()
        {
            violation(format!(
                "{adjustments} adjustment entries of {adjusted} points, tills got 200 for {:?}",
                till.points_adjusted
            ));
        }
        let used = scalar(
            &pool,
            "SELECT COUNT(*) FROM coupons WHERE membership_id = $1 AND state = 'used'",
            id,
        )
        .await?;
        if used != till.redeemed.len() as i64 {
            violation(format!(
                "{used} coupons used, {} redeemed by tills",
                till.redeemed.len()
            ));
        }
        let results = scalar(
            &pool,
            "SELECT COUNT(*) FROM mutation_results WHERE membership_id = $1",
            id,
        )
        .await?;
        if results != wallet.queued as i64 {
            violation(format!(
                "{results} mutation answers stored, {} mutations queued",
                wallet.queued
            ));
        }
    }
    let stored: i64 =
        sqlx::query("SELECT COUNT(*) FROM cashier_requests WHERE response IS NOT NULL")
            .fetch_one(&pool)
            .await
            .and_then(|row| row.try_get(0))
            .map_err(|e| e.to_string())?;
    if stored != ok_requests as i64 {
        shared.tally.violation(format!(
            "{stored} request ids stored with an answer, tills got {ok_requests} applied"
        ));
    }
    pool.close().await;
    Ok(())
}
