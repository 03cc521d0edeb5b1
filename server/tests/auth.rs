//! The issue's auth probes against a real server process on 127.0.0.1: each one is refused with
//! the KMS error JSON shape (`__type` + `message`), and the server will not start in the unsafe
//! configurations (no credentials without the insecure flag, the insecure flag off loopback,
//! secrets on the command line).

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{bin, client, sigv4, start_with_env, Server, TempDir};
use sealkit::block_on;
use sealkit::kms::clock::{amz_date, Clock, SystemClock};
use sealkit::kms::http::native::UreqTransport;
use sealkit::kms::http::sigv4::{sign_request, Credentials};
use sealkit::kms::http::transport::{HttpRequest, HttpResponse, HttpTransport};
use sealkit::kms::KmsAdmin;

const AKID: &str = "AKIDPROBE";
const SECRET: &str = "probe-secret";
const ORIGIN: &str = "http://127.0.0.1:9999";

fn server() -> Server {
    start_with_env(
        &["--cors-origin", ORIGIN],
        &[(
            "SEALKIT_KEY_SERVER_CREDENTIALS",
            &format!("{AKID}:{SECRET}:arn:aws:iam::111122223333:user/probe"),
        )],
    )
}

fn send(req: HttpRequest) -> HttpResponse {
    block_on(UreqTransport::new(Duration::from_secs(10)).send(req)).expect("transport")
}

fn unsigned(url: &str, op: &str, body: &str) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        url: format!("{url}/"),
        headers: vec![
            ("Content-Type".into(), "application/x-amz-json-1.1".into()),
            ("X-Amz-Target".into(), format!("TrentService.{op}")),
        ],
        body: body.as_bytes().to_vec(),
    }
}

fn signed_at(url: &str, op: &str, body: &str, secret: &str, at: u64) -> HttpRequest {
    let mut req = unsigned(url, op, body);
    sign_request(
        &mut req,
        &Credentials::new(AKID, secret),
        "us-east-1",
        "kms",
        &amz_date(at),
    )
    .unwrap();
    req
}

fn now() -> u64 {
    SystemClock.now_secs()
}

/// The response is a KMS error of type `name`.
fn refused(resp: &HttpResponse, name: &str) {
    assert!(resp.status >= 400, "status {}", resp.status);
    let v: serde_json::Value = serde_json::from_slice(&resp.body)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&resp.body)));
    assert_eq!(v["__type"], name, "{v}");
    assert!(v["message"].is_string(), "{v}");
}

fn header<'a>(resp: &'a HttpResponse, name: &str) -> Option<&'a str> {
    resp.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[test]
fn every_auth_probe_is_refused_with_the_kms_error_shape() {
    let s = server();
    let url = &s.url;
    // The control: a correctly signed request passes.
    assert_eq!(
        send(signed_at(url, "ListKeys", "{}", SECRET, now())).status,
        200
    );

    // unsigned
    refused(
        &send(unsigned(url, "ListKeys", "{}")),
        "MissingAuthenticationTokenException",
    );
    // wrong secret
    refused(
        &send(signed_at(url, "ListKeys", "{}", "guess", now())),
        "InvalidSignatureException",
    );
    // unknown access key
    let stranger = client(url, sigv4("AKIDNOBODY", SECRET));
    assert_eq!(
        block_on(stranger.list_keys()).unwrap_err().name,
        "UnrecognizedClientException"
    );
    // tampered body
    let mut tampered = signed_at(url, "CreateKey", "{}", SECRET, now());
    tampered.body = br#"{"Description":"x"}"#.to_vec();
    refused(&send(tampered), "InvalidSignatureException");
    // swapped target (signed over x-amz-target)
    let mut swapped = signed_at(url, "ListKeys", "{}", SECRET, now());
    swapped.set_header("X-Amz-Target", "TrentService.CreateKey");
    refused(&send(swapped), "InvalidSignatureException");
    // unsigned target: signed over host;x-amz-date (and content-type) only, target added after
    let mut req = unsigned(url, "ListKeys", "{}");
    req.headers.retain(|(k, _)| k != "X-Amz-Target");
    sign_request(
        &mut req,
        &Credentials::new(AKID, SECRET),
        "us-east-1",
        "kms",
        &amz_date(now()),
    )
    .unwrap();
    req.set_header("X-Amz-Target", "TrentService.CreateKey");
    refused(&send(req), "IncompleteSignatureException");
    // stale date (10 minutes, 30 days) and a date in the future
    for at in [now() - 600, now() - 30 * 86_400, now() + 600] {
        refused(
            &send(signed_at(url, "ListKeys", "{}", SECRET, at)),
            "InvalidSignatureException",
        );
    }
    // replay outside the window: a request captured 6 minutes ago, sent again now
    refused(
        &send(signed_at(url, "CreateKey", "{}", SECRET, now() - 360)),
        "InvalidSignatureException",
    );
    // unknown session token
    let mut with_token = unsigned(url, "ListKeys", "{}");
    sign_request(
        &mut with_token,
        &Credentials::new(AKID, SECRET).with_session_token("made-up-token"),
        "us-east-1",
        "kms",
        &amz_date(now()),
    )
    .unwrap();
    refused(&send(with_token), "UnrecognizedClientException");
    // CORS: the configured origin gets its own origin back, never `*`; a foreign one is refused
    let preflight = |origin: &str| HttpRequest {
        method: "OPTIONS".into(),
        url: format!("{url}/"),
        headers: vec![
            ("Origin".into(), origin.into()),
            ("Access-Control-Request-Method".into(), "POST".into()),
            (
                "Access-Control-Request-Headers".into(),
                "x-amz-target,authorization".into(),
            ),
        ],
        body: Vec::new(),
    };
    let ok = send(preflight(ORIGIN));
    assert_eq!(ok.status, 204);
    assert_eq!(header(&ok, "access-control-allow-origin"), Some(ORIGIN));
    let foreign = send(preflight("http://evil.example"));
    refused(&foreign, "AccessDeniedException");
    assert_eq!(header(&foreign, "access-control-allow-origin"), None);
    let mut from_page = signed_at(url, "ListKeys", "{}", SECRET, now());
    from_page.set_header("Origin", "http://evil.example");
    refused(&send(from_page), "AccessDeniedException");
    let mut from_allowed = signed_at(url, "ListKeys", "{}", SECRET, now());
    from_allowed.set_header("Origin", ORIGIN);
    let resp = send(from_allowed);
    assert_eq!(resp.status, 200);
    assert_eq!(header(&resp, "access-control-allow-origin"), Some(ORIGIN));
}

