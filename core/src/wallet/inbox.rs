//! The inbox's rules: which messages are unread, counting the reads queued on this device that the
//! issuer has not confirmed yet, so a badge drops the moment the customer opens a message and
//! stays down while offline.

use crate::message::MessageData;

/// Whether `data` (the message `id`) is still unread: the issuer has no `read_at` for it and no
/// `message.read` for it waits in the outbox.
pub fn is_unread(id: &str, data: &MessageData, queued_reads: &[String]) -> bool {
    data.read_at.is_none() && !queued_reads.iter().any(|read| read == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::MessageTopic;
    use crate::model::LocalizedText;

    fn message(read_at: Option<i64>) -> MessageData {
        MessageData {
            topic: MessageTopic::Welcome,
            title: LocalizedText::new("歡迎", "Welcome"),
            body: LocalizedText::new("謝謝加入", "Thanks for joining"),
            sent_at: 1_700_000_000,
            coupon_code: None,
            read_at,
        }
    }

    #[test]
    fn read_on_the_issuer_or_queued_here_is_not_unread() {
        let queued_reads = vec!["c".to_owned()];
        assert!(is_unread("a", &message(None), &queued_reads));
        assert!(!is_unread(
            "b",
            &message(Some(1_700_000_100)),
            &queued_reads
        ));
        assert!(!is_unread("c", &message(None), &queued_reads));
        assert!(is_unread("c", &message(None), &[]));
    }
}
