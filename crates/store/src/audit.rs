use sqlx::{AnyConnection, Arguments, Row};
use trustbox_crypto::{CHAIN_GENESIS, chain_hash};

use crate::{Store, StoreError};

/// What to record: who did what to which object. `detail` never holds personal data.
#[derive(Debug, Clone)]
pub struct AuditInput<'a> {
    pub actor_id: Option<i64>,
    pub school_id: Option<i64>,
    pub action: &'a str,
    pub object: &'a str,
    pub detail: &'a str,
}

/// One entry of the append-only, hash-chained audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub school_id: Option<i64>,
    pub action: String,
    pub object: String,
    pub detail: String,
}

/// Where a hash chain stops matching its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub chain: String,
    pub entry_id: i64,
    pub reason: String,
}

pub(crate) fn canonical(fields: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for f in fields {
        out.extend_from_slice(&(f.len() as u64).to_le_bytes());
        out.extend_from_slice(f);
    }
    out
}

fn entry_bytes(e: &AuditEntry) -> Vec<u8> {
    canonical(&[
        e.id.to_string().as_bytes(),
        e.at.to_string().as_bytes(),
        e.actor_id
            .map(|v| v.to_string())
            .unwrap_or_default()
            .as_bytes(),
        e.school_id
            .map(|v| v.to_string())
            .unwrap_or_default()
            .as_bytes(),
        e.action.as_bytes(),
        e.object.as_bytes(),
        e.detail.as_bytes(),
    ])
}

/// Advances the chain head `name` and returns (new sequence number, previous hash). Must be the
/// first write of its transaction so that appends are serialised.
pub(crate) async fn advance_head(
    conn: &mut AnyConnection,
    name: &str,
) -> Result<(i64, [u8; 32]), StoreError> {
    advance_head_by(conn, name, 1).await
}

/// Advances the chain head `name` by `k` entries at once (a batch) and returns (the first new
/// sequence number, the previous hash). The caller writes the `k` entries in order and then
/// [`set_head`] with the hash of the last one.
pub(crate) async fn advance_head_by(
    conn: &mut AnyConnection,
    name: &str,
    k: i64,
) -> Result<(i64, [u8; 32]), StoreError> {
    sqlx::query(
        "INSERT INTO chain_heads (name, seq, hash) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING",
    )
    .bind(name)
    .bind(CHAIN_GENESIS.to_vec())
    .execute(&mut *conn)
    .await?;
    let row =
        sqlx::query("UPDATE chain_heads SET seq = seq + $2 WHERE name = $1 RETURNING seq, hash")
            .bind(name)
            .bind(k)
            .fetch_one(&mut *conn)
            .await?;
    let seq: i64 = row.try_get("seq")?;
    let prev: Vec<u8> = row.try_get("hash")?;
    let prev: [u8; 32] = prev.try_into().unwrap_or(CHAIN_GENESIS);
    Ok((seq - k + 1, prev))
}