#[test]
fn credentials_come_from_a_file_with_sigv4_and_bearer_callers() {
    let dir = TempDir::new("creds");
    let file = dir.path("credentials");
    std::fs::write(
        &file,
        format!(
            "[default]\naws_access_key_id = {AKID}\naws_secret_access_key = {SECRET}\n\n\
             [temp]\naws_access_key_id = ASIATEMP\naws_secret_access_key = t-secret\naws_session_token = the-token\n\n\
             [gw]\nbearer_token = gateway-token\nprincipal_arn = arn:aws:iam::111122223333:role/gw\n"
        ),
    )
    .unwrap();
    let s = start_with_env(&["--credentials-file", file.to_str().unwrap()], &[]);
    assert!(block_on(client(&s.url, sigv4(AKID, SECRET)).list_keys()).is_ok());
    let temp = |token: &str| {
        client(
            &s.url,
            sealkit::kms::http::Auth::SigV4(
                Credentials::new("ASIATEMP", "t-secret").with_session_token(token),
            ),
        )
    };
    assert!(block_on(temp("the-token").list_keys()).is_ok());
    assert_eq!(
        block_on(temp("other-token").list_keys()).unwrap_err().name,
        "UnrecognizedClientException"
    );
    let bearer = |t: &str| {
        client(
            &s.url,
            sealkit::kms::http::Auth::Bearer(t.to_string().into()),
        )
    };
    assert!(block_on(bearer("gateway-token").list_keys()).is_ok());
    assert_eq!(
        block_on(bearer("nope").list_keys()).unwrap_err().name,
        "UnrecognizedClientException"
    );
}

/// Runs the server expecting it to refuse to start; returns its stderr.
fn refuses_to_start(args: &[&str]) -> String {
    let out = Command::new(bin())
        .args(args)
        .env_remove("SEALKIT_KEY_SERVER_CREDENTIALS")
        .env_remove("SEALKIT_KEY_SERVER_BEARER")
        .stdin(Stdio::null())
        .output()
        .expect("run key server");
    assert!(!out.status.success(), "started with {args:?}");
    assert!(out.stdout.is_empty(), "printed a URL with {args:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_server_refuses_unsafe_configurations() {
    let err = refuses_to_start(&[]);
    assert!(err.contains("no credentials configured"), "{err}");
    let err = refuses_to_start(&[
        "--insecure-no-auth",
        "--listen",
        "0.0.0.0:0",
        "--allow-remote",
    ]);
    assert!(err.contains("loopback"), "{err}");
    let err = refuses_to_start(&[
        "--credentials",
        "AKID:SECRET:arn:aws:iam::111122223333:root",
    ]);
    assert!(err.contains("--credentials-file"), "{err}");
    let err = refuses_to_start(&["--bearer", "TOKEN:arn:aws:iam::111122223333:root"]);
    assert!(err.contains("--credentials-file"), "{err}");
    let err = refuses_to_start(&["--insecure-no-auth", "--cors-origin", "*"]);
    assert!(err.contains("--cors-origin"), "{err}");
}
