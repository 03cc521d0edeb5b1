//! The HTTP front end against a real server process on 127.0.0.1 with raw sockets: a stalled
//! client does not hold up others, oversized bodies are refused without being read, 64
//! keep-alive connections are all served, only POST runs operations, `/health` checks the
//! store, SIGTERM lets an in-flight request finish, and an over-long KeyId is not echoed.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::{client, sigv4, start, state_args, Server, TempDir};
use sealkit::block_on;
use sealkit::kms::KmsAdmin;

fn connect(s: &Server) -> TcpStream {
    let c = TcpStream::connect(s.addr()).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    c
}

/// Reads one HTTP/1.1 response: (status, body). `None` when the connection closed first.
fn read_response(r: &mut BufReader<TcpStream>) -> Option<(u16, Vec<u8>)> {
    let mut status_line = String::new();
    if r.read_line(&mut status_line).ok()? == 0 {
        return None;
    }
    let status = status_line.split_whitespace().nth(1)?.parse().ok()?;
    let mut len = 0usize;
    loop {
        let mut h = String::new();
        r.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some((status, body))
}

fn request(method: &str, path: &str, op: &str, body: &str) -> String {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: TrentService.{op}\r\n\
         Content-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

fn once(s: &Server, raw: &str) -> (u16, Vec<u8>) {
    let mut c = connect(s);
    c.write_all(raw.as_bytes()).unwrap();
    read_response(&mut BufReader::new(c)).expect("a response")
}

fn error_type(body: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(body).expect("JSON error body");
    v["__type"].as_str().unwrap_or_default().to_string()
}

fn insecure(extra: &[&str]) -> Server {
    let mut args = vec!["--insecure-no-auth"];
    args.extend_from_slice(extra);
    start(&args)
}

#[test]
fn a_stalled_client_does_not_hold_up_another() {
    let stall = 30; // the server's request timeout: how long the stalled client may hold on
    let s = insecure(&["--request-timeout", "30"]);
    let mut stalled = connect(&s);
    stalled
        .write_all(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: TrentService.ListKeys\r\nContent-Length: 100\r\n\r\n{")
        .unwrap();
    let other = client(&s.url, sigv4("AKID", "open-mode"));
    let t = Instant::now();
    for _ in 0..5 {
        block_on(other.list_keys()).expect("served while another client stalls");
    }
    let took = t.elapsed();
    assert!(
        took < Duration::from_secs(stall) / 10,
        "5 requests took {took:?} while a client stalled for up to {stall} s"
    );
    // The stalled request is still unanswered: the others did not wait for it to time out.
    stalled
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut buf = [0u8; 1];
    assert!(
        stalled.read(&mut buf).is_err(),
        "stalled request answered early"
    );
}

#[test]
fn a_body_that_does_not_arrive_in_time_is_answered_and_dropped() {
    let s = insecure(&["--request-timeout", "1"]);
    let mut stalled = connect(&s);
    stalled
        .write_all(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: TrentService.ListKeys\r\nContent-Length: 100\r\n\r\n{")
        .unwrap();
    let (status, body) = read_response(&mut BufReader::new(stalled)).expect("answered");
    assert_eq!(status, 408);
    assert_eq!(error_type(&body), "RequestTimeoutException");
}

#[test]
fn oversized_bodies_are_refused_without_being_read() {
    let s = insecure(&[]);
    // 1 GB declared, not one byte sent: the answer can only come from the header.
    let mut c = connect(&s);
    c.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: TrentService.Encrypt\r\nContent-Length: 1073741824\r\n\r\n")
        .unwrap();
    let (status, body) = read_response(&mut BufReader::new(c)).expect("answered");
    assert_eq!(status, 413);
    assert_eq!(error_type(&body), "ValidationException");

    // A chunked body is cut off once it passes the cap (the server may close as it answers).
    let mut c = connect(&s);
    c.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: TrentService.Encrypt\r\nTransfer-Encoding: chunked\r\n\r\n")
        .unwrap();
    let chunk = vec![b'a'; 16 * 1024];
    for _ in 0..9 {
        let _ = c.write_all(format!("{:x}\r\n", chunk.len()).as_bytes());
        let _ = c.write_all(&chunk);
        let _ = c.write_all(b"\r\n");
    }
    let _ = c.write_all(b"0\r\n\r\n");
    if let Some((status, body)) = read_response(&mut BufReader::new(c)) {
        assert_eq!(status, 413);
        assert_eq!(error_type(&body), "ValidationException");
    }
    // and the server still serves
    assert_eq!(once(&s, &request("POST", "/", "ListKeys", "{}")).0, 200);
}

#[test]
fn sixty_four_keep_alive_connections_are_all_served() {
    let s = insecure(&[]);
    let n = 64;
    let rounds = 5;
    let barrier = Arc::new(Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|_| {
            let c = connect(&s);
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                // every connection is open before any request is sent
                barrier.wait();
                let mut w = c.try_clone().unwrap();
                let mut r = BufReader::new(c);
                let mut ok = 0;
                for _ in 0..rounds {
                    w.write_all(request("POST", "/", "ListKeys", "{}").as_bytes())
                        .unwrap();
                    if let Some((200, _)) = read_response(&mut r) {
                        ok += 1;
                    }
                }
                ok
            })
        })
        .collect();
    let served: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(served, n * rounds);
}

#[test]
fn only_post_runs_operations_and_health_checks_the_store() {
    let dir = TempDir::new("health");
    let mut args = vec!["--insecure-no-auth".to_string()];
    args.extend(state_args(&dir.0));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let s = start(&args);
    for method in ["GET", "DELETE", "PUT"] {
        let (status, body) = once(&s, &request(method, "/", "CreateKey", "{}"));
        assert_eq!(status, 405, "{method}");
        assert_eq!(error_type(&body), "UnknownOperationException");
    }
    let (status, body) = once(&s, &request("POST", "/", "ListKeys", "{}"));
    assert_eq!(status, 200);
    let keys: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        keys["Keys"],
        serde_json::json!([]),
        "GET/DELETE/PUT created nothing"
    );
    let health = || once(&s, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(health(), (200, br#"{"status":"ok"}"#.to_vec()));
    std::fs::remove_dir_all(&dir.0).unwrap();
    assert_eq!(health().0, 503, "the state directory is gone");
}

#[test]
fn sigterm_lets_an_in_flight_request_finish() {
    let mut s = insecure(&[]);
    let c = connect(&s);
    let mut w = c.try_clone().unwrap();
    let mut r = BufReader::new(c);
    let body = "{}";
    w.write_all(
        format!(
            "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: TrentService.CreateKey\r\n\
             Expect: 100-continue\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    )
    .unwrap();
    // "100 Continue" comes once the server has the headers and waits for the body: in flight.
    assert_eq!(read_response(&mut r).map(|x| x.0), Some(100));
    let pid = s.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    std::thread::sleep(Duration::from_millis(300));
    w.write_all(body.as_bytes()).unwrap();
    let (status, resp) = read_response(&mut r).expect("in-flight request answered");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&resp));
    let exit = s.child.wait().unwrap();
    assert!(exit.success(), "clean exit after SIGTERM: {exit:?}");
}

#[test]
fn an_over_long_key_id_is_a_validation_error_that_does_not_echo_it() {
    let s = insecure(&[]);
    let long = "k".repeat(100_000);
    let (status, body) = once(
        &s,
        &request(
            "POST",
            "/",
            "DescribeKey",
            &format!(r#"{{"KeyId":"{long}"}}"#),
        ),
    );
    assert_eq!(status, 400);
    assert_eq!(error_type(&body), "ValidationException");
    assert!(body.len() < 1000, "{} bytes of error", body.len());
}
