//! The KMS JSON responses: a response (status, optional `x-amzn-ErrorType`, body) from the input,
//! handed to every operation of the HTTP KMS client through a transport that returns it. Any
//! response is a typed result or a named `KmsError`, never a panic.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use sealkit::kms::clock::ManualClock;
use sealkit::kms::future::BoxFuture;
use sealkit::kms::http::{
    Auth, Credentials, HttpKmsClient, HttpKmsConfig, HttpRequest, HttpResponse, HttpTransport,
    NoSleep, TransportError,
};
use sealkit::kms::{block_on, KeyIdRequest, KmsAdmin, KmsProvider};

struct Canned(HttpResponse);

impl HttpTransport for Canned {
    fn send(&self, _req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let resp = HttpResponse {
            status: self.0.status,
            headers: self.0.headers.clone(),
            body: self.0.body.clone(),
        };
        Box::pin(async move { Ok(resp) })
    }
}

/// Input: byte 0 picks the status (even: 200, else one of the error statuses), byte 1 the
/// operation, bytes 2.. the body; a body starting with `T:name\n` also sends that error type.
fn response(data: &[u8]) -> Option<(u8, HttpResponse)> {
    let (&status, rest) = data.split_first()?;
    let (&op, mut body) = rest.split_first()?;
    let mut headers = vec![(
        "Content-Type".to_string(),
        "application/x-amz-json-1.1".to_string(),
    )];
    if let Some(tail) = body.strip_prefix(b"T:") {
        let end = tail.iter().position(|&b| b == b'\n').unwrap_or(tail.len());
        let name = String::from_utf8_lossy(&tail[..end]).into_owned();
        headers.push(("x-amzn-ErrorType".to_string(), name));
        body = tail.get(end + 1..).unwrap_or(&[]);
    }
    let status = match status % 8 {
        0 | 1 | 2 => 200,
        3 => 400,
        4 => 404,
        5 => 429,
        6 => 500,
        _ => u16::from(status) + 100,
    };
    Some((
        op,
        HttpResponse {
            status,
            headers,
            body: body.to_vec(),
        },
    ))
}

fuzz_target!(|data: &[u8]| {
    let Some((op, resp)) = response(data) else {
        return;
    };
    let mut config = HttpKmsConfig::new(
        "http://127.0.0.1:1/",
        "us-east-1",
        Auth::SigV4(Credentials::new("AKIDEXAMPLE", "secret")),
    );
    config.max_attempts = 1;
    let client = HttpKmsClient::new(
        config,
        Arc::new(Canned(resp)),
        Arc::new(ManualClock::new(1_767_323_045)),
    )
    .with_sleeper(Arc::new(NoSleep));
    let key = "arn:aws:kms:us-east-1:111122223333:key/k";
    // Every response type of the provider and admin interfaces; the error path is the same
    // code for all, so one operation per input is enough there.
    match op % 12 {
        0 => drop(block_on(client.generate_data_key(Default::default()))),
        1 => drop(block_on(
            client.generate_data_key_without_plaintext(Default::default()),
        )),
        2 => drop(block_on(client.encrypt(Default::default()))),
        3 => drop(block_on(client.decrypt(Default::default()))),
        4 => drop(block_on(client.re_encrypt(Default::default()))),
        5 => drop(block_on(client.get_public_key(KeyIdRequest::new(key)))),
        6 => drop(block_on(client.describe_key(KeyIdRequest::new(key)))),
        7 => drop(block_on(client.list_aliases(Default::default()))),
        8 => drop(block_on(client.replicate_key(Default::default()))),
        9 => drop(block_on(client.delete_alias(Default::default()))),
        10 => drop(block_on(client.create_key(Default::default()))),
        _ => drop(block_on(client.list_keys())),
    }
});
