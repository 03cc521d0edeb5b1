//! `sealkit encrypt`: streams the input through the encryptor (one frame in memory at a time).

use std::path::Path;
use std::sync::Arc;

use clap::ArgMatches;
use sealkit::message::io::encrypt_stream_with_length;
use sealkit::{Client, CryptoMaterialsManager, EncryptOptions, Framing};

use crate::args::{key_options, EncryptArgs};
use crate::error::CliError;
use crate::input::Input;
use crate::keys::{build_keyring, Purpose};
use crate::output::{check_distinct, Output};
use crate::progress::Progress;

pub fn run(args: EncryptArgs, matches: &ArgMatches) -> Result<(), CliError> {
    let mut client = Client::new(super::policy(&args.commitment_policy)?);
    if let Some(max) = args.max_encrypted_data_keys {
        client = client.with_max_encrypted_data_keys(max);
    }
    let encryption_context = super::context_from(&args.context)?;
    if let Some(suite) = args.suite {
        // Before any key or file is touched: a suite the policy forbids is a usage mistake.
        client
            .commitment_policy()
            .check_encrypt(suite)
            .map_err(|e| CliError::lib("--suite", e))?;
    }
    let keys = key_options(matches)?;
    super::check_kms_rsa_suite(&keys, args.suite)?;
    let keyring = build_keyring(&keys, &args.keys.kms_settings(), Purpose::Encrypt)?;
    let pairs = args.io.pairs()?;
    for (input, output) in &pairs {
        check_distinct(input, output)?;
    }
    let framing = match args.frame_length {
        0 => Framing::NonFramed,
        n => Framing::Framed(n),
    };
    let options = EncryptOptions {
        encryption_context,
        suite: args.suite,
        framing,
    };
    let cmm = super::batch_cmm(keyring, &args.io)?;
    let batch = pairs.len() > 1;
    let caching = args.io.cache_max_age.is_some();
    for (input, output) in pairs {
        encrypt_file(
            &client,
            cmm.clone(),
            options.clone(),
            caching,
            input,
            output,
        )
        .map_err(|e| super::in_batch(e, input, batch))?;
    }
    Ok(())
}

fn encrypt_file(
    client: &Client,
    cmm: Arc<dyn CryptoMaterialsManager>,
    options: EncryptOptions,
    caching: bool,
    input_path: &Path,
    output_path: &Path,
) -> Result<(), CliError> {
    let mut input = Input::open(input_path)?;
    let mut output = Output::create(output_path, false)?;
    let progress = Progress::new(input.size, "encrypting");
    // With caching, a regular file's size is declared to the CMM so that its data key can be
    // reused across the batch (a pipe's length is unknown: not cached); a file that grows
    // meanwhile then fails rather than overrun the key's byte budget.
    let result = encrypt_stream_with_length(
        client,
        cmm,
        options,
        input.size.filter(|_| caching),
        &mut input,
        output.writer(),
        &mut |n| progress.set(n),
    );
    drop(progress);
    if let Err(e) = result {
        return Err(super::stream_error(e, &input, &output)); // `output` is dropped: temp file removed
    }
    output.commit()
}
