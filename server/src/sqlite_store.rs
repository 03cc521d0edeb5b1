//! The embedded store: one SQLite database (rusqlite, SQLite bundled), the local KMS's
//! [`Storage`].
//!
//! `journal_mode=WAL` with `synchronous=FULL`: a commit returns once its WAL frames are fsynced
//! (SQLite "Write-Ahead Logging" and "PRAGMA synchronous": in WAL mode, FULL syncs the WAL on
//! every commit, NORMAL does not), so an acknowledged operation survives a crash or power loss.
//! A write transaction is `BEGIN IMMEDIATE`, which takes the database's write lock at once: a
//! second process on the same file waits (busy timeout) rather than interleaving.
//!
//! ```text
//! meta  (id = 1, seq)                        last committed transaction number
//! rows  (kind, name) → value BLOB?, seq      keys, material sets (sealed), aliases; NULL = deleted
//! audit (id, time, record JSON)              append-only; rows older than the retention go
//! ```

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};
use sealkit_kms::local::{AuditRecord, Record, RecordKind, Storage};

/// How often (in appended audit records) old audit rows are pruned.
const PRUNE_EVERY: u64 = 1024;

/// A [`Storage`] in a SQLite database file.
pub struct SqliteStorage {
    conn: Connection,
    /// The file, checked by [`Storage::check`]: a database whose file was removed would take
    /// commits into an unlinked inode, lost at the next start.
    path: std::path::PathBuf,
    /// (device, inode) of the file when opened.
    identity: (u64, u64),
    /// The number the open write transaction commits as.
    next_seq: Option<u64>,
    retention_secs: Option<u64>,
    busy_timeout: Duration,
    appended: u64,
}

fn err(what: &str) -> impl Fn(rusqlite::Error) -> String + '_ {
    move |e| format!("sqlite {what}: {e}")
}

impl SqliteStorage {
    /// Opens (creating if needed) the database at `path`. Audit rows older than
    /// `retention_secs` (by the audit clock) are pruned when given; a write waits up to
    /// `busy_timeout` for another process's write lock.
    pub fn open(
        path: &Path,
        retention_secs: Option<u64>,
        busy_timeout: Duration,
    ) -> Result<Self, String> {
        let conn = Connection::open(path).map_err(err("open"))?;
        conn.busy_timeout(busy_timeout)
            .map_err(err("busy timeout"))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(err("journal mode"))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(format!("sqlite: journal mode is {mode}, not wal"));
        }
        conn.execute_batch(
            "PRAGMA synchronous=FULL;
             CREATE TABLE IF NOT EXISTS meta (id INTEGER PRIMARY KEY CHECK (id = 1),
                                              seq INTEGER NOT NULL);
             INSERT OR IGNORE INTO meta (id, seq) VALUES (1, 0);
             CREATE TABLE IF NOT EXISTS rows (kind TEXT NOT NULL, name TEXT NOT NULL,
                                              value BLOB, seq INTEGER NOT NULL,
                                              PRIMARY KEY (kind, name));
             CREATE INDEX IF NOT EXISTS rows_by_seq ON rows (seq);
             CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT,
                                               time INTEGER NOT NULL, record TEXT NOT NULL);
             CREATE INDEX IF NOT EXISTS audit_by_time ON audit (time);",
        )
        .map_err(err("schema"))?;
        let sync: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .map_err(err("synchronous"))?;
        if sync != 2 {
            return Err(format!("sqlite: synchronous is {sync}, not FULL (2)"));
        }
        let identity = file_identity(path)?;
        let mut s = SqliteStorage {
            conn,
            path: path.to_path_buf(),
            identity,
            next_seq: None,
            retention_secs,
            busy_timeout,
            appended: 0,
        };
        s.prune()?;
        Ok(s)
    }

    /// Deletes audit rows older than the retention, counted back from the newest record.
    fn prune(&mut self) -> Result<(), String> {
        let Some(keep) = self.retention_secs else {
            return Ok(());
        };
        let newest: Option<i64> = self
            .conn
            .query_row("SELECT MAX(time) FROM audit", [], |r| r.get(0))
            .map_err(err("audit"))?;
        if let Some(newest) = newest {
            let cutoff = newest.saturating_sub(i64::try_from(keep).unwrap_or(i64::MAX));
            self.conn
                .execute("DELETE FROM audit WHERE time < ?1", params![cutoff])
                .map_err(err("audit prune"))?;
        }
        Ok(())
    }

    fn insert_audit(&self, records: &[AuditRecord]) -> Result<(), String> {
        let mut stmt = self
            .conn
            .prepare_cached("INSERT INTO audit (time, record) VALUES (?1, ?2)")
            .map_err(err("audit"))?;
        for r in records {
            let json = serde_json::to_string(r).map_err(|e| format!("audit record: {e}"))?;
            let time = i64::try_from(r.time).unwrap_or(i64::MAX);
            stmt.execute(params![time, json]).map_err(err("audit"))?;
        }
        Ok(())
    }
}

