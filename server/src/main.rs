//! `sealkit-key-server`: the embedded local KMS served over HTTP with the AWS KMS JSON 1.1
//! protocol, so AWS SDKs, the AWS CLI and sealkit's HTTP provider can use it like AWS KMS.

mod auth;
mod service;
mod state_file;
mod test_clock;

use std::net::SocketAddr;
use std::path::PathBuf;

use sealkit_kms::KmsError;
use zeroize::Zeroizing;

use auth::Caller;
use service::Service;
use state_file::StateFile;

const USAGE: &str = "\
sealkit-key-server: the sealkit local KMS over the AWS KMS JSON 1.1 protocol (POST /, X-Amz-Target: TrentService.<Op>)

USAGE: sealkit-key-server [OPTIONS]
  --listen ADDR                 address to bind (default 127.0.0.1:0; prints the bound URL on stdout)
  --allow-remote                allow binding a non-loopback address
  --region REGION               region for requests that do not name one (default us-east-1)
  --principal ARN               caller identity when no credentials are configured
                                (default arn:aws:iam::111122223333:root)
  --credentials AKID:SECRET:PRINCIPAL_ARN   require SigV4 with this access key (repeatable)
  --bearer TOKEN:PRINCIPAL_ARN  accept `Authorization: Bearer TOKEN` (repeatable)
  --state FILE                  persist the whole KMS state here, encrypted (needs --root-key-file)
  --root-key-file FILE          32 raw bytes: the key the state file is encrypted under
  -h, --help                    this help
With --credentials/--bearer, unsigned or wrongly signed requests are refused; without them every
request acts as --principal, in the region of its SigV4 credential scope.";

struct Config {
    listen: String,
    allow_remote: bool,
    region: String,
    principal: String,
    callers: Vec<Caller>,
    state: Option<StateFile>,
}

fn parse_args() -> Result<Config, String> {
    let mut args = std::env::args().skip(1);
    let mut c = Config {
        listen: "127.0.0.1:0".into(),
        allow_remote: false,
        region: "us-east-1".into(),
        principal: "arn:aws:iam::111122223333:root".into(),
        callers: Vec::new(),
        state: None,
    };
    let (mut state_file, mut root_key_file) = (None, None);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--listen" => c.listen = value("--listen")?,
            "--allow-remote" => c.allow_remote = true,
            "--region" => c.region = value("--region")?,
            "--principal" => c.principal = value("--principal")?,
            "--credentials" => {
                let v = value("--credentials")?;
                let mut parts = v.splitn(3, ':');
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(akid), Some(secret), Some(principal))
                        if !akid.is_empty() && !secret.is_empty() =>
                    {
                        c.callers.push(Caller::SigV4 {
                            access_key_id: akid.into(),
                            secret: secret.into(),
                            principal: principal.into(),
                        })
                    }
                    _ => return Err("--credentials must be AKID:SECRET:PRINCIPAL_ARN".into()),
                }
            }
            "--bearer" => {
                let v = value("--bearer")?;
                let (token, principal) = v
                    .split_once(':')
                    .ok_or("--bearer must be TOKEN:PRINCIPAL_ARN")?;
                c.callers.push(Caller::Bearer {
                    token: token.into(),
                    principal: principal.into(),
                });
            }
            "--state" => state_file = Some(PathBuf::from(value("--state")?)),
            "--root-key-file" => root_key_file = Some(PathBuf::from(value("--root-key-file")?)),
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown option {other} (see --help)")),
        }
    }
    match (state_file, root_key_file) {
        (Some(s), Some(k)) => {
            let bytes = Zeroizing::new(
                std::fs::read(&k).map_err(|e| format!("cannot read {}: {e}", k.display()))?,
            );
            let key: [u8; 32] = bytes
                .as_slice()
                .try_into()
                .map_err(|_| "--root-key-file must hold exactly 32 bytes".to_string())?;
            c.state = Some(StateFile::new(s, Zeroizing::new(key)));
        }
        (None, None) => {}
        _ => return Err("--state and --root-key-file go together".into()),
    }
    Ok(c)
}

