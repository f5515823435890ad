//! The merchant's messages to a member (the `message` entity, protocol.md §13.4): sending one,
//! the staff's to every member, the welcome when a member joins, the birthday gift's, and
//! `message.read`, which marks one read for every device of the member.

use super::rejected;
use super::rules::MerchantRules;
use crate::store::entities::{self, new_id, to_data, Audience, EntityBatch};
use crate::store::{StoreError, WriteTx};
use sqlx::AnyConnection;
use wallet_core::cashier::IssuedCoupon;
use wallet_core::message::{message_read, MessageData, MessageTopic};
use wallet_core::sync::{EntityKind, MutationOutcome};
use wallet_core::LocalizedText;

/// Queues a new message to the membership.
pub fn send(
    batch: &mut EntityBatch,
    membership_id: &str,
    message: &MessageData,
) -> Result<(), StoreError> {
    batch.put(
        Audience::Membership(membership_id.to_owned()),
        EntityKind::Message,
        new_id("msg")?,
        to_data(message)?,
    );
    Ok(())
}

/// The staff's own message (`message`, topic `news`) to every member of the merchant who has not
/// left, in the caller's transaction: one entity id in each membership. Its id and how many
/// memberships it went to.
pub async fn announce(
    tx: &mut WriteTx<'_>,
    rules: &MerchantRules,
    message: &MessageData,
) -> Result<(String, usize), StoreError> {
    let (conn, batch) = tx.split();
    let members: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships WHERE merchant_id = $1 AND left_at IS NULL",
    )
    .bind(&rules.merchant.id)
    .fetch_one(&mut *conn)
    .await?;
    let id = new_id("msg")?;
    batch.put(
        Audience::Merchant(rules.merchant.id.clone()),
        EntityKind::Message,
        id.clone(),
        to_data(message)?,
    );
    Ok((id, usize::try_from(members).unwrap_or(0)))
}

/// The merchant's welcome, if it has one, to a member who just joined.
pub fn welcome(
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    membership_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    let Some(welcome) = &rules.welcome else {
        return Ok(());
    };
    let message = MessageData {
        topic: MessageTopic::Welcome,
        title: welcome.title.clone(),
        body: welcome.body.clone(),
        sent_at: now,
        coupon_code: None,
        read_at: None,
    };
    send(batch, membership_id, &message)
}

/// The birthday month's message, with the gift's coupon.
pub fn birthday_gift(
    batch: &mut EntityBatch,
    membership_id: &str,
    coupon: &IssuedCoupon,
    now: i64,
) -> Result<(), StoreError> {
    let message = MessageData {
        topic: MessageTopic::BirthdayGift,
        title: LocalizedText::new("生日快樂！", "Happy birthday!"),
        body: LocalizedText::new(
            format!("送你一份生日禮：{}，這個月都可以使用。", coupon.title.zh_tw),
            format!(
                "A birthday gift for you: {}, yours all month.",
                coupon.title.en
            ),
        ),
        sent_at: now,
        coupon_code: Some(coupon.code.as_str().to_owned()),
        read_at: None,
    };
    send(batch, membership_id, &message)
}

/// `message.read {"message_id"}`: sets the message's `read_at` (once; read again, nothing
/// changes). A message of another membership is unknown here.
pub async fn read(
    conn: &mut AnyConnection,
    membership_id: &str,
    message_id: &str,
    now: i64,
) -> Result<MutationOutcome, StoreError> {
    let kind = EntityKind::Message;
    let Some(mut data) = entities::read(conn, membership_id, &kind, message_id).await? else {
        return Ok(rejected(
            message_read::MESSAGE_UNKNOWN,
            "this message is not in your inbox",
        ));
    };
    let message: MessageData = serde_json::from_value(data.clone())
        .map_err(|e| StoreError::corrupt(format!("a message entity is not valid: {e}")))?;
    if message.read_at.is_some() {
        return Ok(MutationOutcome::Applied);
    }
    data.as_object_mut()
        .ok_or_else(|| StoreError::corrupt("a message entity is not an object"))?
        .insert("read_at".into(), now.into());
    entities::put(conn, membership_id, &kind, message_id, Some(&data)).await?;
    Ok(MutationOutcome::Applied)
}
