//! `sealkit-key-server init --data DIR`: a new data directory with a random root key
//! (`DIR/root.key`, 32 bytes) and an admin caller in `DIR/credentials`, an AWS
//! shared-credentials file (profile `[default]`), so that
//! `AWS_SHARED_CREDENTIALS_FILE=DIR/credentials aws kms … --endpoint-url URL` works against
//! `serve --data DIR`. Both files are created 0600 and never overwritten.

use std::fs::{DirBuilder, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

use zeroize::Zeroizing;

use crate::store::sync_dir;

/// The root key file of a data directory.
pub const ROOT_KEY: &str = "root.key";
/// The credentials file of a data directory.
pub const CREDENTIALS: &str = "credentials";
/// The SQLite database of a data directory.
pub const DATABASE: &str = "kms.sqlite3";

fn random(n: usize) -> Result<Zeroizing<Vec<u8>>, String> {
    let mut b = Zeroizing::new(vec![0u8; n]);
    getrandom::getrandom(&mut b).map_err(|e| format!("no randomness: {e}"))?;
    Ok(b)
}

/// Characters drawn uniformly from `alphabet` (rejection sampling: no modulo bias).
fn random_text(n: usize, alphabet: &[u8]) -> Result<Zeroizing<String>, String> {
    let mut out = Zeroizing::new(String::with_capacity(n));
    let limit = 256 - 256 % alphabet.len();
    while out.len() < n {
        for b in random(n)?.iter() {
            if (*b as usize) < limit && out.len() < n {
                out.push(alphabet[*b as usize % alphabet.len()] as char);
            }
        }
    }
    Ok(out)
}

fn write_new(path: &Path, data: &[u8]) -> Result<(), String> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    f.write_all(data)
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Creates the data directory `dir` for callers acting as `principal`.
pub fn init(dir: &Path, principal: &str) -> Result<(), String> {
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for name in [ROOT_KEY, CREDENTIALS, DATABASE] {
        if dir.join(name).exists() {
            return Err(format!(
                "{} already exists: {} is already initialized",
                dir.join(name).display(),
                dir.display()
            ));
        }
    }
    const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const SECRET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let akid = format!("AKIA{}", random_text(16, UPPER)?.as_str());
    let secret = random_text(40, SECRET)?;
    let text = Zeroizing::new(format!(
        "# sealkit-key-server callers (AWS shared-credentials layout)\n\
         [default]\n\
         aws_access_key_id = {akid}\n\
         aws_secret_access_key = {}\n\
         principal_arn = {principal}\n",
        secret.as_str()
    ));
    write_new(&dir.join(ROOT_KEY), &random(32)?)?;
    write_new(&dir.join(CREDENTIALS), text.as_bytes())?;
    sync_dir(&dir.join(ROOT_KEY)).map_err(|e| format!("cannot sync {}: {e}", dir.display()))?;
    println!(
        "sealkit-key-server: initialized {dir}: root key {dir}/{ROOT_KEY}, caller {akid} ({principal}) in {dir}/{CREDENTIALS}\n\
         serve with: sealkit-key-server serve --data {dir}\n\
         call with:  AWS_SHARED_CREDENTIALS_FILE={dir}/{CREDENTIALS} aws kms list-keys --endpoint-url http://HOST:PORT",
        dir = dir.display()
    );
    Ok(())
}
