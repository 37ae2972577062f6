//! A portable, table-by-table copy of a whole installation, for backups and for moving from
//! SQLite to PostgreSQL. The tables are found in the database itself (so a table added by a later
//! migration is copied without a change here), in foreign-key order; values are read and written
//! as five portable kinds (integer, text, bytes, real, boolean), so a copy taken from one backend
//! loads into the other. Ids are kept as they are, so the hash chains (which cover ids) verify on
//! the target.

use futures_util::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};

use crate::migrate::migrate_conn;
use crate::{Backend, SCHEMA_VERSION, Store, StoreError};

/// The portable kind of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
    Blob,
    Real,
    Bool,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Int => "int",
            Kind::Text => "text",
            Kind::Blob => "blob",
            Kind::Real => "real",
            Kind::Bool => "bool",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "int" => Kind::Int,
            "text" => Kind::Text,
            "blob" => Kind::Blob,
            "real" => Kind::Real,
            "bool" => Kind::Bool,
            _ => return None,
        })
    }

    fn of_sqlite(decl: &str) -> Option<Kind> {
        // SQLite's type affinity rules (https://sqlite.org/datatype3.html §3.1), simplified to
        // the types the migrations use.
        let d = decl.to_ascii_uppercase();
        Some(if d.contains("INT") {
            Kind::Int
        } else if d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT") {
            Kind::Text
        } else if d.contains("BLOB") {
            Kind::Blob
        } else if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") {
            Kind::Real
        } else if d.contains("BOOL") {
            Kind::Bool
        } else {
            return None;
        })
    }

    fn of_postgres(data_type: &str) -> Option<Kind> {
        Some(match data_type {
            "bigint" | "integer" | "smallint" => Kind::Int,
            "text" | "character varying" | "character" => Kind::Text,
            "bytea" => Kind::Blob,
            "double precision" | "real" => Kind::Real,
            "boolean" => Kind::Bool,
            _ => return None,
        })
    }
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
    Real(f64),
    Bool(bool),
}

/// A table as the database describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    pub name: String,
    pub columns: Vec<(String, Kind)>,
    /// Tables this one refers to by foreign key (other than itself).
    pub refers_to: Vec<String>,
    /// Nullable columns referring to the table itself (e.g. `org_units.parent_id`): loaded as
    /// NULL first and set once every row of the table is in.
    pub self_refs: Vec<String>,
    /// The primary key columns, for a stable order.
    pub key: Vec<String>,
}

/// Tables never copied: the migration bookkeeping (the target gets its own by migrating) and
/// the derived counts of `appeal_stats`, which the target's triggers (or migration 0011, for a
/// copy of an older schema) count anew as the appeals go in, so a copy cannot count twice.
const SKIP: &[&str] = &["schema_migrations", "appeal_stats"];

