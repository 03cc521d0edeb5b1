//! A small JSON reader and writer for KMS bodies, without serde.
//!
//! The KMS keyrings of the browser's small module need three operations (`keyring_bodies.rs`):
//! flat objects whose values they read are strings. serde's derive code for those shapes, its
//! error formatting (which prints floats) and `serde_json::Value` were most of that module, so
//! these bodies are read and written here instead. The rules are RFC 8259's; what serde_json
//! refuses, this refuses too (lone surrogates, control characters in strings, trailing bytes,
//! nesting deeper than 128), and the writer's bytes are serde_json's for the same fields.

use std::collections::BTreeMap;
use zeroize::Zeroizing;

/// How deep arrays and objects may nest (serde_json's recursion limit).
const MAX_DEPTH: usize = 128;

/// A member value as the decoders see it: strings are kept (wiped on drop, they may hold a
/// base64 data key), anything else only by its kind.
pub enum Member {
    /// A string, unescaped.
    Str(Zeroizing<String>),
    /// A string that is well-formed JSON but no text: a lone surrogate escape or bytes that are
    /// not UTF-8. serde_json skips such a string where it ignores the member, and refuses it
    /// where it reads it; so does a decoder here.
    BadStr(&'static str),
    /// `null`.
    Null,
    /// A number, `true`/`false`, an array or an object (checked, not kept).
    Other(&'static str),
}

/// Why a body is not JSON, with the byte offset it was found at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError(pub String);

impl core::fmt::Display for JsonError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn err<T>(&self, what: &str) -> Result<T, JsonError> {
        Err(JsonError(format!("{what} at byte {}", self.i)))
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Result<(), JsonError> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            self.err(&format!("expected '{}'", c as char))
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return self.err("expected 4 hex digits"),
            };
            v = v * 16 + u32::from(d);
            self.i += 1;
        }
        Ok(v)
    }

    /// A string (the opening quote is next) → its text, or why it is none (see
    /// [`Member::BadStr`]).
    fn string(&mut self) -> Result<Result<Zeroizing<String>, &'static str>, JsonError> {
        self.eat(b'"')?;
        let mut out = Zeroizing::new(Vec::new());
        let mut bad = None;
        loop {
            let Some(c) = self.peek() else {
                return self.err("unterminated string");
            };
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return self.err("unterminated string");
                    };
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => match self.escaped_char()? {
                            Ok(c) => c,
                            Err(why) => {
                                bad = Some(why);
                                continue;
                            }
                        },
                        _ => return self.err("invalid escape"),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                0x00..=0x1f => return self.err("control character in a string"),
                _ => out.push(c),
            }
        }
        if let Some(why) = bad {
            return Ok(Err(why));
        }
        match core::str::from_utf8(&out) {
            Ok(s) => Ok(Ok(Zeroizing::new(s.to_string()))),
            Err(_) => Ok(Err("a string that is not UTF-8")),
        }
    }

    /// The character of a `\u` escape (after the `u`), joining a surrogate pair; a lone
    /// surrogate is `Ok(Err(…))` (the escapes are well-formed, the text is not).
    fn escaped_char(&mut self) -> Result<Result<char, &'static str>, JsonError> {
        const LONE: &str = "a string with a lone surrogate";
        let hi = self.hex4()?;
        let code = match hi {
            0xD800..=0xDBFF => {
                if self.b.get(self.i..self.i + 2) != Some(b"\\u") {
                    return Ok(Err(LONE));
                }
                self.i += 2;
                let lo = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&lo) {
                    return Ok(Err(LONE));
                }
                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
            }
            0xDC00..=0xDFFF => return Ok(Err(LONE)),
            c => c,
        };
        Ok(char::from_u32(code).ok_or(LONE))
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<(), JsonError> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return self.err("invalid number"),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return self.err("invalid number");
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return self.err("invalid number");
            }
        }
        Ok(())
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), JsonError> {
        if self.b.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(())
        } else {
            self.err("expected a value")
        }
    }

    /// One value (whitespace first), read as a [`Member`].
    fn value(&mut self, depth: usize) -> Result<Member, JsonError> {
        self.ws();
        match self.peek() {
            Some(b'"') => Ok(match self.string()? {
                Ok(s) => Member::Str(s),
                Err(why) => Member::BadStr(why),
            }),
            Some(b'n') => self.literal(b"null").map(|_| Member::Null),
            Some(b't') => self.literal(b"true").map(|_| Member::Other("a boolean")),
            Some(b'f') => self.literal(b"false").map(|_| Member::Other("a boolean")),
            Some(b'[') | Some(b'{') if depth >= MAX_DEPTH => self.err("nested too deeply"),
            Some(b'[') => {
                self.i += 1;
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                } else {
                    loop {
                        self.value(depth + 1)?;
                        self.ws();
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            _ => return self.err("expected ',' or ']'"),
                        }
                    }
                }
                Ok(Member::Other("an array"))
            }
            Some(b'{') => {
                // names inside a value are skipped as serde_json skips them: text or not
                self.members(depth + 1, false, &mut |_, _| Ok(()))?;
                Ok(Member::Other("an object"))
            }
            Some(b'-' | b'0'..=b'9') => self.number().map(|_| Member::Other("a number")),
            _ => self.err("expected a value"),
        }
    }

    /// An object (the brace is next); `each(name, value)` sees its members in order. With
    /// `names_text`, a member name that is no text (see [`Member::BadStr`]) is an error, as
    /// serde_json refuses it where it reads names; otherwise such a name is seen as empty.
    fn members(
        &mut self,
        depth: usize,
        names_text: bool,
        each: &mut dyn FnMut(Zeroizing<String>, Member) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        self.eat(b'{')?;
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.ws();
            let at = self.i;
            let name = match self.string()? {
                Ok(name) => name,
                Err(why) if names_text => {
                    return Err(JsonError(format!("member name at byte {at} is {why}")))
                }
                Err(_) => Zeroizing::new(String::new()),
            };
            self.ws();
            self.eat(b':')?;
            let v = self.value(depth)?;
            each(name, v)?;
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return self.err("expected ',' or '}'"),
            }
        }
    }

    fn end(&mut self) -> Result<(), JsonError> {
        self.ws();
        if self.i == self.b.len() {
            Ok(())
        } else {
            self.err("trailing characters")
        }
    }
}

