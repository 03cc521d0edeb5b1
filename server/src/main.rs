//! `sealkit-key-server`: the embedded local KMS served over HTTP with the AWS KMS JSON 1.1
//! protocol, so AWS SDKs, the AWS CLI and sealkit's HTTP provider can use it like AWS KMS.

mod auth;
mod config;
mod cors;
mod credentials;
mod handler;
mod service;
mod state_file;
mod test_clock;

use handler::Handler;
use service::Service;

fn main() {
    let config = match config::parse(std::env::args().skip(1)) {
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
    let state = config.state.take();
    let kms = match &state {
        Some(f) => f.load(clock)?,
        None => sealkit_kms::local::LocalKms::new(clock),
    };
    let addr = config.addr;
    let handler = Handler {
        config,
        service: Service::new(kms, state),
    };
    let server =
        tiny_http::Server::http(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = server.server_addr().to_ip().ok_or("not an IP listener")?;
    println!("sealkit-key-server listening on http://{bound}");
    for mut request in server.incoming_requests() {
        let headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .map(|h| (h.field.to_string(), h.value.to_string()))
            .collect();
        let method = request.method().as_str().to_ascii_uppercase();
        let reply = match handler.cors_gate(&method, &headers) {
            Some(r) => r,
            None => {
                let mut body = Vec::new();
                match std::io::Read::read_to_end(request.as_reader(), &mut body) {
                    Ok(_) => handler.handle(&headers, &body),
                    Err(_) => handler::error(
                        400,
                        &sealkit_kms::KmsError::new("SerializationException", "cannot read body"),
                    ),
                }
            }
        };
        let mut response =
            tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
        for (k, v) in reply.headers {
            if let Ok(h) = tiny_http::Header::from_bytes(k, v) {
                response = response.with_header(h);
            }
        }
        // A client that hung up is not the server's problem.
        let _ = request.respond(response);
    }
    Ok(())
}
