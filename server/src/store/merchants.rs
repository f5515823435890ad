//! Merchants as stored, and the two ways a request finds one: a join code or a cashier key.

use super::secrets::{random_hex, sha256_hex};
use super::{KeyChecked, StoreError};
use sqlx::{AnyConnection, AnyPool, FromRow};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use wallet_core::join_link::MAX_JOIN_CODE_LEN;
use wallet_core::{BrandColor, LocalizedText, MerchantDisplay};

/// How long a cashier key found valid is trusted before it is looked up again.
pub const CACHE_TTL: Duration = Duration::from_secs(10);

#[derive(Clone, Debug, FromRow)]
pub struct MerchantRow {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub tagline_zh: String,
    pub tagline_en: String,
    pub brand_color: String,
    pub mark: String,
}

impl MerchantRow {
    /// What the wallet shows. A stored value that no longer validates is the operator's data
    /// error: it is reported as an internal error rather than sent to wallets that would refuse it.
    pub fn display(&self) -> Result<MerchantDisplay, StoreError> {
        let brand_color = BrandColor::parse(&self.brand_color).ok_or_else(|| {
            StoreError::corrupt(format!("merchant {} has a bad brand colour", self.id))
        })?;
        let display = MerchantDisplay {
            id: self.id.clone(),
            name: LocalizedText::new(&self.name_zh, &self.name_en),
            tagline: LocalizedText::new(&self.tagline_zh, &self.tagline_en),
            brand_color,
            mark: self.mark.clone(),
        };
        if display.is_valid() {
            Ok(display)
        } else {
            Err(StoreError::corrupt(format!(
                "merchant {} has display values wallets refuse",
                self.id
            )))
        }
    }
}

/// Join codes are compared in upper case, as stored. Longer input than a join code can be is
/// refused before the query.
pub fn normalise_join_code(code: &str) -> Option<String> {
    let code = code.trim();
    (!code.is_empty() && code.len() <= MAX_JOIN_CODE_LEN).then(|| code.to_ascii_uppercase())
}

pub async fn by_join_code(
    db: &AnyPool,
    join_code: &str,
) -> Result<Option<MerchantRow>, StoreError> {
    let Some(join_code) = normalise_join_code(join_code) else {
        return Ok(None);
    };
    Ok(sqlx::query_as(
        "SELECT id, name_zh, name_en, tagline_zh, tagline_en, brand_color, mark \
         FROM merchants WHERE join_code = $1",
    )
    .bind(join_code)
    .fetch_optional(db)
    .await?)
}

pub async fn by_id(db: &AnyPool, id: &str) -> Result<Option<MerchantRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, name_zh, name_en, tagline_zh, tagline_en, brand_color, mark \
         FROM merchants WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// The merchant's join code (stored upper-cased), for the links and posters that name it.
pub async fn join_code(
    conn: &mut sqlx::AnyConnection,
    id: &str,
) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT join_code FROM merchants WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// Every merchant's id and join code, by id (the posters).
pub async fn join_codes(db: &AnyPool) -> Result<Vec<(String, String)>, StoreError> {
    Ok(
        sqlx::query_as("SELECT id, join_code FROM merchants ORDER BY id")
            .fetch_all(db)
            .await?,
    )
}

/// Every cashier key starts with this, so a leaked one is recognisable.
pub const CASHIER_KEY_PREFIX: &str = "mwk_";

/// A new cashier key for the merchant (`mwk_` and 128 random bits in hex), replacing its old one;
/// only its hash is stored, so this is the one time it is seen. `None`: no such merchant.
pub async fn new_cashier_key(
    db: &AnyPool,
    merchant_id: &str,
) -> Result<Option<String>, StoreError> {
    let key = format!("{CASHIER_KEY_PREFIX}{}", random_hex::<16>()?);
    let set = set_cashier_key_hash(db, merchant_id, &sha256_hex(&key)).await?;
    Ok(set.then_some(key))
}

/// Revokes the merchant's cashier key: its hash is replaced by one no key has. `false`: no such
/// merchant.
pub async fn revoke_cashier_key(db: &AnyPool, merchant_id: &str) -> Result<bool, StoreError> {
    let unguessable = format!("revoked:{}", random_hex::<16>()?);
    set_cashier_key_hash(db, merchant_id, &unguessable).await
}

async fn set_cashier_key_hash(
    db: &AnyPool,
    merchant_id: &str,
    hash: &str,
) -> Result<bool, StoreError> {
    let updated = sqlx::query("UPDATE merchants SET cashier_key_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(merchant_id)
        .execute(db)
        .await?;
    Ok(updated.rows_affected() == 1)
}

/// The id of the merchant whose cashier key has this hash.
async fn by_cashier_key_hash(db: &AnyPool, hash: &str) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM merchants WHERE cashier_key_hash = $1")
            .bind(hash)
            .fetch_optional(db)
            .await?,
    )
}

/// Cashier keys found valid, each kept for `CACHE_TTL` like the merchant's rules: every request
/// of a till checks its key, and a query for it is a pooled connection's round trip. So a key an
/// operator replaces stops working within `CACHE_TTL`. Only valid keys are kept: whatever a
/// stranger sends cannot grow the map.
#[derive(Default)]
pub struct CashierKeys {
    valid: Mutex<HashMap<String, (Instant, String)>>,
}

impl CashierKeys {
    /// The id of the merchant whose cashier key this is.
    pub async fn merchant(&self, db: &AnyPool, key: &str) -> Result<Option<String>, StoreError> {
        let hash = sha256_hex(key);
        if let Some((_, merchant_id)) = self
            .lock()
            .get(&hash)
            .filter(|(checked, _)| checked.elapsed() < CACHE_TTL)
        {
            return Ok(Some(merchant_id.clone()));
        }
        let found = by_cashier_key_hash(db, &hash).await?;
        let mut valid = self.lock();
        match &found {
            Some(merchant_id) => {
                valid.insert(hash, (Instant::now(), merchant_id.clone()));
            }
            None => {
                valid.remove(&hash);
            }
        }
        Ok(found)
    }

    /// Forgets a key (by its hash) found revoked or replaced, so it is looked up again.
    pub fn forget(&self, key_hash: &str) {
        self.lock().remove(key_hash);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, String)>> {
        // Each change is one insert or remove: a poisoned map is still consistent.
        self.valid
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Whether `key_hash` is still the merchant's cashier key: the first read of a request that reads
/// nothing else of the merchant's before it answers (the survey results).
pub async fn cashier_key_checked(
    conn: &mut AnyConnection,
    merchant_id: &str,
    key_hash: &str,
) -> Result<KeyChecked<()>, StoreError> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM merchants WHERE id = $1 AND cashier_key_hash = $2",
    )
    .bind(merchant_id)
    .bind(key_hash)
    .fetch_one(conn)
    .await?;
    Ok(KeyChecked {
        key_valid: count > 0,
        found: (),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_codes_are_case_insensitive_and_bounded() {
        assert_eq!(
            normalise_join_code(" yakiniku ").as_deref(),
            Some("YAKINIKU")
        );
        assert_eq!(normalise_join_code(""), None);
        assert_eq!(normalise_join_code(&"A".repeat(65)), None);
    }
}
