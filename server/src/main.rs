//! `sealkit-key-server`: the embedded local KMS served over HTTP with the AWS KMS JSON 1.1
//! protocol, so AWS SDKs, the AWS CLI and sealkit's HTTP provider can use it like AWS KMS.

mod config;
mod cors;
mod handler;
mod http;
mod init;
mod log;
mod pg_store;
mod secret_body;
mod service;
mod sqlite_store;
mod store;
mod test_clock;

use std::sync::Arc;

use handler::Handler;
use sealkit_key_server::{auth, credentials};
use service::Service;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("init") => {
            let done = config::parse_init(args.drain(..).skip(1))
                .and_then(|(dir, principal)| init::init(&dir, &principal));
            if let Err(e) = done {
                eprintln!("sealkit-key-server: error: {e}");
                std::process::exit(1);
            }
            return;
        }
        Some("serve") => {
            args.remove(0);
        }
        _ => {}
    }
    let config = match config::parse(args) {
        Ok(Some(c)) => c,
        Ok(None) => return,
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

fn run(mut config: config::Config) -> Result<(), String> {
    let clock = test_clock::kms_clock()?;
    let kms = match config.store.take() {
        Some(s) => s.open(clock)?,
        None => sealkit_kms::local::LocalKms::new(clock),
    };
    let (addr, limits) = (config.addr, config.limits);
    let handler = Arc::new(Handler {
        config,
        service: Service::new(kms),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(http::run(handler, addr, limits))
}