pub(crate) async fn set_head(
    conn: &mut AnyConnection,
    name: &str,
    hash: &[u8; 32],
) -> Result<(), StoreError> {
    sqlx::query("UPDATE chain_heads SET hash = $1 WHERE name = $2")
        .bind(hash.to_vec())
        .bind(name)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Appends to the audit log inside the caller's transaction.
pub(crate) async fn append_audit(
    conn: &mut AnyConnection,
    input: &AuditInput<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    append_audits(conn, &[(input.clone(), now)]).await
}

/// Appends several entries to the audit log inside the caller's transaction, advancing the
/// chain head once; returns the id of the last one. Each entry comes with its time.
pub(crate) async fn append_audits(
    conn: &mut AnyConnection,
    inputs: &[(AuditInput<'_>, i64)],
) -> Result<i64, StoreError> {
    let (first, mut prev) = advance_head_by(conn, "audit", inputs.len() as i64).await?;
    if inputs.len() == 1 {
        let hash = insert_audit(conn, &inputs[0].0, inputs[0].1, first, prev).await?;
        set_head(conn, "audit", &hash).await?;
        return Ok(first);
    }
    // Hashed one after the other in memory, written in a few multi-row statements.
    let mut rows = Vec::with_capacity(inputs.len());
    for (i, (input, now)) in inputs.iter().enumerate() {
        let entry = AuditEntry {
            id: first + i as i64,
            at: *now,
            actor_id: input.actor_id,
            school_id: input.school_id,
            action: input.action.to_string(),
            object: input.object.to_string(),
            detail: input.detail.to_string(),
        };
        let hash = chain_hash(&prev, &entry_bytes(&entry));
        rows.push((entry, prev, hash));
        prev = hash;
    }
    crate::bulk::insert_rows(
        conn,
        "INSERT INTO audit_log (id, at, actor_id, school_id, action, object, detail, prev_hash, hash)",
        "",
        9,
        &rows,
        |q, (e, prev, hash)| {
            q.add(e.id)?;
            q.add(e.at)?;
            q.add(e.actor_id)?;
            q.add(e.school_id)?;
            q.add(&e.action)?;
            q.add(&e.object)?;
            q.add(&e.detail)?;
            q.add(prev.as_slice())?;
            q.add(hash.as_slice())
        },
    )
    .await?;
    set_head(conn, "audit", &prev).await?;
    Ok(first + inputs.len() as i64 - 1)
}

/// Writes audit entry `seq` after `prev`; returns its hash.
async fn insert_audit(
    conn: &mut AnyConnection,
    input: &AuditInput<'_>,
    now: i64,
    seq: i64,
    prev: [u8; 32],
) -> Result<[u8; 32], StoreError> {
    let entry = AuditEntry {
        id: seq,
        at: now,
        actor_id: input.actor_id,
        school_id: input.school_id,
        action: input.action.to_string(),
        object: input.object.to_string(),
        detail: input.detail.to_string(),
    };
    let hash = chain_hash(&prev, &entry_bytes(&entry));
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_id, school_id, action, object, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(entry.id)
    .bind(entry.at)
    .bind(entry.actor_id)
    .bind(entry.school_id)
    .bind(&entry.action)
    .bind(&entry.object)
    .bind(&entry.detail)
    .bind(prev.to_vec())
    .bind(hash.to_vec())
    .execute(&mut *conn)
    .await?;
    Ok(hash)
}

impl Store {
    /// Records one action in the audit log (its own short transaction).
    pub async fn audit(&self, input: &AuditInput<'_>, now: i64) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = append_audit(&mut tx, input, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The newest audit entries, optionally of one school, newest first.
    pub async fn audit_entries(
        &self,
        school_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        const SELECT: &str =
            "SELECT id, at, actor_id, school_id, action, object, detail FROM audit_log";
        let rows = match school_id {
            Some(s) => {
                sqlx::query(&format!(
                    "{SELECT} WHERE school_id = $1 ORDER BY id DESC LIMIT $2"
                ))
                .bind(s)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(&format!("{SELECT} ORDER BY id DESC LIMIT $1"))
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor_id: r.try_get("actor_id")?,
                    school_id: r.try_get("school_id")?,
                    action: r.try_get("action")?,
                    object: r.try_get("object")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }

    /// Walks the audit chain from the start; returns the first entry that does not match.
    pub async fn verify_audit_chain(&self) -> Result<Result<i64, ChainBreak>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, actor_id, school_id, action, object, detail, prev_hash, hash \
             FROM audit_log ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut prev = CHAIN_GENESIS;
        let mut expected_id = 1;
        let broken = |entry_id: i64, reason: &str| {
            Ok(Err(ChainBreak {
                chain: "audit".into(),
                entry_id,
                reason: reason.into(),
            }))
        };
        for r in &rows {
            let e = AuditEntry {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                actor_id: r.try_get("actor_id")?,
                school_id: r.try_get("school_id")?,
                action: r.try_get("action")?,
                object: r.try_get("object")?,
                detail: r.try_get("detail")?,
            };
            if e.id != expected_id {
                return broken(expected_id, "entry missing");
            }
            let stored_prev: Vec<u8> = r.try_get("prev_hash")?;
            let stored: Vec<u8> = r.try_get("hash")?;
            if stored_prev != prev {
                return broken(e.id, "previous hash does not match");
            }
            let h = chain_hash(&prev, &entry_bytes(&e));
            if stored != h {
                return broken(e.id, "content does not match its hash");
            }
            prev = h;
            expected_id += 1;
        }
        let head: Option<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT seq, hash FROM chain_heads WHERE name = 'audit'")
                .fetch_optional(&self.pool)
                .await?;
        if let Some((seq, hash)) = head
            && (seq != expected_id - 1 || hash != prev)
        {
            return broken(expected_id, "entries after this one were removed");
        }
        Ok(Ok(expected_id - 1))
    }
}
