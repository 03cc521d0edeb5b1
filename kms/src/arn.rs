//! KMS ARN parsing and multi-Region key matching (ESDK `aws-kms-key-arn` and
//! `aws-kms-mrk-match-for-decrypt`).

use crate::error::{names, KmsError};
use core::fmt;

/// The resource type of a KMS ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceType {
    /// `key/<id>`
    Key,
    /// `alias/<name>`
    Alias,
}

/// A parsed KMS ARN: `arn:<partition>:kms:<region>:<account>:<type>/<id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KmsArn {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...
    pub partition: String,
    /// Always `kms`.
    pub service: String,
    /// Region, e.g. `us-east-1`.
    pub region: String,
    /// 12-digit account id (not checked for digits, as the spec only requires non-empty).
    pub account: String,
    /// `key` or `alias`.
    pub resource_type: ResourceType,
    /// Key id or alias name (everything after the first `/`).
    pub resource_id: String,
}

impl KmsArn {
    /// Parses a KMS ARN: exactly 6 `:`-separated parts, non-empty partition, region and account,
    /// service `kms`, resource `key/<id>` or `alias/<name>` with a non-empty id.
    pub fn parse(s: &str) -> Result<Self, KmsError> {
        let bad = || KmsError::new(names::INVALID_ARN, format!("malformed KMS ARN: {s}"));
        let parts: Vec<&str> = s.split(':').collect();
        if parts.len() != 6 {
            return Err(bad());
        }
        let (arn, partition, service, region, account, resource) =
            (parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
        if arn != "arn"
            || partition.is_empty()
            || service != "kms"
            || region.is_empty()
            || account.is_empty()
        {
            return Err(bad());
        }
        let (rtype, rid) = resource.split_once('/').ok_or_else(bad)?;
        let resource_type = match rtype {
            "key" => ResourceType::Key,
            "alias" => ResourceType::Alias,
            _ => return Err(bad()),
        };
        if rid.is_empty() {
            return Err(bad());
        }
        Ok(KmsArn {
            partition: partition.to_string(),
            service: service.to_string(),
            region: region.to_string(),
            account: account.to_string(),
            resource_type,
            resource_id: rid.to_string(),
        })
    }

    /// True for a `key/mrk-...` ARN (an alias named `mrk-...` is not an MRK).
    pub fn is_mrk(&self) -> bool {
        self.resource_type == ResourceType::Key && self.resource_id.starts_with("mrk-")
    }

    /// The same ARN in another region (MRK discovery rewrites the region this way).
    pub fn with_region(&self, region: &str) -> KmsArn {
        KmsArn {
            region: region.to_string(),
            ..self.clone()
        }
    }
}

impl fmt::Display for KmsArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = match self.resource_type {
            ResourceType::Key => "key",
            ResourceType::Alias => "alias",
        };
        write!(
            f,
            "arn:{}:{}:{}:{}:{}/{}",
            self.partition, self.service, self.region, self.account, t, self.resource_id
        )
    }
}

/// The forms a KMS key identifier can take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyIdentifier {
    /// A full key or alias ARN.
    Arn(KmsArn),
    /// `alias/<name>`.
    AliasName(String),
    /// A bare key id (`1234abcd-...` or `mrk-...`).
    KeyId(String),
}

impl KeyIdentifier {
    /// Classifies an identifier; strings starting with `arn:` must be valid ARNs.
    pub fn parse(s: &str) -> Result<Self, KmsError> {
        if s.is_empty() {
            return Err(KmsError::validation("empty key identifier"));
        }
        if s.starts_with("arn:") {
            KmsArn::parse(s).map(KeyIdentifier::Arn)
        } else if let Some(name) = s.strip_prefix("alias/") {
            if name.is_empty() {
                return Err(KmsError::validation("empty alias name"));
            }
            Ok(KeyIdentifier::AliasName(s.to_string()))
        } else {
            Ok(KeyIdentifier::KeyId(s.to_string()))
        }
    }
}

/// Whether an identifier names a multi-Region key: ARN rule for `arn:`, false for `alias/`,
/// true for a bare `mrk-` id. Malformed ARNs are not MRKs.
pub fn is_mrk_identifier(id: &str) -> bool {
    if id.starts_with("arn:") {
        KmsArn::parse(id).map(|a| a.is_mrk()).unwrap_or(false)
    } else if id.starts_with("alias/") {
        false
    } else {
        id.starts_with("mrk-")
    }
}

/// MRK match for decrypt: identical strings match; otherwise both must be MRK ARNs equal in
/// everything but the region.
pub fn mrk_match(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (Ok(x), Ok(y)) = (KmsArn::parse(a), KmsArn::parse(b)) else {
        return false;
    };
    if !x.is_mrk() || !y.is_mrk() {
        return false;
    }
    x.partition == y.partition
        && x.service == y.service
        && x.account == y.account
        && x.resource_type == y.resource_type
        && x.resource_id == y.resource_id
}

/// The account field of an IAM/STS principal ARN (`arn:aws:iam::123456789012:user/x`).
pub fn principal_account(principal: &str) -> Option<&str> {
    let parts: Vec<&str> = principal.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, _, _, account, _] if !account.is_empty() => Some(account),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let a = KmsArn::parse("arn:aws:kms:us-east-1:123456789012:key/mrk-abc/def").unwrap();
        assert_eq!(a.resource_id, "mrk-abc/def");
        assert!(a.is_mrk());
        assert_eq!(
            a.to_string(),
            "arn:aws:kms:us-east-1:123456789012:key/mrk-abc/def"
        );
        for bad in [
            "arn:aws:kms:us-east-1:123456789012",
            "arn:aws:kms:us-east-1:123456789012:key/x:extra",
            "arn::kms:us-east-1:123456789012:key/x",
            "arn:aws:s3:us-east-1:123456789012:key/x",
            "arn:aws:kms::123456789012:key/x",
            "arn:aws:kms:us-east-1::key/x",
            "arn:aws:kms:us-east-1:123456789012:key:x",
            "arn:aws:kms:us-east-1:123456789012:key/",
            "arn:aws:kms:us-east-1:123456789012:keys/x",
            "aws:aws:kms:us-east-1:123456789012:key/x",
        ] {
            assert!(KmsArn::parse(bad).is_err(), "{bad}");
        }
        assert!(!KmsArn::parse("arn:aws:kms:us-east-1:1:alias/mrk-x")
            .unwrap()
            .is_mrk());
    }

    #[test]
    fn mrk_rules() {
        assert!(is_mrk_identifier("mrk-123"));
        assert!(!is_mrk_identifier("alias/mrk-123"));
        assert!(!is_mrk_identifier("1234"));
        assert!(is_mrk_identifier("arn:aws:kms:eu-west-1:1:key/mrk-1"));
        assert!(!is_mrk_identifier("arn:aws:kms:eu-west-1:1:key"));
        let p = "arn:aws:kms:us-east-1:1:key/mrk-1";
        let r = "arn:aws:kms:eu-west-1:1:key/mrk-1";
        assert!(mrk_match(p, r));
        assert!(!mrk_match(p, "arn:aws:kms:eu-west-1:2:key/mrk-1"));
        assert!(!mrk_match(
            "arn:aws:kms:us-east-1:1:key/k1",
            "arn:aws:kms:eu-west-1:1:key/k1"
        ));
        assert!(mrk_match("mrk-1", "mrk-1"));
        assert!(!mrk_match("mrk-1", p));
        assert_eq!(
            principal_account("arn:aws:iam::123456789012:user/bob"),
            Some("123456789012")
        );
        assert_eq!(principal_account("bob"), None);
    }
}
