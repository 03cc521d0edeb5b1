//! Command-line definitions (clap) and the order-sensitive pairing of `--rsa-padding`
//! with the RSA key option before it.

use std::path::PathBuf;

use clap::{ArgMatches, Args, Parser, Subcommand};
use sealkit::AlgorithmSuite;

use crate::error::CliError;

const ABOUT: &str = "Encrypt, decrypt and inspect AWS Encryption SDK messages (byte-compatible with the official SDKs).";

const LONG_ABOUT: &str = "\
Encrypt, decrypt and inspect AWS Encryption SDK messages.

sealkit reads and writes the AWS Encryption SDK message format (v1 and v2), so its messages
decrypt with the official SDKs (Python, Java, JavaScript, .NET, CLI) and vice versa, when the
same raw AES / raw RSA wrapping keys (same namespace and key name) are used.

  sealkit encrypt --input PATH|- --output PATH|- KEY-OPTIONS... [--context KEY=VALUE]...
                  [--suite HEX] [--frame-length N] [--commitment-policy POLICY]
  sealkit decrypt --input PATH|- --output PATH|- KEY-OPTIONS... [--context KEY=VALUE]...
                  [--commitment-policy POLICY]
  sealkit encrypt|decrypt --input A --output A.out --input B --output B.out ... [--cache-max-age
                  SECONDS [--cache-max-messages N]]   (a batch; see DATA KEY CACHING)
  sealkit inspect --input PATH|-
  sealkit item encrypt|decrypt --config CONFIG.json --input ITEMS.jsonl|- --output OUT.jsonl|-
                  KEY-OPTIONS...   (DynamoDB items; see 'sealkit item --help')

  --context KEY=VALUE  encrypt: stored in the header and authenticated; decrypt: the message must
                       carry KEY with exactly VALUE (stored, or as a required unstored pair)
  --suite HEX          0x0578 or 0578 style; default 0x0578 (0x0378 under forbid-allow)
  --frame-length N     plaintext bytes per frame, default 4096; 0 = legacy non-framed
  'sealkit <COMMAND> --help' describes each option.";

