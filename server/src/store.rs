//! Where the server keeps its KMS: the configured store, opened into a persisted
//! [`LocalKms`].
//!
//! `--state FILE` (with `--root-key-file`) and `--data DIR` (`DIR/kms.sqlite3` under
//! `DIR/root.key`) are SQLite databases; `--database postgres://…` (with `--root-key-file`) is
//! a PostgreSQL database that several server processes can share. A `--state` file in the old whole-state format (one
//! encrypted blob, magic `SKLKMS`) is moved into a new database once, at start: the rows are
//! written to `FILE.migrating`, which is fsynced and renamed over the old file.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sealkit_kms::clock::Clock;
use sealkit_kms::local::LocalKms;
use zeroize::Zeroizing;

use sealkit_kms::local::Storage;

use crate::pg_store::PgStorage;
use crate::sqlite_store::SqliteStorage;

/// Which database.
pub enum Backend {
    /// A SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection string (URL or `key=value` pairs), shared by many processes.
    Postgres(Zeroizing<String>),
}

/// A configured store.
pub struct StoreConfig {
    /// The database.
    pub backend: Backend,
    /// The key material is sealed under.
    pub root_key: Zeroizing<[u8; 32]>,
    /// Audit rows older than this are pruned.
    pub audit_retention_secs: Option<u64>,
    /// How long a write waits for another writer's lock.
    pub busy_timeout: std::time::Duration,
}

/// The magic of the old whole-state blob (`sealkit_kms::local` persist format 1).
const LEGACY_MAGIC: &[u8] = b"SKLKMS";

impl StoreConfig {
    /// The persisted KMS of this store.
    pub fn open(&self, clock: Arc<dyn Clock>) -> Result<LocalKms, String> {
        let (storage, name): (Box<dyn Storage>, String) = match &self.backend {
            Backend::Sqlite(path) => {
                self.migrate_legacy(path, clock.clone())?;
                let s = SqliteStorage::open(path, self.audit_retention_secs, self.busy_timeout)?;
                (Box::new(s), path.display().to_string())
            }
            Backend::Postgres(params) => (
                Box::new(PgStorage::connect(params, self.audit_retention_secs)?),
                "the PostgreSQL database".to_string(),
            ),
        };
        LocalKms::with_storage(storage, self.root_key.clone(), clock).map_err(|e| {
            format!(
                "cannot load {name}: {} (is it the right root key?)",
                e.message
            )
        })
    }

    fn migrate_legacy(&self, path: &Path, clock: Arc<dyn Clock>) -> Result<(), String> {
        let mut head = [0u8; 6];
        let is_legacy = File::open(path)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
            .is_ok()
            && head == LEGACY_MAGIC;
        if !is_legacy {
            return Ok(());
        }
        let blob = Zeroizing::new(
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        );
        let old = LocalKms::import_state(&blob, &self.root_key, clock)
            .map_err(|e| format!("cannot load state {}: {}", path.display(), e.name))?;
        let mut tmp = path.as_os_str().to_os_string();
        tmp.push(".migrating");
        let tmp = PathBuf::from(tmp);
        let _ = std::fs::remove_file(&tmp);
        {
            let mut storage =
                SqliteStorage::open(&tmp, self.audit_retention_secs, self.busy_timeout)?;
            old.copy_into(&mut storage, &self.root_key)
                .map_err(|e| format!("cannot migrate {}: {}", path.display(), e.message))?;
            // Dropping the connection checkpoints the WAL into the file.
        }
        File::open(&tmp)
            .and_then(|f| f.sync_all())
            .and_then(|_| std::fs::rename(&tmp, path))
            .and_then(|_| sync_dir(path))
            .map_err(|e| format!("cannot migrate {}: {e}", path.display()))?;
        eprintln!(
            "sealkit-key-server: moved the whole-state file {} into a SQLite database",
            path.display()
        );
        Ok(())
    }
}

/// fsync of the directory holding `path`, which makes a rename in it durable (POSIX fsync(2)).
pub fn sync_dir(path: &Path) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()
}

/// Reads a 32-byte root key file.
pub fn read_root_key(path: &Path) -> Result<Zeroizing<[u8; 32]>, String> {
    let bytes = Zeroizing::new(
        std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?,
    );
    let key: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| format!("{} must hold exactly 32 bytes", path.display()))?;
    Ok(Zeroizing::new(key))
}
