//! The real binary: port 0, the start banner scripts read, demo seeding twice, graceful stop.

#![cfg(unix)]

mod common;

use common::TestDb;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The started server; killed if a failed assertion leaves it running.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Starts the server and returns it with the lines it printed.
fn start(database_url: &str) -> (Server, Vec<String>) {
    start_with(database_url, &[])
}

fn start_with(database_url: &str, extra: &[&str]) -> (Server, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wallet-server"))
        .args([
            "--demo",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--dist",
            "/nonexistent-dist",
        ])
        .args(["--database-url", database_url])
        .args(extra)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start wallet-server");
    let stdout = child.stdout.take().expect("piped stdout");
    // The banner is 3 lines and 2 per demo merchant with --demo; the server keeps running after
    // printing it.
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .take(3 + 2 * wallet_server::demo::MERCHANTS.len())
        .map(|line| line.expect("utf-8 output"))
        .collect();
    (Server(child), lines)
}

fn get(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set a timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

/// The address of the banner's first line.
fn base_from(first_line: &str) -> &str {
    first_line
        .strip_prefix("Member Wallet is running: open ")
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line: {first_line:?}"))
}

fn port_from(first_line: &str) -> u16 {
    base_from(first_line)
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("a port in the address")
}

fn stop(mut server: Server) {
    let status = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let exit = server.0.wait().expect("wait for the server");
    assert!(exit.success(), "a graceful stop exits 0, got {exit}");
}

#[tokio::test]
async fn prints_its_address_and_demo_links_and_stops_on_sigterm() {
    let db = TestDb::create().await;
    let (child, lines) = start(&db.url);
    let first = lines.first().cloned().unwrap_or_default();
    let base = base_from(&first);
    let port = port_from(&first);
    assert_ne!(port, 0, "the real port, not 0");

    let issuer = format!("http%3A%2F%2F127.0.0.1%3A{port}");
    for code in ["YAKINIKU", "CAFE", "BOOKS", "RAMEN"] {
        let link = format!("{base}/join?issuer={issuer}&code={code}");
        assert!(
            lines.iter().any(|l| l.ends_with(&link)),
            "{link} in {lines:#?}"
        );
    }
    for key in [
        "demo-cashier-yakiniku",
        "demo-cashier-cafe",
        "demo-cashier-books",
        "demo-cashier-ramen",
    ] {
        assert!(
            lines.iter().any(|l| l.ends_with(key)),
            "{key} in {lines:#?}"
        );
    }

    let health = get(port, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.ends_with("ok"), "{health}");
    stop(child);

    // A second start on the same database seeds nothing twice and serves again.
    let (child, lines) = start(&db.url);
    assert!(lines[0].starts_with("Member Wallet is running: open http://127.0.0.1:"));
    stop(child);
}

#[tokio::test]
async fn a_connection_that_trickles_its_headers_is_closed() {
    let db = TestDb::create().await;
    let (_server, lines) = start_with(&db.url, &["--header-timeout", "1"]);
    let port = port_from(&lines[0]);

    let mut slow = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    slow.set_read_timeout(Some(Duration::from_millis(100)))
        .expect("set a timeout");
    let started = std::time::Instant::now();
    let mut closed_after = None;
    // One byte every 100 ms: never a whole header, for as long as the server keeps listening.
    for byte in b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Trickle: "
        .iter()
        .cycle()
        .take(100)
    {
        if slow.write_all(&[*byte]).is_err() {
            closed_after = Some(started.elapsed());
            break;
        }
        let mut buffer = [0u8; 512];
        match slow.read(&mut buffer) {
            Ok(0) => {
                closed_after = Some(started.elapsed());
                break;
            }
            Ok(_) => {}
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => {
                closed_after = Some(started.elapsed());
                break;
            }
        }
    }
    let closed_after = closed_after.expect("the trickling connection was still open after 10 s");
    assert!(
        closed_after < Duration::from_secs(4),
        "closed only after {closed_after:?}"
    );
    // A client that sends its request at once is served as before.
    assert!(
        get(port, "/healthz").ends_with("ok"),
        "a normal request still works"
    );
}

#[tokio::test]
async fn a_request_whose_body_never_arrives_gets_408() {
    let db = TestDb::create().await;
    let (_server, lines) = start_with(&db.url, &["--request-timeout", "1"]);
    let port = port_from(&lines[0]);
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set a timeout");
    let started = std::time::Instant::now();
    write!(
        stream,
        "POST /v1/enroll HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\n\r\n{{\"join_"
    )
    .expect("send");
    let mut response = [0u8; 64];
    let read = stream
        .read(&mut response)
        .expect("an answer before the client's timeout");
    let head = String::from_utf8_lossy(&response[..read]);
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

async fn epoch(database_url: &str) -> String {
    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(database_url)
        .await
        .expect("open the database");
    let epoch = sqlx::query_scalar("SELECT epoch FROM sync_state WHERE id = 1")
        .fetch_one(&db)
        .await
        .expect("the epoch");
    db.close().await;
    epoch
}

fn is_sqlite(database_url: &str) -> bool {
    database_url.starts_with("sqlite:")
}

#[tokio::test]
async fn after_a_crash_on_sqlite_the_sync_epoch_is_new_and_after_a_clean_stop_it_is_kept() {
    let db = TestDb::create().await;
    let (server, _) = start(&db.url);
    stop(server);
    let first = epoch(&db.url).await;
    let (server, _) = start(&db.url);
    stop(server);
    assert_eq!(epoch(&db.url).await, first, "a clean stop keeps the epoch");

    let (mut server, _) = start(&db.url);
    server.0.kill().expect("kill the server");
    server.0.wait().expect("wait for it");
    let (server, _) = start(&db.url);
    stop(server);
    let after_crash = epoch(&db.url).await;
    if is_sqlite(&db.url) {
        // synchronous = NORMAL may have lost the last commits: the old cursors must not count.
        assert_ne!(after_crash, first, "a crash gives a new epoch");
    } else {
        assert_eq!(after_crash, first, "PostgreSQL loses no commit in a crash");
    }
}

#[tokio::test]
async fn a_backup_is_a_consistent_copy_with_a_new_epoch() {
    let db = TestDb::create().await;
    let (server, _) = start(&db.url);
    let dir = common::TempDir::new();
    let file = dir.0.join("backup.db");
    let backup = Command::new(env!("CARGO_BIN_EXE_wallet-server"))
        .args(["backup", file.to_str().unwrap(), "--database-url", &db.url])
        .output()
        .expect("run the backup");
    stop(server);
    let said = String::from_utf8_lossy(&backup.stdout).into_owned()
        + &String::from_utf8_lossy(&backup.stderr);
    if !is_sqlite(&db.url) {
        assert!(!backup.status.success());
        assert!(said.contains("pg_dump"), "{said}");
        return;
    }
    assert!(backup.status.success(), "{said}");
    assert!(said.contains("Backed up to"), "{said}");
    let copy = format!("sqlite://{}", file.display());
    assert_ne!(epoch(&copy).await, epoch(&db.url).await);
    let pool = sqlx::AnyPool::connect(&copy).await.unwrap();
    let merchants: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM merchants")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(merchants, wallet_server::demo::MERCHANTS.len() as i64);
    pool.close().await;
    // Never over an existing file.
    let again = Command::new(env!("CARGO_BIN_EXE_wallet-server"))
        .args(["backup", file.to_str().unwrap(), "--database-url", &db.url])
        .output()
        .expect("run the backup");
    assert!(!again.status.success());
}

fn scan_status(port: u16, key: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set a timeout");
    let body = r#"{"payload":"MW1:0000000000AB:123456"}"#;
    write!(
        stream,
        "POST /v1/cashier/scan HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\
         Authorization: Bearer {key}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response.lines().next().unwrap_or_default().to_owned()
}

fn cashier_key(database_url: &str, action: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wallet-server"))
        .args([
            "cashier-key",
            action,
            "morning-cafe",
            "--database-url",
            database_url,
        ])
        .output()
        .expect("run cashier-key")
}

#[tokio::test]
async fn a_cashier_key_is_made_shown_once_and_revoked_from_the_command_line() {
    let db = TestDb::create().await;
    let (server, lines) = start(&db.url);
    let port = port_from(&lines[0]);
    // The demo key works, and is now in the server's cache of valid keys.
    assert!(scan_status(port, "demo-cashier-cafe").contains("404"));
    let made = cashier_key(&db.url, "create");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let key = String::from_utf8(made.stdout)
        .expect("text")
        .trim()
        .to_owned();
    assert!(key.starts_with("mwk_") && key.len() == 4 + 32, "{key}");
    // The new key works at once (the membership is unknown, but the till is let in).
    assert!(
        scan_status(port, &key).contains("404"),
        "{}",
        scan_status(port, &key)
    );
    // It replaced the demo key, at once, although the running server had the old one cached.
    assert!(scan_status(port, "demo-cashier-cafe").contains("401"));

    let revoked = cashier_key(&db.url, "revoke");
    assert!(revoked.status.success());
    // Revoked at once: the server checked this key a moment ago, and refuses it now.
    assert!(
        scan_status(port, &key).contains("401"),
        "a revoked key is refused"
    );
    stop(server);
    let unknown = Command::new(env!("CARGO_BIN_EXE_wallet-server"))
        .args([
            "cashier-key",
            "create",
            "no-such-shop",
            "--database-url",
            &db.url,
        ])
        .output()
        .expect("run cashier-key");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no merchant"));
}

fn command(args: &[&str], database_url: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wallet-server"))
        .args(args)
        .args(["--database-url", database_url])
        .output()
        .expect("run wallet-server")
}

#[tokio::test]
async fn claim_codes_and_posters_from_the_command_line() {
    let db = TestDb::create().await;
    // Seeded by a demo start (the banner's claim codes: serve.rs's tests).
    let (server, _) = start(&db.url);
    stop(server);

    let public = ["--public-url", "https://loyalty.example.com"];
    let made = command(
        &[
            &["claim-codes", "morning-cafe", "stamps:2", "3"][..],
            &public[..],
        ]
        .concat(),
        &db.url,
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let printed = String::from_utf8(made.stdout).expect("text");
    assert_eq!(printed.lines().count(), 3, "{printed}");
    assert!(printed.lines().all(|l| l.contains(
        "https://loyalty.example.com/claim?issuer=https%3A%2F%2Floyalty.example.com&code=CAFE&claim="
    )));
    let refused = command(&["claim-codes", "alley-ramen", "stamps:2"], &db.url);
    assert!(
        !refused.status.success(),
        "the ramen shop has no stamp card"
    );
    let bad = command(&["claim-codes", "morning-cafe", "points:5"], &db.url);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("stamps:N or ticket:CAMPAIGN_ID"));

    let dir = common::TempDir::new();
    let posters = dir.0.join("posters");
    let wrote = command(
        &[
            &["posters", posters.to_str().expect("a path")][..],
            &public[..],
        ]
        .concat(),
        &db.url,
    );
    assert!(
        wrote.status.success(),
        "{}",
        String::from_utf8_lossy(&wrote.stderr)
    );
    let cafe =
        std::fs::read_to_string(posters.join("morning-cafe.svg")).expect("the café's poster");
    assert!(cafe.starts_with("<svg") && cafe.contains(">CAFE</text>"));
    assert_eq!(std::fs::read_dir(&posters).expect("the folder").count(), 4);
}
