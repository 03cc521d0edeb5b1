//! The JSON bodies of the three operations the KMS keyrings call — `GenerateDataKey`, `Encrypt`
//! and `Decrypt` — written and read without serde (`plain_json.rs`).
//!
//! Requests are the bytes serde_json writes for the same structs (field order, skipped empty
//! fields, escapes). Responses are read as serde's derive reads them: unknown members are
//! ignored, a known member given twice or with the wrong type is an error, `KeyId` may be
//! absent, optional members may be `null`, and blobs are standard base64 with padding.

use super::plain_json::{object_members, JsonError, Member, ObjectWriter};
use crate::types::*;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use zeroize::Zeroizing;

fn context(w: &mut ObjectWriter, ec: &EncryptionContext) {
    if !ec.is_empty() {
        w.map("EncryptionContext", ec);
    }
}

fn tokens(w: &mut ObjectWriter, grant_tokens: &[String]) {
    if !grant_tokens.is_empty() {
        w.list("GrantTokens", grant_tokens);
    }
}

/// The body of a `GenerateDataKey` request.
pub fn generate_data_key_request(r: &GenerateDataKeyRequest) -> Zeroizing<Vec<u8>> {
    let mut w = ObjectWriter::new();
    w.str("KeyId", &r.key_id);
    context(&mut w, &r.encryption_context);
    if let Some(n) = r.number_of_bytes {
        w.uint("NumberOfBytes", n);
    }
    if let Some(s) = &r.key_spec {
        w.str("KeySpec", s.as_str());
    }
    tokens(&mut w, &r.grant_tokens);
    w.finish()
}

/// The body of an `Encrypt` request (it holds the plaintext, so it is wiped on drop).
pub fn encrypt_request(r: &EncryptRequest) -> Zeroizing<Vec<u8>> {
    let mut w = ObjectWriter::new();
    w.str("KeyId", &r.key_id);
    let text = Zeroizing::new(STANDARD.encode(r.plaintext.as_slice()));
    w.str("Plaintext", &text);
    context(&mut w, &r.encryption_context);
    if let Some(a) = &r.encryption_algorithm {
        w.str("EncryptionAlgorithm", a.as_str());
    }
    tokens(&mut w, &r.grant_tokens);
    w.finish()
}

/// The body of a `Decrypt` request.
pub fn decrypt_request(r: &DecryptRequest) -> Zeroizing<Vec<u8>> {
    let mut w = ObjectWriter::new();
    w.str("CiphertextBlob", &STANDARD.encode(&r.ciphertext_blob));
    context(&mut w, &r.encryption_context);
    if let Some(k) = &r.key_id {
        w.str("KeyId", k);
    }
    if let Some(a) = &r.encryption_algorithm {
        w.str("EncryptionAlgorithm", a.as_str());
    }
    tokens(&mut w, &r.grant_tokens);
    w.finish()
}

