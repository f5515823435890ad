//! The inbox's rules: which messages are unread, counting the reads queued on this device that the
//! issuer has not confirmed yet, so a badge drops the moment the customer opens a message and
//! stays down while offline.

use crate::message::MessageData;

/// Whether `data` (the message `id`) is still unread: the issuer has no `read_at` for it and no
/// `message.read` for it waits in the outbox.
pub fn is_unread(id: &str, data: &MessageData, queued_reads: &[String]) -> bool {
    data.read_at.is_none() && !queued_reads.iter().any(|read| read == id)
}

/// How many of a membership's messages are unread.
pub fn unread_count<'a>(
    messages: impl IntoIterator<Item = (&'a str, &'a MessageData)>,
    queued_reads: &[String],
) -> usize {
    messages
        .into_iter()
        .filter(|(id, data)| is_unread(id, data, queued_reads))
        .count()
}

/// The ids among `messages` to mark read now that they are shown: the unread ones, once each.
pub fn to_mark_read<'a>(
    messages: impl IntoIterator<Item = (&'a str, &'a MessageData)>,
    queued_reads: &[String],
) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for (id, data) in messages {
        if is_unread(id, data, queued_reads) && !ids.iter().any(|seen| seen == id) {
            ids.push(id.to_owned());
        }
    }
    ids
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
        let (unread, read, queued) = (message(None), message(Some(1_700_000_100)), message(None));
        let all = [("a", &unread), ("b", &read), ("c", &queued)];
        let queued_reads = vec!["c".to_owned()];
        assert_eq!(unread_count(all, &queued_reads), 1);
        assert_eq!(to_mark_read(all, &queued_reads), vec!["a".to_owned()]);
        assert_eq!(unread_count(all, &[]), 2);
    }

    #[test]
    fn a_message_listed_twice_is_marked_once() {
        let unread = message(None);
        assert_eq!(
            to_mark_read([("a", &unread), ("a", &unread)], &[]),
            vec!["a".to_owned()]
        );
    }
}
