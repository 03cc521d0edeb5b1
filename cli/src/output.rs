//! Atomic output: a temporary file next to the destination, renamed over it only after the
//! whole operation succeeded and deleted (on drop) otherwise.
//!
//! On Linux the temporary file is unnamed (`O_TMPFILE`, open(2)): it has no directory entry
//! until the commit links it in, so a process killed mid-operation (SIGKILL, the OOM killer)
//! leaves nothing on disk, not even unverified plaintext. Where the filesystem does not support
//! `O_TMPFILE` (and on other systems) a named `.sealkit-*.tmp` file is used, deleted on failure.

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
    /// A file, staged in the same directory (same filesystem, so the final rename is atomic).
    File { tmp: Staging, path: PathBuf },
}

/// The staged output file.
pub enum Staging {
    /// An `O_TMPFILE` file in `dir`, linked into place on commit.
    #[cfg(target_os = "linux")]
    Unnamed { file: File, dir: PathBuf },
    /// A named temporary file, renamed over the destination on commit.
    Named(NamedTempFile),
}

impl Staging {
    fn create(dir: &Path) -> io::Result<Self> {
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{openat, Mode, OFlags, CWD};
            let flags = OFlags::TMPFILE | OFlags::WRONLY | OFlags::CLOEXEC;
            match openat(CWD, dir, flags, Mode::RUSR | Mode::WUSR) {
                Ok(fd) => {
                    return Ok(Staging::Unnamed {
                        file: File::from(fd),
                        dir: dir.to_owned(),
                    })
                }
                // Not supported by this kernel or filesystem: fall back to a named file.
                Err(e)
                    if e == rustix::io::Errno::OPNOTSUPP
                        || e == rustix::io::Errno::ISDIR
                        || e == rustix::io::Errno::INVAL => {}
                Err(e) => return Err(e.into()),
            }
        }
        named_temp(dir).map(Staging::Named)
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            #[cfg(target_os = "linux")]
            Staging::Unnamed { file, .. } => file,
            Staging::Named(tmp) => tmp,
        }
    }

    /// Flushes, syncs and moves the file to `path`.
    fn publish(self, path: &Path) -> io::Result<()> {
        match self {
            #[cfg(target_os = "linux")]
            Staging::Unnamed { mut file, dir } => {
                use std::os::fd::AsRawFd;
                file.flush()?;
                file.sync_all()?;
                // linkat(2) cannot replace an existing file, so the data gets a temporary name
                // first and is renamed over `path`. Linking through /proc/self/fd with
                // AT_SYMLINK_FOLLOW needs no privilege (AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH).
                let proc_path = format!("/proc/self/fd/{}", file.as_raw_fd());
                let linked = tempfile::Builder::new()
                    .prefix(".sealkit-")
                    .suffix(".tmp")
                    .make_in(&dir, |name| {
                        rustix::fs::linkat(
                            rustix::fs::CWD,
                            proc_path.as_str(),
                            rustix::fs::CWD,
                            name,
                            rustix::fs::AtFlags::SYMLINK_FOLLOW,
                        )
                        .map_err(io::Error::from)
                    })?;
                linked.persist(path).map_err(|e| e.error)?;
                Ok(())
            }
            Staging::Named(mut tmp) => {
                tmp.flush()?;
                tmp.as_file().sync_all()?;
                tmp.persist(path).map_err(|e| e.error)?;
                Ok(())
            }
        }
    }
}

fn named_temp(dir: &Path) -> io::Result<NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".sealkit-")
        .suffix(".tmp")
        .tempfile_in(dir)
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
        let tmp = Staging::create(dir).map_err(|e| {
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
            Output::File { tmp, .. } => tmp.writer(),
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
            Output::File { tmp, path } => tmp.publish(&path).map_err(fail),
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
