//! The boto3 suite (server/tests/boto3_suite.py) against the real key server binary: every
//! operation with boto3 as the client, the KMS error codes, and the cryptography cross-checked
//! with Python's `cryptography`. It needs the repo venv (`bash scripts/setup-python.sh`) and
//! fails, never skips, without it.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn boto3_suite_passes_every_check() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = repo.join(".deps/venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `bash scripts/setup-python.sh`",
        python.display()
    );
    let out = Command::new(&python)
        .arg(repo.join("server/tests/boto3_suite.py"))
        .arg("--server")
        .arg(env!("CARGO_BIN_EXE_sealkit-key-server"))
        .output()
        .expect("run the boto3 suite");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "boto3 suite failed:\n{stdout}\n{stderr}"
    );
    // The summary line must be there with a count: a suite that ran nothing does not pass.
    let summary = stdout
        .lines()
        .find(|l| l.starts_with("boto3 suite: "))
        .expect("summary line");
    let passed: u32 = summary
        .trim_start_matches("boto3 suite: ")
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a count of checks");
    assert!(passed >= 200, "{summary}");
    assert!(summary.ends_with(" 0 failed"), "{summary}");
}
