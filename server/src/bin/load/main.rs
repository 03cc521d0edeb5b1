//! `sealkit-key-server-load`: a loopback load generator for `sealkit-key-server` that sends
//! real SigV4-signed KMS requests over keep-alive HTTP/1.1 connections (tokio + hyper).
//!
//! Two modes (BENCHMARKS.md has the commands, `scripts/bench-key-server.sh` runs them):
//! - `mix` (default): GenerateDataKey / Encrypt / Decrypt in equal parts at each concurrency
//!   level in turn (1, 8, 64 connections by default), the total `--requests` split evenly over
//!   the levels; per level: req/s, p50, p99, max, errors, and the resident memory of every
//!   `--pid` after it (so the last level's RSS is the RSS after all requests);
//! - `latency`: fills the store to each of `--keys` keys with CreateKey (over
//!   `--fill-concurrency` connections), then times `--rounds` sequential CreateKey and
//!   GenerateDataKey calls on one connection.
//!
//! The report is one JSON document on stdout; a table for people goes to stderr.

mod conn;
mod rss;
mod stats;
mod workload;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use conn::{CallError, Conn, Target};
use sealkit_key_server::auth::Caller;
use sealkit_key_server::credentials;
use sealkit_kms::http::sigv4::Credentials;
use serde_json::json;

const USAGE: &str = "\
sealkit-key-server-load: loopback SigV4 load against sealkit-key-server

USAGE: sealkit-key-server-load --url URL [--url URL ...] --credentials-file FILE [OPTIONS]
  --url URL                 http://HOST:PORT of a server (repeatable: connections take turns)
  --credentials-file FILE   AWS shared-credentials file; its first SigV4 section signs
  --region REGION           signing region (default us-east-1)
  --pid PID                 a server process whose VmRSS/VmHWM to report (repeatable)
  --threads N               tokio worker threads of the generator (default 1)
  --mode mix|latency        (default mix)
mix:
  --requests N              requests in all, split evenly over the levels (default 30000)
  --concurrency LIST        keep-alive connections per level (default 1,8,64)
  --pool N                  known ciphertexts Decrypt opens (default 64)
latency:
  --keys LIST               key counts to measure at, ascending (default 10,1000,10000)
  --rounds N                timed CreateKey + GenerateDataKey pairs per count (default 201)
  --fill-concurrency N      connections that make the fill keys (default 16)
Exits 1 when any request failed.";

struct Options {
    urls: Vec<String>,
    creds: Credentials,
    region: String,
    pids: Vec<u32>,
    threads: usize,
    latency: bool,
    requests: u64,
    levels: Vec<usize>,
    pool: usize,
    keys: Vec<usize>,
    rounds: usize,
    fill_concurrency: usize,
}

fn list(s: &str, name: &str) -> Result<Vec<usize>, String> {
    s.split(',')
        .map(|p| p.trim().parse().ok().filter(|n| *n > 0))
        .collect::<Option<Vec<usize>>>()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| format!("{name} must be a comma-separated list of positive numbers"))
}

fn positive(s: &str, name: &str) -> Result<u64, String> {
    s.parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{name} must be a positive number"))
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Options>, String> {
    let mut args = args.into_iter();
    let (mut urls, mut pids, mut creds_file) = (Vec::new(), Vec::new(), None::<PathBuf>);
    let mut o = Options {
        urls: Vec::new(),
        creds: Credentials::new("", ""),
        region: "us-east-1".into(),
        pids: Vec::new(),
        threads: 1,
        latency: false,
        requests: 30_000,
        levels: vec![1, 8, 64],
        pool: 64,
        keys: vec![10, 1000, 10_000],
        rounds: 201,
        fill_concurrency: 16,
    };
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--url" => {
                let u = value("--url")?;
                let addr = u
                    .strip_prefix("http://")
                    .map(|r| r.trim_end_matches('/'))
                    .filter(|r| !r.is_empty() && !r.contains('/'))
                    .ok_or_else(|| format!("--url {u}: expected http://HOST:PORT"))?;
                urls.push(addr.to_string());
            }
            "--credentials-file" => creds_file = Some(value("--credentials-file")?.into()),
            "--region" => o.region = value("--region")?,
            "--pid" => pids.push(
                value("--pid")?
                    .parse()
                    .map_err(|_| "--pid must be a process id")?,
            ),
            "--threads" => o.threads = positive(&value("--threads")?, "--threads")? as usize,
            "--mode" => {
                o.latency = match value("--mode")?.as_str() {
                    "mix" => false,
                    "latency" => true,
                    m => return Err(format!("--mode {m}: expected mix or latency")),
                }
            }
            "--requests" => o.requests = positive(&value("--requests")?, "--requests")?,
            "--concurrency" => o.levels = list(&value("--concurrency")?, "--concurrency")?,
            "--pool" => o.pool = positive(&value("--pool")?, "--pool")? as usize,
            "--keys" => o.keys = list(&value("--keys")?, "--keys")?,
            "--rounds" => o.rounds = positive(&value("--rounds")?, "--rounds")? as usize,
            "--fill-concurrency" => {
                o.fill_concurrency =
                    positive(&value("--fill-concurrency")?, "--fill-concurrency")? as usize
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown option {other} (see --help)")),
        }
    }
    if urls.is_empty() {
        return Err("give at least one --url".into());
    }
    let file = creds_file.ok_or("give --credentials-file FILE")?;
    o.creds = credentials::read_file(&file, "-")?
        .into_iter()
        .find_map(|c| match c {
            Caller::SigV4 {
                access_key_id,
                secret,
                session_token,
                ..
            } => {
                let creds = Credentials::new(access_key_id, secret.as_str());
                Some(match session_token {
                    Some(t) => creds.with_session_token(t.as_str()),
                    None => creds,
                })
            }
            Caller::Bearer { .. } => None,
        })
        .ok_or_else(|| format!("{}: no SigV4 section", file.display()))?;
    o.urls = urls;
    o.pids = pids;
    Ok(Some(o))
}