/// The members of a response object that a decoder knows, each at most once.
struct Known<const N: usize> {
    names: [&'static str; N],
    values: [Option<Member>; N],
}

impl<const N: usize> Known<N> {
    fn read(body: &[u8], names: [&'static str; N]) -> Result<Self, JsonError> {
        let mut values: [Option<Member>; N] = std::array::from_fn(|_| None);
        for (name, value) in object_members(body)? {
            if let Some(i) = names.iter().position(|n| *n == name.as_str()) {
                if values[i].is_some() {
                    return Err(JsonError(format!("duplicate field `{}`", names[i])));
                }
                values[i] = Some(value);
            }
        }
        Ok(Known { names, values })
    }

    fn string(&mut self, i: usize) -> Result<Option<Zeroizing<String>>, JsonError> {
        match self.values[i].take() {
            None => Ok(None),
            Some(Member::Str(s)) => Ok(Some(s)),
            Some(Member::Null) => Err(self.wrong(i, "null")),
            Some(Member::BadStr(why)) => Err(self.wrong(i, why)),
            Some(Member::Other(kind)) => Err(self.wrong(i, kind)),
        }
    }

    fn wrong(&self, i: usize, kind: &str) -> JsonError {
        JsonError(format!("`{}` is {kind}, expected a string", self.names[i]))
    }

    /// A member that may be absent or `null`.
    fn optional(&mut self, i: usize) -> Result<Option<String>, JsonError> {
        if matches!(self.values[i], Some(Member::Null)) {
            self.values[i] = None;
        }
        Ok(self.string(i)?.map(|s| s.to_string()))
    }

    /// `KeyId`: absent is empty.
    fn or_empty(&mut self, i: usize) -> Result<String, JsonError> {
        Ok(self.string(i)?.map(|s| s.to_string()).unwrap_or_default())
    }

    fn required(&mut self, i: usize) -> Result<Zeroizing<String>, JsonError> {
        self.string(i)?
            .ok_or_else(|| JsonError(format!("missing field `{}`", self.names[i])))
    }

    fn blob(&mut self, i: usize) -> Result<Zeroizing<Vec<u8>>, JsonError> {
        let text = self.required(i)?;
        STANDARD
            .decode(text.as_bytes())
            .map(Zeroizing::new)
            .map_err(|e| JsonError(format!("`{}` is not base64: {e}", self.names[i])))
    }
}

/// A `GenerateDataKey` response.
pub fn generate_data_key_response(body: &[u8]) -> Result<GenerateDataKeyResponse, JsonError> {
    let mut k = Known::read(
        body,
        ["KeyId", "Plaintext", "CiphertextBlob", "KeyMaterialId"],
    )?;
    Ok(GenerateDataKeyResponse {
        key_id: k.or_empty(0)?,
        plaintext: k.blob(1)?,
        ciphertext_blob: k.blob(2)?.to_vec(),
        key_material_id: k.optional(3)?,
    })
}

/// An `Encrypt` response.
pub fn encrypt_response(body: &[u8]) -> Result<EncryptResponse, JsonError> {
    let mut k = Known::read(body, ["KeyId", "CiphertextBlob", "EncryptionAlgorithm"])?;
    Ok(EncryptResponse {
        key_id: k.or_empty(0)?,
        ciphertext_blob: k.blob(1)?.to_vec(),
        encryption_algorithm: k.optional(2)?.map(|a| EncryptionAlgorithm::from_wire(&a)),
    })
}

/// A `Decrypt` response.
pub fn decrypt_response(body: &[u8]) -> Result<DecryptResponse, JsonError> {
    let mut k = Known::read(
        body,
        ["KeyId", "Plaintext", "EncryptionAlgorithm", "KeyMaterialId"],
    )?;
    Ok(DecryptResponse {
        key_id: k.or_empty(0)?,
        plaintext: k.blob(1)?,
        encryption_algorithm: k.optional(2)?.map(|a| EncryptionAlgorithm::from_wire(&a)),
        key_material_id: k.optional(3)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn ec() -> EncryptionContext {
        BTreeMap::from([
            (
                "aws-crypto-public-key".to_string(),
                "A\"\\\n\u{1}é".to_string(),
            ),
            ("purpose".to_string(), "test".to_string()),
        ])
    }

    #[test]
    fn requests_are_serde_json_bytes() {
        let g = [
            GenerateDataKeyRequest {
                key_id: "arn:aws:kms:us-east-1:111122223333:key/k".into(),
                encryption_context: ec(),
                number_of_bytes: Some(32),
                key_spec: None,
                grant_tokens: vec!["g1".into(), "g\"2".into()],
            },
            GenerateDataKeyRequest {
                key_id: "alias/a".into(),
                key_spec: Some(DataKeySpec::Aes256),
                ..Default::default()
            },
        ];
        for r in &g {
            assert_eq!(
                generate_data_key_request(r).as_slice(),
                serde_json::to_vec(r).unwrap()
            );
        }
        let e = [
            EncryptRequest {
                key_id: "k".into(),
                plaintext: Zeroizing::new((0..=255).collect()),
                encryption_context: ec(),
                encryption_algorithm: Some(EncryptionAlgorithm::RsaesOaepSha256),
                grant_tokens: vec!["t".into()],
            },
            EncryptRequest {
                key_id: "k".into(),
                plaintext: Zeroizing::new(vec![7; 3]),
                ..Default::default()
            },
        ];
        for r in &e {
            assert_eq!(
                encrypt_request(r).as_slice(),
                serde_json::to_vec(r).unwrap()
            );
        }
        let d = [
            DecryptRequest {
                ciphertext_blob: (0..100).collect(),
                encryption_context: ec(),
                key_id: Some("k".into()),
                encryption_algorithm: Some(EncryptionAlgorithm::Unknown("X\"".into())),
                grant_tokens: vec!["t".into()],
            },
            DecryptRequest {
                ciphertext_blob: vec![1],
                ..Default::default()
            },
        ];
        for r in &d {
            assert_eq!(
                decrypt_request(r).as_slice(),
                serde_json::to_vec(r).unwrap()
            );
        }
    }

    /// Found by the kms_bodies fuzz target: a member a decoder ignores may hold a string that is
    /// no text (bytes that are not UTF-8, a lone surrogate), as serde_json skips it; the same
    /// string in a member it reads is an error.
    #[test]
    fn ignored_members_may_hold_strings_that_are_no_text() {
        let body = b"{\"KeyId\":\"k\",\"Plaintext\":\"AQ\xff\\ud800\",\"CiphertextBlob\":\"AQID\"}";
        assert!(serde_json::from_slice::<EncryptResponse>(body).is_ok());
        assert_eq!(
            encrypt_response(body).unwrap().ciphertext_blob,
            vec![1, 2, 3]
        );
        assert!(serde_json::from_slice::<DecryptResponse>(body).is_err());
        assert!(decrypt_response(body).is_err());
    }

    /// `mine` and serde agree on `body`: both refuse it, or both read the same `view` of it.
    fn same<R: serde::de::DeserializeOwned, V: PartialEq + std::fmt::Debug>(
        body: &str,
        mine: fn(&[u8]) -> Result<R, JsonError>,
        view: fn(R) -> V,
    ) {
        let a = mine(body.as_bytes()).map(view);
        let b = serde_json::from_str::<R>(body).map(view);
        match (&a, &b) {
            (Ok(x), Ok(y)) => assert_eq!(x, y, "{body}"),
            (Err(_), Err(_)) => {}
            _ => panic!("{body}: plain {a:?}, serde {b:?}"),
        }
    }

    /// Each body decodes here exactly when serde does, to the same values.
    #[test]
    fn responses_decode_as_serde_does() {
        let bodies = [
            r#"{"KeyId":"k","Plaintext":"AAEC","CiphertextBlob":"AQID","KeyMaterialId":"m"}"#,
            r#"{"Plaintext":"AAEC","CiphertextBlob":"AQID","Extra":[1,{"a":null}],"KeyMaterialId":null}"#,
            r#" {"CiphertextBlob":"AQID","EncryptionAlgorithm":"RSAES_OAEP_SHA_1","KeyId":"\u006b"} "#,
            r#"{"CiphertextBlob":"AQID","EncryptionAlgorithm":"SOMETHING_NEW"}"#,
            r#"{"KeyId":"k","Plaintext":"AAEC","EncryptionAlgorithm":null}"#,
            r#"{"KeyId":null,"Plaintext":"AAEC","CiphertextBlob":"AQID"}"#,
            r#"{"KeyId":"k","KeyId":"k","Plaintext":"AAEC","CiphertextBlob":"AQID"}"#,
            r#"{"Plaintext":"AAE","CiphertextBlob":"AQID"}"#,
            r#"{"Plaintext":7,"CiphertextBlob":"AQID"}"#,
            r#"{"CiphertextBlob":"AQID"}"#,
            r#"{"Plaintext":"AAEC"}"#,
            r#"{"KeyId":"k","Plaintext":"AAEC","CiphertextBlob":"AQID","EncryptionAlgorithm":true}"#,
            r#"{"KeyId":"k","Plaintext":"AAEC","CiphertextBlob":"AQID"} {}"#,
            "",
            "  ",
            "[]",
            "<html/>",
        ];
        for body in bodies {
            same(
                body,
                generate_data_key_response,
                |r: GenerateDataKeyResponse| {
                    (
                        r.key_id,
                        r.plaintext.to_vec(),
                        r.ciphertext_blob,
                        r.key_material_id,
                    )
                },
            );
            same(body, encrypt_response, |r: EncryptResponse| {
                (r.key_id, r.ciphertext_blob, r.encryption_algorithm)
            });
            same(body, decrypt_response, |r: DecryptResponse| {
                (
                    r.key_id,
                    r.plaintext.to_vec(),
                    r.encryption_algorithm,
                    r.key_material_id,
                )
            });
        }
    }
}
