//! Cashier purchase throughput and latency on loopback: the real router and database behind a
//! real socket, and a load generator that keeps `--concurrency` connections busy with
//! `POST /v1/cashier/purchase`, each carrying a valid member code. Prints one line per figure.
//!
//! Member codes are single use per time step, so a realistic load is many members, each paying
//! once: the bench enrolls `--requests` memberships first (not measured), then sends one purchase
//! for each with its current TOTP code, a fresh request id and an amount that earns stamps and
//! points. `--merchant` lists what a purchase does: `cafe` (a stamp card: DESIGN.md's "cashier
//! stamp grant"), `yakiniku` (stamp card + group points + ledger), `books` (points + tier);
//! default `cafe,yakiniku`.
//!
//! `cargo run --profile server -p wallet-server --example cashier_purchase -- [--requests N]
//! [--concurrency C] [--merchant cafe,yakiniku,books] [--database-url URL]` (bench/cashier-purchase.sh).

use serde_json::json;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use wallet_core::protocol::EnrollResponse;
use wallet_core::{MemberCode, MembershipId, Totp};
use wallet_server::clock::SystemClock;
use wallet_server::demo::{self, DemoMerchant};
use wallet_server::http::router;
use wallet_server::state::AppState;
use wallet_server::store::connection as db;
use wallet_server::store::Store;

/// What a purchase does at each demo merchant, and an amount that earns something there.
#[derive(Clone, Copy)]
struct Scenario {
    merchant: &'static DemoMerchant,
    amount: i64,
    what: &'static str,
}

const CAFE: Scenario = Scenario {
    merchant: &demo::CAFE,
    amount: 180,
    what: "verify code + stamp card",
};
const YAKINIKU: Scenario = Scenario {
    merchant: &demo::YAKINIKU,
    amount: 880,
    what: "verify code + stamp card + group points + ledger",
};
const BOOKS: Scenario = Scenario {
    merchant: &demo::BOOKS,
    amount: 1_280,
    what: "verify code + points + ledger + tier",
};

