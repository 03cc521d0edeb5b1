//! Branch key material and version ids.

use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Length of a branch key (AES-256 / HMAC-SHA256 key).
pub const BRANCH_KEY_LEN: usize = 32;

/// One version of a branch key: its id, version (a UUID string) and 32 secret bytes.
///
/// The key bytes are zeroized on drop and never printed.
#[derive(Clone)]
pub struct BranchKey {
    branch_key_id: String,
    version: String,
    version_bytes: [u8; 16],
    key: Zeroizing<Vec<u8>>,
}

impl core::fmt::Debug for BranchKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BranchKey")
            .field("branch_key_id", &self.branch_key_id)
            .field("version", &self.version)
            .field("key", &"<redacted>")
            .finish()
    }
}

impl BranchKey {
    /// A branch key version; `version` must be a UUID such as `e9ce18a3-edb5-4272-9f86-1cacb7997ff6`.
    pub fn new(branch_key_id: impl Into<String>, version: &str, key: &[u8]) -> Result<Self> {
        let branch_key_id = branch_key_id.into();
        if branch_key_id.is_empty() {
            return Err(Error::invalid("branch key id must not be empty"));
        }
        if key.len() != BRANCH_KEY_LEN {
            return Err(Error::invalid(format!(
                "branch key must be 32 bytes, got {}",
                key.len()
            )));
        }
        let version_bytes = uuid_to_bytes(version)?;
        Ok(BranchKey {
            branch_key_id,
            version: uuid_from_bytes(&version_bytes),
            version_bytes,
            key: Zeroizing::new(key.to_vec()),
        })
    }

    /// The branch key id.
    pub fn branch_key_id(&self) -> &str {
        &self.branch_key_id
    }
    /// The version, as a lower-case UUID string.
    pub fn version(&self) -> &str {
        &self.version
    }
    /// The version's 16 UUID bytes, as written into EDKs.
    pub fn version_bytes(&self) -> &[u8; 16] {
        &self.version_bytes
    }
    /// The secret key bytes.
    pub fn key_bytes(&self) -> &[u8] {
        &self.key
    }
}

/// Parses a hyphenated UUID into its 16 bytes.
pub fn uuid_to_bytes(uuid: &str) -> Result<[u8; 16]> {
    let bad = || Error::invalid(format!("branch key version '{uuid}' is not a UUID"));
    let groups: Vec<&str> = uuid.split('-').collect();
    if groups.iter().map(|g| g.len()).collect::<Vec<_>>() != [8, 4, 4, 4, 12] {
        return Err(bad());
    }
    let hex: String = groups.concat();
    let mut out = [0u8; 16];
    for (i, byte) in out.iter_mut().enumerate() {
        let pair = hex.get(2 * i..2 * i + 2).ok_or_else(bad)?;
        *byte = u8::from_str_radix(pair, 16).map_err(|_| bad())?;
    }
    Ok(out)
}

/// Formats 16 bytes as a lower-case hyphenated UUID.
pub fn uuid_from_bytes(bytes: &[u8; 16]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A random version-4 UUID string.
pub fn random_uuid() -> Result<String> {
    let mut b = [0u8; 16];
    crate::crypto::random::fill(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    Ok(uuid_from_bytes(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_round_trip() {
        let u = "e9ce18a3-edb5-4272-9f86-1cacb7997ff6";
        assert_eq!(uuid_from_bytes(&uuid_to_bytes(u).unwrap()), u);
        assert!(uuid_to_bytes("e9ce18a3edb542729f861cacb7997ff6").is_err());
        assert!(uuid_to_bytes("g9ce18a3-edb5-4272-9f86-1cacb7997ff6").is_err());
        assert_eq!(random_uuid().unwrap().len(), 36);
    }
}
