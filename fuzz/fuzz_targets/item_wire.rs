//! The binary item form at the wasm boundary (`item::wire`): any bytes are an item or a named
//! error, never a panic, and a decoded item encodes to bytes that decode to the same item.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealkit::item::wire::{decode_item, encode_item};

fuzz_target!(|data: &[u8]| {
    if let Ok(item) = decode_item(data) {
        let bytes = encode_item(&item).expect("a decoded item encodes");
        assert_eq!(decode_item(&bytes).expect("an encoded item decodes"), item);
    }
});
