//! `membership.leave {}`: the member leaves the merchant. The membership's token stops working
//! (its hash is replaced by a value no token hashes to), its member code is refused at the till
//! (`left_at` is set), and the entities kept for its wallet are deleted; no later write (a
//! merchant-wide catalogue change, its shared points account, the start's backfill) makes new
//! ones (`store::entities` skips a left membership). The purchases, the points ledger and the
//! survey answers stay: they are the merchant's books.

use crate::store::StoreError;
use sqlx::AnyConnection;
use wallet_core::sync::MutationOutcome;

pub async fn leave(
    conn: &mut AnyConnection,
    membership_id: &str,
    now: i64,
) -> Result<MutationOutcome, StoreError> {
    // A SHA-256 in hex never contains ':', so no token matches this; and it stays unique.
    sqlx::query(
        "UPDATE memberships SET left_at = $1, token_hash = 'left:' || id \
         WHERE id = $2 AND left_at IS NULL",
    )
    .bind(now)
    .bind(membership_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM entities WHERE membership_id = $1")
        .bind(membership_id)
        .execute(&mut *conn)
        .await?;
    Ok(MutationOutcome::Applied)
}