/// The members of `body`, which must be one JSON object (whitespace around it), in order.
pub fn object_members(body: &[u8]) -> Result<Vec<(Zeroizing<String>, Member)>, JsonError> {
    let mut r = Reader { b: body, i: 0 };
    let mut out = Vec::new();
    r.ws();
    r.members(1, true, &mut |k, v| {
        out.push((k, v));
        Ok(())
    })?;
    r.end()?;
    Ok(out)
}

/// Checks that `body` is one JSON value with only whitespace around it.
pub fn check_value(body: &[u8]) -> Result<(), JsonError> {
    let mut r = Reader { b: body, i: 0 };
    r.value(0)?;
    r.end()
}

/// Writes a JSON object member by member, as serde_json writes a struct: no whitespace, strings
/// escaped as it escapes them. The bytes may hold a plaintext (Encrypt) and are wiped on drop.
pub struct ObjectWriter {
    out: Zeroizing<Vec<u8>>,
}

impl Default for ObjectWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl ObjectWriter {
    /// An empty object.
    pub fn new() -> Self {
        ObjectWriter {
            out: Zeroizing::new(vec![b'{']),
        }
    }

    fn key(&mut self, name: &str) {
        if self.out.len() > 1 {
            self.out.push(b',');
        }
        self.string(name);
        self.out.push(b':');
    }

