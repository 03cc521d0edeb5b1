//! `std::io` streaming over the incremental encryptor/decryptor (native only).

use std::io::{Read, Write};
use std::sync::Arc;

use crate::client::Client;
use crate::cmm::CryptoMaterialsManager;
use crate::error::{Error, Result};
use crate::future::block_on;
use crate::message::decrypt::{DecryptOptions, DecryptedMessageInfo};
use crate::message::encrypt::EncryptOptions;
use crate::message::header::MessageHeader;

const CHUNK: usize = 64 * 1024;

/// Encrypts everything from `reader` into `writer`, one chunk at a time.
/// `progress` is called with the number of plaintext bytes read so far.
pub fn encrypt_stream(
    client: &Client,
    cmm: Arc<dyn CryptoMaterialsManager>,
    options: EncryptOptions,
    reader: impl Read,
    writer: impl Write,
    progress: &mut dyn FnMut(u64),
) -> Result<MessageHeader> {
    encrypt_stream_with_length(client, cmm, options, None, reader, writer, progress)
}

/// [`encrypt_stream`] with the plaintext length declared up front when it is known (a file's
/// size): the CMM learns it, so a caching CMM can reuse materials; reading more than declared
/// fails with [`Error::LimitExceeded`].
pub fn encrypt_stream_with_length(
    client: &Client,
    cmm: Arc<dyn CryptoMaterialsManager>,
    options: EncryptOptions,
    plaintext_length: Option<u64>,
    mut reader: impl Read,
    mut writer: impl Write,
    progress: &mut dyn FnMut(u64),
) -> Result<MessageHeader> {
    let mut enc = match plaintext_length {
        Some(n) => block_on(client.encryptor_with_plaintext_length(cmm, options, n))?,
        None => block_on(client.encryptor(cmm, options))?,
    };
    let header = enc.header().clone();
    let mut chunk = vec![0u8; CHUNK];
    let mut out = Vec::with_capacity(CHUNK + 8192);
    let mut total = 0u64;
    loop {
        let n = read_some(&mut reader, &mut chunk)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        enc.update(&chunk[..n], &mut out)?;
        writer.write_all(&out)?;
        out.clear();
        progress(total);
    }
    enc.finish(&mut out)?;
    writer.write_all(&out)?;
    writer.flush()?;
    Ok(header)
}

/// Decrypts everything from `reader` into `writer`. Plaintext reaches `writer` as the
/// options allow (see [`crate::SignedMessages`]); on error the caller must discard what
/// was written. `progress` gets the number of ciphertext bytes read so far.
pub fn decrypt_stream(
    client: &Client,
    cmm: Arc<dyn CryptoMaterialsManager>,
    options: DecryptOptions,
    mut reader: impl Read,
    mut writer: impl Write,
    progress: &mut dyn FnMut(u64),
) -> Result<DecryptedMessageInfo> {
    let mut dec = client.decryptor(cmm, options);
    let mut chunk = vec![0u8; CHUNK];
    let mut out = Vec::with_capacity(CHUNK);
    let mut total = 0u64;
    loop {
        let n = read_some(&mut reader, &mut chunk)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        block_on(dec.update(&chunk[..n], &mut out))?;
        writer.write_all(&out)?;
        out.clear();
        progress(total);
    }
    let info = dec.finish(&mut out)?;
    writer.write_all(&out)?;
    writer.flush()?;
    Ok(info)
}

fn read_some(reader: &mut impl Read, buf: &mut [u8]) -> Result<usize> {
    loop {
        match reader.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::Io(e)),
        }
    }
}
