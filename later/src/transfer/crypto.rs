//! The export file's encryption, by the browser's WebCrypto: a key derived from the passphrase
//! with PBKDF2-SHA-256 (a fresh random salt per file) and AES-256-GCM (a fresh random nonce), so
//! the file says nothing without the passphrase and any change to it fails to open.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wallet_core::wallet::export::{Envelope, ImportError, IV_LEN, PBKDF2_ITERATIONS, SALT_LEN};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

fn crypto() -> Result<web_sys::Crypto, JsValue> {
    web_sys::window()
        .ok_or_else(|| JsValue::from_str("no window"))?
        .crypto()
}

fn object(fields: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (name, value) in fields {
        let _ = Reflect::set(&object, &JsValue::from_str(name), value);
    }
    object
}

fn random(len: usize) -> Result<Vec<u8>, JsValue> {
    let mut bytes = vec![0; len];
    crypto()?.get_random_values_with_u8_array(&mut bytes)?;
    Ok(bytes)
}

async fn key(
    passphrase: &str,
    salt: &[u8],
    iterations: u32,
    usage: &str,
) -> Result<web_sys::CryptoKey, JsValue> {
    let subtle = crypto()?.subtle();
    let secret = Uint8Array::from(passphrase.as_bytes());
    let base = JsFuture::from(subtle.import_key_with_object(
        "raw",
        &secret,
        &object(&[("name", "PBKDF2".into())]),
        false,
        &Array::of1(&"deriveKey".into()),
    )?)
    .await?;
    let pbkdf2 = object(&[
        ("name", "PBKDF2".into()),
        ("hash", "SHA-256".into()),
        ("salt", Uint8Array::from(salt).into()),
        ("iterations", iterations.into()),
    ]);
    let aes = object(&[("name", "AES-GCM".into()), ("length", 256.into())]);
    let key = JsFuture::from(subtle.derive_key_with_object_and_object(
        &pbkdf2,
        &base.unchecked_into(),
        &aes,
        false,
        &Array::of1(&usage.into()),
    )?)
    .await?;
    Ok(key.unchecked_into())
}

fn aes_gcm(iv: &[u8]) -> Object {
    object(&[
        ("name", "AES-GCM".into()),
        ("iv", Uint8Array::from(iv).into()),
    ])
}

/// `plaintext` locked with `passphrase`.
pub async fn encrypt(passphrase: &str, plaintext: &[u8]) -> Result<Envelope, JsValue> {
    let salt = random(SALT_LEN)?;
    let iv = random(IV_LEN)?;
    let key = key(passphrase, &salt, PBKDF2_ITERATIONS, "encrypt").await?;
    let sealed = JsFuture::from(crypto()?.subtle().encrypt_with_object_and_u8_array(
        &aes_gcm(&iv),
        &key,
        plaintext,
    )?)
    .await?;
    Ok(Envelope {
        iterations: PBKDF2_ITERATIONS,
        salt,
        iv,
        ciphertext: Uint8Array::new(&sealed).to_vec(),
    })
}

/// The plaintext, or `WrongPassphrase` when AES-GCM's tag does not check out.
pub async fn decrypt(passphrase: &str, envelope: &Envelope) -> Result<Vec<u8>, ImportError> {
    let opened = async {
        let key = key(passphrase, &envelope.salt, envelope.iterations, "decrypt").await?;
        let plain = JsFuture::from(crypto()?.subtle().decrypt_with_object_and_u8_array(
            &aes_gcm(&envelope.iv),
            &key,
            &envelope.ciphertext,
        )?)
        .await?;
        Ok::<_, JsValue>(Uint8Array::new(&plain).to_vec())
    };
    opened.await.map_err(|_| ImportError::WrongPassphrase)
}
