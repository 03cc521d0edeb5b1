//! The SigV4 signer against every case in `tests/vectors/sigv4` (generated with botocore).

use sealkit_kms::http::{sign_request, Credentials, HttpRequest};
use serde_json::Value;

fn vector_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/sigv4")
}

#[test]
fn every_sigv4_vector_matches_byte_for_byte() {
    let mut cases = 0;
    let mut files: Vec<_> = std::fs::read_dir(vector_dir())
        .expect("tests/vectors/sigv4 must exist")
        .flatten()
        .collect();
    files.sort_by_key(|e| e.path());
    for file in files {
        if file.path().extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let doc: Value = serde_json::from_slice(&std::fs::read(file.path()).unwrap()).unwrap();
        for case in doc.as_array().expect("a list of cases") {
            let name = case["name"].as_str().unwrap();
            let i = &case["inputs"];
            let s = |k: &str| i[k].as_str().unwrap().to_string();
            let mut creds = Credentials::new(s("access_key_id"), s("secret_access_key"));
            creds.session_token = i["session_token"].as_str().map(str::to_string);
            let mut req = HttpRequest {
                method: s("method"),
                url: s("url"),
                headers: i["headers_before_signing"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                    .collect(),
                body: s("body").into_bytes(),
            };
            let out =
                sign_request(&mut req, &creds, &s("region"), &s("service"), &s("time")).unwrap();
            assert_eq!(
                out.canonical_request,
                case["canonical_request"].as_str().unwrap(),
                "{name}: canonical request"
            );
            assert_eq!(
                out.string_to_sign,
                case["string_to_sign"].as_str().unwrap(),
                "{name}: string to sign"
            );
            assert_eq!(
                out.signature,
                case["signature"].as_str().unwrap(),
                "{name}: signature"
            );
            for (k, v) in case["headers_sent"].as_object().unwrap() {
                assert_eq!(req.header(k), v.as_str(), "{name}: header {k}");
            }
            assert_eq!(
                req.headers.len(),
                case["headers_sent"].as_object().unwrap().len(),
                "{name}: header count"
            );
            cases += 1;
        }
    }
    assert!(
        cases >= 3,
        "expected the vendored SigV4 vectors, found {cases}"
    );
}
