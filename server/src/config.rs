//! Command-line options. Secrets never come from here (see [`crate::credentials`]): only the
//! names of files that hold them.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::auth::Caller;
use crate::cors::{valid_origin, Cors};
use crate::credentials;
use crate::http::Limits;
use crate::init;
use crate::store::{read_root_key, Backend, StoreConfig};
use zeroize::Zeroizing;

pub const USAGE: &str = "\
sealkit-key-server: the sealkit local KMS over the AWS KMS JSON 1.1 protocol (POST /, X-Amz-Target: TrentService.<Op>)

USAGE: sealkit-key-server init --data DIR [--principal ARN]
       sealkit-key-server [serve] [OPTIONS]
  init writes DIR/root.key (a random root key) and DIR/credentials (an AWS shared-credentials
  file, profile [default], for an admin caller acting as --principal); both 0600, never replaced.
OPTIONS:
  --listen ADDR                 address to bind (default 127.0.0.1:0); the first line on stdout
                                is `sealkit-key-server listening on http://HOST:PORT`
  --allow-remote                allow binding a non-loopback address
  --region REGION               region for requests that do not name one (default us-east-1)
  --credentials-file FILE       callers in AWS shared-credentials layout: per [section]
                                aws_access_key_id + aws_secret_access_key (+ aws_session_token),
                                or bearer_token; principal_arn = the IAM principal (repeatable)
  --principal ARN               principal of callers that name none, and of every request with
                                --insecure-no-auth (default arn:aws:iam::111122223333:root)
  --insecure-no-auth            serve with no authentication at all (loopback addresses only)
  --cors-origin ORIGIN          let browser pages of ORIGIN (http[s]://host[:port]) call the
                                server; other origins are refused (repeatable)
  --data DIR                    serve the data directory made by init: the SQLite database
                                DIR/kms.sqlite3, under DIR/root.key, callers of DIR/credentials
  --state FILE                  the SQLite database to serve (needs --root-key-file); an old
                                whole-state file there is moved into a database at start
  --database URL                serve from PostgreSQL (postgres://USER@HOST/DB or key=value
                                pairs; needs --root-key-file); any number of server processes
                                can share one database
  --root-key-file FILE          32 raw bytes: the key material is sealed under at rest
  --audit-retention-days N      prune audit rows older than N days (default: keep all)
  --busy-timeout-ms N           how long a write waits for another process's write lock before
                                it fails with KMSInternalException (default 30000)
  --max-connections N           open connections at most (default 512; more wait in the backlog)
  --request-timeout SECS        headers, and then the body, must arrive within SECS (default 10)
  -h, --help                    this help
Only POST runs operations; GET /health answers {\"status\":\"ok\"} (503 when the store is unusable).
Bodies over 128 KiB are refused (413). SIGTERM finishes in-flight requests, then exits.
Environment: SEALKIT_KEY_SERVER_CREDENTIALS=\"AKID:SECRET:PRINCIPAL_ARN ...\" and
SEALKIT_KEY_SERVER_BEARER=\"TOKEN:PRINCIPAL_ARN ...\" add callers. With no caller configured the
server refuses to start unless --insecure-no-auth is given on a loopback address.
SigV4 requests must sign host, x-amz-date and x-amz-target, and be dated within 5 minutes.";

/// What the server runs with.
pub struct Config {
    pub addr: SocketAddr,
    pub region: String,
    pub callers: Vec<Caller>,
    /// `Some(principal)` in the explicit insecure mode: every request acts as it.
    pub open_principal: Option<String>,
    pub cors: Cors,
    pub store: Option<StoreConfig>,
    pub limits: Limits,
}

/// Parses `args` (without the program name); `Ok(None)` after printing `--help`.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Config>, String> {
    let mut args = args.into_iter();
    let mut listen = "127.0.0.1:0".to_string();
    let mut allow_remote = false;
    let mut insecure = false;
    let mut region = "us-east-1".to_string();
    let mut principal = "arn:aws:iam::111122223333:root".to_string();
    let mut credential_files: Vec<PathBuf> = Vec::new();
    let mut origins = Vec::new();
    let (mut state_file, mut root_key_file, mut data_dir) = (None, None, None::<PathBuf>);
    let mut retention_days: Option<u64> = None;
    let mut database: Option<Zeroizing<String>> = None;
    let mut busy_timeout = std::time::Duration::from_secs(30);
    let mut limits = Limits::default();
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--listen" => listen = value("--listen")?,
            "--allow-remote" => allow_remote = true,
            "--insecure-no-auth" => insecure = true,
            "--region" => region = value("--region")?,
            "--principal" => principal = value("--principal")?,
            "--credentials-file" => credential_files.push(value("--credentials-file")?.into()),
            "--cors-origin" => {
                let o = value("--cors-origin")?;
                if !valid_origin(&o) {
                    return Err(format!(
                        "--cors-origin {o}: expected http[s]://host[:port] (no path, no *)"
                    ));
                }
                origins.push(o);
            }
            "--credentials" | "--bearer" => {
                return Err(format!(
                    "{a} is no longer accepted: command-line arguments are visible to every local user; \
                     use --credentials-file FILE or the {} / {} environment variables",
                    credentials::CREDENTIALS_VAR,
                    credentials::BEARER_VAR
                ))
            }
            "--max-connections" => {
                limits.max_connections = value("--max-connections")?
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or("--max-connections must be a positive number")?
            }
            "--request-timeout" => {
                let secs: u64 = value("--request-timeout")?
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or("--request-timeout must be a positive number of seconds")?;
                limits.header_timeout = std::time::Duration::from_secs(secs);
                limits.body_timeout = std::time::Duration::from_secs(secs);
            }
            "--database" => database = Some(Zeroizing::new(value("--database")?)),
            "--data" => data_dir = Some(PathBuf::from(value("--data")?)),
            "--audit-retention-days" => {
                retention_days = Some(
                    value("--audit-retention-days")?
                        .parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or("--audit-retention-days must be a positive number of days")?,
                )
            }
            "--busy-timeout-ms" => {
                busy_timeout = std::time::Duration::from_millis(
                    value("--busy-timeout-ms")?
                        .parse()
                        .map_err(|_| "--busy-timeout-ms must be a number of milliseconds")?,
                )
            }
            "--state" => state_file = Some(PathBuf::from(value("--state")?)),
            "--root-key-file" => root_key_file = Some(PathBuf::from(value("--root-key-file")?)),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown option {other} (see --help)")),
        }
    }
    let addr: SocketAddr = listen
        .parse()
        .map_err(|_| format!("--listen {listen} is not an address"))?;
    if !addr.ip().is_loopback() && !allow_remote {
        return Err(format!(
            "refusing to listen on non-loopback {addr} without --allow-remote"
        ));
    }
    if let Some(d) = &data_dir {
        if state_file.is_some() || root_key_file.is_some() {
            return Err("--data cannot be combined with --state or --root-key-file".into());
        }
        state_file = Some(d.join(init::DATABASE));
        root_key_file = Some(d.join(init::ROOT_KEY));
        credential_files.push(d.join(init::CREDENTIALS));
    }
    let mut callers = Vec::new();
    for f in &credential_files {
        callers.extend(credentials::read_file(f, &principal)?);
    }
    callers.extend(credentials::from_env()?);
    let open_principal = match (callers.is_empty(), insecure) {
        (false, false) => None,
        (false, true) => {
            return Err("--insecure-no-auth cannot be combined with configured credentials".into())
        }
        (true, false) => {
            return Err(format!(
                "no credentials configured: give --credentials-file FILE or set {}, \
                 or --insecure-no-auth (loopback only) to serve without authentication",
                credentials::CREDENTIALS_VAR
            ))
        }
        (true, true) if !addr.ip().is_loopback() => {
            return Err(format!(
                "--insecure-no-auth is only allowed on a loopback address, not {addr}"
            ))
        }
        (true, true) => Some(principal),
    };
    let audit_retention_secs = retention_days.map(|d| d.saturating_mul(86_400));
    let backend = match (state_file, database) {
        (Some(_), Some(_)) => {
            return Err("--database cannot be combined with --state or --data".into())
        }
        (Some(path), None) => Some(Backend::Sqlite(path)),
        (None, Some(url)) => Some(Backend::Postgres(url)),
        (None, None) => None,
    };
    let store = match (backend, root_key_file) {
        (Some(backend), Some(k)) => Some(StoreConfig {
            backend,
            root_key: read_root_key(&k)?,
            audit_retention_secs,
            busy_timeout,
        }),
        (None, None) => None,
        _ => return Err("--state (or --database) and --root-key-file go together".into()),
    };
    Ok(Some(Config {
        addr,
        region,
        callers,
        open_principal,
        cors: Cors::new(origins),
        store,
        limits,
    }))
}

/// Parses `init` arguments: `--data DIR [--principal ARN]`.
pub fn parse_init(args: impl IntoIterator<Item = String>) -> Result<(PathBuf, String), String> {
    let mut args = args.into_iter();
    let (mut dir, mut principal) = (None, "arn:aws:iam::111122223333:root".to_string());
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--data" => dir = Some(PathBuf::from(value("--data")?)),
            "--principal" => principal = value("--principal")?,
            other => return Err(format!("init: unknown option {other} (see --help)")),
        }
    }
    Ok((dir.ok_or("init needs --data DIR")?, principal))
}