const AFTER_HELP: &str = "\
KEY OPTIONS (repeatable; at least one is required for encrypt and decrypt):
  --aes-key NS:NAME:KEYFILE
      Raw AES wrapping key. KEYFILE holds exactly 16, 24 or 32 raw key bytes (no text encoding).
  --rsa-public-key NS:NAME:PEMFILE
      Raw RSA public key, PEM (SPKI or PKCS#1). Encrypt only.
  --rsa-private-key NS:NAME:PEMFILE
      Raw RSA private key, PEM (PKCS#8 or PKCS#1). Decrypt only.
  --rsa-padding P
      Padding of the RSA key option given just before it; required after every RSA key option
      (no default, so a mismatch with the encrypting side cannot happen silently).
      P: pkcs1, oaep-sha1, oaep-sha256, oaep-sha384, oaep-sha512.
  NS is the key namespace (provider id) and NAME the key name; both must equal the values the
  other side used. The value is split at its first two colons, so the file path may contain colons.
  --kms-key ARN
      AWS KMS key (symmetric ENCRYPT_DECRYPT key; multi-Region aware: an mrk- key ARN also matches
      its replicas in other regions). ARN is a key ARN (or, on encrypt, an alias ARN).
      On decrypt, the special value 'discovery' decrypts with whatever KMS key each encrypted data
      key names (MRK discovery in the client's region; the credentials must be allowed to use it).
  --kms-rsa-public-key ARN:PEMFILE
      AWS KMS RSA key (key spec RSA_2048..4096, usage ENCRYPT_DECRYPT). Encrypt: offline with the
      PEM public key (SPKI, as GetPublicKey returns it) - no KMS call, no network, no credentials.
      Decrypt: through KMS with the key ARN (ARN alone is enough; a :PEMFILE part is not read).
      An ARN has exactly six ':'-separated fields, so the value is split after the sixth field and
      the file path may contain colons. Only non-signing suites: use --suite 0x0478 (messages) or
      \"algorithmSuiteId\": \"0x6700\" (items).
  --kms-rsa-algorithm RSAES_OAEP_SHA_256|RSAES_OAEP_SHA_1
      Encryption algorithm of every --kms-rsa-public-key (default RSAES_OAEP_SHA_256).
  Several key options form a multi-keyring: the first one given (of any kind) is the generator
  (it makes the data key), every key wraps the data key, and on decrypt any one of them can
  unwrap it.

AWS KMS SETTINGS (used only when a --kms-key is given, or --kms-rsa-public-key on decrypt):
  credentials  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optional AWS_SESSION_TOKEN (environment)
  --region R   else AWS_REGION, else AWS_DEFAULT_REGION, else the region of the first key ARN
  --kms-endpoint URL
               else AWS_ENDPOINT_URL_KMS, else AWS_ENDPOINT_URL, else https://kms.REGION.amazonaws.com/
  One client (one region, one endpoint) serves every KMS key option of a command.

COMMITMENT POLICIES (--commitment-policy):
  require-require  (default) encrypt and decrypt only key-committing suites (0x0478, 0x0578)
  require-allow    encrypt with committing suites; decrypt any suite
  forbid-allow     encrypt only with the legacy non-committing suites; decrypt any suite

OUTPUT AND ATOMICITY:
  --output PATH is written to a temporary file in the same directory (mode 0600), renamed over
  PATH only after the whole operation succeeded, and deleted on any failure: no partial or
  unauthenticated output is ever left behind (an existing PATH is untouched on failure). On
  Linux the temporary file is unnamed (O_TMPFILE) until then, so even a killed process leaves
  nothing; elsewhere, or where the filesystem lacks O_TMPFILE, it is a named .sealkit-*.tmp. The
  output may not be the input file. '-' means stdin / stdout. A progress bar is drawn on stderr
  for inputs over 8 MiB when stderr is a terminal; otherwise nothing but errors goes to stderr.

BATCHES AND DATA KEY CACHING:
  encrypt and decrypt take several --input, each paired in order with its --output, and process
  them one after another; the first failure stops the batch (outputs already written stay, the
  failing one is not written). Without caching every file costs one key-service call (KMS
  GenerateDataKey or Decrypt). --cache-max-age SECONDS reuses data keys across the files of the
  batch for up to SECONDS (ESDK caching CMM): encrypt uses one data key for up to
  --cache-max-messages N files (default 2^32) with the same context and suite; decrypt unwraps
  each distinct data key once. The trade-off: one key protects many files and stays in memory
  for the run, so keep N small (hundreds to thousands). Suites 0x0014/0x0046/0x0078 (no key
  derivation) and input from a pipe (length unknown) are never cached.

LIMITS (decrypt refuses a message as soon as its header breaks one, before any key is used):
  --max-encrypted-data-keys N   default 10 (ERR_TOO_MANY_EDKS); encrypt has no limit unless given
  --max-header-size BYTES       default 1048576 = 1 MiB (ERR_HEADER_TOO_LARGE); also for inspect

DECRYPT RELEASE AND SIGNED MESSAGES (suites 0x0214, 0x0346, 0x0378, 0x0578):
  decrypt releases no plaintext before the whole message - every frame and, for signed suites,
  the footer signature - has been verified. With --output PATH frames are decrypted into the
  temporary file, which appears at PATH only after verification. With --output - the plaintext
  is staged in an unlinked temporary file (in $TMPDIR) and copied to stdout only after
  verification. Memory use stays bounded either way.

EXIT STATUS:
  0  success
  1  the operation failed (authentication, wrong key, context mismatch, malformed or truncated
     message, commitment policy, I/O)
  2  usage error (bad option or value, unreadable or invalid key file)
  Errors are one line on stderr: 'sealkit: error: CODE: message', e.g.
  'sealkit: error: ERR_HEADER_AUTH: header authentication failed ...'.";

/// The sealkit command line.
#[derive(Debug, Parser)]
#[command(name = "sealkit", version, about = ABOUT, long_about = LONG_ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Encrypt a file or stdin into an ESDK message.
    #[command(after_help = AFTER_HELP)]
    Encrypt(EncryptArgs),
    /// Decrypt an ESDK message, checking its encryption context.
    #[command(after_help = AFTER_HELP)]
    Decrypt(DecryptArgs),
    /// Print a message header as JSON (no keys needed; nothing is authenticated).
    #[command(
        long_about = "Print a message header as JSON: version, suite (\"0x0578\") and suite_id, message_id \
(hex), encryption_context, encrypted_data_keys [{provider_id, provider_info (hex)}], content_type \
(\"framed\" | \"non-framed\") and frame_length. Needs no keys and authenticates nothing: the header \
is only parsed. Only the header is read from the input.",
        after_help = "EXIT STATUS: 0 success; 1 the input is not a parseable message header; 2 usage error."
    )]
    Inspect(InspectArgs),
    /// Encrypt or decrypt DynamoDB items (DB-ESDK item format), one DynamoDB-JSON item per line.
    #[command(subcommand_required = true, arg_required_else_help = false,
              long_about = ITEM_LONG_ABOUT, after_help = ITEM_AFTER_HELP)]
    Item(ItemArgs),
}

