//! `sealkit item encrypt|decrypt`: DynamoDB items (DB-ESDK format), one DynamoDB-JSON item per
//! line. The configuration comes from a JSON file with the JavaScript names; the output is
//! staged and published only when every line succeeded.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use clap::ArgMatches;
use sealkit::item::json::{item_from_json_str, item_to_json};
use sealkit::{block_on, AlgorithmSuite, CryptoAction, ItemEncryptor, ItemEncryptorConfig};
use serde::Deserialize;

use crate::args::{key_options, ItemOpArgs, KeyKind};
use crate::error::{CliError, EXIT_FAILURE};
use crate::input::Input;
use crate::keys::{build_keyring, Purpose};
use crate::output::{check_distinct, Output};

/// CONFIG.json, with the DB-ESDK / JavaScript field names.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ConfigJson {
    table_name: String,
    partition_key: String,
    #[serde(default)]
    sort_key: Option<String>,
    #[serde(default)]
    attribute_actions: BTreeMap<String, String>,
    #[serde(default)]
    default_action: Option<String>,
    #[serde(default)]
    allowed_unsigned_attributes: Vec<String>,
    #[serde(default)]
    allowed_unsigned_attribute_prefix: Option<String>,
    #[serde(default)]
    algorithm_suite_id: Option<SuiteId>,
}

/// `0x6701`, `"6701"` (hex strings) or `26369` (a number).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum SuiteId {
    Number(u64),
    Text(String),
}

impl SuiteId {
    fn id(&self) -> Result<u16, String> {
        let shown = match self {
            SuiteId::Number(n) => n.to_string(),
            SuiteId::Text(s) => format!("\"{s}\""),
        };
        let bad = || format!("algorithmSuiteId {shown} is not 0x6701 or 0x6700");
        let id = match self {
            SuiteId::Number(n) => u16::try_from(*n).map_err(|_| bad())?,
            SuiteId::Text(s) => {
                let hex = s
                    .strip_prefix("0x")
                    .or_else(|| s.strip_prefix("0X"))
                    .unwrap_or(s);
                if hex.is_empty() || hex.len() > 4 {
                    return Err(bad());
                }
                u16::from_str_radix(hex, 16).map_err(|_| bad())?
            }
        };
        AlgorithmSuite::from_item_suite_id(id).map_err(|_| {
            format!("algorithmSuiteId 0x{id:04x} is not an item suite (0x6701 or 0x6700)")
        })?;
        Ok(id)
    }
}

fn action(what: &str, name: &str) -> Result<CryptoAction, String> {
    name.parse().map_err(|_| {
        format!(
            "{what}: unknown action '{name}' (ENCRYPT_AND_SIGN, SIGN_ONLY, \
             SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT or DO_NOTHING)"
        )
    })
}

/// Reads and checks CONFIG.json (everything but the keyring).
fn read_config(path: &Path) -> Result<ConfigJson, CliError> {
    let bad = |m: String| CliError::invalid(format!("--config {}: {m}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read: {e}")))?;
    serde_json::from_str(&text).map_err(|e| bad(e.to_string()))
}

fn to_config(
    c: ConfigJson,
    keyring: std::sync::Arc<dyn sealkit::Keyring>,
) -> Result<ItemEncryptorConfig, String> {
    let mut config = ItemEncryptorConfig::new(c.table_name, c.partition_key, keyring);
    config.sort_key = c.sort_key;
    for (name, a) in &c.attribute_actions {
        config.attribute_actions.insert(
            name.clone(),
            action(&format!("attributeActions.{name}"), a)?,
        );
    }
    config.default_action = c
        .default_action
        .as_deref()
        .map(|a| action("defaultAction", a))
        .transpose()?;
    config.allowed_unsigned_attributes = c.allowed_unsigned_attributes.into_iter().collect();
    config.allowed_unsigned_attribute_prefix = c.allowed_unsigned_attribute_prefix;
    if let Some(s) = &c.algorithm_suite_id {
        config.algorithm_suite_id = s.id()?;
    }
    Ok(config)
}

pub fn run(args: ItemOpArgs, matches: &ArgMatches, purpose: Purpose) -> Result<(), CliError> {
    let json = read_config(&args.config)?;
    let keys = key_options(matches)?;
    let suite_id =
        match &json.algorithm_suite_id {
            Some(s) => Some(s.id().map_err(|m| {
                CliError::invalid(format!("--config {}: {m}", args.config.display()))
            })?),
            None => None,
        };
    if let Some(k) = keys.iter().find(|k| k.kind == KeyKind::KmsRsa) {
        let suite = suite_id.unwrap_or(sealkit::item::config::DEFAULT_ITEM_SUITE_ID);
        let signed = AlgorithmSuite::from_item_suite_id(suite)
            .map(|s| s.signature().is_some())
            .unwrap_or(false);
        if signed {
            return Err(CliError::invalid(format!(
                "{}: the KMS RSA keyring cannot be used with the signed item suite 0x{suite:04x}; \
                 set \"algorithmSuiteId\": \"0x6700\" in the config",
                k.label
            )));
        }
    }
    let keyring = build_keyring(&keys, &args.keys.kms_settings(), purpose)?;
    let config = to_config(json, keyring)
        .map_err(|m| CliError::invalid(format!("--config {}: {m}", args.config.display())))?;
    let encryptor = ItemEncryptor::new(config)
        .map_err(|e| CliError::lib(&format!("--config {}", args.config.display()), e))?;
    check_distinct(&args.io.input, &args.io.output)?;
    if args.config.as_os_str() != "-" {
        check_distinct(&args.config, &args.io.output)?;
    }

    let input = Input::open(&args.io.input)?;
    let name = input.name.clone();
    let mut reader = BufReader::new(input);
    // Staged for stdout too: a failure on any line must leave no output at all.
    let mut output = Output::create(&args.io.output, true)?;
    let mut line = Vec::new();
    let mut number = 0usize;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| CliError::io(&format!("reading {name}"), e))?;
        if n == 0 {
            break;
        }
        number += 1;
        let failed = |e: sealkit::Error| CliError {
            exit: EXIT_FAILURE,
            ..CliError::lib(&format!("{name}: line {number}"), e)
        };
        let text = std::str::from_utf8(&line).map_err(|_| CliError {
            code: "ERR_INVALID_ARGUMENT",
            message: format!("{name}: line {number}: not UTF-8 text"),
            exit: EXIT_FAILURE,
        })?;
        if text.trim().is_empty() {
            continue;
        }
        let item = item_from_json_str(text).map_err(failed)?;
        let result = match purpose {
            Purpose::Encrypt => block_on(encryptor.encrypt_item(&item)),
            Purpose::Decrypt => block_on(encryptor.decrypt_item(&item)),
        }
        .map_err(failed)?;
        let mut out = serde_json::to_vec(&item_to_json(&result)).map_err(|e| CliError {
            code: "ERR_INTERNAL",
            message: format!("JSON encoding failed: {e}"),
            exit: EXIT_FAILURE,
        })?;
        out.push(b'\n');
        let oname = output.name();
        output
            .writer()
            .write_all(&out)
            .map_err(|e| CliError::io(&format!("writing {oname}"), e))?;
    }
    output.commit()
}
