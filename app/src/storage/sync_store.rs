//! What the sync engine reads and writes besides the outbox: entities, cursors, rejections, and
//! the one transaction that takes in an issuer's answer.

use super::raw::{self, request_done, strict_transaction, to_js};
use super::records::{EntityRecord, OutboxRecord, RejectedRecord, SyncStateRecord};
use super::schema::{ENTITIES, META, OUTBOX, REJECTED, SYNC_STATE};
use super::{membership_range, parse_all, StorageError};
use std::collections::HashMap;
use wallet_core::merge::supersedes;
use wallet_core::sync::{Change, EntityKind, MutationOutcome, SyncResponse};
use wallet_core::wallet::{CapReached, StoredUsage};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

fn js(e: JsValue) -> StorageError {
    StorageError::from_js("sync store", &e)
}

/// Everything an answer changes, written in ONE strict transaction: the answered mutations leave
/// the outbox exactly when their results, the changed entities and the new cursor are stored, so a
/// closed tab or a crash at any moment neither loses an action nor applies it twice.
/// Returns the cap the membership is over, if any (`wallet_core::wallet::StoredUsage`).
pub async fn apply_response(
    membership_id: &str,
    sent: &[OutboxRecord],
    response: &SyncResponse,
    now_millis: f64,
) -> Result<Option<CapReached>, StorageError> {
    let db = raw::connection().await?;
    let transaction = strict_transaction(&db, &[OUTBOX, ENTITIES, SYNC_STATE, REJECTED])?;
    let outbox = transaction.object_store(OUTBOX).map_err(js)?;
    let entities = transaction.object_store(ENTITIES).map_err(js)?;
    let states = transaction.object_store(SYNC_STATE).map_err(js)?;
    let rejected = transaction.object_store(REJECTED).map_err(js)?;
    // Asked for now, read after the changes' reads are issued: the cursor and the usage tally.
    let state_read = issued(states.get(&JsValue::from_str(membership_id)).map_err(js)?);

    for record in sent.iter().filter(|r| r.seq <= response.last_processed_seq) {
        outbox
            .delete(&key(&[membership_id.into(), (record.seq as f64).into()]))
            .map_err(js)?;
    }
    for result in &response.results {
        if let MutationOutcome::Rejected { code, message } = &result.outcome {
            let refused = sent.iter().find(|r| r.seq == result.seq);
            let record = RejectedRecord {
                membership_id: membership_id.to_owned(),
                seq: result.seq,
                name: refused.map(|r| r.name.clone()).unwrap_or_default(),
                code: code.clone(),
                message: message.clone(),
                args: refused.map(|r| r.args.clone()).unwrap_or_default(),
            };
            rejected.put(&to_js(&record)?).map_err(js)?;
        }
    }

    let mut current: HashMap<(EntityKind, String), Change> = HashMap::new();
    state_read.1.await.map_err(js)?;
    let mut state: SyncStateRecord =
        serde_wasm_bindgen::from_value(state_read.0.result().map_err(js)?)
            .unwrap_or_else(|_| SyncStateRecord::new(membership_id));
    let mut usage = if response.reset {
        // The issuer no longer knows our cursor: what it sends now is the whole truth.
        entities
            .delete(&membership_range(membership_id)?)
            .map_err(js)?;
        state.over_cap = None;
        StoredUsage::default()
    } else {
        match state.usage {
            Some(usage) => usage,
            // Kept by wallets since the caps came; an older one counts what it holds, once.
            None => {
                let all = request_done(
                    &entities
                        .get_all_with_key(&membership_range(membership_id)?)
                        .map_err(js)?,
                )
                .await?;
                let stored: Vec<Change> = parse_all::<EntityRecord>(all)
                    .into_iter()
                    .map(to_change)
                    .collect();
                StoredUsage::of(&stored)
            }
        }
    };
    if !response.reset {
        // Only the stored entities this page touches, all asked for at once. (Reading every
        // entity of the membership made each page slower than the last, and a one-change sync of
        // a wallet with 10,000 ledger entries read all of them.)
        let mut reads = Vec::with_capacity(response.changes.len());
        for change in &response.changes {
            let entity_key = key(&[
                membership_id.into(),
                to_js(&change.kind)?,
                change.id.as_str().into(),
            ]);
            reads.push(issued(entities.get(&entity_key).map_err(js)?));
        }
        for (request, done) in reads {
            done.await.map_err(js)?;
            let value = request.result().map_err(js)?;
            // Absent (undefined) or unreadable: as if we had nothing, so the change is taken.
            if let Ok(record) = serde_wasm_bindgen::from_value::<EntityRecord>(value) {
                current.insert((record.kind.clone(), record.id.clone()), to_change(record));
            }
        }
    }
    for change in &response.changes {
        let entity_key = (change.kind.clone(), change.id.clone());
        let held = current.get(&entity_key);
        if !supersedes(change, held) {
            continue;
        }
        // Over a cap the change is dropped, not the page: the cursor moves on, what fits
        // (updates of what the wallet holds) keeps landing, and the card says what happened.
        match usage.admit(held, change) {
            Ok(()) => {
                entities
                    .put(&to_js(&EntityRecord::from_change(membership_id, change))?)
                    .map_err(js)?;
                current.insert(entity_key, change.clone());
            }
            Err(cap) => state.over_cap = Some(cap),
        }
    }

    state.usage = Some(usage);
    state.cursor = Some(response.cursor.clone());
    state.last_synced_at = Some(now_millis);
    state.signed_out = false;
    states.put(&to_js(&state)?).map_err(js)?;
    raw::transaction_done(&transaction).await?;
    Ok(state.over_cap)
}

