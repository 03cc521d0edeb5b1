//! Atomic output: a temporary file next to the destination, renamed over it only after the
//! whole operation succeeded and deleted (on drop) otherwise.

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::CliError;

/// Where the result goes.
pub enum Output {
    /// Straight to stdout (encrypt: a failed encryption cannot produce a valid message anyway).
    Stdout(BufWriter<io::Stdout>),
    /// Staged in an unlinked temporary file, copied to stdout on commit: decrypt to stdout
    /// releases nothing before the whole message is verified.
    StagedStdout(File),
    /// A file, written under a temporary name in the same directory (same filesystem, so the
    /// final rename is atomic).
    File { tmp: NamedTempFile, path: PathBuf },
}

impl Output {
    /// Opens the output; `stage_stdout` stages stdout output until commit.
    pub fn create(path: &Path, stage_stdout: bool) -> Result<Self, CliError> {
        if path.as_os_str() == "-" {
            if stage_stdout {
                let f = tempfile::tempfile()
                    .map_err(|e| CliError::io("creating a temporary file", e))?;
                return Ok(Output::StagedStdout(f));
            }
            return Ok(Output::Stdout(BufWriter::new(io::stdout())));
        }
        if path.is_dir() {
            return Err(CliError::invalid(format!(
                "--output {} is a directory",
                path.display()
            )));
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".sealkit-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| {
                CliError::io(
                    &format!("creating a temporary file in {}", dir.display()),
                    e,
                )
            })?;
        Ok(Output::File {
            tmp,
            path: path.to_owned(),
        })
    }

    /// How errors name the output.
    pub fn name(&self) -> String {
        match self {
            Output::Stdout(_) | Output::StagedStdout(_) => "stdout".into(),
            Output::File { path, .. } => format!("output {}", path.display()),
        }
    }

    /// The writer the operation writes to.
    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Output::Stdout(w) => w,
            Output::StagedStdout(f) => f,
            Output::File { tmp, .. } => tmp,
        }
    }

    /// Publishes the result: flush (+ fsync and rename for files, copy for staged stdout).
    pub fn commit(self) -> Result<(), CliError> {
        let name = self.name();
        let fail = |e| CliError::io(&format!("writing {name}"), e);
        match self {
            Output::Stdout(mut w) => w.flush().map_err(fail),
            Output::StagedStdout(mut f) => {
                f.flush().map_err(fail)?;
                f.seek(SeekFrom::Start(0)).map_err(fail)?;
                let mut out = io::stdout().lock();
                io::copy(&mut f, &mut out).map_err(fail)?;
                out.flush().map_err(fail)
            }
            Output::File { mut tmp, path } => {
                tmp.flush().map_err(fail)?;
                tmp.as_file().sync_all().map_err(fail)?;
                tmp.persist(&path).map_err(|e| fail(e.error))?;
                Ok(())
            }
        }
    }
}

/// Refuses an output that is the input file (also through a link): the input would be gone.
pub fn check_distinct(input: &Path, output: &Path) -> Result<(), CliError> {
    if input.as_os_str() == "-" || output.as_os_str() == "-" {
        return Ok(());
    }
    let (Ok(a), Ok(b)) = (std::fs::metadata(input), std::fs::metadata(output)) else {
        return Ok(()); // a missing output cannot be the input; a missing input fails when opened
    };
    if same_file(input, output, &a, &b) {
        return Err(CliError::invalid(format!(
            "--output {} is the input file; write to a different file",
            output.display()
        )));
    }
    Ok(())
}

#[cfg(unix)]
fn same_file(_: &Path, _: &Path, a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &Path, b: &Path, _: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}