fn target(o: &Options, i: usize) -> Target {
    Target {
        addr: o.urls[i % o.urls.len()].clone(),
        region: o.region.clone(),
        creds: o.creds.clone(),
    }
}

/// What the workers of one level counted.
#[derive(Default)]
struct Tally {
    micros: Vec<u32>,
    errors: BTreeMap<String, u64>,
    examples: Vec<String>,
}

impl Tally {
    fn error(&mut self, e: &CallError) {
        *self.errors.entry(e.class()).or_default() += 1;
        if self.examples.len() < 5 {
            self.examples.push(e.to_string());
        }
    }

    fn merge(&mut self, other: Tally) {
        self.micros.extend(other.micros);
        for (k, n) in other.errors {
            *self.errors.entry(k).or_default() += n;
        }
        for e in other.examples {
            if self.examples.len() < 5 {
                self.examples.push(e);
            }
        }
    }
}

fn memory(pids: &[u32]) -> Result<Vec<serde_json::Value>, String> {
    pids.iter()
        .map(|&pid| {
            let (rss, hwm) = rss::of(pid)?;
            Ok(json!({ "pid": pid, "rss_kb": rss, "hwm_kb": hwm }))
        })
        .collect()
}

fn fail(e: CallError) -> String {
    format!("setup request failed: {e}")
}

async fn mix(o: &Options) -> Result<serde_json::Value, String> {
    let mut first = Conn::new(target(o, 0));
    let fx = Arc::new(workload::fixture(&mut first, o.pool).await.map_err(fail)?);
    drop(first);
    let mut levels = Vec::new();
    let (mut done, mut failed) = (0u64, 0u64);
    let per_level = o.requests / o.levels.len() as u64;
    eprintln!("| connections | requests | req/s | p50 | p99 | max | errors | server RSS after |");
    eprintln!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    for (li, &c) in o.levels.iter().enumerate() {
        let n = if li + 1 == o.levels.len() {
            o.requests - per_level * (o.levels.len() as u64 - 1)
        } else {
            per_level
        };
        // Open every connection before the clock starts: the level measures keep-alive requests.
        let mut conns = Vec::with_capacity(c);
        for w in 0..c {
            let mut conn = Conn::new(target(o, w));
            conn.connect().await.map_err(|e| format!("connect: {e}"))?;
            conns.push(conn);
        }
        let next = Arc::new(AtomicU64::new(0));
        let started = Instant::now();
        let tasks: Vec<_> = conns
            .into_iter()
            .map(|mut conn| {
                let (next, fx) = (next.clone(), fx.clone());
                tokio::spawn(async move {
                    let mut t = Tally::default();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            break t;
                        }
                        let at = Instant::now();
                        let r = workload::run_one(&mut conn, &fx, i).await;
                        t.micros.push(stats::micros(at.elapsed()));
                        if let Err(e) = r {
                            t.error(&e);
                        }
                    }
                })
            })
            .collect();
        let mut tally = Tally::default();
        for task in tasks {
            tally.merge(task.await.map_err(|e| format!("worker: {e}"))?);
        }
        let secs = started.elapsed().as_secs_f64();
        let errors: u64 = tally.errors.values().sum();
        for e in &tally.examples {
            eprintln!("error example: {e}");
        }
        done += n;
        failed += errors;
        let mem = memory(&o.pids)?;
        let s = stats::summarize(std::mem::take(&mut tally.micros));
        let rate = n as f64 / secs;
        eprintln!(
            "| {c} | {n} | {rate:.0} | {:.2} ms | {:.2} ms | {:.2} ms | {errors} | {} |",
            s.p50_ms,
            s.p99_ms,
            s.max_ms,
            mem.iter()
                .map(|m| format!("{:.1} MB", m["rss_kb"].as_f64().unwrap_or(0.0) / 1024.0))
                .collect::<Vec<_>>()
                .join(", ")
        );
        levels.push(json!({
            "connections": c,
            "requests": n,
            "seconds": secs,
            "req_per_s": rate,
            "p50_ms": s.p50_ms,
            "p99_ms": s.p99_ms,
            "max_ms": s.max_ms,
            "errors": errors,
            "errors_by_kind": tally.errors,
            "requests_so_far": done,
            "memory": mem,
        }));
    }
    Ok(json!({
        "mode": "mix",
        "servers": o.urls.len(),
        "total_requests": done,
        "total_errors": failed,
        "levels": levels,
    }))
}

