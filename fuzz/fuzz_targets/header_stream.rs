//! The incremental header parser fed in chunk sizes taken from the input must agree with the
//! one-shot parse: same header or both an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealkit::message::header::MessageHeader;
use sealkit::message::header_parser::{HeaderLimits, HeaderParser, HeaderProgress};

fuzz_target!(|data: &[u8]| {
    let Some((&seed, message)) = data.split_first() else {
        return;
    };
    let one_shot = MessageHeader::parse(message, None);
    let mut parser = HeaderParser::new(HeaderLimits {
        max_encrypted_data_keys: None,
        max_header_len: usize::MAX,
    });
    let mut rest = message;
    let mut step = usize::from(seed % 17) + 1;
    let streamed = loop {
        let n = step.min(rest.len());
        let (chunk, tail) = rest.split_at(n);
        match parser.feed(chunk) {
            Ok(HeaderProgress::Done { header, .. }) => break Ok(header.parsed),
            Ok(HeaderProgress::NeedMore) if tail.is_empty() => break Err(parser.truncated()),
            Ok(HeaderProgress::NeedMore) => rest = tail,
            Err(e) => break Err(e),
        }
        step = step * 5 % 23 + 1;
    };
    match (one_shot, streamed) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.header, b.header);
            assert_eq!((a.body_len, a.total_len), (b.body_len, b.total_len));
        }
        (Err(a), Err(b)) => assert_eq!(a.code(), b.code()),
        (a, b) => panic!(
            "one-shot {:?} vs streamed {:?}",
            a.map(|_| ()),
            b.map(|_| ())
        ),
    }
});
