//! The HTTP client against a scripted in-memory transport: request shape, auth modes, error
//! mapping and retries.

use sealkit_kms::clock::ManualClock;
use sealkit_kms::http::*;
use sealkit_kms::*;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Scripted {
    replies: Mutex<VecDeque<Result<HttpResponse, TransportError>>>,
    seen: Mutex<Vec<HttpRequest>>,
}

impl Scripted {
    fn new(replies: Vec<Result<HttpResponse, TransportError>>) -> Arc<Self> {
        Arc::new(Scripted {
            replies: Mutex::new(replies.into()),
            seen: Mutex::default(),
        })
    }
}

impl HttpTransport for Scripted {
    fn send(&self, req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.seen.lock().unwrap().push(req);
        let r = self.replies.lock().unwrap().pop_front().unwrap_or_else(|| {
            Err(TransportError {
                message: "no scripted reply".into(),
                timeout: false,
            })
        });
        Box::pin(async move { r })
    }
}

fn ok(status: u16, body: &str) -> Result<HttpResponse, TransportError> {
    Ok(HttpResponse {
        status,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: body.as_bytes().to_vec(),
    })
}

#[derive(Default)]
struct CountingSleep(Mutex<Vec<u64>>);
impl Sleeper for CountingSleep {
    fn sleep(&self, millis: u64) -> BoxFuture<'_, ()> {
        self.0.lock().unwrap().push(millis);
        Box::pin(async {})
    }
}

fn client(t: Arc<Scripted>, auth: Auth) -> (HttpKmsClient, Arc<CountingSleep>) {
    let sleeps = Arc::new(CountingSleep::default());
    let c = HttpKmsClient::new(
        HttpKmsConfig::new("https://kms.us-east-1.amazonaws.com/", "us-east-1", auth),
        t,
        Arc::new(ManualClock::new(1_767_323_045)),
    )
    .with_sleeper(sleeps.clone());
    (c, sleeps)
}

fn sigv4() -> Auth {
    Auth::SigV4(Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    ))
}