const ITEM_LONG_ABOUT: &str = "\
Encrypt or decrypt DynamoDB items in the AWS Database Encryption SDK item format (aws_dbe_head /
aws_dbe_foot; byte-compatible with the official DB-ESDK), one DynamoDB-JSON item per line.

  sealkit item encrypt --config CONFIG.json --input ITEMS.jsonl|- --output OUT.jsonl|- KEY-OPTIONS...
  sealkit item decrypt --config CONFIG.json --input ITEMS.jsonl|- --output OUT.jsonl|- KEY-OPTIONS...";

const ITEM_AFTER_HELP: &str = "\
CONFIG.json (the DB-ESDK / JavaScript names; unknown fields are an error):
  {
    \"tableName\": \"my-table\",              logical table name (required; bound into every item)
    \"partitionKey\": \"pk\",                 partition key attribute (required)
    \"sortKey\": \"sk\",                      sort key attribute (optional)
    \"attributeActions\": {                 action per attribute:
      \"pk\": \"SIGN_ONLY\",                    ENCRYPT_AND_SIGN, SIGN_ONLY,
      \"ssn\": \"ENCRYPT_AND_SIGN\",            SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT, DO_NOTHING
      \":note\": \"DO_NOTHING\"
    },
    \"defaultAction\": \"SIGN_ONLY\",         action of attributes not listed (optional; without
                                         it an unlisted attribute is an error naming it)
    \"allowedUnsignedAttributes\": [\"x\"],   attributes left unsigned (DO_NOTHING)
    \"allowedUnsignedAttributePrefix\": \":\", names with this prefix are unsigned
    \"algorithmSuiteId\": \"0x6701\"          0x6701 (default, ECDSA P-384 signed) or 0x6700;
                                         a number (26369) or a hex string
  }
  Keys are SIGN_ONLY (or all SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT); DO_NOTHING attributes must
  be allowed unsigned. Decrypt needs the same configuration the items were encrypted with.

INPUT AND OUTPUT:
  One DynamoDB-JSON item per line ({\"pk\": {\"S\": \"a\"}, \"n\": {\"N\": \"1\"}, \"b\": {\"B\": \"<base64>\"},
  BOOL, NULL, L, M, SS, NS, BS}); blank lines are skipped. The output has one item per line, in
  input order: encrypted attributes become B values, plus aws_dbe_head and aws_dbe_foot.
  Errors name the line number and the attribute ('line 3: attribute 'ssn': ...').
  The output is written atomically: if any line fails, no output file is left (and nothing is
  written to stdout for '-'). '-' means stdin / stdout.

  Key options, AWS KMS settings and exit statuses are those of 'sealkit encrypt --help'.
  --kms-rsa-public-key needs \"algorithmSuiteId\": \"0x6700\" (the KMS RSA keyring does not sign).";

/// `sealkit item`.
#[derive(Debug, Args)]
pub struct ItemArgs {
    /// encrypt or decrypt.
    #[command(subcommand)]
    pub op: ItemOp,
}

/// `sealkit item encrypt|decrypt`.
#[derive(Debug, Subcommand)]
pub enum ItemOp {
    /// Encrypt and sign items.
    #[command(long_about = ITEM_LONG_ABOUT, after_help = ITEM_AFTER_HELP)]
    Encrypt(ItemOpArgs),
    /// Verify and decrypt items.
    #[command(long_about = ITEM_LONG_ABOUT, after_help = ITEM_AFTER_HELP)]
    Decrypt(ItemOpArgs),
}