fn bad(msg: String) -> StoreError {
    StoreError::Invalid(msg)
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// Orders tables so that every table comes after the tables it refers to.
fn dependency_order(mut tables: Vec<TableInfo>) -> Result<Vec<TableInfo>, StoreError> {
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out: Vec<TableInfo> = Vec::with_capacity(tables.len());
    while !tables.is_empty() {
        let pos = tables.iter().position(|t| {
            t.refers_to
                .iter()
                .all(|r| out.iter().any(|o| &o.name == r) || !tables.iter().any(|x| &x.name == r))
        });
        match pos {
            Some(i) => out.push(tables.remove(i)),
            None => {
                return Err(bad(format!(
                    "the tables {:?} refer to each other in a cycle",
                    tables.iter().map(|t| &t.name).collect::<Vec<_>>()
                )));
            }
        }
    }
    Ok(out)
}

async fn tables_on(
    conn: &mut AnyConnection,
    backend: Backend,
) -> Result<Vec<TableInfo>, StoreError> {
    let names: Vec<String> = match backend {
        Backend::Sqlite => sqlx::query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        ),
        Backend::Postgres => sqlx::query(
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        ),
    }
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get::<String, _>("name"))
    .collect::<Result<_, _>>()?;
    let mut tables = Vec::new();
    for name in names.into_iter().filter(|n| !SKIP.contains(&n.as_str())) {
        let mut columns = Vec::new();
        let mut key = Vec::new();
        let mut fks: Vec<(String, String, bool)> = Vec::new(); // (column, referenced table, nullable)
        match backend {
            Backend::Sqlite => {
                let rows = sqlx::query(
                    "SELECT name, type, pk, \"notnull\" AS nn FROM pragma_table_info($1) ORDER BY cid",
                )
                .bind(&name)
                .fetch_all(&mut *conn)
                .await?;
                let mut pk = Vec::new();
                let mut notnull = Vec::new();
                for r in rows {
                    let col: String = r.try_get("name")?;
                    let ty: String = r.try_get("type")?;
                    let kind = Kind::of_sqlite(&ty).ok_or_else(|| {
                        bad(format!(
                            "column {name}.{col} has a type ({ty}) a copy cannot carry"
                        ))
                    })?;
                    let p: i64 = r.try_get("pk")?;
                    if p > 0 {
                        pk.push((p, col.clone()));
                    }
                    if r.try_get::<i64, _>("nn")? != 0 {
                        notnull.push(col.clone());
                    }
                    columns.push((col, kind));
                }
                pk.sort();
                key = pk.into_iter().map(|(_, c)| c).collect();
                for r in sqlx::query(
                    "SELECT \"table\" AS t, \"from\" AS f FROM pragma_foreign_key_list($1)",
                )
                .bind(&name)
                .fetch_all(&mut *conn)
                .await?
                {
                    let f: String = r.try_get("f")?;
                    let nullable = !notnull.contains(&f);
                    fks.push((f, r.try_get("t")?, nullable));
                }
            }
            Backend::Postgres => {
                for r in sqlx::query(
                    "SELECT column_name::text AS c, data_type::text AS t, is_nullable::text AS n \
                     FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 \
                     ORDER BY ordinal_position",
                )
                .bind(&name)
                .fetch_all(&mut *conn)
                .await?
                {
                    let col: String = r.try_get("c")?;
                    let ty: String = r.try_get("t")?;
                    let kind = Kind::of_postgres(&ty).ok_or_else(|| {
                        bad(format!(
                            "column {name}.{col} has a type ({ty}) a copy cannot carry"
                        ))
                    })?;
                    columns.push((col, kind));
                }
                for r in sqlx::query(
                    "SELECT a.attname::text AS c FROM pg_index i \
                     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
                     WHERE i.indrelid = $1::regclass AND i.indisprimary \
                     ORDER BY array_position(i.indkey::int2[], a.attnum)",
                )
                .bind(quote(&name))
                .fetch_all(&mut *conn)
                .await?
                {
                    key.push(r.try_get("c")?);
                }
                for r in sqlx::query(
                    "SELECT a.attname::text AS c, cl.relname::text AS t, \
                     CASE WHEN a.attnotnull THEN 0 ELSE 1 END AS n FROM pg_constraint k \
                     JOIN pg_class cl ON cl.oid = k.confrelid \
                     JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY(k.conkey) \
                     WHERE k.contype = 'f' AND k.conrelid = $1::regclass",
                )
                .bind(quote(&name))
                .fetch_all(&mut *conn)
                .await?
                {
                    fks.push((
                        r.try_get("c")?,
                        r.try_get("t")?,
                        r.try_get::<i64, _>("n")? != 0,
                    ));
                }
            }
        }
        let mut refers_to = Vec::new();
        let mut self_refs = Vec::new();
        for (col, t, nullable) in fks {
            if t == name {
                if !nullable {
                    return Err(bad(format!(
                        "{name}.{col} refers to its own table and cannot be empty"
                    )));
                }
                self_refs.push(col);
            } else if !refers_to.contains(&t) {
                refers_to.push(t);
            }
        }
        if key.is_empty() {
            key = columns.iter().map(|(c, _)| c.clone()).collect();
        }
        tables.push(TableInfo {
            name,
            columns,
            refers_to,
            self_refs,
            key,
        });
    }
    dependency_order(tables)
}

