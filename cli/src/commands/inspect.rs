//! `sealkit inspect`: the parsed header as JSON. Parses only; authenticates nothing.

use std::collections::BTreeMap;
use std::io::Write;

use sealkit::message::header_parser::HeaderLimits;
use sealkit::{ContentType, MessageHeader};
use serde::Serialize;

use crate::args::InspectArgs;
use crate::error::CliError;
use crate::input::Input;

#[derive(Serialize)]
struct HeaderJson<'a> {
    version: u8,
    suite: String,
    suite_id: u16,
    message_id: String,
    encryption_context: BTreeMap<&'a str, &'a str>,
    encrypted_data_keys: Vec<EdkJson<'a>>,
    content_type: &'static str,
    frame_length: u32,
}

#[derive(Serialize)]
struct EdkJson<'a> {
    provider_id: &'a str,
    provider_info: String,
}

pub fn run(args: InspectArgs) -> Result<(), CliError> {
    let mut input = Input::open(&args.input)?;
    let (parsed, _) = input.read_header(HeaderLimits {
        max_encrypted_data_keys: None,
        max_header_len: args.max_header_size,
    })?;
    let json = to_json(&parsed.header)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{json}")
        .and_then(|_| out.flush())
        .map_err(|e| CliError::io("writing stdout", e))
}

fn to_json(h: &MessageHeader) -> Result<String, CliError> {
    let doc = HeaderJson {
        version: h.version,
        suite: format!("0x{:04x}", h.suite.id()),
        suite_id: h.suite.id(),
        message_id: hex::encode(&h.message_id),
        encryption_context: h
            .encryption_context
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect(),
        encrypted_data_keys: h
            .encrypted_data_keys
            .iter()
            .map(|k| EdkJson {
                provider_id: &k.provider_id,
                provider_info: hex::encode(&k.provider_info),
            })
            .collect(),
        content_type: match h.content_type {
            ContentType::Framed => "framed",
            ContentType::NonFramed => "non-framed",
        },
        frame_length: h.frame_length,
    };
    serde_json::to_string_pretty(&doc).map_err(|e| CliError {
        code: "ERR_INTERNAL",
        message: format!("JSON encoding failed: {e}"),
        exit: 1,
    })
}
