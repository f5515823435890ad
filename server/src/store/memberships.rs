//! Memberships as authentication and the cashier's member-code check see them: who a token
//! belongs to, the TOTP secret and last used step, and the row enroll inserts. Their loyalty
//! state is `loyalty`'s.

use super::idempotency::StoredRequest;
use super::secrets::sha256_hex;
use super::StoreError;
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

/// The membership `membership_id` of this merchant as a code check needs it; `None` when it is
/// not a member of this shop.
pub async fn code_row(
    conn: &mut AnyConnection,
    merchant_id: &str,
    membership_id: &str,
) -> Result<Option<CodeRow>, StoreError> {
    let row = sqlx::query_as(
        "SELECT totp_secret, member_since, last_used_step FROM memberships \
         WHERE id = $1 AND merchant_id = $2",
    )
    .bind(membership_id)
    .bind(merchant_id)
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// A request id's stored row and the membership's code row, in one read: a purchase's reads
/// before its turn to write are round trips to a pooled connection like any other.
pub async fn request_and_code_row(
    conn: &mut AnyConnection,
    merchant_id: &str,
    request_id: &str,
    membership_id: &str,
) -> Result<(Option<StoredRequest>, Option<CodeRow>), StoreError> {
    #[derive(FromRow)]
    struct Row {
        fingerprint: Option<String>,
        response: Option<String>,
        totp_secret: Option<String>,
        member_since: Option<i64>,
        last_used_step: Option<i64>,
    }
    let row: Row = sqlx::query_as(
        "SELECT r.fingerprint, r.response, m.totp_secret, m.member_since, m.last_used_step \
         FROM (SELECT 1 AS one) AS x \
         LEFT JOIN cashier_requests r ON r.merchant_id = $1 AND r.request_id = $2 \
         LEFT JOIN memberships m ON m.id = $3 AND m.merchant_id = $1",
    )
    .bind(merchant_id)
    .bind(request_id)
    .bind(membership_id)
    .fetch_one(conn)
    .await?;
    let request = row.fingerprint.map(|fingerprint| StoredRequest {
        fingerprint,
        response: row.response,
    });
    let membership = match (row.totp_secret, row.member_since, row.last_used_step) {
        (Some(totp_secret), Some(member_since), Some(last_used_step)) => Some(CodeRow {
            totp_secret,
            member_since,
            last_used_step,
        }),
        _ => None,
    };
    Ok((request, membership))
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
}

/// Inserts the membership; `false` when its id is taken (the caller picks another).
pub async fn insert(
    conn: &mut AnyConnection,
    membership: &NewMembership<'_>,
) -> Result<bool, StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO memberships (id, merchant_id, token_hash, totp_secret, member_since) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(membership.id)
    .bind(membership.merchant_id)
    .bind(sha256_hex(membership.token))
    .bind(membership.totp_secret)
    .bind(membership.member_since)
    .execute(conn)
    .await
    .map_err(StoreError::from);
    match inserted {
        Ok(_) => Ok(true),
        Err(e) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e),
    }
}