fn read_value(row: &AnyRow, i: usize, kind: Kind) -> Result<Value, StoreError> {
    Ok(match kind {
        Kind::Int => row.try_get::<Option<i64>, _>(i)?.map(Value::Int),
        Kind::Text => row.try_get::<Option<String>, _>(i)?.map(Value::Text),
        Kind::Blob => row.try_get::<Option<Vec<u8>>, _>(i)?.map(Value::Blob),
        Kind::Real => row.try_get::<Option<f64>, _>(i)?.map(Value::Real),
        Kind::Bool => row.try_get::<Option<bool>, _>(i)?.map(Value::Bool),
    }
    .unwrap_or(Value::Null))
}

impl Store {
    /// Every table of the installation (less the migration bookkeeping), in foreign-key order.
    pub async fn tables(&self) -> Result<Vec<TableInfo>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        tables_on(&mut conn, self.backend()).await
    }

    /// Whether no table holds a row (a database that does not exist yet or was only migrated:
    /// `meta` with the key fingerprint alone does not count).
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.nonempty_tables().await?.is_empty())
    }

    /// The tables that hold rows (`meta` counts only with more than the key fingerprint).
    pub async fn nonempty_tables(&self) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for t in self.tables().await? {
            let sql = if t.name == "meta" {
                "SELECT COUNT(*) AS n FROM meta WHERE key <> 'key_fingerprint'".to_string()
            } else {
                format!("SELECT COUNT(*) AS n FROM {}", quote(&t.name))
            };
            let n: i64 = sqlx::query(&sql)
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?;
            if n > 0 {
                out.push(t.name);
            }
        }
        Ok(out)
    }

    /// The number of rows of each table.
    pub async fn row_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let mut out = Vec::new();
        for t in self.tables().await? {
            let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {}", quote(&t.name)))
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?;
            out.push((t.name, n));
        }
        Ok(out)
    }

    /// Writes a consistent copy of a SQLite database to `path` (which must not exist) while
    /// others may go on writing: `VACUUM INTO`.
    pub async fn sqlite_snapshot(&self, path: &std::path::Path) -> Result<(), StoreError> {
        if self.backend() != Backend::Sqlite {
            return Err(bad("VACUUM INTO is for SQLite only".into()));
        }
        let p = path
            .to_str()
            .ok_or_else(|| bad(format!("the path {} is not UTF-8", path.display())))?;
        sqlx::query("VACUUM INTO $1")
            .bind(p)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A reader that sees one consistent state of the database for as long as it lives.
    pub async fn export(&self) -> Result<Export, StoreError> {
        let mut tx = self.pool.begin().await?;
        if self.backend() == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let schema_version: i64 =
            sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")
                .fetch_one(&mut *tx)
                .await?
                .try_get("v")?;
        let tables = tables_on(&mut tx, self.backend()).await?;
        Ok(Export {
            tx,
            tables,
            schema_version,
        })
    }

    /// Starts replacing the whole database with a copy of schema version `schema_version`: in
    /// one transaction, drops every table, creates the schema up to that version, and (after
    /// [`Import::insert`] of every row and [`Import::finish`]) migrates to the newest version.
    /// Nothing is changed unless `finish` succeeds.
    pub async fn import(&self, schema_version: i64, now: i64) -> Result<Import, StoreError> {
        if schema_version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found: schema_version,
                known: SCHEMA_VERSION,
            });
        }
        let backend = self.backend();
        let mut tx = self.pool.begin().await?;
        let mut existing = tables_on(&mut tx, backend).await?;
        existing.reverse();
        sqlx::query("DROP TABLE IF EXISTS appeal_stats")
            .execute(&mut *tx)
            .await?;
        for t in &existing {
            sqlx::query(&format!("DROP TABLE {}", quote(&t.name)))
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DROP TABLE IF EXISTS schema_migrations")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, \
             name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .execute(&mut *tx)
        .await?;
        migrate_conn(&mut tx, backend, 0, schema_version, now).await?;
        let tables = tables_on(&mut tx, backend).await?;
        Ok(Import {
            tx,
            backend,
            tables,
            schema_version,
            now,
            pending_self_refs: Vec::new(),
            counts: Vec::new(),
        })
    }
}

/// A consistent read of every table; see [`Store::export`].
pub struct Export {
    tx: Transaction<'static, Any>,
    pub tables: Vec<TableInfo>,
    pub schema_version: i64,
}

