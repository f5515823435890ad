//! Seeds N `ledger_entry` entities for one membership, as a feature would write them (each with
//! its own version from the issuer-wide counter, in one transaction), so a wallet's next pull
//! brings N changes. For the sync-apply bench (bench/sync-apply.sh); not reachable over HTTP.
//!
//! `cargo run --profile server -p wallet-server --example seed_entities -- --database-url URL
//! --membership ID [--count 10000]`. The database may be in use by a running server.

use wallet_core::loyalty::{LedgerEntryData, LedgerReason};
use wallet_core::sync::EntityKind;
use wallet_core::LocalizedText;
use wallet_server::db;
use wallet_server::entities::{self, EntityWrite};

struct Args {
    database_url: String,
    membership: String,
    count: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut database_url = None;
    let mut membership = None;
    let mut count = 10_000;
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
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args {
        database_url: database_url.ok_or("--database-url is required")?,
        membership: membership.ok_or("--membership is required")?,
        count,
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
        let writes: Vec<EntityWrite> = (0..args.count)
            .map(|i| {
                let n = i as i64;
                let data = LedgerEntryData {
                    account_id: format!("points-{}", args.membership),
                    seq: n + 1,
                    merchant_id: "morning-cafe".into(),
                    merchant_name: merchant_name.clone(),
                    reason: LedgerReason::Purchase,
                    points: 10 + n % 7,
                    balance_after: 10 * (n + 1),
                    amount: Some(120 + 10 * (n % 30)),
                    note: None,
                    created_at: 1_767_225_600 + n * 60,
                    expires_at: Some(1_798_761_600 + n * 60),
                };
                let data = serde_json::to_value(data).expect("ledger entries serialise");
                EntityWrite::put(EntityKind::LedgerEntry, format!("bench-{i:06}"), data)
            })
            .collect();
        entities::write_all(&pool, &args.membership, &writes)
            .await
            .map_err(|e| e.to_string())?;
        pool.close().await;
        println!(
            "seeded {} ledger_entry entities for {}",
            args.count, args.membership
        );
        Ok(())
    })
}
