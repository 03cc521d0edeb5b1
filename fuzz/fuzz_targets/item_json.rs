//! DynamoDB-JSON item parsing: any text is an item or a named error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = sealkit::item::json::item_from_json_str(text);
    }
});
