//! CORS (protocol section 7): the wallet calls issuers from its own origin.

use super::{ensure, CheckResult};
use crate::client::Reply;
use crate::context::Context;

const ORIGIN: &str = "https://wallet.conformance.example";

fn preflight(context: &Context, path: &str, headers: &str) -> Result<Reply, String> {
    context.client.options(
        path,
        &[
            ("origin", ORIGIN),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", headers),
        ],
    )
}

fn allows_origin(reply: &Reply) -> Result<(), String> {
    match reply.header("access-control-allow-origin") {
        Some("*") => Ok(()),
        Some(origin) if origin == ORIGIN => Ok(()),
        other => Err(format!(
            "Access-Control-Allow-Origin is {other:?}, not * (status {})",
            reply.status
        )),
    }
}

/// Lower-case items of a comma-separated header. `*` allows any method or header except
/// `authorization`, which browsers require to be listed by name (Fetch standard).
fn allows(reply: &Reply, header: &str, wanted: &[&str]) -> Result<(), String> {
    let value = reply
        .header(header)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let items: Vec<&str> = value.split(',').map(str::trim).collect();
    let covered = |w: &&str| items.contains(w) || (items.contains(&"*") && *w != "authorization");
    match wanted.iter().find(|w| !covered(w)) {
        None => Ok(()),
        Some(missing) => Err(format!("{header} is {value:?}: {missing} is missing")),
    }
}

fn check_preflight(context: &Context, path: &str, headers: &[&str]) -> CheckResult {
    let reply = preflight(context, path, &headers.join(", "))?;
    ensure((200..300).contains(&reply.status), || {
        format!("preflight of {path}: {}", reply.describe())
    })?;
    allows_origin(&reply)?;
    allows(&reply, "access-control-allow-methods", &["post"])?;
    allows(&reply, "access-control-allow-headers", headers)?;
    Ok(())
}

pub fn preflight_enroll(context: &Context) -> CheckResult {
    check_preflight(context, "/v1/enroll", &["content-type"])
}

pub fn preflight_sync(context: &Context) -> CheckResult {
    check_preflight(context, "/v1/sync", &["authorization", "content-type"])
}

pub fn allow_origin_on_answers(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let body = Context::sync_body("conformance-cors", None, &[]);
    let with_origin = [("origin", ORIGIN)];
    let ok = context.client.post_with(
        "/v1/sync",
        body.as_bytes(),
        Some(member.token()),
        Some("application/json"),
        &with_origin,
    )?;
    ensure(ok.status == 200, || format!("sync: {}", ok.describe()))?;
    allows_origin(&ok).map_err(|e| format!("on a 200 sync: {e}"))?;
    let unauthorized = context.client.post_with(
        "/v1/sync",
        body.as_bytes(),
        None,
        Some("application/json"),
        &with_origin,
    )?;
    allows_origin(&unauthorized).map_err(|e| format!("on a 401: {e}"))?;
    let unknown = context.client.post_with(
        "/v1/enroll",
        br#"{"join_code":"CONFORMANCE-NO-SUCH-CODE-7Q"}"#,
        None,
        Some("application/json"),
        &with_origin,
    )?;
    allows_origin(&unknown).map_err(|e| format!("on a 404: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(allow_headers: &str) -> Reply {
        Reply {
            status: 200,
            headers: vec![("access-control-allow-headers".into(), allow_headers.into())],
            body: String::new(),
        }
    }

    #[test]
    fn a_wildcard_does_not_cover_authorization() {
        let wanted = ["authorization", "content-type"];
        let header = "access-control-allow-headers";
        assert!(allows(&reply("Content-Type, Authorization"), header, &wanted).is_ok());
        assert!(allows(&reply("*, authorization"), header, &wanted).is_ok());
        assert!(allows(&reply("*"), header, &wanted).is_err());
        assert!(allows(&reply("*"), header, &["content-type"]).is_ok());
        assert!(allows(&reply("content-type"), header, &wanted).is_err());
    }
}
