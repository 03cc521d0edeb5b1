//! `sealkit decrypt`: parses the header first (so garbage fails before any output exists),
//! then streams the message into the staged output, which is published only once the whole
//! message, signature included, has verified.

use std::io::{Cursor, Read};

use std::path::Path;
use std::sync::Arc;

use clap::ArgMatches;
use sealkit::message::header_parser::HeaderLimits;
use sealkit::message::io::decrypt_stream;
use sealkit::{
    Client, CryptoMaterialsManager, DecryptOptions, EncryptionContext, MessageHeader,
    SignedMessages,
};

use crate::args::{key_options, DecryptArgs, KeyKind, KeyOption};
use crate::error::CliError;
use crate::input::Input;
use crate::keys::{build_keyring, Purpose};
use crate::output::{check_distinct, Output};
use crate::progress::Progress;

pub fn run(args: DecryptArgs, matches: &ArgMatches) -> Result<(), CliError> {
    let client = Client::new(super::policy(&args.commitment_policy)?)
        .with_max_encrypted_data_keys(args.max_encrypted_data_keys)
        .with_max_header_len(args.max_header_size);
    let required = super::context_from(&args.context)?;
    let keys = key_options(matches)?;
    let keyring = build_keyring(&keys, &args.keys.kms_settings(), Purpose::Decrypt)?;
    let pairs = args.io.pairs()?;
    for (input, output) in &pairs {
        check_distinct(input, output)?;
    }
    let cmm = super::batch_cmm(keyring, &args.io)?;
    let batch = pairs.len() > 1;
    for (input, output) in pairs {
        decrypt_file(&client, cmm.clone(), &required, &keys, input, output)
            .map_err(|e| super::in_batch(e, input, batch))?;
    }
    Ok(())
}

fn decrypt_file(
    client: &Client,
    cmm: Arc<dyn CryptoMaterialsManager>,
    required: &EncryptionContext,
    keys: &[KeyOption],
    input_path: &Path,
    output_path: &Path,
) -> Result<(), CliError> {
    let mut input = Input::open(input_path)?;
    let (parsed, prefix) = input.read_header(HeaderLimits {
        max_encrypted_data_keys: client.max_encrypted_data_keys(),
        max_header_len: client.max_header_len(),
    })?;
    let mut output = Output::create(output_path, true)?;
    // Releasing unverified frames is safe here: they only reach the staged output, which is
    // deleted unless everything verifies. It keeps memory bounded for signed messages.
    let options = DecryptOptions {
        encryption_context: required.clone(),
        signed_messages: SignedMessages::ReleaseUnverifiedFrames,
    };
    let progress = Progress::new(input.size, "decrypting");
    let reader = Cursor::new(prefix).chain(&mut input);
    let result = decrypt_stream(client, cmm, options, reader, output.writer(), &mut |n| {
        progress.set(n)
    });
    drop(progress);
    let info = match result {
        Ok(info) => info,
        Err(e) => {
            let explained = explain_missing_context(&e, required, &parsed.header);
            let mut err = super::stream_error(e, &input, &output);
            if let Some(note) = explained {
                err.message = format!("{}; {note}", err.message);
            }
            if let Some(k) = keys.iter().find(|k| k.kind == KeyKind::KmsRsa) {
                if parsed.header.suite.signature().is_some() {
                    err.message = format!(
                        "{}; note: {} cannot decrypt messages of signing suite 0x{:04x} (the KMS RSA \
                         keyring only works with non-signing suites such as 0x0478)",
                        err.message,
                        k.label,
                        parsed.header.suite.id()
                    );
                }
            }
            return Err(err); // `output` is dropped: nothing is left behind
        }
    };
    // The library already enforced this; re-check so the CLI's promise does not hinge on it.
    for (k, v) in required {
        if info.encryption_context.get(k) != Some(v) {
            return Err(CliError {
                code: "ERR_CONTEXT_MISMATCH",
                message: format!("encryption context mismatch: the message does not carry {k}={v}"),
                exit: crate::error::EXIT_FAILURE,
            });
        }
    }
    output.commit()
}

/// A `--context` pair the header does not store is treated as a required (authenticated but
/// unstored) pair; if the message was not encrypted with it, unwrapping (raw AES binds the
/// context) or header authentication fails. Say that, since "wrong key" is not the whole story.
fn explain_missing_context(
    e: &sealkit::Error,
    required: &EncryptionContext,
    header: &MessageHeader,
) -> Option<String> {
    if !matches!(
        e,
        sealkit::Error::HeaderAuthFailed | sealkit::Error::NoDecryptingKeyring(_)
    ) {
        return None;
    }
    let missing: Vec<String> = required
        .keys()
        .filter(|k| !header.encryption_context.contains_key(k))
        .map(|k| format!("'{k}'"))
        .collect();
    if missing.is_empty() {
        return None;
    }
    Some(format!(
        "encryption context key {} given with --context is not stored in the message, so decryption only \
         succeeds if the message was encrypted with that pair as a required (unstored) pair",
        missing.join(", ")
    ))
}
