//! Memberships as authentication and the cashier's member-code check see them: who a token
//! belongs to, the TOTP secret and last used step, and the row enroll inserts. Their loyalty
//! state is `loyalty`'s.

use super::idempotency::StoredRequest;
use super::secrets::sha256_hex;
use super::{KeyChecked, StoreError};
use sqlx::{AnyConnection, AnyPool, FromRow};

/// The membership whose token this is (the database keeps only the token's hash).
pub async fn by_token(db: &AnyPool, token: &str) -> Result<Option<String>, StoreError> {
    let id = sqlx::query_scalar("SELECT id FROM memberships WHERE token_hash = $1")
        .bind(sha256_hex(token))
        .fetch_optional(db)
        .await?;
    Ok(id)
}

/// What checking a member code needs of the membership.
#[derive(Clone, Debug, FromRow)]
pub struct CodeRow {
    pub totp_secret: String,
    pub member_since: i64,
    pub last_used_step: i64,
}

/// The merchant's cashier key still has this hash: a column of the first read.
const KEY_VALID: &str =
    "(SELECT COUNT(*) FROM merchants k WHERE k.id = $1 AND k.cashier_key_hash = $2) AS key_valid";

/// The membership `membership_id` of this merchant as a code check needs it (`None` when it is
/// not a member of this shop), and whether the cashier's key is still valid.
pub async fn code_row(
    conn: &mut AnyConnection,
    merchant_id: &str,
    key_hash: &str,
    membership_id: &str,
) -> Result<KeyChecked<Option<CodeRow>>, StoreError> {
    #[derive(FromRow)]
    struct Row {
        key_valid: i64,
        totp_secret: Option<String>,
        member_since: Option<i64>,
        last_used_step: Option<i64>,
    }
    let row: Row = sqlx::query_as(&format!(
        "SELECT {KEY_VALID}, m.totp_secret, m.member_since, m.last_used_step \
         FROM (SELECT 1 AS one) AS x \
         LEFT JOIN memberships m ON m.id = $3 AND m.merchant_id = $1 AND m.left_at IS NULL"
    ))
    .bind(merchant_id)
    .bind(key_hash)
    .bind(membership_id)
    .fetch_one(conn)
    .await?;
    Ok(KeyChecked {
        key_valid: row.key_valid > 0,
        found: code_row_of(row.totp_secret, row.member_since, row.last_used_step),
    })
}

fn code_row_of(
    totp_secret: Option<String>,
    member_since: Option<i64>,
    last_used_step: Option<i64>,
) -> Option<CodeRow> {
    match (totp_secret, member_since, last_used_step) {
        (Some(totp_secret), Some(member_since), Some(last_used_step)) => Some(CodeRow {
            totp_secret,
            member_since,
            last_used_step,
        }),
        _ => None,
    }
}

/// A request id's stored row and the membership's code row, in one read: a purchase's reads
/// before its turn to write are round trips to a pooled connection like any other.
pub async fn request_and_code_row(
    conn: &mut AnyConnection,
    merchant_id: &str,
    key_hash: &str,
    request_id: &str,
    membership_id: &str,
) -> Result<KeyChecked<(Option<StoredRequest>, Option<CodeRow>)>, StoreError> {
    #[derive(FromRow)]
    struct Row {
        key_valid: i64,
        fingerprint: Option<String>,
        response: Option<String>,
        totp_secret: Option<String>,
        member_since: Option<i64>,
        last_used_step: Option<i64>,
    }
    let row: Row = sqlx::query_as(&format!(
        "SELECT {KEY_VALID}, r.fingerprint, r.response, \
         m.totp_secret, m.member_since, m.last_used_step \
         FROM (SELECT 1 AS one) AS x \
         LEFT JOIN cashier_requests r ON r.merchant_id = $1 AND r.request_id = $3 \
         LEFT JOIN memberships m ON m.id = $4 AND m.merchant_id = $1 AND m.left_at IS NULL"
    ))
    .bind(merchant_id)
    .bind(key_hash)
    .bind(request_id)
    .bind(membership_id)
    .fetch_one(conn)
    .await?;
    let request = row.fingerprint.map(|fingerprint| StoredRequest {
        fingerprint,
        response: row.response,
    });
    let membership = code_row_of(row.totp_secret, row.member_since, row.last_used_step);
    Ok(KeyChecked {
        key_valid: row.key_valid > 0,
        found: (request, membership),
    })
}

/// Records `step` as the membership's last used one, if it is newer: `false` when another
/// request used it (or a newer one) first. The condition makes the write the arbiter: of two
/// tills with the same code at once, exactly one moves the step forward.
pub async fn use_step(
    conn: &mut AnyConnection,
    membership_id: &str,
    step: i64,
) -> Result<bool, StoreError> {
    let updated = sqlx::query(
        "UPDATE memberships SET last_used_step = $1 WHERE id = $2 AND last_used_step < $1",
    )
    .bind(step)
    .bind(membership_id)
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// A new membership's row as enroll writes it.
pub struct NewMembership<'a> {
    pub id: &'a str,
    pub merchant_id: &'a str,
    pub token: &'a str,
    /// Base32, as the wallet is given it.
    pub totp_secret: &'a str,
    pub member_since: i64,
    /// The LINE user id (`sub`) of a verified LINE ID token.
    pub line_user_id: Option<&'a str>,
}

/// Inserts the membership; `false` when its id is taken (the caller picks another).
pub async fn insert(
    conn: &mut AnyConnection,
    membership: &NewMembership<'_>,
) -> Result<bool, StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO memberships (id, merchant_id, token_hash, totp_secret, member_since, \
         line_user_id) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(membership.id)
    .bind(membership.merchant_id)
    .bind(sha256_hex(membership.token))
    .bind(membership.totp_secret)
    .bind(membership.member_since)
    .bind(membership.line_user_id)
    .execute(conn)
    .await
    .map_err(StoreError::from);
    match inserted {
        Ok(_) => Ok(true),
        Err(e) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e),
    }
}
