//! The binary's commands besides serving: `backup`, `new-epoch`, `cashier-key`, `claim-codes`
//! and `posters` (README, "Backup and restore", "Cashier keys", "Claim codes and posters"). Each
//! prints what it did on stdout and fails with an error in words for the operator.

use crate::loyalty::{claims, links, poster, rules};
use crate::store::connection::{self, DbError};
use crate::store::continuity::{self, BackupError};
use crate::store::{merchants, Store, StoreError};
use std::fmt;
use std::path::Path;
use wallet_core::claim::{ClaimGift, CreateClaimCodes};
use wallet_core::LocalizedText;

#[derive(Debug)]
pub enum CommandError {
    Open(DbError),
    Store(StoreError),
    Backup(BackupError),
    NoSuchMerchant(String),
    /// A claim code request the command cannot carry out, in words.
    Claim(String),
    Write(std::io::Error),
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Open(e) => e.fmt(f),
            Self::Store(e) => e.fmt(f),
            Self::Backup(e) => e.fmt(f),
            Self::NoSuchMerchant(id) => write!(f, "there is no merchant with the id {id:?}"),
            Self::Claim(why) => f.write_str(why),
            Self::Write(e) => write!(f, "cannot write the poster: {e}"),
        }
    }
}

impl std::error::Error for CommandError {}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

async fn open(database_url: &str) -> Result<sqlx::AnyPool, CommandError> {
    connection::connect(database_url)
        .await
        .map_err(CommandError::Open)
}

/// `wallet-server backup FILE`: a consistent copy of the live SQLite database, with a new epoch.
pub async fn backup(database_url: &str, to: &Path) -> Result<(), CommandError> {
    let db = open(database_url).await?;
    let done = continuity::backup(&db, to).await;
    db.close().await;
    done.map_err(CommandError::Backup)?;
    println!(
        "Backed up to {} (a new sync epoch: a server started from it gives every wallet a full sync)",
        to.display()
    );
    Ok(())
}

/// `wallet-server new-epoch`: after a restore by other means (pg_dump, a disk snapshot).
pub async fn new_epoch(database_url: &str) -> Result<(), CommandError> {
    let db = open(database_url).await?;
    let done = continuity::new_epoch(&db).await;
    db.close().await;
    done?;
    println!("The database has a new sync epoch: every wallet's next sync is a full snapshot");
    Ok(())
}

/// `wallet-server cashier-key create MERCHANT_ID`: prints the new key, once.
pub async fn new_cashier_key(database_url: &str, merchant_id: &str) -> Result<(), CommandError> {
    let db = open(database_url).await?;
    let key = merchants::new_cashier_key(&db, merchant_id).await;
    db.close().await;
    let key = key?.ok_or_else(|| CommandError::NoSuchMerchant(merchant_id.to_owned()))?;
    println!("{key}");
    eprintln!(
        "The new cashier key of {merchant_id} (shown this once; only its hash is kept). \
         The old key stops working at once."
    );
    Ok(())
}

/// `wallet-server cashier-key revoke MERCHANT_ID`.
pub async fn revoke_cashier_key(database_url: &str, merchant_id: &str) -> Result<(), CommandError> {
    let db = open(database_url).await?;
    let revoked = merchants::revoke_cashier_key(&db, merchant_id).await;
    db.close().await;
    if !revoked? {
        return Err(CommandError::NoSuchMerchant(merchant_id.to_owned()));
    }
    println!(
        "The cashier key of {merchant_id} is revoked: a running server refuses it from its next request"
    );
    Ok(())
}

/// What `claim-codes` gives: `stamps:N` or `ticket:CAMPAIGN_ID`, with a title for the wallet.
fn claim_gift(text: &str) -> Option<(ClaimGift, LocalizedText)> {
    match text.split_once(':')? {
        ("stamps", n) => Some((
            ClaimGift::Stamps {
                stamps: n.parse().ok()?,
            },
            LocalizedText::new("加碼集點", "Bonus stamps"),
        )),
        ("ticket", campaign_id) => Some((
            ClaimGift::Ticket {
                campaign_id: campaign_id.to_owned(),
                ticket_id: None,
            },
            LocalizedText::new("遊戲券", "A game ticket"),
        )),
        _ => None,
    }
}

/// `wallet-server claim-codes MERCHANT_ID GIFT [COUNT]`: one-time codes valid 30 days, one per
/// line with its link.
pub async fn new_claim_codes(
    database_url: &str,
    public_url: &str,
    merchant_id: &str,
    gift: &str,
    count: &str,
) -> Result<(), CommandError> {
    let (gift, title) = claim_gift(gift).ok_or_else(|| {
        CommandError::Claim(format!(
            "the gift is stamps:N or ticket:CAMPAIGN_ID, not {gift:?}"
        ))
    })?;
    let count = count
        .parse()
        .map_err(|_| CommandError::Claim(format!("the count is a number, not {count:?}")))?;
    let request = CreateClaimCodes {
        gift,
        count,
        valid_days: 30,
        title,
    };
    if let Some(problem) = request.problem() {
        return Err(CommandError::Claim(problem));
    }
    let db = open(database_url).await?;
    let store = Store::new(db.clone());
    let done = create_claim_codes(&store, public_url, merchant_id, &request).await;
    db.close().await;
    for line in done? {
        println!("{line}");
    }
    Ok(())
}

async fn create_claim_codes(
    store: &Store,
    public_url: &str,
    merchant_id: &str,
    request: &CreateClaimCodes,
) -> Result<Vec<String>, CommandError> {
    let mut conn = store.read().await?;
    let no_such = || CommandError::NoSuchMerchant(merchant_id.to_owned());
    let rules = rules::load(&mut conn, merchant_id)
        .await?
        .ok_or_else(no_such)?;
    let join_code = merchants::join_code(&mut conn, merchant_id)
        .await?
        .ok_or_else(no_such)?;
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
    .unwrap_or(0);
    let mut tx = store.write_after(conn).await?;
    let (codes, _) = claims::create(&mut tx, &rules, request, now)
        .await?
        .map_err(|refusal| CommandError::Claim(format!("{merchant_id}: {refusal}")))?;
    tx.commit().await?;
    Ok(codes
        .iter()
        .map(|code| {
            let link = links::claim_link(public_url, &join_code, code).unwrap_or_default();
            format!("{}  {link}", code.grouped())
        })
        .collect())
}

/// `wallet-server posters DIR`: every merchant's join poster as `DIR/<merchant id>.svg`.
pub async fn posters(database_url: &str, public_url: &str, to: &Path) -> Result<(), CommandError> {
    let db = open(database_url).await?;
    let done = write_posters(&db, public_url, to).await;
    db.close().await;
    for path in done? {
        println!("{}", path.display());
    }
    Ok(())
}

/// Writes the posters; returns their paths.
pub async fn write_posters(
    db: &sqlx::AnyPool,
    public_url: &str,
    to: &Path,
) -> Result<Vec<std::path::PathBuf>, CommandError> {
    std::fs::create_dir_all(to).map_err(CommandError::Write)?;
    let mut written = Vec::new();
    for (merchant_id, _) in merchants::join_codes(db).await? {
        let Some(svg) = poster::of_merchant(db, public_url, &merchant_id).await? else {
            continue;
        };
        let path = to.join(format!("{merchant_id}.svg"));
        std::fs::write(&path, svg).map_err(CommandError::Write)?;
        written.push(path);
    }
    Ok(written)
}
