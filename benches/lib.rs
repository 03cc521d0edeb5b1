//! Benchmark-only crate; see benches/message.rs.
