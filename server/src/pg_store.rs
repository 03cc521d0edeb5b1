//! The shared store: a PostgreSQL database (the `postgres` client crate) that any number of
//! server processes use at once, the local KMS's [`Storage`].
//!
//! A write transaction starts by locking the one `sealkit_meta` row (`SELECT … FOR UPDATE`,
//! PostgreSQL manual, "Explicit Locking: Row-Level Locks"), so writers of every process take
//! turns and transaction numbers are committed in order; under READ COMMITTED each statement
//! after the lock sees every earlier commit, which is how a process re-reads what others wrote
//! before it decides on a due rotation. A commit returns after PostgreSQL's own durable commit
//! (`synchronous_commit` on, the default; it is checked at start).
//!
//! ```text
//! sealkit_meta  (id = 1, seq)                   last committed transaction number
//! sealkit_rows  (kind, name) → value?, seq      keys, material sets (sealed), aliases
//! sealkit_audit (id, time, record)              append-only
//! ```

use std::collections::HashMap;

use postgres::{Client, NoTls, Statement};
use sealkit_kms::local::{AuditRecord, Record, RecordKind, Storage};
use zeroize::Zeroizing;

/// A key for `pg_advisory_lock` while the schema is created (two processes starting at once).
const SCHEMA_LOCK: i64 = 0x5ea1_4b17;
/// How often (in appended audit records) old audit rows are pruned.
const PRUNE_EVERY: u64 = 1024;
/// How long the check of a connection after a failed call waits for PostgreSQL's answer.
const PING_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

// The statements every operation runs, prepared once per connection (`PgStorage::statement`):
// a `&str` query makes the client prepare an unnamed statement first (a Parse round trip per
// call, and a parse and plan in PostgreSQL per row), which a prepared statement pays only once
// (PostgreSQL manual, "Extended Query": named prepared statements last for the session, and
// are not undone by a rollback).
const READ_SQL: &str =
    "SELECT kind, name, value, seq FROM sealkit_rows WHERE seq > $1 ORDER BY seq";
const LOCK_SQL: &str = "SELECT seq FROM sealkit_meta WHERE id = 1 FOR UPDATE";
const PUT_SQL: &str = "INSERT INTO sealkit_rows (kind, name, value, seq) VALUES ($1, $2, $3, $4)
     ON CONFLICT (kind, name) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq";
/// A whole batch of audit records in one statement (arrays of times and records, in order),
/// so a group commit of n records is one round trip, not n.
const AUDIT_SQL: &str = "INSERT INTO sealkit_audit (time, record)
     SELECT t, r FROM unnest($1::BIGINT[], $2::TEXT[]) WITH ORDINALITY AS a(t, r, n) ORDER BY n";
const META_SQL: &str = "UPDATE sealkit_meta SET seq = $1 WHERE id = 1";
const HEALTH_SQL: &str = "SELECT seq FROM sealkit_meta WHERE id = 1";

/// A [`Storage`] in a PostgreSQL database.
pub struct PgStorage {
    client: Client,
    /// Statements prepared on `client` (by their SQL); emptied when `client` is replaced.
    prepared: HashMap<&'static str, Statement>,
    /// The connection string, for [`Storage::audit_handle`]'s second connection.
    params: Zeroizing<String>,
    next_seq: Option<u64>,
    retention_secs: Option<u64>,
    appended: u64,
    /// A call failed since the last check: the connection may be lost even when the client
    /// has not noticed yet (`is_closed` turns true only once it has).
    suspect: bool,
}

fn err(what: &str) -> impl Fn(postgres::Error) -> String + '_ {
    move |e| format!("postgres {what}: {e}")
}

fn to_i64(n: u64) -> Result<i64, String> {
    i64::try_from(n).map_err(|_| "sequence number out of range".to_string())
}

