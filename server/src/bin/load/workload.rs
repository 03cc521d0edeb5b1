//! The request mix and what each answer must hold. Request `i` is GenerateDataKey, Encrypt or
//! Decrypt by `i % 3`; Decrypt opens ciphertexts made by GenerateDataKey during setup, whose
//! plaintexts are known, so a wrong plaintext counts as an error rather than a success.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde_json::json;

use crate::conn::{CallError, Conn};

/// What the workers share: the key and the known (ciphertext, plaintext) pairs.
pub struct Fixture {
    pub key_id: String,
    pub sealed: Vec<(String, Vec<u8>)>,
}

fn field<'a>(v: &'a serde_json::Value, name: &str) -> Result<&'a str, CallError> {
    v.get(name)
        .and_then(|f| f.as_str())
        .ok_or_else(|| CallError::Content(format!("no {name} in the response")))
}

fn decoded(v: &serde_json::Value, name: &str) -> Result<Vec<u8>, CallError> {
    B64.decode(field(v, name)?)
        .map_err(|_| CallError::Content(format!("{name} is not base64")))
}

/// A symmetric key for the run.
pub async fn create_key(conn: &mut Conn) -> Result<String, CallError> {
    let made = conn.call("CreateKey", &json!({})).await?;
    made.get("KeyMetadata")
        .and_then(|m| m.get("Arn"))
        .and_then(|a| a.as_str())
        .map(str::to_string)
        .ok_or_else(|| CallError::Content("no KeyMetadata.Arn".into()))
}

/// A 32-byte data key: (ciphertext blob as base64, plaintext).
pub async fn generate_data_key(
    conn: &mut Conn,
    key_id: &str,
) -> Result<(String, Vec<u8>), CallError> {
    let r = conn
        .call(
            "GenerateDataKey",
            &json!({ "KeyId": key_id, "NumberOfBytes": 32 }),
        )
        .await?;
    let plaintext = decoded(&r, "Plaintext")?;
    if plaintext.len() != 32 {
        return Err(CallError::Content(format!(
            "a {}-byte data key for NumberOfBytes 32",
            plaintext.len()
        )));
    }
    decoded(&r, "CiphertextBlob")?;
    Ok((field(&r, "CiphertextBlob")?.to_string(), plaintext))
}

/// Sets up `pool` known ciphertexts under a new key.
pub async fn fixture(conn: &mut Conn, pool: usize) -> Result<Fixture, CallError> {
    let key_id = create_key(conn).await?;
    let mut sealed = Vec::with_capacity(pool);
    for _ in 0..pool {
        sealed.push(generate_data_key(conn, &key_id).await?);
    }
    Ok(Fixture { key_id, sealed })
}

/// Runs request number `i` of the mix and checks its answer.
pub async fn run_one(conn: &mut Conn, fx: &Fixture, i: u64) -> Result<(), CallError> {
    match i % 3 {
        0 => generate_data_key(conn, &fx.key_id).await.map(drop),
        1 => {
            let plaintext = i.to_be_bytes().repeat(4);
            let r = conn
                .call(
                    "Encrypt",
                    &json!({ "KeyId": fx.key_id, "Plaintext": B64.encode(&plaintext) }),
                )
                .await?;
            let blob = decoded(&r, "CiphertextBlob")?;
            if blob.len() <= plaintext.len() {
                return Err(CallError::Content(
                    "ciphertext shorter than its input".into(),
                ));
            }
            Ok(())
        }
        _ => {
            let Some((blob, want)) = fx.sealed.get((i / 3) as usize % fx.sealed.len().max(1))
            else {
                return Err(CallError::Content("no ciphertexts to decrypt".into()));
            };
            let r = conn
                .call("Decrypt", &json!({ "CiphertextBlob": blob }))
                .await?;
            if &decoded(&r, "Plaintext")? != want {
                return Err(CallError::Content(
                    "Decrypt returned another plaintext".into(),
                ));
            }
            Ok(())
        }
    }
}
