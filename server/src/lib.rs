//! The key server's request authentication, as a library so the fuzz crate (`fuzz/`, target
//! `sigv4_verify`) can reach it: SigV4 verification ([`auth`]) and where callers come from
//! ([`credentials`]). The server binary (`src/main.rs`) uses these modules from here.

pub mod auth;
pub mod credentials;
