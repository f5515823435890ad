//! The server's configuration: command-line flags, then environment variables, then defaults.
//!
//! Ten settings do not justify an argument-parsing crate; the parser is small and tested.

use std::fmt;
use std::path::PathBuf;

pub const DEFAULT_HOST: &str = "127.0.0.1";
pub const DEFAULT_PORT: u16 = 8080;
pub const DEFAULT_DATABASE_URL: &str = "sqlite://wallet.db?mode=rwc";
pub const DEFAULT_DIST: &str = "dist";
/// LINE's ID token verify endpoint (docs/protocol.md 4.3).
pub const DEFAULT_LINE_VERIFY_URL: &str = "https://api.line.me/oauth2/v2.1/verify";
/// Joins a minute from one client address. Enough for a family on one Wi-Fi or a queue of phones
/// behind a carrier's shared address at a shop's opening; a script filling the database is slowed
/// to a trickle.
pub const DEFAULT_ENROLL_LIMIT: u32 = 30;
/// Syncs a minute per membership (ten times that per client address). A wallet syncs at start,
/// on each action, when shown again and every few minutes: a customer tapping fast through a
/// coupon box stays far below it; a script pushing junk does not.
pub const DEFAULT_SYNC_LIMIT: u32 = 120;
/// Seconds a client has to send a request's headers, and the longest a kept-alive connection may
/// wait idle for its next request. A phone on a slow network sends a request's headers in well
/// under a second; a connection that trickles them is closed instead of held.
pub const DEFAULT_HEADER_TIMEOUT_SECS: u64 = 10;
/// Seconds a request may take from its headers to its answer, body included: `408` after that.
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 30;

pub const USAGE: &str = "\
Usage: wallet-server [options]                 serve the wallet and the API
       wallet-server backup FILE [options]     copy the (SQLite) database into FILE, consistently,
                                               while it is in use; the copy gets a new sync epoch
       wallet-server new-epoch [options]       give the database a new sync epoch (after restoring
                                               a backup by other means): every wallet resyncs fully
       wallet-server cashier-key create MERCHANT_ID [options]
                                               a new cashier key for the merchant, printed once
                                               (it replaces the old one)
       wallet-server cashier-key revoke MERCHANT_ID [options]
                                               the merchant's cashier key stops working at once
       wallet-server claim-codes MERCHANT_ID GIFT [COUNT] [options]
                                               COUNT (default 5) one-time claim codes valid 30
                                               days, printed with their links; GIFT is stamps:N
                                               or ticket:CAMPAIGN_ID
       wallet-server posters DIR [options]     write each merchant's join QR poster as
                                               DIR/<merchant id>.svg

