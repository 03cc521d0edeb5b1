//! Builds the keyring from the key options: one key as is, several as a multi-keyring
//! whose generator is the first key given. KMS key options share one HTTP KMS client, made
//! only when a key needs it (offline KMS RSA encryption needs none).

use std::fs;
use std::sync::Arc;
use std::time::Duration;

use sealkit::kms::arn::KmsArn;
use sealkit::kms::clock::SystemClock;
use sealkit::kms::http::native::UreqTransport;
use sealkit::kms::http::{Auth, Credentials, HttpKmsClient, HttpKmsConfig};
use sealkit::kms::{EncryptionAlgorithm, KmsProvider};
use sealkit::{
    AwsKmsMrkAwareKeyring, AwsKmsMrkDiscoveryKeyring, AwsKmsRsaKeyring, Keyring, MultiKeyring,
    RawAesKeyring, RawRsaKeyring, RsaPadding,
};
use zeroize::Zeroizing;

use crate::args::{KeyKind, KeyOption, KmsSettings};
use crate::error::{CliError, EXIT_USAGE};

/// Which operation the keys are for: RSA public keys only encrypt, private keys only decrypt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Encrypt,
    Decrypt,
}

/// The `--kms-key` value that selects MRK discovery (decrypt only).
pub const DISCOVERY: &str = "discovery";

/// Per-request timeout of the KMS client.
const KMS_TIMEOUT: Duration = Duration::from_secs(30);

/// Loads every key file and combines the keyrings.
pub fn build_keyring(
    options: &[KeyOption],
    kms: &KmsSettings,
    purpose: Purpose,
) -> Result<Arc<dyn Keyring>, CliError> {
    if options.is_empty() {
        return Err(CliError::usage(
            "no wrapping key given: use --aes-key, --rsa-public-key, --rsa-private-key, --kms-key \
             or --kms-rsa-public-key (see --help)"
                .into(),
        ));
    }
    let mut client = KmsClient {
        settings: kms,
        options,
        provider: None,
    };
    let mut keyrings = options
        .iter()
        .map(|o| load(o, purpose, &mut client))
        .collect::<Result<Vec<_>, _>>()?;
    if keyrings.len() == 1 {
        return Ok(keyrings.remove(0));
    }
    let generator = keyrings.remove(0);
    let multi =
        MultiKeyring::new(Some(generator), keyrings).map_err(|e| CliError::lib("keys", e))?;
    Ok(Arc::new(multi))
}

/// The KMS client, made on first use.
struct KmsClient<'a> {
    settings: &'a KmsSettings,
    options: &'a [KeyOption],
    provider: Option<(Arc<dyn KmsProvider>, String)>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl KmsClient<'_> {
    /// `--region`, else AWS_REGION / AWS_DEFAULT_REGION, else the region of the first KMS ARN.
    fn region(&self, label: &str) -> Result<String, CliError> {
        if let Some(r) = self.settings.region.clone().filter(|r| !r.is_empty()) {
            return Ok(r);
        }
        if let Some(r) = env("AWS_REGION").or_else(|| env("AWS_DEFAULT_REGION")) {
            return Ok(r);
        }
        self.options
            .iter()
            .filter(|o| matches!(o.kind, KeyKind::Kms | KeyKind::KmsRsa))
            .find_map(|o| KmsArn::parse(&o.name).ok().map(|a| a.region))
            .ok_or_else(|| {
                CliError::invalid(format!(
                    "{label}: no AWS region: use --region R or set AWS_REGION (or give a key ARN, \
                     which names its region)"
                ))
            })
    }

    /// The shared provider and its region.
    fn get(&mut self, label: &str) -> Result<(Arc<dyn KmsProvider>, String), CliError> {
        if let Some(p) = &self.provider {
            return Ok(p.clone());
        }
        let region = self.region(label)?;
        let (Some(akid), Some(secret)) = (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"))
        else {
            return Err(CliError {
                code: "ERR_NO_CREDENTIALS",
                message: format!(
                    "{label}: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY \
                     (and AWS_SESSION_TOKEN for temporary credentials)"
                ),
                exit: EXIT_USAGE,
            });
        };
        let mut creds = Credentials::new(akid, secret);
        if let Some(token) = env("AWS_SESSION_TOKEN") {
            creds = creds.with_session_token(token);
        }
        let endpoint = self
            .settings
            .endpoint
            .clone()
            .or_else(|| env("AWS_ENDPOINT_URL_KMS"))
            .or_else(|| env("AWS_ENDPOINT_URL"))
            .unwrap_or_else(|| HttpKmsConfig::default_endpoint(&region));
        if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            return Err(CliError::invalid(format!(
                "KMS endpoint '{endpoint}' is not an http:// or https:// URL (--kms-endpoint, \
                 AWS_ENDPOINT_URL_KMS or AWS_ENDPOINT_URL)"
            )));
        }
        let config = HttpKmsConfig::new(endpoint, region.clone(), Auth::SigV4(creds));
        let client = HttpKmsClient::new(
            config,
            Arc::new(UreqTransport::new(KMS_TIMEOUT)),
            Arc::new(SystemClock),
        );
        let provider: Arc<dyn KmsProvider> = Arc::new(client);
        self.provider = Some((provider.clone(), region.clone()));
        Ok((provider, region))
    }
}

