//! Sync round-trip time on loopback: the real router and database behind a real socket, and a
//! client that keeps its connection alive as a browser does. Prints one line per figure.
//!
//! `cargo run --profile server -p wallet-server --example sync_roundtrip -- [--rounds N]
//! [--database-url URL]` (bench/sync-roundtrip.sh). Default: a new SQLite file in the temp dir.

use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wallet_conformance::client::Client;
use wallet_server::clock::SystemClock;
use wallet_server::demo;
use wallet_server::http::router;
use wallet_server::state::AppState;
use wallet_server::store::connection as db;

const WARM_UP: usize = 20;

struct Args {
    rounds: usize,
    database_url: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        rounds: 500,
        database_url: None,
    };
    let mut iter = std::env::args().skip(1);
    while let Some(arg) = iter.next() {
        let mut value = || iter.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--rounds" => {
                args.rounds = value()?
                    .parse()
                    .map_err(|_| "--rounds takes a number".to_owned())?
            }
            "--database-url" => args.database_url = Some(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.rounds == 0 {
        return Err("--rounds must be at least 1".into());
    }
    Ok(args)
}

fn main() -> Result<(), String> {
    let args = parse_args()?;
    let temp_file = std::env::temp_dir().join(format!("wallet-bench-{}.db", std::process::id()));
    let (url, backend) = match &args.database_url {
        Some(url) => (url.clone(), url.split(':').next().unwrap_or("?").to_owned()),
        None => (
            format!("sqlite://{}?mode=rwc", temp_file.display()),
            "sqlite".to_owned(),
        ),
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let base = runtime.block_on(async {
        let pool = db::connect(&url).await.map_err(|e| e.to_string())?;
        demo::seed(&pool).await.map_err(|e| e.to_string())?;
        let app = router(
            AppState::new(pool, Arc::new(SystemClock)),
            std::path::Path::new("/nonexistent-dist"),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok::<_, String>(format!("http://127.0.0.1:{port}"))
    })?;

    let result = measure(&base, &backend, args.rounds);
    drop(runtime);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", temp_file.display()));
    }
    result
}

fn measure(base: &str, backend: &str, rounds: usize) -> Result<(), String> {
    let client = Client::with_keep_alive(base, true);
    let enrolled = post(&client, "/v1/enroll", &json!({ "join_code": "CAFE" }), None)?;
    let token = enrolled["membership"]["token"]
        .as_str()
        .ok_or("no token in the enroll answer")?
        .to_owned();
    let mut cursor = post(&client, "/v1/sync", &sync_body(None, &[]), Some(&token))?["cursor"]
        .as_str()
        .map(str::to_owned);

    let mut seq = 0u64;
    let mut round_trip = |count: usize| -> Result<Duration, String> {
        let mutations: Vec<Value> = (0..count)
            .map(|_| {
                seq += 1;
                json!({
                    "seq": seq, "id": format!("bench-{seq}"), "name": "profile.update",
                    "args": { "display_name": format!("bench {seq}") }, "client_time": 0
                })
            })
            .collect();
        let started = Instant::now();
        let answer = post(
            &client,
            "/v1/sync",
            &sync_body(cursor.as_deref(), &mutations),
            Some(&token),
        )?;
        let elapsed = started.elapsed();
        if answer["last_processed_seq"] != json!(seq)
            || (count > 0 && answer["changes"].as_array().is_none_or(Vec::is_empty))
        {
            return Err(format!("unexpected answer: {answer}"));
        }
        cursor = answer["cursor"].as_str().map(str::to_owned);
        Ok(elapsed)
    };

    for _ in 0..WARM_UP {
        round_trip(1)?;
    }
    let mut push_one = (0..rounds)
        .map(|_| round_trip(1))
        .collect::<Result<Vec<_>, _>>()?;
    let mut pull_only = (0..rounds)
        .map(|_| round_trip(0))
        .collect::<Result<Vec<_>, _>>()?;
    let batches = (rounds / 10).max(1);
    let mut push_hundred = (0..batches)
        .map(|_| round_trip(100))
        .collect::<Result<Vec<_>, _>>()?;

    let label = format!("{backend}, loopback, keep-alive");
    println!(
        "sync round trip, push 1 mutation + pull its change ({label}): median {} over {rounds}",
        ms(percentile(&mut push_one, 50))
    );
    println!(
        "sync round trip, push 1 mutation + pull its change ({label}): p95 {}",
        ms(percentile(&mut push_one, 95))
    );
    println!(
        "sync round trip, pull only, nothing changed ({label}): median {} over {rounds}",
        ms(percentile(&mut pull_only, 50))
    );
    println!(
        "sync round trip, push 100 mutations + pull ({label}): median {} over {batches}",
        ms(percentile(&mut push_hundred, 50))
    );
    Ok(())
}

fn sync_body(cursor: Option<&str>, mutations: &[Value]) -> Value {
    json!({ "client_id": "bench-client", "cursor": cursor, "mutations": mutations })
}

fn post(client: &Client, path: &str, body: &Value, token: Option<&str>) -> Result<Value, String> {
    let reply = client.post(path, body.to_string().as_bytes(), token)?;
    if reply.status != 200 {
        return Err(format!("{path}: {}", reply.describe()));
    }
    serde_json::from_str(&reply.body).map_err(|e| format!("{path}: {e}"))
}

fn percentile(samples: &mut [Duration], p: usize) -> Duration {
    samples.sort_unstable();
    let index = (samples.len() * p / 100).min(samples.len() - 1);
    samples[index]
}

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}