/// Options of `sealkit item encrypt|decrypt`.
#[derive(Debug, Args)]
pub struct ItemOpArgs {
    /// Item encryption configuration (JSON; see CONFIG.json below).
    #[arg(long, value_name = "CONFIG.json")]
    pub config: PathBuf,
    #[command(flatten)]
    pub io: Io,
    #[command(flatten)]
    pub keys: KeyArgs,
}

/// The files of encrypt and decrypt: one input and output, or several paired in order (a batch).
#[derive(Debug, Args)]
pub struct BatchIo {
    /// Input file, or '-' for stdin. Repeatable with as many --output (see BATCHES).
    #[arg(long, value_name = "PATH|-", required = true)]
    pub input: Vec<PathBuf>,
    /// Output file, or '-' for stdout, paired with the --input in the same position. Written
    /// atomically (see OUTPUT AND ATOMICITY).
    #[arg(long, value_name = "PATH|-", required = true)]
    pub output: Vec<PathBuf>,
    /// Reuse data keys across the files of the batch for up to SECONDS (see DATA KEY CACHING).
    #[arg(long = "cache-max-age", value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub cache_max_age: Option<u64>,
    /// With --cache-max-age: at most N files per data key (default 2^32).
    #[arg(long = "cache-max-messages", value_name = "N", requires = "cache_max_age",
          value_parser = clap::value_parser!(u64).range(1..=(1u64 << 32)))]
    pub cache_max_messages: Option<u64>,
}

impl BatchIo {
    /// The (input, output) pairs, after checking there are as many of each and that no two
    /// outputs are the same path and stdin / stdout appear at most once.
    pub fn pairs(&self) -> Result<Vec<(&PathBuf, &PathBuf)>, CliError> {
        if self.input.len() != self.output.len() {
            return Err(CliError::invalid(format!(
                "{} --input but {} --output: each input needs its own output, in the same order",
                self.input.len(),
                self.output.len()
            )));
        }
        let dash = |v: &[PathBuf]| v.iter().filter(|p| p.as_os_str() == "-").count();
        if dash(&self.input) > 1 || dash(&self.output) > 1 {
            return Err(CliError::invalid(
                "'-' (stdin / stdout) may appear only once in a batch".into(),
            ));
        }
        for (i, a) in self.output.iter().enumerate() {
            if a.as_os_str() != "-" && self.output[..i].contains(a) {
                return Err(CliError::invalid(format!(
                    "--output {} is given twice in the batch",
                    a.display()
                )));
            }
        }
        Ok(self.input.iter().zip(self.output.iter()).collect())
    }
}

/// Input and output of item encryption.
#[derive(Debug, Args)]
pub struct Io {
    /// Input file, or '-' for stdin.
    #[arg(long, value_name = "PATH|-")]
    pub input: PathBuf,
    /// Output file, or '-' for stdout. Written atomically (see OUTPUT AND ATOMICITY).
    #[arg(long, value_name = "PATH|-")]
    pub output: PathBuf,
}