fn rsa_algorithm(name: &str) -> EncryptionAlgorithm {
    match name {
        "RSAES_OAEP_SHA_1" => EncryptionAlgorithm::RsaesOaepSha1,
        _ => EncryptionAlgorithm::RsaesOaepSha256,
    }
}

/// A KMS key option's keyring.
fn load_kms(
    o: &KeyOption,
    purpose: Purpose,
    client: &mut KmsClient<'_>,
) -> Result<Arc<dyn Keyring>, CliError> {
    let bad = |e: sealkit::Error| CliError {
        exit: EXIT_USAGE,
        ..CliError::lib(&o.label, e)
    };
    match o.kind {
        KeyKind::Kms if o.name == DISCOVERY => {
            if purpose == Purpose::Encrypt {
                return Err(CliError::invalid(format!(
                    "{}: discovery can only decrypt; encrypt needs a key ARN",
                    o.label
                )));
            }
            let (provider, region) = client.get(&o.label)?;
            Ok(Arc::new(
                AwsKmsMrkDiscoveryKeyring::new(provider, None, &region).map_err(bad)?,
            ))
        }
        KeyKind::Kms => {
            KmsArn::parse(&o.name).map_err(|_| {
                CliError::invalid(format!(
                    "{}: not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID){}",
                    o.label,
                    if purpose == Purpose::Decrypt {
                        " or 'discovery'"
                    } else {
                        ""
                    }
                ))
            })?;
            let (provider, _) = client.get(&o.label)?;
            Ok(Arc::new(
                AwsKmsMrkAwareKeyring::new(provider, &o.name).map_err(bad)?,
            ))
        }
        _ => {
            let algorithm = rsa_algorithm(&client.settings.rsa_algorithm);
            if purpose == Purpose::Decrypt {
                let (provider, _) = client.get(&o.label)?;
                return Ok(Arc::new(
                    AwsKmsRsaKeyring::new(&o.name, algorithm, None, Some(provider)).map_err(bad)?,
                ));
            }
            if o.file.as_os_str().is_empty() {
                return Err(CliError::invalid(format!(
                    "{}: encrypt needs the public key: --kms-rsa-public-key ARN:PEMFILE",
                    o.label
                )));
            }
            let pem = read_pem(o)?;
            Ok(Arc::new(
                AwsKmsRsaKeyring::new(&o.name, algorithm, Some(&pem), None).map_err(bad)?,
            ))
        }
    }
}

fn read_pem(o: &KeyOption) -> Result<Zeroizing<String>, CliError> {
    let bytes = fs::read(&o.file)
        .map_err(|e| CliError::invalid(format!("{}: cannot read key file: {e}", o.label)))?;
    String::from_utf8(bytes)
        .map(Zeroizing::new)
        .map_err(|_| CliError::invalid(format!("{}: the key file is not PEM text", o.label)))
}

fn load(
    o: &KeyOption,
    purpose: Purpose,
    client: &mut KmsClient<'_>,
) -> Result<Arc<dyn Keyring>, CliError> {
    if matches!(o.kind, KeyKind::Kms | KeyKind::KmsRsa) {
        return load_kms(o, purpose, client);
    }
    // A public key cannot unwrap and a private key is not used to wrap (the library does not
    // derive the public key); say so up front instead of failing later with a vaguer error.
    match (o.kind, purpose) {
        (KeyKind::RsaPrivate, Purpose::Encrypt) => {
            return Err(CliError::invalid(format!(
                "{}: encrypt needs the RSA public key; use --rsa-public-key",
                o.label
            )))
        }
        (KeyKind::RsaPublic, Purpose::Decrypt) => {
            return Err(CliError::invalid(format!(
                "{}: a public key cannot decrypt; use --rsa-private-key",
                o.label
            )))
        }
        _ => {}
    }
    let bytes = Zeroizing::new(
        fs::read(&o.file)
            .map_err(|e| CliError::invalid(format!("{}: cannot read key file: {e}", o.label)))?,
    );
    let bad = |e: sealkit::Error| CliError {
        exit: EXIT_USAGE,
        ..CliError::lib(&o.label, e)
    };
    match o.kind {
        KeyKind::Aes => {
            let k = RawAesKeyring::new(o.namespace.as_str(), o.name.as_str(), &bytes).map_err(|e| {
                if matches!(bytes.len(), 16 | 24 | 32) {
                    bad(e)
                } else {
                    CliError::invalid(format!(
                        "{}: the key file must hold exactly 16, 24 or 32 raw key bytes, but it has {} \
                         (not base64 or hex text, and no trailing newline)",
                        o.label,
                        bytes.len()
                    ))
                }
            })?;
            Ok(Arc::new(k))
        }
        _ => {
            let pem = std::str::from_utf8(&bytes).map_err(|_| {
                CliError::invalid(format!("{}: the key file is not PEM text", o.label))
            })?;
            let padding: RsaPadding = o
                .padding
                .as_deref()
                .unwrap_or_default()
                .parse()
                .map_err(bad)?;
            let (public, private) = if o.kind == KeyKind::RsaPublic {
                (Some(pem), None)
            } else {
                (None, Some(pem))
            };
            let k = RawRsaKeyring::from_pem(
                o.namespace.as_str(),
                o.name.as_str(),
                padding,
                public,
                private,
            )
            .map_err(bad)?;
            Ok(Arc::new(k))
        }
    }
}
