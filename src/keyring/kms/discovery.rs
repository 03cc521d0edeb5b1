//! Discovery keyrings (spec: aws-kms-discovery-keyring.md, aws-kms-mrk-discovery-keyring.md):
//! decrypt-only; they try the key each `aws-kms` EDK names, optionally limited to a partition
//! and a set of accounts.

use std::sync::Arc;

use sealkit_kms::arn::KmsArn;
use sealkit_kms::KmsProvider;

use super::{decrypt_edk, edk_key_arn, PROVIDER_ID};
use crate::error::{Error, Result};
use crate::future::BoxFuture;
use crate::keyring::attempts::Attempts;
use crate::keyring::Keyring;
use crate::materials::{DecryptionMaterials, EncryptedDataKey, EncryptionMaterials};

/// Limits discovery to keys of one partition and a set of accounts.
#[derive(Clone, Debug)]
pub struct DiscoveryFilter {
    /// Partition, e.g. `aws`.
    pub partition: String,
    /// Accounts whose keys may be used (non-empty).
    pub accounts: Vec<String>,
}

impl DiscoveryFilter {
    fn allows(&self, arn: &KmsArn) -> bool {
        arn.partition == self.partition && self.accounts.contains(&arn.account)
    }
}

struct Discovery {
    provider: Arc<dyn KmsProvider>,
    filter: Option<DiscoveryFilter>,
    grant_tokens: Vec<String>,
    /// MRK discovery: the client's region, to which MRK ARNs are rewritten.
    region: Option<String>,
}

/// Decrypts any `aws-kms` EDK the provider can decrypt (subject to the filter). Cannot encrypt.
pub struct AwsKmsDiscoveryKeyring(Discovery);

/// Discovery for multi-Region keys: an MRK EDK from another region is decrypted through the
/// replica in this keyring's region; non-MRK EDKs must already be in this region.
pub struct AwsKmsMrkDiscoveryKeyring(Discovery);

fn check_filter(filter: &Option<DiscoveryFilter>) -> Result<()> {
    if let Some(f) = filter {
        if f.partition.is_empty()
            || f.accounts.is_empty()
            || f.accounts.iter().any(String::is_empty)
        {
            return Err(Error::invalid(
                "discoveryFilter needs a partition and at least one non-empty account",
            ));
        }
    }
    Ok(())
}

impl AwsKmsDiscoveryKeyring {
    /// A discovery keyring.
    pub fn new(provider: Arc<dyn KmsProvider>, filter: Option<DiscoveryFilter>) -> Result<Self> {
        check_filter(&filter)?;
        Ok(AwsKmsDiscoveryKeyring(Discovery {
            provider,
            filter,
            grant_tokens: Vec::new(),
            region: None,
        }))
    }
}

impl AwsKmsMrkDiscoveryKeyring {
    /// An MRK discovery keyring for the provider's region `region`.
    pub fn new(
        provider: Arc<dyn KmsProvider>,
        filter: Option<DiscoveryFilter>,
        region: &str,
    ) -> Result<Self> {
        check_filter(&filter)?;
        if region.is_empty() {
            return Err(Error::invalid("region must not be empty"));
        }
        Ok(AwsKmsMrkDiscoveryKeyring(Discovery {
            provider,
            filter,
            grant_tokens: Vec::new(),
            region: Some(region.to_string()),
        }))
    }
}

impl Discovery {
    async fn on_decrypt(
        &self,
        mut m: DecryptionMaterials,
        edks: &[EncryptedDataKey],
    ) -> Result<DecryptionMaterials> {
        if m.data_key.is_some() {
            return Ok(m);
        }
        let mut attempts = Attempts::new("KMS discovery");
        for (i, edk) in edks.iter().enumerate() {
            if edk.provider_id != PROVIDER_ID {
                continue;
            }
            let (info, arn) = match edk_key_arn(edk) {
                Ok(v) => v,
                Err(why) => {
                    attempts.failed(i, why);
                    continue;
                }
            };
            if self.filter.as_ref().is_some_and(|f| !f.allows(&arn)) {
                continue;
            }
            let key_id = match &self.region {
                None => info,
                Some(region) if arn.is_mrk() => arn.with_region(region).to_string(),
                Some(region) if arn.region == *region => info,
                Some(_) => continue, // a single-region key elsewhere cannot be reached from here
            };
            match decrypt_edk(&*self.provider, edk, &key_id, &m, &self.grant_tokens).await {
                Ok(k) => {
                    m.data_key = Some(k);
                    return Ok(m);
                }
                Err(why) => attempts.failed(i, format_args!("{key_id}: {why}")),
            }
        }
        Err(attempts.none_unwrapped("no aws-kms EDK passed the discovery filter"))
    }
}

macro_rules! discovery_impl {
    ($t:ty) => {
        impl Keyring for $t {
            fn on_encrypt(
                &self,
                _m: EncryptionMaterials,
            ) -> BoxFuture<'_, Result<EncryptionMaterials>> {
                Box::pin(async { Err(Error::Keyring("a discovery keyring cannot encrypt".into())) })
            }
            fn on_decrypt<'a>(
                &'a self,
                m: DecryptionMaterials,
                edks: &'a [EncryptedDataKey],
            ) -> BoxFuture<'a, Result<DecryptionMaterials>> {
                Box::pin(self.0.on_decrypt(m, edks))
            }
        }
    };
}
discovery_impl!(AwsKmsDiscoveryKeyring);
discovery_impl!(AwsKmsMrkDiscoveryKeyring);
