//! Where a persisted local KMS keeps its state: a [`Storage`] of rows, written one transaction
//! per operation, holding only the rows that operation changed.
//!
//! The state is four tables of rows named by a string: keys (by key ARN), material sets (by
//! their reference, the ARN of the key that created them; multi-Region replicas share it),
//! aliases (by alias ARN) and grants (by key ARN and grant id). A row's value is JSON; in a material row every version's secret is
//! sealed under the root key with the row name and version number as AAD (see
//! [`crate::local::LocalKms::with_storage`]). A deleted row is kept as a tombstone (no value), so
//! that other processes sharing the store see the deletion.
//!
//! Every committed transaction gets the next sequence number, and each row written by it carries
//! that number. Writers exclude each other for the whole transaction (SQLite `BEGIN IMMEDIATE`, a
//! PostgreSQL row lock), so sequence numbers are committed in order, and a process that has read
//! every row up to number `n` catches up with [`Storage::changes_since`]`(n)`: that is how several
//! processes over one database stay consistent, and how exactly one of them performs a due
//! rotation (it re-reads under the write lock before deciding).

use super::audit::AuditRecord;

/// The table a [`Record`] belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RecordKind {
    /// A key (`KeyEntry` JSON), by key ARN.
    Key,
    /// A material set (JSON, secrets sealed), by material reference.
    Material,
    /// An alias (the target key id as a JSON string), by alias ARN.
    Alias,
    /// A grant (JSON), by `"{key ARN}#{grant id}"`. A new kind needs no schema change: the
    /// stores keep the kind as text, so data directories made before grants open unchanged.
    Grant,
}

impl RecordKind {
    /// The name stored in a database column.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Key => "key",
            RecordKind::Material => "material",
            RecordKind::Alias => "alias",
            RecordKind::Grant => "grant",
        }
    }

    /// The kind stored as `s` by [`as_str`](Self::as_str).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "key" => Some(RecordKind::Key),
            "material" => Some(RecordKind::Material),
            "alias" => Some(RecordKind::Alias),
            "grant" => Some(RecordKind::Grant),
            _ => None,
        }
    }
}

/// One row of the persisted state.
#[derive(Clone, PartialEq, Eq)]
pub struct Record {
    /// Its table.
    pub kind: RecordKind,
    /// Its name within the table.
    pub name: String,
    /// Its JSON value; `None` for a deleted row.
    pub value: Option<Vec<u8>>,
    /// The transaction that wrote it (set by the store; ignored by [`Storage::put`]).
    pub seq: u64,
}

impl core::fmt::Debug for Record {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Values are not shown: a material row holds sealed secrets, a key row a policy.
        f.debug_struct("Record")
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("value_len", &self.value.as_ref().map(Vec::len))
            .field("seq", &self.seq)
            .finish()
    }
}

/// A store of rows with one exclusive write transaction at a time (across every process that
/// shares it) and an append-only audit trail. Errors are descriptions for the operator's log;
/// they never hold row values.
pub trait Storage: Send {
    /// Every committed row written by a transaction numbered above `since`, in sequence order.
    fn changes_since(&mut self, since: u64) -> Result<Vec<Record>, String>;

    /// Starts the write transaction; it excludes every other writer until
    /// [`commit`](Self::commit) or [`rollback`](Self::rollback).
    fn begin_write(&mut self) -> Result<(), String>;

    /// Writes rows (insert or replace, `None` values as tombstones) in the write transaction.
    fn put(&mut self, records: &[Record]) -> Result<(), String>;

    /// Appends audit records: inside the write transaction when one is open (committed with
    /// it), otherwise committed on their own before returning.
    fn append_audit(&mut self, records: &[AuditRecord]) -> Result<(), String>;

    /// Commits the write transaction durably and returns its sequence number.
    fn commit(&mut self) -> Result<u64, String>;

    /// Abandons the write transaction (nothing of it is kept).
    fn rollback(&mut self);

    /// Whether the store is reachable and usable (for a health check).
    fn check(&mut self) -> Result<(), String>;

    /// A second handle on the same store (its own connection) used only for
    /// [`append_audit`](Self::append_audit) outside write transactions: the audit records of
    /// reads and refusals are committed in groups through it, while this handle serves the
    /// reads and writes of operations. `None` (the default) sends them through this handle.
    fn audit_handle(&mut self) -> Result<Option<Box<dyn Storage>>, String> {
        Ok(None)
    }
}

/// A [`Storage`] held in memory: the rows, tombstones and audit trail of a store that lasts as
/// long as the process. It follows the same transaction rules as a database (an uncommitted
/// write is invisible and dropped on rollback), so a state persisted through it behaves like one
/// persisted on disk; it needs no dependency, so it works on every target (wasm included).
#[derive(Debug, Default)]
pub struct MemoryStorage {
    rows: std::collections::BTreeMap<(RecordKind, String), Record>,
    pending: Option<Vec<Record>>,
    pending_audit: Vec<AuditRecord>,
    audit: Vec<AuditRecord>,
    seq: u64,
}

impl MemoryStorage {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The committed audit trail, oldest first.
    pub fn audit(&self) -> &[AuditRecord] {
        &self.audit
    }

    /// The last committed sequence number.
    pub fn seq(&self) -> u64 {
        self.seq
    }
}

impl Storage for MemoryStorage {
    fn changes_since(&mut self, since: u64) -> Result<Vec<Record>, String> {
        let mut out: Vec<Record> = self
            .rows
            .values()
            .filter(|r| r.seq > since)
            .cloned()
            .collect();
        out.sort_by_key(|r| r.seq);
        Ok(out)
    }

    fn begin_write(&mut self) -> Result<(), String> {
        if self.pending.is_some() {
            return Err("a write transaction is already open".into());
        }
        self.pending = Some(Vec::new());
        Ok(())
    }

    fn put(&mut self, records: &[Record]) -> Result<(), String> {
        self.pending
            .as_mut()
            .ok_or("no write transaction")?
            .extend_from_slice(records);
        Ok(())
    }

    fn append_audit(&mut self, records: &[AuditRecord]) -> Result<(), String> {
        if self.pending.is_some() {
            self.pending_audit.extend_from_slice(records);
        } else {
            self.audit.extend_from_slice(records);
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<u64, String> {
        let rows = self.pending.take().ok_or("no write transaction")?;
        self.seq += 1;
        for mut r in rows {
            r.seq = self.seq;
            self.rows.insert((r.kind, r.name.clone()), r);
        }
        self.audit.append(&mut self.pending_audit);
        Ok(self.seq)
    }

    fn rollback(&mut self) {
        self.pending = None;
        self.pending_audit.clear();
    }

    fn check(&mut self) -> Result<(), String> {
        Ok(())
    }
}
