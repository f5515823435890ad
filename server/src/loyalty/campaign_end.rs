//! The end of a campaign (the merchant's staff end it): no more tickets of it are issued, and the
//! seed of every member holding a drawn ticket of it is rotated, so each of them can check every
//! draw of the campaign without having to ask (protocol.md §14.1). Ending twice changes nothing.

use super::games::rotate_seed;
use super::member;
use super::rules::MerchantRules;
use crate::store::{StoreError, WriteTx};

/// Ends `campaign_id` in the caller's transaction. `None`: the merchant runs no campaign with
/// this id. Else the number of members whose seed this revealed (0 when it had ended before).
pub async fn end_campaign(
    tx: &mut WriteTx<'_>,
    rules: &MerchantRules,
    campaign_id: &str,
    now: i64,
) -> Result<Option<usize>, StoreError> {
    let (conn, batch) = tx.split();
    let active: Option<i64> =
        sqlx::query_scalar("SELECT active FROM campaigns WHERE id = $1 AND merchant_id = $2")
            .bind(campaign_id)
            .bind(&rules.merchant.id)
            .fetch_optional(&mut *conn)
            .await?;
    match active {
        None => return Ok(None),
        Some(0) => return Ok(Some(0)),
        Some(_) => {}
    }
    sqlx::query("UPDATE campaigns SET active = 0 WHERE id = $1")
        .bind(campaign_id)
        .execute(&mut *conn)
        .await?;
    // Members whose current seed drew a ticket of the campaign (a waiting ticket has no draw to
    // check yet: it moves to the new seed).
    let members: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT t.membership_id FROM tickets t JOIN draw_seeds s ON s.id = t.seed_id \
         WHERE t.campaign_id = $1 AND t.nonce IS NOT NULL AND s.revealed_at IS NULL \
         ORDER BY t.membership_id",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut seeds_revealed = 0;
    for membership_id in members {
        if let Some(member) = member(&mut *conn, &membership_id).await? {
            rotate_seed(&mut *conn, batch, rules, &member, now).await?;
            seeds_revealed += 1;
        }
    }
    Ok(Some(seeds_revealed))
}
