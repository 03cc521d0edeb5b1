//! The input side: a file or stdin, its size when known (for the progress bar), and
//! reading just the header of a message.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use sealkit::message::header::ParsedHeader;
use sealkit::message::header_parser::{HeaderLimits, HeaderParser, HeaderProgress};

use crate::error::CliError;

/// An opened input. Remembers whether a read failed, so an I/O error coming back from the
/// library can be attributed to the input rather than the output.
pub struct Input {
    reader: Box<dyn Read>,
    /// Total size in bytes when the input is a regular file (also a file redirected to stdin).
    pub size: Option<u64>,
    /// How errors name the input.
    pub name: String,
    pub read_failed: bool,
}

impl Input {
    /// Opens `path`, or stdin for `-`.
    pub fn open(path: &Path) -> Result<Self, CliError> {
        if path.as_os_str() == "-" {
            return Ok(Input {
                reader: Box::new(io::stdin()),
                size: stdin_size(),
                name: "stdin".into(),
                read_failed: false,
            });
        }
        let name = format!("input {}", path.display());
        let file = File::open(path).map_err(|e| CliError::io(&name, e))?;
        let meta = file.metadata().map_err(|e| CliError::io(&name, e))?;
        if meta.is_dir() {
            return Err(CliError::invalid(format!("{name} is a directory")));
        }
        let size = meta.is_file().then_some(meta.len());
        Ok(Input {
            reader: Box::new(file),
            size,
            name,
            read_failed: false,
        })
    }

    /// Reads until a complete header has been parsed, refusing it as soon as it breaks
    /// `limits`. Returns it with every byte read so far, which the caller feeds to the decryptor
    /// before the rest of the input.
    pub fn read_header(
        &mut self,
        limits: HeaderLimits,
    ) -> Result<(ParsedHeader, Vec<u8>), CliError> {
        const STEP: usize = 64 * 1024;
        let mut parser = HeaderParser::new(limits);
        let mut buf = Vec::new();
        loop {
            let start = buf.len();
            buf.resize(start + STEP, 0);
            let n = loop {
                match self.read(&mut buf[start..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(CliError::io(&format!("reading {}", self.name), e)),
                }
            };
            buf.truncate(start + n);
            if n == 0 {
                let e = parser.truncated();
                let what = if buf.is_empty() {
                    format!("{} is empty", self.name)
                } else {
                    format!("{} is not a valid message", self.name)
                };
                return Err(CliError::lib(&what, e));
            }
            // Each byte goes to the parser once: no re-parse of what was read before.
            match parser.feed(&buf[start..]) {
                Ok(HeaderProgress::NeedMore) => continue,
                Ok(HeaderProgress::Done { header, .. }) => return Ok((header.parsed, buf)),
                Err(e) => {
                    return Err(CliError::lib(
                        &format!("{} is not a valid message", self.name),
                        e,
                    ))
                }
            }
        }
    }
}

impl Read for Input {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let r = self.reader.read(buf);
        if matches!(&r, Err(e) if e.kind() != io::ErrorKind::Interrupted) {
            self.read_failed = true;
        }
        r
    }
}

/// The size of stdin when it is a redirected regular file.
#[cfg(unix)]
fn stdin_size() -> Option<u64> {
    use std::os::fd::AsFd;
    let fd = io::stdin().as_fd().try_clone_to_owned().ok()?;
    let meta = File::from(fd).metadata().ok()?;
    meta.is_file().then_some(meta.len())
}

#[cfg(not(unix))]
fn stdin_size() -> Option<u64> {
    None
}
