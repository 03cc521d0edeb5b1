//! Grants enforced in authorization, paging and input limits of the local KMS, through the same
//! JSON dispatch the key server uses.

use sealkit_kms::local::{dispatch::dispatch_json, LocalKms};
use serde_json::{json, Value};

fn call(c: &sealkit_kms::local::LocalKmsClient, op: &str, body: Value) -> Result<Value, String> {
    dispatch_json(c, op, body.to_string().as_bytes())
        .map(|b| serde_json::from_slice(&b).unwrap())
        .map_err(|e| e.name)
}

#[test]
fn a_grant_allows_its_grantee_only_what_it_names() {
    let (kms, _) = LocalKms::with_manual_clock(1_700_000_000);
    let admin = kms
        .client("us-east-1", "arn:aws:iam::111122223333:user/admin")
        .unwrap();
    let bob_arn = "arn:aws:iam::444455556666:user/bob";
    let bob = kms.client("us-east-1", bob_arn).unwrap();
    let key = call(&admin, "CreateKey", json!({})).unwrap()["KeyMetadata"]["Arn"]
        .as_str()
        .unwrap()
        .to_string();
    let enc = |ctx: Value| {
        call(
            &bob,
            "Encrypt",
            json!({"KeyId": key, "Plaintext": "aGk=", "EncryptionContext": ctx}),
        )
    };
    assert_eq!(enc(json!({"a": "1"})).unwrap_err(), "AccessDeniedException");
    let g = call(
        &admin,
        "CreateGrant",
        json!({"KeyId": key, "GranteePrincipal": bob_arn,
        "Operations": ["Encrypt"], "Constraints": {"EncryptionContextSubset": {"a": "1"}}}),
    )
    .unwrap();
    assert!(enc(json!({"a": "1", "b": "2"})).is_ok());
    assert_eq!(enc(json!({"a": "2"})).unwrap_err(), "AccessDeniedException");
    let gdk = json!({"KeyId": key, "KeySpec": "AES_256", "EncryptionContext": {"a": "1"}});
    assert_eq!(
        call(&bob, "GenerateDataKey", gdk).unwrap_err(),
        "AccessDeniedException"
    );
    // An explicit Deny in the key policy wins over the grant.
    let deny = json!({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Deny", "Principal": {"AWS": bob_arn}, "Action": "kms:Encrypt", "Resource": "*"}]});
    call(
        &admin,
        "PutKeyPolicy",
        json!({"KeyId": key, "Policy": deny.to_string()}),
    )
    .unwrap();
    assert_eq!(enc(json!({"a": "1"})).unwrap_err(), "AccessDeniedException");
    call(
        &admin,
        "RevokeGrant",
        json!({"KeyId": key, "GrantId": g["GrantId"]}),
    )
    .unwrap();
    let left = call(&admin, "ListGrants", json!({"KeyId": key})).unwrap();
    assert_eq!(left["Grants"], json!([]));
}

#[test]
fn list_keys_pages_cover_every_key_once() {
    let (kms, _) = LocalKms::with_manual_clock(1_700_000_000);
    let c = kms
        .client("us-east-1", "arn:aws:iam::111122223333:user/admin")
        .unwrap();
    let mut made: Vec<String> = (0..7)
        .map(|_| {
            call(&c, "CreateKey", json!({})).unwrap()["KeyMetadata"]["Arn"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    made.sort();
    let (mut seen, mut marker, mut pages) = (Vec::new(), None::<String>, 0);
    loop {
        let mut body = json!({"Limit": 3});
        if let Some(m) = &marker {
            body["Marker"] = json!(m);
        }
        let page = call(&c, "ListKeys", body).unwrap();
        pages += 1;
        for k in page["Keys"].as_array().unwrap() {
            seen.push(k["KeyArn"].as_str().unwrap().to_string());
        }
        if page["Truncated"] != json!(true) {
            break;
        }
        marker = Some(page["NextMarker"].as_str().unwrap().to_string());
    }
    assert_eq!((seen, pages), (made, 3));
    for limit in [0, 1001] {
        assert_eq!(
            call(&c, "ListKeys", json!({"Limit": limit})).unwrap_err(),
            "ValidationException"
        );
    }
}

#[test]
fn oversized_inputs_are_validation_errors_without_an_echo() {
    let (kms, _) = LocalKms::with_manual_clock(1_700_000_000);
    let c = kms
        .client("us-east-1", "arn:aws:iam::111122223333:user/admin")
        .unwrap();
    let big = "Q".repeat(1_000_000);
    for (op, body) in [
        ("DescribeKey", json!({"KeyId": big})),
        ("CreateKey", json!({"Description": big})),
        (
            "CreateKey",
            json!({"Tags": [{"TagKey": big, "TagValue": ""}]}),
        ),
        ("GenerateRandom", json!({"NumberOfBytes": 1025})),
    ] {
        let e = dispatch_json(&c, op, body.to_string().as_bytes()).unwrap_err();
        assert_eq!(e.name, "ValidationException", "{op}");
        assert!(
            !e.message.contains("QQQQ") && e.message.len() < 200,
            "{op}: {}",
            e.message
        );
    }
}