    fn string(&mut self, s: &str) {
        self.out.push(b'"');
        for &c in s.as_bytes() {
            match c {
                b'"' => self.out.extend_from_slice(b"\\\""),
                b'\\' => self.out.extend_from_slice(b"\\\\"),
                b'\n' => self.out.extend_from_slice(b"\\n"),
                b'\r' => self.out.extend_from_slice(b"\\r"),
                b'\t' => self.out.extend_from_slice(b"\\t"),
                0x08 => self.out.extend_from_slice(b"\\b"),
                0x0c => self.out.extend_from_slice(b"\\f"),
                0x00..=0x1f => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    self.out.extend_from_slice(b"\\u00");
                    self.out.push(HEX[usize::from(c >> 4)]);
                    self.out.push(HEX[usize::from(c & 0xf)]);
                }
                _ => self.out.push(c),
            }
        }
        self.out.push(b'"');
    }

    /// `"name":"value"`.
    pub fn str(&mut self, name: &str, value: &str) -> &mut Self {
        self.key(name);
        self.string(value);
        self
    }

    /// `"name":n`.
    pub fn uint(&mut self, name: &str, value: u32) -> &mut Self {
        self.key(name);
        self.out.extend_from_slice(value.to_string().as_bytes());
        self
    }

    /// `"name":{"k":"v",…}` in key order.
    pub fn map(&mut self, name: &str, value: &BTreeMap<String, String>) -> &mut Self {
        self.key(name);
        self.out.push(b'{');
        for (i, (k, v)) in value.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.string(k);
            self.out.push(b':');
            self.string(v);
        }
        self.out.push(b'}');
        self
    }

    /// `"name":["a",…]`.
    pub fn list(&mut self, name: &str, value: &[String]) -> &mut Self {
        self.key(name);
        self.out.push(b'[');
        for (i, v) in value.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.string(v);
        }
        self.out.push(b']');
        self
    }

    /// The object's bytes.
    pub fn finish(mut self) -> Zeroizing<Vec<u8>> {
        self.out.push(b'}');
        std::mem::take(&mut self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(body: &str) -> Result<Vec<(String, Option<String>)>, JsonError> {
        Ok(object_members(body.as_bytes())?
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    Member::Str(s) => Some(s.to_string()),
                    _ => None,
                };
                (k.to_string(), v)
            })
            .collect())
    }

    #[test]
    fn reads_what_serde_json_reads_and_refuses_what_it_refuses() {
        let ok = [
            r#"{}"#,
            r#" { "a" : "b" , "n": -0.5e+3, "t": true, "f": false, "z": null } "#,
            r#"{"x":[1,[2,{"y":"\u00e9\ud83d\ude00\n\"\\\/"}],[]],"o":{}}"#,
            "{\"k\":\"caf\u{e9}\"}",
        ];
        for body in ok {
            let mine = strings(body).unwrap_or_else(|e| panic!("{body}: {e}"));
            let theirs: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(body).unwrap();
            assert_eq!(mine.len(), theirs.len(), "{body}");
            for (k, v) in &mine {
                assert_eq!(v.as_deref(), theirs[k].as_str(), "{body} {k}");
            }
        }
        let bad = [
            "",
            "{",
            "[]",
            "{\"a\":}",
            "{\"a\":\"b\",}",
            "{\"a\" \"b\"}",
            "{\"a\":\"\u{1}\"}",
            r#"{"a":"\x"}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":1e}"#,
            r#"{"a":-}"#,
            r#"{"a":tru}"#,
            r#"{"a":"b"} x"#,
            r#"{"a":"b""#,
        ];
        for body in bad {
            assert!(
                object_members(body.as_bytes()).is_err(),
                "accepted {body:?}"
            );
            assert!(
                serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(body).is_err(),
                "serde_json accepts {body:?}"
            );
        }
        // well-formed strings that are no text: kept as BadStr (serde_json skips them in a
        // member it ignores and refuses them in one it reads); a member name must be text
        for body in [
            &br#"{"a":"\ud800"}"#[..],
            br#"{"a":"\udc00"}"#,
            br#"{"a":"\ud800\u0041"}"#,
            b"{\"a\":\"\xff\"}",
        ] {
            let m = object_members(body).unwrap();
            assert!(matches!(m[0].1, Member::BadStr(_)), "{body:?}");
            assert!(serde_json::from_slice::<serde_json::Value>(body).is_err());
        }
        assert!(object_members(br#"{"\ud800":1}"#).is_err());
        // found by the kms_bodies fuzz target: inside a value, serde_json skips such names too
        assert!(object_members(b"{\"a\":[{\"\xe0\xe0\":[]}]}").is_ok());
        assert!(serde_json::from_slice::<crate::types::EncryptResponse>(
            b"{\"CiphertextBlob\":\"AQID\",\"x\":{\"\xe0\":1}}"
        )
        .is_ok());
        assert!(object_members(br#"{"a":"\ud800\u00zz"}"#).is_err());
    }

    #[test]
    fn nesting_stops_at_the_limit_in_linear_time() {
        let deep = |n: usize| format!("{{\"a\":{}{}}}", "[".repeat(n), "]".repeat(n));
        assert!(object_members(deep(MAX_DEPTH - 1).as_bytes()).is_ok());
        assert!(object_members(deep(MAX_DEPTH).as_bytes()).is_err());
        // a huge flat array is fine and a huge deep one stops early
        assert!(object_members(deep(1_000_000).as_bytes()).is_err());
        let wide = format!("{{\"a\":[{}0]}}", "0,".repeat(100_000));
        assert!(object_members(wide.as_bytes()).is_ok());
        assert!(check_value(b" [1, {\"a\": null}] ").is_ok());
        assert!(check_value(b"1 2").is_err());
    }

    #[test]
    fn writes_serde_json_bytes() {
        let mut m = BTreeMap::new();
        m.insert(
            "b\"\\".to_string(),
            "\u{1}\u{8}\u{c}\n\r\t/é\u{1f}".to_string(),
        );
        m.insert("a".to_string(), String::new());
        let mut w = ObjectWriter::new();
        w.str("KeyId", "k\u{7f}")
            .map("EncryptionContext", &m)
            .uint("NumberOfBytes", 4_000_000_000)
            .list("GrantTokens", &["t1".to_string(), "t\"2".to_string()]);
        let mine = w.finish();
        let theirs = serde_json::to_vec(&serde_json::json!({
            "KeyId": "k\u{7f}",
            "EncryptionContext": m,
            "NumberOfBytes": 4_000_000_000u32,
            "GrantTokens": ["t1", "t\"2"],
        }))
        .unwrap();
        // serde_json's map is ordered by key; the writer keeps the order it was given, which
        // here is the same
        let sorted: serde_json::Value = serde_json::from_slice(&mine).unwrap();
        assert_eq!(serde_json::to_vec(&sorted).unwrap(), theirs);
        assert_eq!(ObjectWriter::new().finish().as_slice(), b"{}");
    }
}