Options (a flag wins over its environment variable):
  --host HOST          address to listen on (env HOST, default 127.0.0.1)
  --port PORT          port to listen on, 0 for any free port (env PORT, default 8080)
  --database-url URL   sqlite://FILE?mode=rwc or postgres://... (env DATABASE_URL,
                       default sqlite://wallet.db?mode=rwc)
  --dist DIR           the built app to serve (env WALLET_DIST, default dist)
  --enroll-limit N     joins a minute from one client address, 0 for no limit
                       (env ENROLL_LIMIT, default 30)
  --sync-limit N       syncs a minute per membership (ten times that per client address),
                       0 for no limit (env SYNC_LIMIT, default 120)
  --behind-proxy       the client's address is the last one in X-Forwarded-For (env
                       BEHIND_PROXY=1); only when a proxy in front adds it to every request
  --header-timeout S   seconds to send a request's headers, and the longest an idle
                       connection is kept (env HEADER_TIMEOUT, default 10)
  --request-timeout S  seconds a request may take, body included, before 408
                       (env REQUEST_TIMEOUT, default 30)
  --public-url URL     the address customers reach this server at, for the links in
                       claim codes and join posters (env PUBLIC_URL, default the
                       address it listens on, http://HOST:PORT)
  --line-channel-id ID the LINE Login channel whose LIFF ID tokens enroll accepts, verified
                       with LINE (env LINE_CHANNEL_ID; unset: tokens are ignored)
  --line-verify-url U  where ID tokens are verified (env LINE_VERIFY_URL, default
                       https://api.line.me/oauth2/v2.1/verify)
  --liff-id ID         the LIFF app (its endpoint URL: this server's public URL) the wallet
                       starts in LINE, served to it as /liff-config.json (env LIFF_ID; unset:
                       the wallet runs in LINE as in any browser)
  --demo               add the demo merchants if they are missing
  -h, --help           show this help";

/// What the binary does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Serve,
    Backup {
        to: PathBuf,
    },
    NewEpoch,
    NewCashierKey {
        merchant_id: String,
    },
    RevokeCashierKey {
        merchant_id: String,
    },
    NewClaimCodes {
        merchant_id: String,
        gift: String,
        count: String,
    },
    Posters {
        to: PathBuf,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub command: Command,
    pub host: String,
    pub port: u16,
    pub database_url: String,
    pub dist: PathBuf,
    pub demo: bool,
    /// Joins a minute from one client address; 0: no limit.
    pub enroll_limit: u32,
    /// Syncs a minute per membership; 0: no limit.
    pub sync_limit: u32,
    /// Requests come through a reverse proxy that appends the client's address to
    /// X-Forwarded-For.
    pub behind_proxy: bool,
    /// Seconds to send a request's headers; also the longest an idle connection is kept.
    pub header_timeout_secs: u64,
    /// Seconds a request may take, body included.
    pub request_timeout_secs: u64,
    /// Where customers reach this server (links in claim codes and posters); `None`: the
    /// address it listens on.
    pub public_url: Option<String>,
    /// The LINE channel whose ID tokens enroll verifies; `None`: LINE tokens are ignored.
    pub line_channel_id: Option<String>,
    pub line_verify_url: String,
    /// The LIFF app the wallet starts inside LINE (`/liff-config.json`); `None`: no LIFF mode.
    pub liff_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// `--help` was asked for: not a failure, but no server either.
    HelpRequested,
    UnknownFlag(String),
    MissingValue(String),
    BadPort(String),
    BadNumber {
        flag: &'static str,
        value: String,
    },
    Empty(&'static str),
    BadLiffId(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::HelpRequested => f.write_str("help requested"),
            Self::UnknownFlag(flag) => write!(f, "unknown option {flag}"),
            Self::MissingValue(flag) => write!(f, "{flag} needs a value"),
            Self::BadPort(value) => write!(f, "the port must be a number 0-65535, not {value:?}"),
            Self::BadNumber { flag, value } => {
                write!(f, "{flag} must be a whole number, not {value:?}")
            }
            Self::Empty(what) => write!(f, "the {what} must not be empty"),
            Self::BadLiffId(value) => write!(
                f,
                "--liff-id must be a LIFF id as LINE's console shows it (digits, '-', letters and \
                 digits, e.g. 1657000000-AbCdEfGh), not {value:?}"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// `args` excludes the program name; `env` looks a variable up (injected so tests do not
    /// touch the process environment).
    pub fn from_args_and_env(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut host = None;
        let mut port = None;
        let mut database_url = None;
        let mut dist = None;
        let mut enroll_limit = None;
        let mut sync_limit = None;
        let mut header_timeout = None;
        let mut request_timeout = None;
        let mut public_url = None;
        let mut line_channel_id = None;
        let mut line_verify_url = None;
        let mut liff_id = None;
        let mut demo = false;
        let mut command = Command::Serve;
        let mut behind_proxy = false;

        let mut args = args.into_iter().peekable();
        while let Some(arg) = args.next() {
            let (flag, inline_value) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => {
                    (flag.to_owned(), Some(value.to_owned()))
                }
                _ => (arg.clone(), None),
            };
            let slot = match flag.as_str() {
                "-h" | "--help" => return Err(ConfigError::HelpRequested),
                "--demo" if inline_value.is_none() => {
                    demo = true;
                    continue;
                }
                "--behind-proxy" if inline_value.is_none() => {
                    behind_proxy = true;
                    continue;
                }
                "--host" => &mut host,
                "--port" => &mut port,
                "--database-url" => &mut database_url,
                "--dist" => &mut dist,
                "--enroll-limit" => &mut enroll_limit,
                "--sync-limit" => &mut sync_limit,
                "--header-timeout" => &mut header_timeout,
                "--request-timeout" => &mut request_timeout,
                "--public-url" => &mut public_url,
                "--line-channel-id" => &mut line_channel_id,
                "--line-verify-url" => &mut line_verify_url,
                "--liff-id" => &mut liff_id,
                "backup" if command == Command::Serve && inline_value.is_none() => {
                    let to = args
                        .next()
                        .ok_or_else(|| ConfigError::MissingValue("backup".into()))?;
                    command = Command::Backup { to: to.into() };
                    continue;
                }
                "new-epoch" if command == Command::Serve && inline_value.is_none() => {
                    command = Command::NewEpoch;
                    continue;
                }
                "cashier-key" if command == Command::Serve && inline_value.is_none() => {
                    let missing = || {
                        ConfigError::MissingValue("cashier-key create|revoke MERCHANT_ID".into())
                    };
                    let action = args.next().ok_or_else(missing)?;
                    let merchant_id = args.next().ok_or_else(missing)?;
                    command = match action.as_str() {
                        "create" => Command::NewCashierKey { merchant_id },
                        "revoke" => Command::RevokeCashierKey { merchant_id },
                        _ => return Err(ConfigError::UnknownFlag(action)),
                    };
                    continue;
                }
                "claim-codes" if command == Command::Serve && inline_value.is_none() => {
                    let missing =
                        || ConfigError::MissingValue("claim-codes MERCHANT_ID GIFT".into());
                    let merchant_id = args.next().ok_or_else(missing)?;
                    let gift = args.next().ok_or_else(missing)?;
                    let count = match args.peek() {
                        Some(next) if !next.starts_with('-') => args.next().unwrap_or_default(),
                        _ => "5".into(),
                    };
                    command = Command::NewClaimCodes {
                        merchant_id,
                        gift,
                        count,
                    };
                    continue;
                }
                "posters" if command == Command::Serve && inline_value.is_none() => {
                    let to = args
                        .next()
                        .ok_or_else(|| ConfigError::MissingValue("posters DIR".into()))?;
                    command = Command::Posters { to: to.into() };
                    continue;
                }
                _ => return Err(ConfigError::UnknownFlag(arg)),
            };
            let value = inline_value
                .or_else(|| args.next())
                .ok_or_else(|| ConfigError::MissingValue(flag.clone()))?;
            *slot = Some(value);
        }

        let host = host
            .or_else(|| env("HOST"))
            .unwrap_or_else(|| DEFAULT_HOST.into());
        if host.trim().is_empty() {
            return Err(ConfigError::Empty("host"));
        }
        let port = match port.or_else(|| env("PORT")) {
            Some(text) => text
                .trim()
                .parse()
                .map_err(|_| ConfigError::BadPort(text.clone()))?,
            None => DEFAULT_PORT,
        };
        let database_url = database_url
            .or_else(|| env("DATABASE_URL"))
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        if database_url.trim().is_empty() {
            return Err(ConfigError::Empty("database URL"));
        }
        let dist = dist
            .or_else(|| env("WALLET_DIST"))
            .unwrap_or_else(|| DEFAULT_DIST.into());
        let enroll_limit = number(enroll_limit, env("ENROLL_LIMIT"), "--enroll-limit")?
            .unwrap_or(DEFAULT_ENROLL_LIMIT);
        let sync_limit =
            number(sync_limit, env("SYNC_LIMIT"), "--sync-limit")?.unwrap_or(DEFAULT_SYNC_LIMIT);
        let header_timeout_secs =
            seconds(header_timeout, env("HEADER_TIMEOUT"), "--header-timeout")?
                .unwrap_or(DEFAULT_HEADER_TIMEOUT_SECS);
        let request_timeout_secs =
            seconds(request_timeout, env("REQUEST_TIMEOUT"), "--request-timeout")?
                .unwrap_or(DEFAULT_REQUEST_TIMEOUT_SECS);
        Ok(Self {
            command,
            host: host.trim().to_owned(),
            port,
            database_url,
            dist: PathBuf::from(dist),
            demo,
            enroll_limit,
            sync_limit,
            behind_proxy: behind_proxy
                || env("BEHIND_PROXY").is_some_and(|v| matches!(v.trim(), "1" | "true")),
            header_timeout_secs,
            request_timeout_secs,
            public_url: public_url
                .or_else(|| env("PUBLIC_URL"))
                .map(|url| url.trim().trim_end_matches('/').to_owned())
                .filter(|url| !url.is_empty()),
            line_channel_id: line_channel_id
                .or_else(|| env("LINE_CHANNEL_ID"))
                .map(|id| id.trim().to_owned())
                .filter(|id| !id.is_empty()),
            line_verify_url: line_verify_url
                .or_else(|| env("LINE_VERIFY_URL"))
                .unwrap_or_else(|| DEFAULT_LINE_VERIFY_URL.into()),
            liff_id: match liff_id
                .or_else(|| env("LIFF_ID"))
                .map(|id| id.trim().to_owned())
                .filter(|id| !id.is_empty())
            {
                Some(id) if !is_liff_id(&id) => return Err(ConfigError::BadLiffId(id)),
                id => id,
            },
        })
    }
}

/// A LIFF id as LINE's console shows it: the channel id, `-`, letters and digits
/// (`1657000000-AbCdEfGh`). Checked so what `/liff-config.json` serves is one.
fn is_liff_id(id: &str) -> bool {
    let Some((channel, app)) = id.split_once('-') else {
        return false;
    };
    !channel.is_empty()
        && channel.bytes().all(|b| b.is_ascii_digit())
        && !app.is_empty()
        && app.bytes().all(|b| b.is_ascii_alphanumeric())
        && id.len() <= 64
}

/// The flag's value, else the environment's, as a whole number.
fn number<T: std::str::FromStr>(
    flag_value: Option<String>,
    env_value: Option<String>,
    flag: &'static str,
) -> Result<Option<T>, ConfigError> {
    flag_value
        .or(env_value)
        .map(|text| {
            text.trim().parse().map_err(|_| ConfigError::BadNumber {
                flag,
                value: text.clone(),
            })
        })
        .transpose()
}

/// `number`, at least one second (a zero timeout would refuse every request).
fn seconds(
    flag_value: Option<String>,
    env_value: Option<String>,
    flag: &'static str,
) -> Result<Option<u64>, ConfigError> {
    let secs: Option<u64> = number(flag_value.clone(), env_value.clone(), flag)?;
    match secs {
        Some(0) => Err(ConfigError::BadNumber {
            flag,
            value: flag_value.or(env_value).unwrap_or_default(),
        }),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(args: &[&str], env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_args_and_env(args.iter().map(|a| (*a).to_owned()), |key| {
            env.get(key).cloned()
        })
    }

    #[test]
    fn defaults() {
        let config = parse(&[], &[]).unwrap();
        assert_eq!(
            config,
            Config {
                command: Command::Serve,
                host: "127.0.0.1".into(),
                port: 8080,
                database_url: "sqlite://wallet.db?mode=rwc".into(),
                dist: "dist".into(),
                demo: false,
                enroll_limit: 30,
                sync_limit: 120,
                behind_proxy: false,
                header_timeout_secs: 10,
                request_timeout_secs: 30,
                public_url: None,
                line_channel_id: None,
                line_verify_url: "https://api.line.me/oauth2/v2.1/verify".into(),
                liff_id: None,
            }
        );
    }

    #[test]
    fn commands() {
        let backup = parse(
            &[
                "backup",
                "/backups/wallet.db",
                "--database-url",
                "sqlite://w.db",
            ],
            &[],
        );
        let backup = backup.unwrap();
        assert_eq!(
            backup.command,
            Command::Backup {
                to: "/backups/wallet.db".into()
            }
        );
        assert_eq!(backup.database_url, "sqlite://w.db");
        assert_eq!(
            parse(&["new-epoch"], &[]).unwrap().command,
            Command::NewEpoch
        );
        assert_eq!(
            parse(&["cashier-key", "create", "morning-cafe"], &[])
                .unwrap()
                .command,
            Command::NewCashierKey {
                merchant_id: "morning-cafe".into()
            }
        );
        assert_eq!(
            parse(&["cashier-key", "revoke", "morning-cafe"], &[])
                .unwrap()
                .command,
            Command::RevokeCashierKey {
                merchant_id: "morning-cafe".into()
            }
        );
        assert!(parse(&["cashier-key", "rotate", "x"], &[]).is_err());
        assert!(parse(&["cashier-key", "create"], &[]).is_err());
        assert!(matches!(
            parse(&["backup"], &[]),
            Err(ConfigError::MissingValue(_))
        ));
        assert!(matches!(
            parse(&["new-epoch", "backup", "x"], &[]),
            Err(ConfigError::UnknownFlag(_))
        ));
    }

    #[test]
    fn timeouts_from_flags_or_environment_and_never_zero() {
        let config = parse(&["--header-timeout", "2"], &[("REQUEST_TIMEOUT", "7")]).unwrap();
        assert_eq!(
            (config.header_timeout_secs, config.request_timeout_secs),
            (2, 7)
        );
        assert!(matches!(
            parse(&["--header-timeout=0"], &[]),
            Err(ConfigError::BadNumber {
                flag: "--header-timeout",
                ..
            })
        ));
        assert!(matches!(
            parse(&[], &[("REQUEST_TIMEOUT", "soon")]),
            Err(ConfigError::BadNumber {
                flag: "--request-timeout",
                ..
            })
        ));
    }

    #[test]
    fn environment_then_flags_win() {
        let env = [
            ("HOST", "0.0.0.0"),
            ("PORT", "9000"),
            ("DATABASE_URL", "postgres://db/wallet"),
            ("WALLET_DIST", "/srv/dist"),
            ("ENROLL_LIMIT", "100"),
            ("BEHIND_PROXY", "1"),
        ];
        let from_env = parse(&[], &env).unwrap();
        assert_eq!(from_env.host, "0.0.0.0");
        assert_eq!(from_env.port, 9000);
        assert_eq!(from_env.database_url, "postgres://db/wallet");
        assert_eq!(from_env.dist, PathBuf::from("/srv/dist"));
        assert_eq!(from_env.enroll_limit, 100);
        assert!(from_env.behind_proxy);
        assert!(parse(&["--behind-proxy"], &[]).unwrap().behind_proxy);
        assert!(!parse(&[], &[("BEHIND_PROXY", "0")]).unwrap().behind_proxy);

        let flags = parse(
            &[
                "--host",
                "::1",
                "--port=0",
                "--database-url",
                "sqlite://x.db",
                "--dist=out",
                "--enroll-limit",
                "0",
                "--demo",
            ],
            &env,
        )
        .unwrap();
        assert_eq!(flags.host, "::1");
        assert_eq!(flags.port, 0);
        assert_eq!(flags.database_url, "sqlite://x.db");
        assert_eq!(flags.dist, PathBuf::from("out"));
        assert!(flags.demo);
        assert_eq!(flags.enroll_limit, 0, "no limit");
    }

    #[test]
    fn mistakes_are_reported() {
        assert_eq!(
            parse(&["--port", "http"], &[]),
            Err(ConfigError::BadPort("http".into()))
        );
        assert_eq!(
            parse(&[], &[("PORT", "70000")]),
            Err(ConfigError::BadPort("70000".into()))
        );
        assert_eq!(
            parse(&["--port"], &[]),
            Err(ConfigError::MissingValue("--port".into()))
        );
        assert_eq!(
            parse(&["--verbose"], &[]),
            Err(ConfigError::UnknownFlag("--verbose".into()))
        );
        assert_eq!(
            parse(&["--demo=yes"], &[]),
            Err(ConfigError::UnknownFlag("--demo=yes".into()))
        );
        assert_eq!(
            parse(&["--enroll-limit", "-1"], &[]),
            Err(ConfigError::BadNumber {
                flag: "--enroll-limit",
                value: "-1".into()
            })
        );
        assert_eq!(parse(&["--help"], &[]), Err(ConfigError::HelpRequested));
        assert_eq!(
            parse(&["--host", " "], &[]),
            Err(ConfigError::Empty("host"))
        );
    }

    #[test]
    fn liff_id() {
        assert_eq!(
            parse(&["--liff-id", "1657000000-AbCd1234"], &[])
                .unwrap()
                .liff_id
                .as_deref(),
            Some("1657000000-AbCd1234")
        );
        assert_eq!(
            parse(&[], &[("LIFF_ID", "42-x")])
                .unwrap()
                .liff_id
                .as_deref(),
            Some("42-x")
        );
        for bad in ["abc", "-x", "42-", "42-a/b", "42-<script>"] {
            assert_eq!(
                parse(&["--liff-id", bad], &[]),
                Err(ConfigError::BadLiffId(bad.into()))
            );
        }
    }
}