impl PgStorage {
    /// Connects with `params` (a `postgres://` URL or `key=value` pairs) and creates the
    /// tables if needed. The connection string is not echoed in errors (it may hold a password).
    pub fn connect(params: &str, retention_secs: Option<u64>) -> Result<Self, String> {
        let mut client = Client::connect(params, NoTls).map_err(err("connect"))?;
        client
            .batch_execute(&format!("SELECT pg_advisory_lock({SCHEMA_LOCK})"))
            .map_err(err("schema lock"))?;
        let schema = client.batch_execute(
            "CREATE TABLE IF NOT EXISTS sealkit_meta (id INT PRIMARY KEY CHECK (id = 1),
                                                     seq BIGINT NOT NULL);
             INSERT INTO sealkit_meta (id, seq) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
             CREATE TABLE IF NOT EXISTS sealkit_rows (kind TEXT NOT NULL, name TEXT NOT NULL,
                                                     value BYTEA, seq BIGINT NOT NULL,
                                                     PRIMARY KEY (kind, name));
             CREATE INDEX IF NOT EXISTS sealkit_rows_by_seq ON sealkit_rows (seq);
             CREATE TABLE IF NOT EXISTS sealkit_audit (id BIGSERIAL PRIMARY KEY,
                                                      time BIGINT NOT NULL, record TEXT NOT NULL);
             CREATE INDEX IF NOT EXISTS sealkit_audit_by_time ON sealkit_audit (time);",
        );
        let unlock = client.batch_execute(&format!("SELECT pg_advisory_unlock({SCHEMA_LOCK})"));
        schema.map_err(err("schema"))?;
        unlock.map_err(err("schema unlock"))?;
        let sync: String = client
            .query_one("SHOW synchronous_commit", &[])
            .map_err(err("settings"))?
            .get(0);
        if sync == "off" {
            return Err("postgres: synchronous_commit is off: commits would not be durable".into());
        }
        let mut s = PgStorage {
            client,
            prepared: HashMap::new(),
            params: Zeroizing::new(params.to_string()),
            next_seq: None,
            retention_secs,
            appended: 0,
            suspect: false,
        };
        s.prune()?;
        Ok(s)
    }

    /// Opens a new connection when the last one was lost (PostgreSQL restarted, a network
    /// cut): the call that met the loss failed (`KMSInternalException`, nothing acknowledged),
    /// and the next one starts on a fresh connection, without a restart of the key server.
    /// Only between transactions: a transaction open on a lost connection is lost with it.
    fn reconnect_if_closed(&mut self) -> Result<(), String> {
        if self.next_seq.is_some() {
            return Ok(());
        }
        let lost = self.client.is_closed()
            || (self.suspect && self.client.is_valid(PING_TIMEOUT).is_err());
        if lost {
            self.client = Client::connect(&self.params, NoTls).map_err(err("reconnect"))?;
            // Prepared statements belong to the lost session.
            self.prepared.clear();
        }
        self.suspect = false;
        Ok(())
    }

    /// `BEGIN`, tried once more on a new connection when it fails: nothing was sent yet, so
    /// the first transaction after PostgreSQL is back does not fail.
    fn begin(&mut self) -> Result<(), String> {
        self.reconnect_if_closed()?;
        if self.client.batch_execute("BEGIN").is_ok() {
            return Ok(());
        }
        self.suspect = true;
        self.reconnect_if_closed()?;
        let again = self.client.batch_execute("BEGIN").map_err(err("begin"));
        self.watch(again)
    }

    /// `sql` prepared on the current connection (prepared on first use).
    fn statement(&mut self, sql: &'static str) -> Result<Statement, String> {
        if let Some(s) = self.prepared.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql).map_err(err("prepare"))?;
        self.prepared.insert(sql, s.clone());
        Ok(s)
    }

    /// Notes a failed call (see `suspect`) and passes its result on.
    fn watch<T>(&mut self, r: Result<T, String>) -> Result<T, String> {
        if r.is_err() {
            self.suspect = true;
        }
        r
    }

    fn prune(&mut self) -> Result<(), String> {
        let Some(keep) = self.retention_secs else {
            return Ok(());
        };
        let keep = i64::try_from(keep).unwrap_or(i64::MAX);
        self.client
            .execute(
                "DELETE FROM sealkit_audit WHERE time < (SELECT MAX(time) FROM sealkit_audit) - $1",
                &[&keep],
            )
            .map_err(err("audit prune"))?;
        Ok(())
    }

    fn insert_audit(&mut self, records: &[AuditRecord]) -> Result<(), String> {
        let mut times = Vec::with_capacity(records.len());
        let mut jsons = Vec::with_capacity(records.len());
        for r in records {
            jsons.push(serde_json::to_string(r).map_err(|e| format!("audit record: {e}"))?);
            times.push(i64::try_from(r.time).unwrap_or(i64::MAX));
        }
        let insert = self.statement(AUDIT_SQL)?;
        let n = self
            .client
            .execute(&insert, &[&times, &jsons])
            .map_err(err("audit"))?;
        if n != records.len() as u64 {
            return Err(format!(
                "postgres audit: {n} rows inserted for {} records",
                records.len()
            ));
        }
        Ok(())
    }
}

