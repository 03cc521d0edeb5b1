//! DynamoDB-JSON item parsing: any text is an item or a named error, never a panic, and an item
//! written back as DynamoDB JSON parses to the same item.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealkit::item::json::{item_from_json, item_from_json_str, item_to_json};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(item) = item_from_json_str(text) {
        let again = item_from_json(&item_to_json(&item)).expect("a written item parses");
        assert_eq!(item, again);
    }
});