async fn latency(o: &Options) -> Result<serde_json::Value, String> {
    let mut keys: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    let mut failed = 0u64;
    eprintln!(
        "| keys | CreateKey p50 | CreateKey p99 | GenerateDataKey p50 | GenerateDataKey p99 |"
    );
    eprintln!("| ---: | ---: | ---: | ---: | ---: |");
    for &n in &o.keys {
        // Fill: `fill_concurrency` connections make keys until there are n.
        let missing = n.saturating_sub(keys.len()) as u64;
        let next = Arc::new(AtomicU64::new(0));
        let tasks: Vec<_> = (0..o.fill_concurrency)
            .map(|w| {
                let (next, mut conn) = (next.clone(), Conn::new(target(o, w)));
                tokio::spawn(async move {
                    let mut made = Vec::new();
                    while next.fetch_add(1, Ordering::Relaxed) < missing {
                        made.push(workload::create_key(&mut conn).await.map_err(fail)?);
                    }
                    Ok::<_, String>(made)
                })
            })
            .collect();
        for t in tasks {
            keys.extend(t.await.map_err(|e| format!("worker: {e}"))??);
        }
        let mut conn = Conn::new(target(o, 0));
        conn.connect().await.map_err(|e| format!("connect: {e}"))?;
        let (mut create, mut gdk) = (Vec::new(), Vec::new());
        let mut tally = Tally::default();
        for i in 0..o.rounds {
            let at = Instant::now();
            match workload::create_key(&mut conn).await {
                Ok(k) => keys.push(k),
                Err(e) => tally.error(&e),
            }
            create.push(stats::micros(at.elapsed()));
            let at = Instant::now();
            if let Err(e) = workload::generate_data_key(&mut conn, &keys[i % keys.len()]).await {
                tally.error(&e);
            }
            gdk.push(stats::micros(at.elapsed()));
        }
        let errors: u64 = tally.errors.values().sum();
        for e in &tally.examples {
            eprintln!("error example: {e}");
        }
        failed += errors;
        let (c, g) = (stats::summarize(create), stats::summarize(gdk));
        eprintln!(
            "| {n} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms |",
            c.p50_ms, c.p99_ms, g.p50_ms, g.p99_ms
        );
        rows.push(json!({
            "keys": n,
            "keys_at_end": keys.len(),
            "create_key": { "p50_ms": c.p50_ms, "p99_ms": c.p99_ms, "max_ms": c.max_ms },
            "generate_data_key": { "p50_ms": g.p50_ms, "p99_ms": g.p99_ms, "max_ms": g.max_ms },
            "errors": errors,
            "memory": memory(&o.pids)?,
        }));
    }
    Ok(json!({ "mode": "latency", "rounds": o.rounds, "total_errors": failed, "rows": rows }))
}

fn main() {
    let o = match parse(std::env::args().skip(1)) {
        Ok(Some(o)) => o,
        Ok(None) => return,
        Err(e) => {
            eprintln!("sealkit-key-server-load: error: {e}");
            std::process::exit(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(o.threads)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sealkit-key-server-load: error: cannot start the runtime: {e}");
            std::process::exit(2);
        }
    };
    let report = runtime.block_on(async {
        if o.latency {
            latency(&o).await
        } else {
            mix(&o).await
        }
    });
    match report {
        Ok(r) => {
            println!("{r}");
            if r["total_errors"].as_u64() != Some(0) {
                std::process::exit(1);
            }
        }
        Err(e) => {
            eprintln!("sealkit-key-server-load: error: {e}");
            std::process::exit(1);
        }
    }
}
