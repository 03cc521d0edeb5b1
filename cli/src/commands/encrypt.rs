//! `sealkit encrypt`: streams the input through the encryptor (one frame in memory at a time).

use clap::ArgMatches;
use sealkit::message::io::encrypt_stream;
use sealkit::{keyring_cmm, Client, EncryptOptions, Framing};

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
    check_distinct(&args.io.input, &args.io.output)?;
    let framing = match args.frame_length {
        0 => Framing::NonFramed,
        n => Framing::Framed(n),
    };
    let options = EncryptOptions {
        encryption_context,
        suite: args.suite,
        framing,
    };

    let mut input = Input::open(&args.io.input)?;
    let mut output = Output::create(&args.io.output, false)?;
    let progress = Progress::new(input.size, "encrypting");
    let result = encrypt_stream(
        &client,
        keyring_cmm(keyring),
        options,
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
