//! What every check needs: the issuer, fresh memberships, and a sync call that already checks
//! everything a wallet checks before it trusts an answer.

use crate::client::{Client, Reply};
use crate::Config;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use wallet_core::protocol::{EnrollResponse, ErrorBody};
use wallet_core::sync::{
    profile_update, Change, EntityKind, MembershipData, Mutation, SyncResponse,
};

/// Pages followed before a pull is declared endless.
const MAX_PAGES: usize = 1000;

pub struct Context {
    pub client: Client,
    pub config: Config,
    next_id: AtomicU64,
}

/// A membership enrolled for one check.
#[derive(Clone, Debug)]
pub struct Member {
    pub enrolled: EnrollResponse,
}

impl Member {
    pub fn id(&self) -> &str {
        self.enrolled.membership.id.as_str()
    }

    pub fn token(&self) -> &str {
        &self.enrolled.membership.token
    }
}

impl Context {
    pub fn new(config: &Config) -> Self {
        Self {
            client: Client::new(&config.base_url),
            config: config.clone(),
            next_id: AtomicU64::new(1),
        }
    }

    /// A new membership with the configured join code.
    pub fn enroll(&self) -> Result<Member, String> {
        self.enroll_with(&self.config.join_code)
    }

    /// A new membership with this join code.
    pub fn enroll_with(&self, join_code: &str) -> Result<Member, String> {
        let body = json!({ "join_code": join_code }).to_string();
        let reply = self.client.post("/v1/enroll", body.as_bytes(), None)?;
        if reply.status != 200 {
            return Err(format!("enroll: expected 200, got {}", reply.describe()));
        }
        let enrolled: EnrollResponse = serde_json::from_str(&reply.body)
            .map_err(|e| format!("enroll: not an enroll response ({e}): {}", reply.describe()))?;
        enrolled
            .validate()
            .map_err(|e| format!("enroll: a wallet refuses this response: {e}"))?;
        Ok(Member { enrolled })
    }

    /// A UUID-shaped id, unique within this run.
    pub fn new_id(&self) -> String {
        let n = self.next_id.fetch_add(1, Ordering::SeqCst);
        let pid = u64::from(std::process::id());
        format!("c0f0a11e-{:04x}-4000-8000-{n:012x}", pid & 0xffff)
    }

    /// `profile.update` to `name` with sequence number `seq`.
    pub fn rename(&self, seq: u64, name: &str) -> Mutation {
        self.mutation(seq, profile_update::NAME, json!({ "display_name": name }))
    }

    pub fn mutation(&self, seq: u64, name: &str, args: Value) -> Mutation {
        Mutation {
            seq,
            id: self.new_id(),
            name: name.to_owned(),
            args,
            client_time: 1_767_225_600_000,
        }
    }

    pub fn sync_body(client_id: &str, cursor: Option<&str>, mutations: &[Mutation]) -> String {
        json!({ "client_id": client_id, "cursor": cursor, "mutations": mutations }).to_string()
    }

    pub fn sync_reply(
        &self,
        token: &str,
        client_id: &str,
        cursor: Option<&str>,
        mutations: &[Mutation],
    ) -> Result<Reply, String> {
        let body = Self::sync_body(client_id, cursor, mutations);
        self.client.post("/v1/sync", body.as_bytes(), Some(token))
    }

    /// A sync that must succeed with an answer a wallet accepts.
    pub fn sync(
        &self,
        member: &Member,
        client_id: &str,
        cursor: Option<&str>,
        mutations: &[Mutation],
    ) -> Result<SyncResponse, String> {
        let reply = self.sync_reply(member.token(), client_id, cursor, mutations)?;
        accept(&reply, mutations)
    }

    /// Every page from the beginning (no cursor), following `more`; the changes and the last cursor.
    pub fn pull_all(&self, member: &Member, client_id: &str) -> Result<Pull, String> {
        self.pull_all_with_token(member.token(), client_id)
    }

    pub fn pull_all_with_token(&self, token: &str, client_id: &str) -> Result<Pull, String> {
        let mut cursor: Option<String> = None;
        let mut pull = Pull::default();
        for page_number in 0..MAX_PAGES {
            let reply = self.sync_reply(token, client_id, cursor.as_deref(), &[])?;
            let page = accept(&reply, &[])?;
            if page_number == 0 && !page.reset {
                return Err("a sync without a cursor must answer reset: true".into());
            }
            if page_number > 0 && page.reset {
                return Err(format!(
                    "page {} of a snapshot says reset: true",
                    page_number + 1
                ));
            }
            if page.more && page.changes.is_empty() {
                return Err("more: true on a page without changes".into());
            }
            pull.page_sizes.push(page.changes.len());
            pull.changes.extend(page.changes);
            cursor = Some(page.cursor);
            if !page.more {
                pull.cursor = cursor.unwrap_or_default();
                return Ok(pull);
            }
        }
        Err(format!("still more: true after {MAX_PAGES} pages"))
    }
}