/// Wrapping key options; their order matters (generator first; --rsa-padding binds backwards),
/// so the typed values here are re-read with their positions by [`key_options`].
#[derive(Debug, Args)]
pub struct KeyArgs {
    /// Raw AES wrapping key: namespace, key name, file with 16/24/32 raw bytes. Repeatable.
    #[arg(long = "aes-key", value_name = "NS:NAME:KEYFILE")]
    pub aes_key: Vec<String>,
    /// Raw RSA public key PEM file (encrypt). Must be followed by --rsa-padding. Repeatable.
    #[arg(long = "rsa-public-key", value_name = "NS:NAME:PEMFILE")]
    pub rsa_public_key: Vec<String>,
    /// Raw RSA private key PEM file (decrypt). Must be followed by --rsa-padding. Repeatable.
    #[arg(long = "rsa-private-key", value_name = "NS:NAME:PEMFILE")]
    pub rsa_private_key: Vec<String>,
    /// Padding of the RSA key option right before it.
    #[arg(long = "rsa-padding", value_name = "P",
          value_parser = ["pkcs1", "oaep-sha1", "oaep-sha256", "oaep-sha384", "oaep-sha512"])]
    pub rsa_padding: Vec<String>,
    /// AWS KMS key ARN (MRK-aware). On decrypt also 'discovery'. Repeatable.
    #[arg(long = "kms-key", value_name = "ARN")]
    pub kms_key: Vec<String>,
    /// AWS KMS RSA key: encrypt offline with the PEM public key; decrypt through KMS. Repeatable.
    #[arg(long = "kms-rsa-public-key", value_name = "ARN:PEMFILE")]
    pub kms_rsa_public_key: Vec<String>,
    /// Encryption algorithm of the --kms-rsa-public-key keys.
    #[arg(long = "kms-rsa-algorithm", value_name = "ALG", default_value = "RSAES_OAEP_SHA_256",
          value_parser = ["RSAES_OAEP_SHA_256", "RSAES_OAEP_SHA_1"])]
    pub kms_rsa_algorithm: String,
    /// AWS KMS endpoint URL (default: AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, or the region's).
    #[arg(long = "kms-endpoint", value_name = "URL")]
    pub kms_endpoint: Option<String>,
    /// AWS region of the KMS client (default: AWS_REGION, AWS_DEFAULT_REGION, or the first key ARN's).
    #[arg(long = "region", value_name = "R")]
    pub region: Option<String>,
}

/// `sealkit encrypt`.
#[derive(Debug, Args)]
pub struct EncryptArgs {
    #[command(flatten)]
    pub io: BatchIo,
    #[command(flatten)]
    pub keys: KeyArgs,
    /// Encryption context pair, stored in the header and authenticated. Repeatable.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_pair)]
    pub context: Vec<(String, String)>,
    /// Algorithm suite id in hex (0x0578 or 0578). Default: 0x0578, or 0x0378 under forbid-allow.
    /// Known: 0x0014 0x0046 0x0078 0x0114 0x0146 0x0178 0x0214 0x0346 0x0378 0x0478 0x0578.
    #[arg(long, value_name = "HEX", value_parser = parse_suite)]
    pub suite: Option<AlgorithmSuite>,
    /// Plaintext bytes per frame; 0 writes a legacy non-framed message (held in memory).
    #[arg(long, value_name = "N", default_value_t = sealkit::DEFAULT_FRAME_LENGTH)]
    pub frame_length: u32,
    /// Refuse to write more than N encrypted data keys (1..65535; no limit by default).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub max_encrypted_data_keys: Option<u16>,
    /// Commitment policy (see COMMITMENT POLICIES).
    #[arg(long, value_name = "POLICY", default_value = "require-require",
          value_parser = ["require-require", "require-allow", "forbid-allow"])]
    pub commitment_policy: String,
}

/// `sealkit decrypt`.
#[derive(Debug, Args)]
pub struct DecryptArgs {
    #[command(flatten)]
    pub io: BatchIo,
    #[command(flatten)]
    pub keys: KeyArgs,
    /// Required encryption context pair: the message must carry KEY with exactly VALUE (stored in
    /// its header, or authenticated as a required unstored pair), or decryption fails. Repeatable.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_pair)]
    pub context: Vec<(String, String)>,
    /// Commitment policy (see COMMITMENT POLICIES); non-committing messages need require-allow.
    #[arg(long, value_name = "POLICY", default_value = "require-require",
          value_parser = ["require-require", "require-allow", "forbid-allow"])]
    pub commitment_policy: String,
    /// Refuse messages with more than N encrypted data keys (1..65535; see LIMITS).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_DECRYPT_MAX_EDKS,
          value_parser = clap::value_parser!(u16).range(1..))]
    pub max_encrypted_data_keys: u16,
    /// Refuse messages whose header is longer than BYTES (see LIMITS).
    #[arg(long, value_name = "BYTES", default_value_t = sealkit::DEFAULT_MAX_HEADER_LEN)]
    pub max_header_size: usize,
}

/// `sealkit inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Message file, or '-' for stdin.
    #[arg(long, value_name = "PATH|-")]
    pub input: PathBuf,
    /// Refuse headers longer than BYTES (see LIMITS in 'sealkit --help').
    #[arg(long, value_name = "BYTES", default_value_t = sealkit::DEFAULT_MAX_HEADER_LEN)]
    pub max_header_size: usize,
}

