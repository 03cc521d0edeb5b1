//! The state file: the whole local KMS state, encrypted under the root key, replaced atomically
//! and durably on every change.
//!
//! A save writes `FILE.tmp`, fsyncs it, renames it over `FILE` and fsyncs the directory, so that
//! after a crash at any point the file is either the old state or the new one, and a save that
//! returned has reached the disk (rename(2) alone orders nothing: POSIX fsync(2) on the file for
//! its data, on the directory for the new name).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sealkit_kms::clock::Clock;
use sealkit_kms::local::LocalKms;
use zeroize::Zeroizing;

/// Where the state lives and the key it is encrypted under.
pub struct StateFile {
    path: PathBuf,
    root_key: Zeroizing<[u8; 32]>,
}

impl StateFile {
    /// A state file at `path` under `root_key`.
    pub fn new(path: PathBuf, root_key: Zeroizing<[u8; 32]>) -> Self {
        StateFile { path, root_key }
    }

    /// The KMS saved at this path, or an empty one when the file does not exist yet.
    pub fn load(&self, clock: Arc<dyn Clock>) -> Result<LocalKms, String> {
        match std::fs::read(&self.path) {
            Ok(blob) => LocalKms::import_state(&blob, &self.root_key, clock)
                .map_err(|e| format!("cannot load state {}: {}", self.path.display(), e.name)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(LocalKms::new(clock)),
            Err(e) => Err(format!("cannot read {}: {e}", self.path.display())),
        }
    }

    /// Whether the store is usable: its directory can be opened and the file, once written, is
    /// there and is a file.
    pub fn check(&self) -> Result<(), String> {
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        File::open(dir).map_err(|e| format!("state directory: {e}"))?;
        match std::fs::metadata(&self.path) {
            Ok(m) if m.is_file() => Ok(()),
            Ok(_) => Err("state path is not a file".into()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(format!("state file: {e}")),
        }
    }

    /// The temporary file a save writes before renaming it over the state file.
    fn tmp_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".tmp");
        self.path.with_file_name(name)
    }

    /// Writes the current state durably; on error the file on disk is the previous state.
    pub fn save(&self, kms: &LocalKms) -> Result<(), String> {
        let blob = kms
            .export_state(&self.root_key)
            .map_err(|e| format!("cannot export state: {}", e.name))?;
        let tmp = self.tmp_path();
        let written = write_synced(&tmp, &blob)
            .and_then(|_| std::fs::rename(&tmp, &self.path))
            .and_then(|_| sync_dir(&self.path));
        written.map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot save state {}: {e}", self.path.display())
        })
    }
}

fn write_synced(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    f.write_all(data)?;
    f.sync_all()
}

/// fsync of the directory holding `path`, which makes a rename in it durable.
fn sync_dir(path: &Path) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()
}