struct Args {
    requests: usize,
    concurrency: usize,
    scenarios: Vec<Scenario>,
    database_url: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        requests: 20_000,
        concurrency: 32,
        // The café's purchase is DESIGN.md's "cashier stamp grant (verify code + write)"; the
        // yakiniku place's also writes points and the ledger.
        scenarios: vec![CAFE, YAKINIKU],
        database_url: None,
    };
    let mut iter = std::env::args().skip(1);
    while let Some(arg) = iter.next() {
        let mut value = || iter.next().ok_or_else(|| format!("{arg} needs a value"));
        let number = |text: String| {
            text.parse::<usize>()
                .map_err(|_| format!("{arg} takes a number"))
        };
        match arg.as_str() {
            "--requests" => args.requests = number(value()?)?,
            "--concurrency" => args.concurrency = number(value()?)?,
            "--database-url" => args.database_url = Some(value()?),
            "--merchant" => {
                args.scenarios = value()?
                    .split(',')
                    .map(|name| match name.trim() {
                        "cafe" => Ok(CAFE),
                        "yakiniku" => Ok(YAKINIKU),
                        "books" => Ok(BOOKS),
                        other => Err(format!("unknown merchant {other}: cafe, yakiniku, books")),
                    })
                    .collect::<Result<_, _>>()?
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.requests == 0 || args.concurrency == 0 {
        return Err("--requests and --concurrency must be at least 1".into());
    }
    Ok(args)
}

fn main() -> Result<(), String> {
    let args = parse_args()?;
    // The server's own errors (a 500's cause) go to stderr.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_writer(std::io::stderr)
        .init();
    let temp_file =
        std::env::temp_dir().join(format!("wallet-bench-purchase-{}.db", std::process::id()));
    let (url, backend) = match &args.database_url {
        Some(url) => (url.clone(), url.split(':').next().unwrap_or("?").to_owned()),
        None => (
            format!("sqlite://{}?mode=rwc", temp_file.display()),
            "sqlite".to_owned(),
        ),
    };

    // The server on its own runtime (two workers: this machine's cores), the load on another, as
    // if they were two processes sharing the machine.
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let (address, store) = server.block_on(async {
        let pool = db::connect(&url).await.map_err(|e| e.to_string())?;
        demo::seed(&pool).await.map_err(|e| e.to_string())?;
        let state = AppState::new(pool, Arc::new(SystemClock));
        let store = state.store.clone();
        let app = router(state, std::path::Path::new("/nonexistent-dist"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok::<_, String>((address, store))
    })?;

    let load = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let result = load.block_on(async {
        for scenario in &args.scenarios {
            run(address, &args, *scenario, &backend, &store).await?;
        }
        Ok(())
    });
    drop(load);
    drop(server);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", temp_file.display()));
    }
    result
}

async fn run(
    address: std::net::SocketAddr,
    args: &Args,
    scenario: Scenario,
    backend: &str,
    store: &Store,
) -> Result<(), String> {
    let members = enroll_all(address, args, scenario.merchant.join_code).await?;
    let members = Arc::new(members);
    // For a profiler that should see the purchases only (callgrind_control -i on/off).
    eprintln!("measuring {} purchases", members.len());
    let next = Arc::new(AtomicUsize::new(0));
    let commits_before = store.sqlite_commits();
    let cpu_before = Cpu::now();
    let started = Instant::now();
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let (members, next) = (members.clone(), next.clone());
            let (key, amount) = (scenario.merchant.cashier_key, scenario.amount);
            tokio::spawn(async move {
                let mut conn = Conn::open(address).await?;
                let mut latencies = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((id, totp)) = members.get(i) else {
                        return Ok::<_, String>(latencies);
                    };
                    let code = totp.code_at(unix_now());
                    let body = json!({
                        "payload": MemberCode::new(id.clone(), code).encode(),
                        "amount": amount,
                        "request_id": format!("bench-{i}"),
                    })
                    .to_string();
                    let sent = Instant::now();
                    let (status, answer) = conn
                        .post("/v1/cashier/purchase", body.as_bytes(), Some(key))
                        .await
                        .map_err(|e| e.to_string())?;
                    latencies.push(sent.elapsed());
                    if status != 200 {
                        return Err(format!(
                            "purchase {i}: HTTP {status}: {}",
                            String::from_utf8_lossy(&answer)
                        ));
                    }
                }
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(args.requests);
    for task in tasks {
        latencies.extend(task.await.map_err(|e| e.to_string())??);
    }
    let elapsed = started.elapsed();
    let cpu = cpu_before.zip(Cpu::now()).map(|(before, after)| Cpu {
        process: after.process - before.process,
        load: after.load - before.load,
    });
    let commits = store.sqlite_commits() - commits_before;
    eprintln!("measured");
    latencies.sort_unstable();

    let label = format!(
        "{}: {}; {backend}, loopback, {} connections",
        scenario.merchant.join_code.to_lowercase(),
        scenario.what,
        args.concurrency
    );
    let per_second = latencies.len() as f64 / elapsed.as_secs_f64();
    println!(
        "cashier purchase ({label}): {per_second:.0} requests/s over {}",
        latencies.len()
    );
    println!(
        "cashier purchase ({label}): p50 {}",
        ms(percentile(&latencies, 50.0))
    );
    println!(
        "cashier purchase ({label}): p99 {}",
        ms(percentile(&latencies, 99.0))
    );
    if commits > 0 {
        println!(
            "cashier purchase ({label}): {:.1} purchases per SQLite commit",
            latencies.len() as f64 / commits as f64
        );
    }
    // What the machine spent, whatever else runs on it: figures that do not move with the load
    // of other processes (the throughput above does). The load generator is this process's main
    // thread; the server is every other thread (its runtime's workers, SQLite's threads).
    if let Some(cpu) = cpu {
        let per_purchase = |ticks: u64| ticks as f64 * 10_000.0 / latencies.len() as f64;
        let server = cpu.process.saturating_sub(cpu.load);
        let share = 100.0 * cpu.load as f64 / cpu.process.max(1) as f64;
        println!(
            "cashier purchase ({label}): {:.0} µs CPU per purchase in the server, {:.0} µs in the \
             load generator ({share:.0}% of the process's CPU); load average {}",
            per_purchase(server),
            per_purchase(cpu.load),
            load_average().unwrap_or_else(|| "?".into()),
        );
    }
    Ok(())
}

/// User + system CPU time in clock ticks (1/100 s), from /proc on Linux: the whole process's
/// (threads that ended included) and the main thread's, where the load generator runs.
#[derive(Clone, Copy)]
struct Cpu {
    process: u64,
    load: u64,
}

impl Cpu {
    fn now() -> Option<Self> {
        let pid = std::process::id();
        Some(Self {
            process: cpu_ticks("/proc/self/stat")?,
            load: cpu_ticks(&format!("/proc/self/task/{pid}/stat"))?,
        })
    }
}

fn cpu_ticks(path: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(path).ok()?;
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// The machine's load average over the last minute, 5 and 15 minutes.
fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    Some(
        text.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Enrolls one membership per request to come (not measured), over the same kind of connections.
async fn enroll_all(
    address: std::net::SocketAddr,
    args: &Args,
    join_code: &str,
) -> Result<Vec<(MembershipId, Totp)>, String> {
    let next = Arc::new(AtomicUsize::new(0));
    let body = Arc::new(json!({ "join_code": join_code }).to_string());
    let tasks: Vec<_> = (0..args.concurrency.min(16))
        .map(|_| {
            let (next, body, wanted) = (next.clone(), body.clone(), args.requests);
            tokio::spawn(async move {
                let mut conn = Conn::open(address).await?;
                let mut members = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < wanted {
                    let (status, answer) = conn
                        .post("/v1/enroll", body.as_bytes(), None)
                        .await
                        .map_err(|e| e.to_string())?;
                    if status != 200 {
                        return Err(format!("enroll: HTTP {status}"));
                    }
                    let enrolled: EnrollResponse =
                        serde_json::from_slice(&answer).map_err(|e| e.to_string())?;
                    let totp = enrolled.validate().map_err(|e| e.to_string())?;
                    members.push((enrolled.membership.id, totp));
                }
                Ok::<_, String>(members)
            })
        })
        .collect();
    let mut members = Vec::with_capacity(args.requests);
    for task in tasks {
        members.extend(task.await.map_err(|e| e.to_string())??);
    }
    Ok(members)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 * p / 100.0).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

/// A keep-alive HTTP/1.1 connection that sends JSON POSTs: just enough client for a load test,
/// so the generator takes as little of the machine's two cores as possible.
struct Conn {
    stream: BufReader<TcpStream>,
}

impl Conn {
    async fn open(address: std::net::SocketAddr) -> Result<Self, String> {
        let stream = TcpStream::connect(address)
            .await
            .map_err(|e| e.to_string())?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        Ok(Self {
            stream: BufReader::new(stream),
        })
    }

    async fn post(
        &mut self,
        path: &str,
        body: &[u8],
        bearer: Option<&str>,
    ) -> io::Result<(u16, Vec<u8>)> {
        let auth = bearer.map_or(String::new(), |key| {
            format!("Authorization: Bearer {key}\r\n")
        });
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n{auth}\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(body);
        self.stream.get_mut().write_all(&request).await?;

        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| invalid(format!("not an HTTP status line: {line:?}")))?;
        let (mut length, mut chunked) = (None, false);
        loop {
            line.clear();
            if self.stream.read_line(&mut line).await? == 0 {
                return Err(invalid("the connection closed in the headers".into()));
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.parse::<usize>().ok();
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = value.eq_ignore_ascii_case("chunked");
                }
            }
        }
        let mut answer = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.stream.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim(), 16)
                    .map_err(|_| invalid(format!("bad chunk size {line:?}")))?;
                let mut chunk = vec![0; size + 2];
                self.stream.read_exact(&mut chunk).await?;
                if size == 0 {
                    break;
                }
                answer.extend_from_slice(&chunk[..size]);
            }
        } else {
            answer.resize(length.unwrap_or(0), 0);
            self.stream.read_exact(&mut answer).await?;
        }
        Ok((status, answer))
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}