impl Storage for PgStorage {
    fn changes_since(&mut self, since: u64) -> Result<Vec<Record>, String> {
        self.reconnect_if_closed()?;
        let since = to_i64(since)?;
        let read = |s: &mut Self| {
            let select = s.statement(READ_SQL)?;
            s.client.query(&select, &[&since]).map_err(err("read"))
        };
        let rows = match read(self) {
            Ok(rows) => rows,
            // A read changes nothing: after a lost connection it is tried once more on a new
            // one, so the first call after PostgreSQL is back does not fail.
            Err(_) => {
                self.suspect = true;
                self.reconnect_if_closed()?;
                let again = read(self);
                self.watch(again)?
            }
        };
        rows.into_iter()
            .map(|r| {
                let kind: String = r.get(0);
                let seq: i64 = r.get(3);
                Ok(Record {
                    kind: RecordKind::parse(&kind)
                        .ok_or_else(|| format!("unknown row kind {kind}"))?,
                    name: r.get(1),
                    value: r.get(2),
                    seq: u64::try_from(seq).map_err(|_| "negative sequence number".to_string())?,
                })
            })
            .collect()
    }

    fn begin_write(&mut self) -> Result<(), String> {
        self.begin()?;
        let seq = self
            .statement(LOCK_SQL)
            .and_then(|lock| self.client.query_one(&lock, &[]).map_err(err("lock")))
            .and_then(|r| {
                u64::try_from(r.get::<_, i64>(0))
                    .map_err(|_| "negative sequence number".to_string())
            });
        match seq {
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
        let upsert = self.statement(PUT_SQL)?;
        for r in records {
            self.client
                .execute(&upsert, &[&r.kind.as_str(), &r.name, &r.value, &seq])
                .map_err(err("write"))?;
        }
        Ok(())
    }

    fn append_audit(&mut self, records: &[AuditRecord]) -> Result<(), String> {
        if self.next_seq.is_some() {
            self.insert_audit(records)?;
        } else {
            self.reconnect_if_closed()?;
            // A group of records is one transaction: one durable commit for all of them.
            let done = self
                .begin()
                .and_then(|_| self.insert_audit(records))
                .and_then(|_| self.client.batch_execute("COMMIT").map_err(err("commit")));
            if let Err(e) = done {
                self.suspect = true;
                let _ = self.client.batch_execute("ROLLBACK");
                return Err(e);
            }
        }
        self.appended += records.len() as u64;
        if self.appended % PRUNE_EVERY < records.len() as u64 && self.next_seq.is_none() {
            self.prune()?;
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<u64, String> {
        let seq = self.next_seq.ok_or("no write transaction")?;
        let done = to_i64(seq)
            .and_then(|s| {
                let update = self.statement(META_SQL)?;
                self.client.execute(&update, &[&s]).map_err(err("meta"))
            })
            .and_then(|_| self.client.batch_execute("COMMIT").map_err(err("commit")));
        if let Err(e) = done {
            self.rollback();
            return Err(e);
        }
        self.next_seq = None;
        Ok(seq)
    }

    fn rollback(&mut self) {
        // Every failed write ends here.
        self.suspect = true;
        self.next_seq = None;
        let _ = self.client.batch_execute("ROLLBACK");
    }

    fn audit_handle(&mut self) -> Result<Option<Box<dyn Storage>>, String> {
        Ok(Some(Box::new(PgStorage::connect(
            &self.params,
            self.retention_secs,
        )?)))
    }

    fn check(&mut self) -> Result<(), String> {
        self.reconnect_if_closed()?;
        let r = self.statement(HEALTH_SQL).and_then(|health| {
            self.client
                .query_one(&health, &[])
                .map(|_| ())
                .map_err(err("health"))
        });
        self.watch(r)
    }
}
