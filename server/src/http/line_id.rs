//! Verifying a LINE ID token sent at enroll (protocol.md §4.3), so an issuer can link the LINE
//! user to the membership. The issuer never trusts a profile the wallet sends: only what LINE's
//! verify endpoint says about the token counts, and only its `sub` (the LINE user id) is kept.
//!
//! Pluggable (`LineVerifier`): production asks LINE (`POST https://api.line.me/oauth2/v2.1/verify`
//! with `id_token` and `client_id` = the channel id); tests point the same client at a verifier on
//! loopback that signs tokens with keys the test controls.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// LINE's token verify endpoint.
pub const LINE_VERIFY_URL: &str = crate::config::DEFAULT_LINE_VERIFY_URL;
/// The issuer LINE's ID tokens name.
pub const LINE_ISSUER: &str = "https://access.line.me";
/// LINE user ids are `U` and 32 hex digits; anything much longer is not one.
const MAX_SUB_LEN: usize = 64;
const TIMEOUT: Duration = Duration::from_secs(5);
/// ID tokens are JWTs of a few hundred bytes; a longer one is refused unread.
pub const MAX_ID_TOKEN_LEN: usize = 4096;

/// Who LINE says the token is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineUser {
    pub sub: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineRefusal {
    /// Forged, expired, for another channel or issuer: the enroll is refused.
    Invalid(String),
    /// LINE could not be asked (network, timeout, an answer that is not LINE's).
    Unavailable(String),
}

pub type Verifying = Pin<Box<dyn Future<Output = Result<LineUser, LineRefusal>> + Send>>;

pub trait LineVerifier: Send + Sync {
    fn verify(&self, id_token: String) -> Verifying;
}

/// LINE's verify endpoint (or one that answers like it, at `url`).
pub struct LineVerifyEndpoint {
    pub url: String,
    pub channel_id: String,
}

#[derive(serde::Deserialize)]
struct Verified {
    iss: String,
    sub: String,
    aud: String,
    exp: i64,
}

#[derive(serde::Deserialize)]
struct Refused {
    #[serde(default)]
    error_description: String,
}

impl LineVerifier for LineVerifyEndpoint {
    fn verify(&self, id_token: String) -> Verifying {
        let url = self.url.clone();
        let channel_id = self.channel_id.clone();
        Box::pin(async move {
            if id_token.is_empty() || id_token.len() > MAX_ID_TOKEN_LEN {
                return Err(LineRefusal::Invalid("not a LINE ID token".into()));
            }
            // ureq is blocking: off the async workers, bounded by its timeout.
            let channel = channel_id.clone();
            let asked = tokio::task::spawn_blocking(move || ask(&url, &id_token, &channel));
            let (status, body) = asked
                .await
                .map_err(|e| LineRefusal::Unavailable(e.to_string()))??;
            judge_for(status, &body, &channel_id, now())
        })
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn ask(url: &str, id_token: &str, channel_id: &str) -> Result<(u16, String), LineRefusal> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .post(url)
        .send_form([("id_token", id_token), ("client_id", channel_id)])
        .map_err(|e| LineRefusal::Unavailable(format!("LINE could not be asked: {e}")))?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .map_err(|e| LineRefusal::Unavailable(format!("LINE's answer could not be read: {e}")))?;
    Ok((status, body))
}

/// What LINE's answer means for the channel `channel_id` at `now`. LINE checks the signature,
/// the channel and the expiry itself; the answer is checked again so a misconfigured endpoint
/// cannot let another channel's or an expired token through.
pub fn judge_for(
    status: u16,
    body: &str,
    channel_id: &str,
    now: i64,
) -> Result<LineUser, LineRefusal> {
    match status {
        200 => {
            let verified: Verified = serde_json::from_str(body).map_err(|e| {
                LineRefusal::Unavailable(format!("LINE's answer is not a verified token: {e}"))
            })?;
            if verified.iss != LINE_ISSUER || verified.aud != channel_id {
                return Err(LineRefusal::Invalid(
                    "the LINE ID token is for another channel".into(),
                ));
            }
            if verified.exp <= now {
                return Err(LineRefusal::Invalid("the LINE ID token has expired".into()));
            }
            let valid_sub = !verified.sub.is_empty()
                && verified.sub.len() <= MAX_SUB_LEN
                && verified.sub.bytes().all(|b| b.is_ascii_alphanumeric());
            if !valid_sub {
                return Err(LineRefusal::Unavailable(
                    "LINE's answer names no user id".into(),
                ));
            }
            Ok(LineUser { sub: verified.sub })
        }
        400 => {
            let refused: Option<Refused> = serde_json::from_str(body).ok();
            let why = refused
                .map(|r| r.error_description)
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| "LINE refused the ID token".into());
            Err(LineRefusal::Invalid(format!(
                "the LINE ID token is not valid: {why}"
            )))
        }
        other => Err(LineRefusal::Unavailable(format!("LINE answered {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_verified_fresh_token_of_this_channel_passes() {
        let answer = |aud: &str, exp: i64| {
            format!(
                r#"{{"iss":"{LINE_ISSUER}","sub":"U1234abcd","aud":"{aud}","exp":{exp},"iat":1,"name":"x"}}"#
            )
        };
        assert_eq!(
            judge_for(200, &answer("1650000000", 200), "1650000000", 100),
            Ok(LineUser {
                sub: "U1234abcd".into()
            })
        );
        let invalid = |r: Result<LineUser, LineRefusal>| matches!(r, Err(LineRefusal::Invalid(_)));
        assert!(invalid(judge_for(
            200,
            &answer("999", 200),
            "1650000000",
            100
        )));
        assert!(invalid(judge_for(
            200,
            &answer("1650000000", 100),
            "1650000000",
            100
        )));
        assert!(invalid(judge_for(
            400,
            r#"{"error":"invalid_request","error_description":"IdToken expired."}"#,
            "1",
            0
        )));
        assert!(matches!(
            judge_for(500, "", "1", 0),
            Err(LineRefusal::Unavailable(_))
        ));
        assert!(matches!(
            judge_for(200, "<html>", "1", 0),
            Err(LineRefusal::Unavailable(_))
        ));
    }
}
