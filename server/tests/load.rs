//! A short run of the load generator of BENCHMARKS.md (`sealkit-key-server-load`) against a
//! real server process made by `init --data`: real SigV4 requests over keep-alive connections
//! at 1, 8 and 64 connections, 0 errors, and a report with every field the benchmark table
//! reads. The long run (1 M requests) is `scripts/bench-key-server.sh load`.

mod common;

use std::process::Command;

use common::{bin, Server, TempDir};

fn load_bin() -> &'static str {
    env!("CARGO_BIN_EXE_sealkit-key-server-load")
}

/// `serve --data DIR`, its per-request log lines dropped (2,000 of them would bury the test
/// output); stopped by PID when dropped.
fn serve(data: &str) -> Server {
    common::start_quiet(&["serve", "--data", data])
}

fn init(dir: &TempDir) -> String {
    let data = dir.path("data").to_string_lossy().into_owned();
    let out = Command::new(bin())
        .args(["init", "--data", &data])
        .output()
        .expect("run init");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    data
}

#[test]
fn two_thousand_signed_requests_at_1_8_and_64_connections_without_an_error() {
    let dir = TempDir::new("load-smoke");
    let data = init(&dir);
    let server = serve(&data);
    let pid = server.child.id().to_string();
    let creds = format!("{data}/credentials");
    let out = Command::new(load_bin())
        .args(["--url", &server.url, "--credentials-file", &creds])
        .args([
            "--pid",
            &pid,
            "--requests",
            "2000",
            "--concurrency",
            "1,8,64",
        ])
        .output()
        .expect("run the load generator");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["mode"], "mix");
    assert_eq!(report["total_requests"], 2000);
    assert_eq!(report["total_errors"], 0, "{stderr}");
    let levels = report["levels"].as_array().expect("levels");
    let connections: Vec<u64> = levels
        .iter()
        .map(|l| l["connections"].as_u64().unwrap())
        .collect();
    assert_eq!(connections, [1, 8, 64]);
    let mut so_far = 0;
    for l in levels {
        let n = l["requests"].as_u64().unwrap();
        so_far += n;
        assert_eq!(l["requests_so_far"], so_far);
        assert_eq!(l["errors"], 0);
        for f in ["seconds", "req_per_s", "p50_ms", "p99_ms", "max_ms"] {
            assert!(l[f].as_f64().is_some_and(|x| x > 0.0), "{f} in {l}");
        }
        let (p50, p99, max) = (
            l["p50_ms"].as_f64(),
            l["p99_ms"].as_f64(),
            l["max_ms"].as_f64(),
        );
        assert!(p50 <= p99 && p99 <= max, "{l}");
        let mem = &l["memory"][0];
        assert_eq!(
            mem["pid"].as_u64().map(|p| p.to_string()),
            Some(pid.clone())
        );
        assert!(mem["rss_kb"].as_u64().is_some_and(|kb| kb > 0), "{l}");
        assert!(mem["hwm_kb"].as_u64() >= mem["rss_kb"].as_u64(), "{l}");
    }
    assert_eq!(so_far, 2000);
    // The server audited every request: 2,000 of the mix plus the setup's CreateKey and 64
    // GenerateDataKey calls, all successful.
    let db = rusqlite::Connection::open(format!("{data}/kms.sqlite3")).unwrap();
    let audited: i64 = db
        .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert_eq!(audited, 2000 + 1 + 64);
}

#[test]
fn refused_requests_are_reported_as_errors() {
    let dir = TempDir::new("load-refused");
    let data = init(&dir);
    let server = serve(&data);
    // The right access key with a wrong secret: every request is refused by the server.
    let text = std::fs::read_to_string(format!("{data}/credentials")).unwrap();
    let wrong: String = text
        .lines()
        .map(|l| match l.split_once('=') {
            Some((k, _)) if k.trim() == "aws_secret_access_key" => {
                "aws_secret_access_key = not-the-secret".to_string()
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let creds = dir.path("wrong-credentials");
    std::fs::write(&creds, wrong).unwrap();
    let out = Command::new(load_bin())
        .args(["--url", &server.url, "--credentials-file"])
        .arg(&creds)
        .args(["--requests", "30", "--concurrency", "1"])
        .output()
        .expect("run the load generator");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("400: InvalidSignatureException"),
        "{stderr}"
    );
}