fn file_identity(path: &Path) -> Result<(u64, u64), String> {
    use std::os::unix::fs::MetadataExt;
    let m =
        std::fs::metadata(path).map_err(|e| format!("database file {}: {e}", path.display()))?;
    if !m.is_file() {
        return Err(format!("{} is not a file", path.display()));
    }
    Ok((m.dev(), m.ino()))
}

fn to_i64(n: u64) -> Result<i64, String> {
    i64::try_from(n).map_err(|_| "sequence number out of range".to_string())
}

impl Storage for SqliteStorage {
    fn changes_since(&mut self, since: u64) -> Result<Vec<Record>, String> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT kind, name, value, seq FROM rows WHERE seq > ?1 ORDER BY seq")
            .map_err(err("read"))?;
        let rows = stmt
            .query_map(params![to_i64(since)?], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<Vec<u8>>>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .map_err(err("read"))?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, name, value, seq) = row.map_err(err("read"))?;
            out.push(Record {
                kind: RecordKind::parse(&kind).ok_or_else(|| format!("unknown row kind {kind}"))?,
                name,
                value,
                seq: u64::try_from(seq).map_err(|_| "negative sequence number".to_string())?,
            });
        }
        Ok(out)
    }

    fn begin_write(&mut self) -> Result<(), String> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(err("begin"))?;
        let seq: Result<i64, _> =
            self.conn
                .query_row("SELECT seq FROM meta WHERE id = 1", [], |r| r.get(0));
        match seq
            .map_err(err("meta"))
            .and_then(|s| u64::try_from(s).map_err(|_| "negative sequence number".to_string()))
        {
            Ok(s) => {
                self.next_seq = Some(s + 1);
                Ok(())
            }
            Err(e) => {
                self.rollback();
                Err(e)
            }
        }
    }

    fn put(&mut self, records: &[Record]) -> Result<(), String> {
        let seq = to_i64(self.next_seq.ok_or("no write transaction")?)?;
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT INTO rows (kind, name, value, seq) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (kind, name) DO UPDATE SET value = excluded.value, seq = excluded.seq",
            )
            .map_err(err("write"))?;
        for r in records {
            stmt.execute(params![r.kind.as_str(), r.name, r.value, seq])
                .map_err(err("write"))?;
        }
        Ok(())
    }

    fn append_audit(&mut self, records: &[AuditRecord]) -> Result<(), String> {
        if self.next_seq.is_some() {
            self.insert_audit(records)?;
        } else {
            // Its own transaction, committed (and synced) before the answer goes out; IMMEDIATE
            // takes the write lock first, so waiting for another writer goes through the busy
            // timeout instead of failing at the upgrade from a read lock.
            self.conn
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(err("begin"))?;
            if let Err(e) = self.insert_audit(records) {
                let _ = self.conn.execute_batch("ROLLBACK");
                return Err(e);
            }
            self.conn.execute_batch("COMMIT").map_err(err("commit"))?;
        }
        self.appended += records.len() as u64;
        if self.appended % PRUNE_EVERY < records.len() as u64 && self.next_seq.is_none() {
            self.prune()?;
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<u64, String> {
        let seq = self.next_seq.ok_or("no write transaction")?;
        let done = self
            .conn
            .execute(
                "UPDATE meta SET seq = ?1 WHERE id = 1",
                params![to_i64(seq)?],
            )
            .map_err(err("meta"))
            .and_then(|_| self.conn.execute_batch("COMMIT").map_err(err("commit")));
        if let Err(e) = done {
            self.rollback();
            return Err(e);
        }
        self.next_seq = None;
        Ok(seq)
    }

    fn rollback(&mut self) {
        self.next_seq = None;
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }

    fn audit_handle(&mut self) -> Result<Option<Box<dyn Storage>>, String> {
        // A second connection to the same file: WAL lets it commit audit rows while this one
        // reads, and SQLite's write lock orders its commits with this one's.
        let other = SqliteStorage::open(&self.path, self.retention_secs, self.busy_timeout)?;
        if other.identity != self.identity {
            return Err(format!("{} was replaced", self.path.display()));
        }
        Ok(Some(Box::new(other)))
    }

    fn check(&mut self) -> Result<(), String> {
        if file_identity(&self.path)? != self.identity {
            return Err(format!("{} was replaced", self.path.display()));
        }
        let one: Option<i64> = self
            .conn
            .query_row("SELECT seq FROM meta WHERE id = 1", [], |r| r.get(0))
            .optional()
            .map_err(err("health"))?;
        one.map(|_| ())
            .ok_or_else(|| "sqlite: meta row missing".into())
    }
}