/// Default of `decrypt --max-encrypted-data-keys`: each encrypted data key may cost the keyring
/// an RSA decryption or a KMS call before the header is authenticated, so a hostile message with
/// 65,535 of them would take minutes; messages have one EDK per wrapping key, rarely more than a
/// few.
pub const DEFAULT_DECRYPT_MAX_EDKS: u16 = 10;

fn parse_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err("expected KEY=VALUE with a non-empty KEY".into()),
    }
}

/// Accepts `0x0578`, `0X0578` and `0578`.
fn parse_suite(s: &str) -> Result<AlgorithmSuite, String> {
    let hex = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    let known = || {
        AlgorithmSuite::ALL
            .iter()
            .map(|s| format!("0x{:04x}", s.id()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let id = u16::from_str_radix(hex, 16)
        .ok()
        .filter(|_| !hex.is_empty() && hex.len() <= 4)
        .ok_or_else(|| format!("not a hex suite id (known suites: {})", known()))?;
    AlgorithmSuite::from_id(id).map_err(|_| {
        format!(
            "unknown algorithm suite 0x{id:04x} (known suites: {})",
            known()
        )
    })
}

/// Which kind of wrapping key an option names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// `--aes-key`
    Aes,
    /// `--rsa-public-key`
    RsaPublic,
    /// `--rsa-private-key`
    RsaPrivate,
    /// `--kms-key`
    Kms,
    /// `--kms-rsa-public-key`
    KmsRsa,
}

impl KeyKind {
    /// The option's name, for error messages.
    pub fn flag(self) -> &'static str {
        match self {
            KeyKind::Aes => "--aes-key",
            KeyKind::RsaPublic => "--rsa-public-key",
            KeyKind::RsaPrivate => "--rsa-private-key",
            KeyKind::Kms => "--kms-key",
            KeyKind::KmsRsa => "--kms-rsa-public-key",
        }
    }

    /// Whether `--rsa-padding` applies to it (the raw RSA key options).
    pub fn takes_padding(self) -> bool {
        matches!(self, KeyKind::RsaPublic | KeyKind::RsaPrivate)
    }
}

/// One key option, in command-line order.
#[derive(Clone, Debug)]
pub struct KeyOption {
    pub kind: KeyKind,
    /// Raw keys: the namespace; KMS keys: empty.
    pub namespace: String,
    /// Raw keys: the key name; KMS keys: the key ARN (or `discovery`).
    pub name: String,
    /// The key file (empty for `--kms-key`, and for `--kms-rsa-public-key ARN` without a file).
    pub file: PathBuf,
    /// RSA only: the `--rsa-padding` that followed it.
    pub padding: Option<String>,
    /// The option as typed, to name it in errors.
    pub label: String,
}

/// Reads the key options of a subcommand in command-line order and binds each
/// `--rsa-padding` to the key option right before it.
pub fn key_options(matches: &ArgMatches) -> Result<Vec<KeyOption>, CliError> {
    // (position on the command line, what)
    enum Item {
        Key(KeyKind, String),
        Padding(String),
    }
    let mut items: Vec<(usize, Item)> = Vec::new();
    for (id, kind) in [
        ("aes_key", KeyKind::Aes),
        ("rsa_public_key", KeyKind::RsaPublic),
        ("rsa_private_key", KeyKind::RsaPrivate),
        ("kms_key", KeyKind::Kms),
        ("kms_rsa_public_key", KeyKind::KmsRsa),
    ] {
        if let (Some(idx), Some(vals)) = (matches.indices_of(id), matches.get_many::<String>(id)) {
            items.extend(idx.zip(vals).map(|(i, v)| (i, Item::Key(kind, v.clone()))));
        }
    }
    if let (Some(idx), Some(vals)) = (
        matches.indices_of("rsa_padding"),
        matches.get_many::<String>("rsa_padding"),
    ) {
        items.extend(idx.zip(vals).map(|(i, v)| (i, Item::Padding(v.clone()))));
    }
    items.sort_by_key(|(i, _)| *i);

    let mut keys: Vec<KeyOption> = Vec::new();
    for (_, item) in items {
        match item {
            Item::Key(kind, value) => keys.push(parse_key_option(kind, &value)?),
            Item::Padding(p) => match keys.last_mut() {
                Some(k) if k.kind.takes_padding() && k.padding.is_none() => k.padding = Some(p),
                Some(k) if k.kind.takes_padding() => {
                    return Err(CliError::usage(format!("--rsa-padding {p}: {} already has a padding", k.label)))
                }
                Some(k) => {
                    return Err(CliError::usage(format!(
                        "--rsa-padding {p} follows {}, not an RSA key option; put it right after the RSA key it applies to",
                        k.label
                    )))
                }
                None => {
                    return Err(CliError::usage(format!(
                        "--rsa-padding {p} has no RSA key option before it; it applies to the key option right before it"
                    )))
                }
            },
        }
    }
    if let Some(k) = keys
        .iter()
        .find(|k| k.kind.takes_padding() && k.padding.is_none())
    {
        return Err(CliError::usage(format!(
            "{} needs a padding: follow it with --rsa-padding pkcs1|oaep-sha1|oaep-sha256|oaep-sha384|oaep-sha512",
            k.label
        )));
    }
    Ok(keys)
}

/// Splits `NS:NAME:FILE` at the first two colons (the path may contain more); KMS options
/// are split by [`parse_kms_option`].
fn parse_key_option(kind: KeyKind, value: &str) -> Result<KeyOption, CliError> {
    let label = format!("{} {value}", kind.flag());
    if matches!(kind, KeyKind::Kms | KeyKind::KmsRsa) {
        return parse_kms_option(kind, value, label);
    }
    let mut parts = value.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(ns), Some(name), Some(file))
            if !ns.is_empty() && !name.is_empty() && !file.is_empty() =>
        {
            Ok(KeyOption {
                kind,
                namespace: ns.to_owned(),
                name: name.to_owned(),
                file: PathBuf::from(file),
                padding: None,
                label,
            })
        }
        _ => Err(CliError::usage(format!(
            "{label}: expected NAMESPACE:NAME:FILE with all three parts non-empty"
        ))),
    }
}

