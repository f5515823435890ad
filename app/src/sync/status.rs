//! What the customer is told about syncing.

#[derive(Clone, Debug, PartialEq)]
pub enum SyncStatus {
    /// Nothing has been tried yet in this page.
    Idle,
    Syncing,
    /// Milliseconds since the epoch of the last complete sync.
    Synced {
        at_millis: f64,
    },
    Offline,
    /// The last attempt failed; the next one is at this time.
    Failing {
        retry_at_millis: f64,
    },
}

impl SyncStatus {
    /// What one line says about several issuers: a failure first (the soonest retry), then a sync
    /// under way, then offline, then the oldest complete sync (so "synced just now" is true of
    /// every issuer).
    pub fn combine<'a>(statuses: impl IntoIterator<Item = &'a SyncStatus>) -> SyncStatus {
        let mut failing: Option<f64> = None;
        let (mut syncing, mut offline) = (false, false);
        let mut synced: Option<f64> = None;
        for status in statuses {
            match *status {
                SyncStatus::Idle => {}
                SyncStatus::Syncing => syncing = true,
                SyncStatus::Offline => offline = true,
                SyncStatus::Synced { at_millis } => {
                    synced = Some(synced.map_or(at_millis, |s| s.min(at_millis)))
                }
                SyncStatus::Failing { retry_at_millis } => {
                    failing = Some(failing.map_or(retry_at_millis, |f| f.min(retry_at_millis)))
                }
            }
        }
        if let Some(retry_at_millis) = failing {
            SyncStatus::Failing { retry_at_millis }
        } else if syncing {
            SyncStatus::Syncing
        } else if offline {
            SyncStatus::Offline
        } else if let Some(at_millis) = synced {
            SyncStatus::Synced { at_millis }
        } else {
            SyncStatus::Idle
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SyncStatus::{self, *};
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn one_line_over_several_issuers() {
        let combine = |s: &[SyncStatus]| SyncStatus::combine(s);
        assert_eq!(combine(&[]), Idle);
        assert_eq!(
            combine(&[Synced { at_millis: 5.0 }, Synced { at_millis: 3.0 }]),
            Synced { at_millis: 3.0 }
        );
        assert_eq!(combine(&[Synced { at_millis: 5.0 }, Syncing]), Syncing);
        assert_eq!(combine(&[Offline, Synced { at_millis: 5.0 }]), Offline);
        assert_eq!(
            combine(&[
                Syncing,
                Failing {
                    retry_at_millis: 9.0
                },
                Failing {
                    retry_at_millis: 7.0
                }
            ]),
            Failing {
                retry_at_millis: 7.0
            }
        );
    }
}