#[derive(Clone, Debug, Default)]
pub struct Pull {
    pub changes: Vec<Change>,
    pub page_sizes: Vec<usize>,
    pub cursor: String,
}

/// The checks a wallet makes before writing anything (`SyncResponse::validate`), and the ones the
/// spec adds about a page: in version order, each entity once, one result per mutation sent.
pub fn accept(reply: &Reply, sent: &[Mutation]) -> Result<SyncResponse, String> {
    if reply.status != 200 {
        return Err(format!("sync: expected 200, got {}", reply.describe()));
    }
    let response: SyncResponse = serde_json::from_str(&reply.body)
        .map_err(|e| format!("sync: not a sync response ({e}): {}", reply.describe()))?;
    response
        .validate(sent)
        .map_err(|e| format!("sync: a wallet refuses this answer: {e}"))?;
    let versions: Vec<u64> = response.changes.iter().map(|c| c.version).collect();
    if !versions.windows(2).all(|w| w[0] < w[1]) {
        return Err(format!(
            "changes not in increasing version order: {versions:?}"
        ));
    }
    if versions.first() == Some(&0) {
        return Err("a change with version 0 (versions start at 1)".into());
    }
    let mut seen = HashSet::new();
    if let Some(twice) = response
        .changes
        .iter()
        .find(|c| !seen.insert((c.kind.clone(), c.id.clone())))
    {
        return Err(format!("{} {} twice in one page", twice.kind, twice.id));
    }
    if let Some(bad) = response
        .changes
        .iter()
        .find(|c| c.deleted && c.data.is_some())
    {
        return Err(format!("tombstone {} {} carries data", bad.kind, bad.id));
    }
    let answered: Vec<(u64, &str)> = response
        .results
        .iter()
        .map(|r| (r.seq, r.id.as_str()))
        .collect();
    let asked: Vec<(u64, &str)> = sent.iter().map(|m| (m.seq, m.id.as_str())).collect();
    if answered != asked {
        return Err(format!(
            "results must answer each mutation sent, in order: sent {asked:?}, answered {answered:?}"
        ));
    }
    if let Some(last) = sent.last() {
        if response.last_processed_seq != last.seq {
            return Err(format!(
                "all {} mutations were answered but last_processed_seq is {}, not {}",
                sent.len(),
                response.last_processed_seq,
                last.seq
            ));
        }
    }
    Ok(response)
}

/// The protocol's error body with this status and code.
pub fn expect_error(reply: &Reply, status: u16, code: &str) -> Result<(), String> {
    if reply.status != status {
        return Err(format!(
            "expected {status} {code}, got {}",
            reply.describe()
        ));
    }
    let content_type = reply.header("content-type").unwrap_or_default();
    if !content_type.starts_with("application/json") {
        return Err(format!(
            "error answer with content-type {content_type:?}, not JSON"
        ));
    }
    let body: ErrorBody = serde_json::from_str(&reply.body).map_err(|e| {
        format!(
            "not the error body {{\"error\":{{code,message}}}} ({e}): {}",
            reply.describe()
        )
    })?;
    if body.error.code != code {
        return Err(format!(
            "expected code {code}, got {}: {}",
            body.error.code, body.error.message
        ));
    }
    if body.error.message.trim().is_empty() {
        return Err("the error message is empty".into());
    }
    Ok(())
}

/// The membership entity's data among `changes`.
pub fn membership_data(changes: &[Change], member: &Member) -> Result<MembershipData, String> {
    let change = changes
        .iter()
        .rev()
        .find(|c| c.kind == EntityKind::Membership && c.id == member.id())
        .ok_or_else(|| format!("no membership entity with id {}", member.id()))?;
    let data = change
        .data
        .clone()
        .ok_or_else(|| "the membership entity is a tombstone".to_owned())?;
    serde_json::from_value(data).map_err(|e| format!("membership data: {e}"))
}

/// The display name as the issuer has it now, read with a full pull.
pub fn display_name_now(context: &Context, member: &Member) -> Result<Option<String>, String> {
    let pull = context.pull_all(member, "conformance-reader")?;
    Ok(membership_data(&pull.changes, member)?.display_name)
}