fn to_change(record: EntityRecord) -> Change {
    Change {
        kind: record.kind,
        id: record.id,
        version: record.version,
        deleted: record.deleted,
        data: record.data,
    }
}

/// A request with its completion as a future whose handlers are attached now, not when first
/// polled: many requests can be issued before the first is awaited without missing an event.
fn issued(request: web_sys::IdbRequest) -> (web_sys::IdbRequest, JsFuture) {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    (request, JsFuture::from(promise))
}

fn key(parts: &[JsValue]) -> JsValue {
    parts.iter().collect::<js_sys::Array>().into()
}

/// Every entity of one kind of the membership: keys are [membership, kind, id], so every id of
/// the kind sorts between these two bounds.
fn kind_range(
    membership_id: &str,
    kind: &EntityKind,
) -> Result<web_sys::IdbKeyRange, StorageError> {
    let lower = key(&[membership_id.into(), to_js(kind)?]);
    let upper = key(&[
        membership_id.into(),
        to_js(kind)?,
        js_sys::Array::new().into(),
    ]);
    web_sys::IdbKeyRange::bound(&lower, &upper).map_err(js)
}

pub async fn sync_state(membership_id: &str) -> Result<SyncStateRecord, StorageError> {
    let db = raw::connection().await?;
    let transaction = db.transaction_with_str(SYNC_STATE).map_err(js)?;
    let store = transaction.object_store(SYNC_STATE).map_err(js)?;
    let value = request_done(&store.get(&JsValue::from_str(membership_id)).map_err(js)?).await?;
    Ok(serde_wasm_bindgen::from_value(value)
        .unwrap_or_else(|_| SyncStateRecord::new(membership_id)))
}

pub async fn all_sync_states() -> Result<Vec<SyncStateRecord>, StorageError> {
    let db = raw::connection().await?;
    let transaction = db.transaction_with_str(SYNC_STATE).map_err(js)?;
    let store = transaction.object_store(SYNC_STATE).map_err(js)?;
    Ok(parse_all(
        request_done(&store.get_all().map_err(js)?).await?,
    ))
}

/// Marks the membership signed out (the issuer refused its token); its data stays.
pub async fn mark_signed_out(membership_id: &str) -> Result<(), StorageError> {
    let mut state = sync_state(membership_id).await?;
    state.signed_out = true;
    let db = raw::connection().await?;
    let transaction = strict_transaction(&db, &[SYNC_STATE])?;
    transaction
        .object_store(SYNC_STATE)
        .map_err(js)?
        .put(&to_js(&state)?)
        .map_err(js)?;
    raw::transaction_done(&transaction).await
}

/// The membership's live entities (tombstones left out).
pub async fn entities_of(membership_id: &str) -> Result<Vec<EntityRecord>, StorageError> {
    let db = raw::connection().await?;
    let transaction = db.transaction_with_str(ENTITIES).map_err(js)?;
    let store = transaction.object_store(ENTITIES).map_err(js)?;
    let values = request_done(
        &store
            .get_all_with_key(&membership_range(membership_id)?)
            .map_err(js)?,
    )
    .await?;
    let records: Vec<EntityRecord> = parse_all(values);
    Ok(records.into_iter().filter(|r| !r.deleted).collect())
}

/// The membership's live entities of these kinds only, one key range per kind, read in one
/// transaction. What a view that has no use for the points ledger reads: a membership may hold
/// 10,000 ledger entries, and reading and parsing them all took longer than a frame.
pub async fn entities_of_kinds(
    membership_id: &str,
    kinds: &[EntityKind],
) -> Result<Vec<EntityRecord>, StorageError> {
    let db = raw::connection().await?;
    let transaction = db.transaction_with_str(ENTITIES).map_err(js)?;
    let store = transaction.object_store(ENTITIES).map_err(js)?;
    let mut reads = Vec::with_capacity(kinds.len());
    for kind in kinds {
        let range = kind_range(membership_id, kind)?;
        reads.push(issued(store.get_all_with_key(&range).map_err(js)?));
    }
    let mut records = Vec::new();
    for (request, done) in reads {
        done.await.map_err(js)?;
        let values = request.result().map_err(js)?;
        records.extend(
            parse_all::<EntityRecord>(values)
                .into_iter()
                .filter(|r| !r.deleted),
        );
    }
    Ok(records)
}

