//! A campaign grant: the merchant's staff give one ticket of an active campaign to every member
//! (a thank-you week, an opening day). Each ticket is issued as a purchase's is: drawn at once
//! from the member's seed when its client seed is set, else waiting for it (protocol.md §14).

use super::games;
use super::rules::MerchantRules;
use crate::store::{StoreError, WriteTx};

/// Issues one ticket of `campaign_id` to every member of the merchant (not those who left), in
/// the caller's transaction. `None`: the merchant runs no active campaign with this id. Else the
/// number of tickets issued.
pub async fn grant_to_all(
    tx: &mut WriteTx<'_>,
    rules: &MerchantRules,
    campaign_id: &str,
    now: i64,
) -> Result<Option<usize>, StoreError> {
    let Some(campaign) = rules.campaigns.iter().find(|c| c.id == campaign_id) else {
        return Ok(None);
    };
    let (conn, batch) = tx.split();
    let members: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM memberships WHERE merchant_id = $1 AND left_at IS NULL ORDER BY id",
    )
    .bind(&rules.merchant.id)
    .fetch_all(&mut *conn)
    .await?;
    for membership_id in &members {
        games::issue(&mut *conn, batch, campaign, membership_id, None, now).await?;
    }
    Ok(Some(members.len()))
}