impl Export {
    /// The query that reads every row of `table` in primary-key order, for [`Export::stream`].
    pub fn select_sql(table: &TableInfo) -> String {
        let cols: Vec<String> = table.columns.iter().map(|(c, _)| quote(c)).collect();
        let order: Vec<String> = table.key.iter().map(|c| quote(c)).collect();
        format!(
            "SELECT {} FROM {} ORDER BY {}",
            cols.join(", "),
            quote(&table.name),
            order.join(", ")
        )
    }

    /// Every row of `table` (`sql` from [`Export::select_sql`]), values in the order of
    /// `table.columns`.
    pub fn stream<'a>(
        &'a mut self,
        sql: &'a str,
        table: &'a TableInfo,
    ) -> impl futures_util::Stream<Item = Result<Vec<Value>, StoreError>> + 'a {
        sqlx::query(sql)
            .fetch(&mut *self.tx)
            .map_err(StoreError::from)
            .and_then(move |row| async move {
                let mut values = Vec::with_capacity(table.columns.len());
                for (i, (_, kind)) in table.columns.iter().enumerate() {
                    values.push(read_value(&row, i, *kind)?);
                }
                Ok(values)
            })
    }

    pub async fn done(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }
}

/// A self-reference set after the rows are in: (table, key columns and values, column, value).
type SelfRef = (String, Vec<(String, Value)>, String, Value);

/// A replacement of the whole database in one transaction; see [`Store::import`].
pub struct Import {
    tx: Transaction<'static, Any>,
    backend: Backend,
    /// The tables of the target at the copy's schema version.
    pub tables: Vec<TableInfo>,
    schema_version: i64,
    now: i64,
    /// (table, key columns and values, self-referring column, value) to set at the end.
    pending_self_refs: Vec<SelfRef>,
    counts: Vec<(String, u64)>,
}

fn convert(v: Value, kind: Kind) -> Result<Value, StoreError> {
    Ok(match (v, kind) {
        (Value::Null, _) => Value::Null,
        (Value::Bool(b), Kind::Int) => Value::Int(i64::from(b)),
        (Value::Int(i), Kind::Bool) => Value::Bool(i != 0),
        (Value::Int(i), Kind::Real) => Value::Real(i as f64),
        (v @ Value::Int(_), Kind::Int)
        | (v @ Value::Text(_), Kind::Text)
        | (v @ Value::Blob(_), Kind::Blob)
        | (v @ Value::Real(_), Kind::Real)
        | (v @ Value::Bool(_), Kind::Bool) => v,
        (v, k) => {
            return Err(bad(format!(
                "a value {v:?} does not fit a {} column",
                k.code()
            )));
        }
    })
}

fn bind_value<'q>(
    q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    v: Value,
    kind: Kind,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    match v {
        Value::Null => match kind {
            Kind::Int => q.bind(None::<i64>),
            Kind::Text => q.bind(None::<String>),
            Kind::Blob => q.bind(None::<Vec<u8>>),
            Kind::Real => q.bind(None::<f64>),
            Kind::Bool => q.bind(None::<bool>),
        },
        Value::Int(i) => q.bind(i),
        Value::Text(s) => q.bind(s),
        Value::Blob(b) => q.bind(b),
        Value::Real(f) => q.bind(f),
        Value::Bool(b) => q.bind(b),
    }
}