/// The inbox's read: every message of these memberships and the whole outbox (for the reads
/// queued here), in one transaction, so a badge over 100 cards is one round trip, not 200.
pub async fn messages_and_outbox(
    membership_ids: &[&str],
) -> Result<(Vec<EntityRecord>, Vec<OutboxRecord>), StorageError> {
    let db = raw::connection().await?;
    let names: js_sys::Array = [ENTITIES, OUTBOX]
        .iter()
        .map(|s| JsValue::from_str(s))
        .collect();
    let transaction = db.transaction_with_str_sequence(&names).map_err(js)?;
    let entities = transaction.object_store(ENTITIES).map_err(js)?;
    let mut reads = Vec::with_capacity(membership_ids.len());
    for id in membership_ids {
        let range = kind_range(id, &EntityKind::Message)?;
        reads.push(issued(entities.get_all_with_key(&range).map_err(js)?));
    }
    let (outbox_request, outbox_done) = issued(
        transaction
            .object_store(OUTBOX)
            .map_err(js)?
            .get_all()
            .map_err(js)?,
    );
    let mut messages = Vec::new();
    for (request, done) in reads {
        done.await.map_err(js)?;
        messages.extend(
            parse_all::<EntityRecord>(request.result().map_err(js)?)
                .into_iter()
                .filter(|r| !r.deleted),
        );
    }
    outbox_done.await.map_err(js)?;
    let outbox = parse_all(outbox_request.result().map_err(js)?);
    Ok((messages, outbox))
}

pub async fn rejected_of(membership_id: &str) -> Result<Vec<RejectedRecord>, StorageError> {
    let db = raw::connection().await?;
    let transaction = db.transaction_with_str(REJECTED).map_err(js)?;
    let store = transaction.object_store(REJECTED).map_err(js)?;
    let values = request_done(
        &store
            .get_all_with_key(&membership_range(membership_id)?)
            .map_err(js)?,
    )
    .await?;
    Ok(parse_all(values))
}

pub async fn dismiss_rejected(membership_id: &str) -> Result<(), StorageError> {
    let db = raw::connection().await?;
    let transaction = strict_transaction(&db, &[REJECTED])?;
    transaction
        .object_store(REJECTED)
        .map_err(js)?
        .delete(&membership_range(membership_id)?)
        .map_err(js)?;
    raw::transaction_done(&transaction).await
}

/// This installation's client id, made once.
pub async fn client_id() -> Result<String, StorageError> {
    let db = raw::connection().await?;
    let transaction = strict_transaction(&db, &[META])?;
    let store = transaction.object_store(META).map_err(js)?;
    let existing = request_done(&store.get(&JsValue::from_str("client_id")).map_err(js)?).await?;
    let id = js_sys::Reflect::get(&existing, &JsValue::from_str("value"))
        .ok()
        .and_then(|v| v.as_string());
    let id = match id {
        Some(id) => id,
        None => {
            let id = crate::platform::random_uuid();
            let record = serde_json::json!({"key": "client_id", "value": id});
            store.put(&to_js(&record)?).map_err(js)?;
            id
        }
    };
    raw::transaction_done(&transaction).await?;
    Ok(id)
}

/// Starts over with a new client id: the issuer answered `seq_gap` or `seq_conflict`, meaning its
/// record of this client's numbers and ours disagree (its database was restored, or ours was
/// partly lost). Every queued mutation keeps its place in line and gets a new number from 1 under
/// the new id, in one strict transaction, so nothing queued is dropped.
pub async fn restart_numbering() -> Result<(), StorageError> {
    let db = raw::connection().await?;
    let transaction = strict_transaction(&db, &[OUTBOX, SYNC_STATE, META])?;
    let outbox = transaction.object_store(OUTBOX).map_err(js)?;
    let states = transaction.object_store(SYNC_STATE).map_err(js)?;
    let meta = transaction.object_store(META).map_err(js)?;

    let mut queued: Vec<OutboxRecord> =
        parse_all(request_done(&outbox.get_all().map_err(js)?).await?);
    let mut sync_states: Vec<SyncStateRecord> =
        parse_all(request_done(&states.get_all().map_err(js)?).await?);
    queued.sort_by(|a, b| (&a.membership_id, a.seq).cmp(&(&b.membership_id, b.seq)));
    outbox.clear().map_err(js)?;
    let mut next: HashMap<String, u64> = HashMap::new();
    for mut record in queued {
        let seq = next.entry(record.membership_id.clone()).or_insert(1);
        record.seq = *seq;
        *seq += 1;
        outbox.put(&to_js(&record)?).map_err(js)?;
    }
    for state in &mut sync_states {
        state.next_seq = next.get(&state.membership_id).copied().unwrap_or(1);
        // Every card, moved from another phone or not, now numbers under the new id.
        state.client_id = None;
        states.put(&to_js(state)?).map_err(js)?;
    }
    let record = serde_json::json!({"key": "client_id", "value": crate::platform::random_uuid()});
    meta.put(&to_js(&record)?).map_err(js)?;
    raw::transaction_done(&transaction).await
}
