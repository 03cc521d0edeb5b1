//! The ESDK message format: header, body, footer; encryption and decryption.

pub mod body;
pub mod decrypt;
pub mod decrypt_machine;
pub mod encrypt;
pub mod encrypt_machine;
pub mod header;
pub mod header_parser;
#[cfg(not(target_arch = "wasm32"))]
pub mod io;