/// `--kms-key ARN` (or `discovery`) and `--kms-rsa-public-key ARN[:PEMFILE]`. A KMS ARN has
/// exactly six `:`-separated fields (`arn:PARTITION:kms:REGION:ACCOUNT:key/ID`), so the file
/// path is whatever follows the sixth field (it may contain colons).
fn parse_kms_option(kind: KeyKind, value: &str, label: String) -> Result<KeyOption, CliError> {
    let option = |arn: &str, file: &str| KeyOption {
        kind,
        namespace: String::new(),
        name: arn.to_owned(),
        file: PathBuf::from(file),
        padding: None,
        label: label.clone(),
    };
    if kind == KeyKind::Kms {
        if value.is_empty() {
            return Err(CliError::usage(format!(
                "{label}: expected a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID) or 'discovery'"
            )));
        }
        return Ok(option(value, ""));
    }
    let fields: Vec<&str> = value.splitn(7, ':').collect();
    if fields.len() < 6 || fields[0] != "arn" || fields[..6].iter().any(|f| f.is_empty()) {
        return Err(CliError::usage(format!(
            "{label}: expected ARN:PEMFILE with a full key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID, \
             six ':'-separated fields) followed by ':' and the PEM file"
        )));
    }
    let arn_len = fields[..6].iter().map(|f| f.len()).sum::<usize>() + 5;
    let arn = &value[..arn_len];
    let file = fields.get(6).copied().unwrap_or("");
    Ok(option(arn, file))
}

/// The typed `--kms-*` settings of a command.
#[derive(Clone, Debug, Default)]
pub struct KmsSettings {
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub rsa_algorithm: String,
}