fn cors_headers(preflight: bool) -> Vec<tiny_http::Header> {
    let mut pairs = vec![("Access-Control-Allow-Origin", "*")];
    if preflight {
        pairs.push(("Access-Control-Allow-Methods", "POST, OPTIONS"));
        pairs.push((
            "Access-Control-Allow-Headers",
            "authorization, content-type, x-amz-target, x-amz-date, x-amz-security-token, x-amz-content-sha256, x-amz-user-agent",
        ));
        pairs.push(("Access-Control-Max-Age", "600"));
    }
    pairs
        .into_iter()
        .filter_map(|(k, v)| tiny_http::Header::from_bytes(k, v).ok())
        .collect()
}

fn error_body(e: &KmsError) -> Vec<u8> {
    serde_json::json!({ "__type": e.name, "message": e.message })
        .to_string()
        .into_bytes()
}

fn main() {
    let config = match parse_args() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sealkit-key-server: error: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(config) {
        eprintln!("sealkit-key-server: error: {e}");
        std::process::exit(1);
    }
}

fn run(mut config: Config) -> Result<(), String> {
    let addr: SocketAddr = config
        .listen
        .parse()
        .map_err(|_| format!("--listen {} is not an address", config.listen))?;
    if !addr.ip().is_loopback() && !config.allow_remote {
        return Err(format!(
            "refusing to listen on non-loopback {addr} without --allow-remote"
        ));
    }
    let clock = test_clock::kms_clock()?;
    let kms = match &config.state {
        Some(f) => f.load(clock)?,
        None => sealkit_kms::local::LocalKms::new(clock),
    };
    let service = Service::new(kms, config.state.take());
    let server =
        tiny_http::Server::http(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = server.server_addr().to_ip().ok_or("not an IP listener")?;
    println!("sealkit-key-server listening on http://{bound}");
    for mut request in server.incoming_requests() {
        // Browsers call from another origin (a page using the sealkit npm package with fetch):
        // answer CORS preflights and allow any origin; authentication is SigV4/bearer anyway.
        if *request.method() == tiny_http::Method::Options {
            let mut response = tiny_http::Response::empty(204);
            for h in cors_headers(true) {
                response = response.with_header(h);
            }
            let _ = request.respond(response);
            continue;
        }
        let headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .map(|h| (h.field.to_string(), h.value.to_string()))
            .collect();
        let mut body = Vec::new();
        let read = std::io::Read::read_to_end(request.as_reader(), &mut body);
        let target = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("x-amz-target"))
            .and_then(|(_, v)| v.strip_prefix("TrentService."))
            .map(str::to_string);
        let result = match (read, target) {
            (Err(e), _) => Err(KmsError::new(
                "SerializationException",
                format!("cannot read body: {e}"),
            )),
            (_, None) => Err(KmsError::new(
                "UnknownOperationException",
                "missing X-Amz-Target: TrentService.<Op>",
            )),
            (Ok(_), Some(op)) => auth::authenticate(
                &headers,
                &body,
                &config.callers,
                &config.principal,
                &config.region,
            )
            .and_then(|id| service.call(&id, &op, &body)),
        };
        let (status, body) = match result {
            Ok(b) => (200, b),
            Err(e) => (400, error_body(&e)),
        };
        let content_type =
            tiny_http::Header::from_bytes("Content-Type", "application/x-amz-json-1.1")
                .map_err(|_| "bad header".to_string())?;
        let mut response = tiny_http::Response::from_data(body)
            .with_status_code(status)
            .with_header(content_type);
        for h in cors_headers(false) {
            response = response.with_header(h);
        }
        // A client that hung up is not the server's problem.
        let _ = request.respond(response);
    }
    Ok(())
}