#[test]
fn encrypt_request_shape_and_response() {
    let t = Scripted::new(vec![ok(
        200,
        r#"{"KeyId":"arn:aws:kms:us-east-1:1:key/k","CiphertextBlob":"AQID"}"#,
    )]);
    let (c, _) = client(t.clone(), sigv4());
    let r = block_on(c.encrypt(EncryptRequest {
        key_id: "alias/test".into(),
        plaintext: b"hello".to_vec().into(),
        encryption_context: [("purpose".to_string(), "test".to_string())].into(),
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(r.ciphertext_blob, vec![1, 2, 3]);
    assert_eq!(r.encryption_algorithm, None);
    let seen = t.seen.lock().unwrap();
    let req = &seen[0];
    assert_eq!(req.method, "POST");
    assert_eq!(req.header("X-Amz-Target"), Some("TrentService.Encrypt"));
    assert_eq!(
        req.header("Content-Type"),
        Some("application/x-amz-json-1.1")
    );
    assert_eq!(req.header("X-Amz-Date"), Some("20260102T030405Z"));
    // Same body and time as the SigV4 vector "encrypt-real-endpoint" (tests/vectors/sigv4), hence the same signature.
    assert_eq!(
        std::str::from_utf8(&req.body).unwrap(),
        r#"{"KeyId":"alias/test","Plaintext":"aGVsbG8=","EncryptionContext":{"purpose":"test"}}"#
    );
    assert!(req
        .header("Authorization")
        .unwrap()
        .ends_with("Signature=cf4a7c273bc657e6eaa58c9c6439f18f5702d183795fd6436d1a639109c2fadb"));
}

#[test]
fn bearer_mode_sends_no_sigv4() {
    let t = Scripted::new(vec![ok(200, r#"{"KeyMetadata":{"KeyId":"k","Arn":"a"}}"#)]);
    let (c, _) = client(t.clone(), Auth::Bearer("tok123".to_string().into()));
    let md = block_on(c.describe_key(KeyIdRequest::new("k")))
        .unwrap()
        .key_metadata;
    assert_eq!(md.arn, "a");
    let req = &t.seen.lock().unwrap()[0];
    assert_eq!(req.header("Authorization"), Some("Bearer tok123"));
    assert_eq!(req.header("X-Amz-Date"), None);
    assert!(!format!("{:?}", c).contains("tok123"));
}

#[test]
fn errors_are_mapped_and_not_retried() {
    let t = Scripted::new(vec![ok(
        400,
        r#"{"__type":"com.amazonaws.kms#NotFoundException","message":"Key 'x' does not exist"}"#,
    )]);
    let (c, sleeps) = client(t.clone(), sigv4());
    let e = block_on(c.decrypt(DecryptRequest {
        ciphertext_blob: vec![1],
        ..Default::default()
    }))
    .unwrap_err();
    assert_eq!((e.name.as_str(), e.status), (names::NOT_FOUND, Some(400)));
    assert!(e.message.contains("does not exist"));
    assert_eq!(t.seen.lock().unwrap().len(), 1);
    assert!(sleeps.0.lock().unwrap().is_empty());
}

#[test]
fn throttling_and_5xx_are_retried_with_backoff() {
    let t = Scripted::new(vec![
        ok(
            400,
            r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
        ),
        ok(500, "<html>oops</html>"),
        ok(
            200,
            r#"{"KeyId":"k","Plaintext":"AAEC","CiphertextBlob":"AQ=="}"#,
        ),
    ]);
    let (c, sleeps) = client(t.clone(), sigv4());
    let r = block_on(c.generate_data_key(GenerateDataKeyRequest {
        key_id: "k".into(),
        number_of_bytes: Some(3),
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(r.plaintext.as_slice(), &[0, 1, 2]);
    assert_eq!(*sleeps.0.lock().unwrap(), vec![100, 200]);

    // Attempts are bounded: the last error comes back.
    let t = Scripted::new(vec![
        Err(TransportError {
            message: "connection refused".into(),
            timeout: false,
        }),
        ok(503, ""),
        ok(400, r#"{"__type":"ThrottlingException"}"#),
        ok(200, "{}"),
    ]);
    let (c, sleeps) = client(t.clone(), sigv4());
    let e = block_on(c.enable_key(KeyIdRequest::new("k"))).unwrap_err();
    assert_eq!(e.name, names::THROTTLING);
    assert_eq!(t.seen.lock().unwrap().len(), 3);
    assert_eq!(sleeps.0.lock().unwrap().len(), 2);
}

#[test]
fn unit_operations_accept_empty_bodies() {
    let t = Scripted::new(vec![ok(200, ""), ok(200, "{}")]);
    let (c, _) = client(t.clone(), sigv4());
    block_on(c.create_alias(AliasRequest {
        alias_name: "alias/a".into(),
        target_key_id: "k".into(),
    }))
    .unwrap();
    block_on(c.disable_key(KeyIdRequest::new("k"))).unwrap();
    assert_eq!(t.seen.lock().unwrap()[1].body, br#"{"KeyId":"k"}"#);
}

#[test]
fn list_keys_follows_markers_and_stops_a_server_whose_pages_do_not_end() {
    let page = |marker: &str| {
        ok(
            200,
            &format!(
                r#"{{"Keys":[{{"KeyId":"k{marker}","KeyArn":"arn:aws:kms:us-east-1:1:key/k{marker}"}}],"Truncated":true,"NextMarker":"{marker}"}}"#
            ),
        )
    };
    let last = ok(
        200,
        r#"{"Keys":[{"KeyId":"z","KeyArn":"arn:aws:kms:us-east-1:1:key/z"}],"Truncated":false}"#,
    );
    // Three pages, each marker passed back: every key once.
    let t = Scripted::new(vec![page("a"), page("b"), last]);
    let (c, _) = client(t.clone(), sigv4());
    let all = block_on(c.list_keys()).unwrap();
    assert_eq!(all.keys.len(), 3);
    assert_eq!(t.seen.lock().unwrap().len(), 3);
    // The same marker again (the fuzz finding: an endless, growing loop before).
    let t = Scripted::new(vec![page("m"), page("m"), page("m")]);
    let (c, _) = client(t.clone(), sigv4());
    let e = block_on(c.list_keys()).unwrap_err();
    assert!(e.is("InvalidMarkerException"), "{e:?}");
    assert_eq!(t.seen.lock().unwrap().len(), 2);
    // New markers forever: stopped after the page bound.
    let t = Scripted::new((0..1500).map(|i| page(&i.to_string())).collect());
    let (c, _) = client(t.clone(), sigv4());
    let e = block_on(c.list_keys()).unwrap_err();
    assert!(e.is("LimitExceededException"), "{e:?}");
    assert_eq!(t.seen.lock().unwrap().len(), 1000);
}