impl KeyArgs {
    /// The KMS client settings given on the command line.
    pub fn kms_settings(&self) -> KmsSettings {
        KmsSettings {
            endpoint: self.kms_endpoint.clone(),
            region: self.region.clone(),
            rsa_algorithm: self.kms_rsa_algorithm.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches};

    fn keys_of(args: &[&str]) -> Result<Vec<KeyOption>, CliError> {
        let m = Cli::command()
            .try_get_matches_from(args)
            .map_err(|e| CliError::usage(e.to_string()))?;
        let (_, sub) = m
            .subcommand()
            .ok_or_else(|| CliError::usage("no subcommand".into()))?;
        Cli::from_arg_matches(&m).map_err(|e| CliError::usage(e.to_string()))?;
        key_options(sub)
    }

    #[test]
    fn padding_binds_to_previous_key() {
        let k = keys_of(&[
            "sealkit",
            "encrypt",
            "--input",
            "a",
            "--output",
            "b",
            "--rsa-public-key",
            "ns:one:/x:y.pem",
            "--rsa-padding",
            "pkcs1",
            "--aes-key",
            "ns:aes:k",
            "--rsa-public-key",
            "ns:two:p.pem",
            "--rsa-padding=oaep-sha512",
        ])
        .unwrap();
        assert_eq!(k.len(), 3);
        assert_eq!(
            (k[0].name.as_str(), k[0].padding.as_deref()),
            ("one", Some("pkcs1"))
        );
        assert_eq!(k[0].file, PathBuf::from("/x:y.pem"));
        assert_eq!(k[1].kind, KeyKind::Aes);
        assert_eq!(
            (k[2].name.as_str(), k[2].padding.as_deref()),
            ("two", Some("oaep-sha512"))
        );
    }

    #[test]
    fn padding_errors() {
        let base = ["sealkit", "decrypt", "--input", "a", "--output", "b"];
        let with = |extra: &[&str]| keys_of(&[&base[..], extra].concat()).map(|_| ());
        assert!(with(&["--rsa-padding", "pkcs1", "--rsa-private-key", "n:k:f"]).is_err());
        assert!(with(&["--rsa-private-key", "n:k:f"]).is_err());
        assert!(with(&["--aes-key", "n:k:f", "--rsa-padding", "pkcs1"]).is_err());
        assert!(with(&[
            "--rsa-private-key",
            "n:k:f",
            "--rsa-padding",
            "pkcs1",
            "--rsa-padding",
            "pkcs1"
        ])
        .is_err());
        assert!(with(&["--aes-key", "n::f"]).is_err());
        assert!(with(&["--aes-key", "n:k"]).is_err());
    }

    #[test]
    fn kms_options_split_after_the_arn() {
        let arn = "arn:aws:kms:us-east-1:111122223333:key/1234";
        let rsa = format!("{arn}:/tmp/a:b.pem");
        let k = keys_of(&[
            "sealkit",
            "encrypt",
            "--input",
            "a",
            "--output",
            "b",
            "--aes-key",
            "ns:k:f",
            "--kms-rsa-public-key",
            &rsa,
            "--kms-key",
            arn,
        ])
        .unwrap();
        assert_eq!(k.len(), 3);
        assert_eq!((k[1].kind, k[1].name.as_str()), (KeyKind::KmsRsa, arn));
        assert_eq!(k[1].file, PathBuf::from("/tmp/a:b.pem"));
        assert_eq!((k[2].kind, k[2].name.as_str()), (KeyKind::Kms, arn));
        // ARN alone (decrypt), a short ARN, --rsa-padding after a KMS key.
        let dec = ["sealkit", "decrypt", "--input", "a", "--output", "b"];
        let k = keys_of(&[&dec[..], &["--kms-rsa-public-key", arn]].concat()).unwrap();
        assert_eq!(
            (k[0].name.as_str(), k[0].file.as_os_str()),
            (arn, "".as_ref())
        );
        assert!(
            keys_of(&[&dec[..], &["--kms-rsa-public-key", "arn:aws:kms:x.pem"]].concat()).is_err()
        );
        assert!(
            keys_of(&[&dec[..], &["--kms-key", arn, "--rsa-padding", "pkcs1"]].concat()).is_err()
        );
    }

    #[test]
    fn suites_parse() {
        assert_eq!(parse_suite("0x0578").unwrap().id(), 0x0578);
        assert_eq!(parse_suite("0014").unwrap().id(), 0x0014);
        assert!(parse_suite("0x9999").is_err());
        assert!(parse_suite("").is_err());
        assert!(parse_suite("0x10578").is_err());
    }
}