impl Import {
    /// The target's description of `name`, if it has that table.
    pub fn table(&self, name: &str) -> Option<&TableInfo> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// Inserts one row of `table` given as `columns` (names) and `values`.
    pub async fn insert(
        &mut self,
        table: &str,
        columns: &[String],
        values: Vec<Value>,
    ) -> Result<(), StoreError> {
        let info = self
            .table(table)
            .ok_or_else(|| bad(format!("the copy has a table {table} this schema does not")))?
            .clone();
        if columns.len() != values.len() {
            return Err(bad(format!(
                "a row of {table} has {} values for {} columns",
                values.len(),
                columns.len()
            )));
        }
        let mut names = Vec::with_capacity(columns.len());
        let mut binds = Vec::with_capacity(columns.len());
        let mut later = Vec::new();
        for (c, v) in columns.iter().zip(values) {
            let kind = info
                .columns
                .iter()
                .find(|(n, _)| n == c)
                .map(|(_, k)| *k)
                .ok_or_else(|| {
                    bad(format!(
                        "the copy has a column {table}.{c} this schema does not"
                    ))
                })?;
            let v = convert(v, kind)?;
            if info.self_refs.contains(c) && v != Value::Null {
                later.push((c.clone(), v));
                binds.push((Value::Null, kind));
            } else {
                binds.push((v, kind));
            }
            names.push(quote(c));
        }
        let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            quote(table),
            names.join(", "),
            placeholders.join(", ")
        );
        if !later.is_empty() {
            let key: Vec<(String, Value)> = info
                .key
                .iter()
                .filter_map(|k| {
                    columns
                        .iter()
                        .position(|c| c == k)
                        .map(|i| (k.clone(), binds[i].0.clone()))
                })
                .collect();
            for (c, v) in later {
                self.pending_self_refs
                    .push((table.to_string(), key.clone(), c, v));
            }
        }
        let mut q = sqlx::query(&sql);
        for (v, kind) in binds {
            q = bind_value(q, v, kind);
        }
        q.execute(&mut *self.tx).await?;
        match self.counts.last_mut() {
            Some((t, n)) if t == table => *n += 1,
            _ => self.counts.push((table.to_string(), 1)),
        }
        Ok(())
    }

    /// Rows inserted so far, per table.
    pub fn count(&self, table: &str) -> u64 {
        self.counts
            .iter()
            .filter(|(t, _)| t == table)
            .map(|(_, n)| n)
            .sum()
    }

    /// Sets the self-references, moves PostgreSQL's id sequences past the copied ids, migrates
    /// to the newest schema and commits.
    pub async fn finish(mut self) -> Result<(), StoreError> {
        for (table, key, col, v) in std::mem::take(&mut self.pending_self_refs) {
            let kind = self
                .table(&table)
                .and_then(|t| t.columns.iter().find(|(c, _)| *c == col))
                .map(|(_, k)| *k)
                .unwrap_or(Kind::Int);
            let mut wh = Vec::new();
            for (i, (k, _)) in key.iter().enumerate() {
                wh.push(format!("{} = ${}", quote(k), i + 2));
            }
            let sql = format!(
                "UPDATE {} SET {} = $1 WHERE {}",
                quote(&table),
                quote(&col),
                wh.join(" AND ")
            );
            let mut q = bind_value(sqlx::query(&sql), v, kind);
            for (k, kv) in key {
                let kk = self
                    .table(&table)
                    .and_then(|t| t.columns.iter().find(|(c, _)| *c == k))
                    .map(|(_, k)| *k)
                    .unwrap_or(Kind::Int);
                q = bind_value(q, kv, kk);
            }
            q.execute(&mut *self.tx).await?;
        }
        if self.backend == Backend::Postgres {
            let rows = sqlx::query(
                "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND is_identity = 'YES'",
            )
            .fetch_all(&mut *self.tx)
            .await?;
            for r in rows {
                let t: String = r.try_get("t")?;
                let c: String = r.try_get("c")?;
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence($1, $2), \
                     COALESCE((SELECT MAX({}) FROM {}), 0) + 1, false)",
                    quote(&c),
                    quote(&t)
                );
                sqlx::query(&sql)
                    .bind(quote(&t))
                    .bind(&c)
                    .execute(&mut *self.tx)
                    .await?;
            }
        }
        migrate_conn(
            &mut self.tx,
            self.backend,
            self.schema_version,
            SCHEMA_VERSION,
            self.now,
        )
        .await?;
        self.tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn t(name: &str, refs: &[&str]) -> TableInfo {
        TableInfo {
            name: name.into(),
            columns: vec![],
            refers_to: refs.iter().map(|s| s.to_string()).collect(),
            self_refs: vec![],
            key: vec![],
        }
    }

    #[test]
    fn parents_come_first() {
        let order = dependency_order(vec![
            t("c", &["b", "a"]),
            t("b", &["a"]),
            t("a", &[]),
            t("d", &["gone"]),
        ])
        .unwrap();
        let names: Vec<_> = order.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        assert!(dependency_order(vec![t("x", &["y"]), t("y", &["x"])]).is_err());
    }
}
