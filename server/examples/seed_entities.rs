//! Seeds N `ledger_entry` entities for one membership, as a feature would write them (each with
//! its own version from the issuer-wide counter, in one transaction), so a wallet's next pull
//! brings N changes. For the sync-apply bench (bench/sync-apply.sh) and the wallet-scale e2e test
//! and bench (e2e/tests/wallet-scale.spec.ts, bench/wallet-scale.sh); not reachable over HTTP.
//! `--points-balance` also writes the `points_balance` entity of the account the entries belong to
//! (the balance after the last entry), so the card shows points whose ledger has N entries.
//!
//! `cargo run --profile server -p wallet-server --example seed_entities -- --database-url URL
//! --membership ID [--count 10000] [--points-balance]`. The database may be in use by a running
//! server.

use wallet_core::loyalty::{
    LedgerEntryData, LedgerReason, MerchantRef, PointsBalanceData, PointsExpiry,
};
use wallet_core::sync::EntityKind;
use wallet_core::LocalizedText;
use wallet_server::store::connection as db;
use wallet_server::store::entities::{self, EntityWrite};

struct Args {
    database_url: String,
    membership: String,
    count: usize,
    points_balance: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut database_url = None;
    let mut membership = None;
    let mut count = 10_000;
    let mut points_balance = false;
    let mut iter = std::env::args().skip(1);
    while let Some(arg) = iter.next() {
        let mut value = || iter.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--database-url" => database_url = Some(value()?),
            "--membership" => membership = Some(value()?),
            "--count" => {
                count = value()?
                    .parse()
                    .map_err(|_| "--count takes a number".to_owned())?
            }
            "--points-balance" => points_balance = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args {
        database_url: database_url.ok_or("--database-url is required")?,
        membership: membership.ok_or("--membership is required")?,
        count,
        points_balance,
    })
}

fn main() -> Result<(), String> {
    let args = parse_args()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let pool = db::connect(&args.database_url)
            .await
            .map_err(|e| e.to_string())?;
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM memberships WHERE id = $1")
            .bind(&args.membership)
            .fetch_optional(&pool)
            .await
            .map_err(|e| e.to_string())?;
        if exists.is_none() {
            return Err(format!("no membership {}", args.membership));
        }
        // Ledger entries as the loyalty code writes them (core's `LedgerEntryData`).
        let merchant_name = LocalizedText {
            zh_tw: "晨光咖啡".into(),
            en: "Morning Light Café".into(),
        };
        let account_id = format!("points-{}", args.membership);
        let mut balance = 0;
        let mut writes: Vec<EntityWrite> = (0..args.count)
            .map(|i| {
                let n = i as i64;
                let points = 10 + n % 7;
                balance += points;
                let data = LedgerEntryData {
                    account_id: account_id.clone(),
                    seq: n + 1,
                    merchant_id: "morning-cafe".into(),
                    merchant_name: merchant_name.clone(),
                    reason: LedgerReason::Purchase,
                    points,
                    balance_after: balance,
                    amount: Some(120 + 10 * (n % 30)),
                    note: None,
                    created_at: 1_767_225_600 + n * 60,
                    expires_at: Some(1_798_761_600 + n * 60),
                };
                let data = serde_json::to_value(data).expect("ledger entries serialise");
                EntityWrite::put(EntityKind::LedgerEntry, format!("bench-{i:06}"), data)
            })
            .collect();
        if args.points_balance {
            let data = PointsBalanceData {
                balance,
                group: None,
                merchants: vec![MerchantRef {
                    id: "morning-cafe".into(),
                    name: merchant_name.clone(),
                }],
                expiring: vec![PointsExpiry {
                    points: balance.min(500),
                    expires_at: 1_798_761_600,
                }]
                .into_iter()
                .filter(|e| e.points > 0)
                .collect(),
                updated_at: 1_767_225_600 + args.count as i64 * 60,
            };
            let data = serde_json::to_value(data).expect("a points balance serialises");
            writes.push(EntityWrite::put(
                EntityKind::PointsBalance,
                account_id.clone(),
                data,
            ));
        }
        entities::write_all(&pool, &args.membership, &writes)
            .await
            .map_err(|e| e.to_string())?;
        pool.close().await;
        let balance_note = if args.points_balance {
            format!(" and its points_balance ({balance})")
        } else {
            String::new()
        };
        println!(
            "seeded {} ledger_entry entities{balance_note} for {}",
            args.count, args.membership
        );
        Ok(())
    })
}
