//! Multi-row `INSERT`s for the group commit: a batch of appeals costs a handful of statements
//! instead of several per appeal (on PostgreSQL each statement is a round trip; on SQLite a
//! hand-off to the connection's thread).
//!
//! Rows go in chunks whose sizes are powers of two (at most [`MAX_ROWS`]), so that a table has
//! at most eight statement shapes and the connections' prepared-statement caches keep them all
//! (a shape per batch size would churn the caches and re-plan every statement).

use sqlx::any::AnyArguments;
use sqlx::error::BoxDynError;
use sqlx::{AnyConnection, Arguments};

use crate::StoreError;

/// The most rows one statement carries (× at most 21 columns: far below SQLite's and
/// PostgreSQL's parameter limits).
pub(crate) const MAX_ROWS: usize = 128;

/// The chunk sizes for `n` rows: the largest powers of two first, e.g. 37 → 32, 4, 1.
pub(crate) fn chunks(mut n: usize) -> Vec<usize> {
    let mut out = Vec::new();
    while n > 0 {
        let k = if n >= MAX_ROWS {
            MAX_ROWS
        } else {
            1 << (usize::BITS - 1 - n.leading_zeros())
        };
        out.push(k);
        n -= k;
    }
    out
}

/// `head VALUES ($1, …, $cols), (…) … tail` for `rows` rows.
fn statement(head: &str, tail: &str, cols: usize, rows: usize) -> String {
    let mut sql = String::with_capacity(head.len() + tail.len() + rows * cols * 5);
    sql.push_str(head);
    sql.push_str(" VALUES ");
    let mut p = 0;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..cols {
            if c > 0 {
                sql.push_str(", ");
            }
            p += 1;
            sql.push('$');
            sql.push_str(&p.to_string());
        }
        sql.push(')');
    }
    sql.push_str(tail);
    sql
}

/// Inserts `rows` with `head` (`INSERT INTO t (a, b, c)`) and `tail` (e.g. ` ON CONFLICT DO
/// NOTHING`), `cols` values per row added by `bind` in column order. Returns the rows written.
pub(crate) async fn insert_rows<'a, T>(
    conn: &mut AnyConnection,
    head: &str,
    tail: &str,
    cols: usize,
    rows: &'a [T],
    bind: impl Fn(&mut AnyArguments<'a>, &'a T) -> Result<(), BoxDynError>,
) -> Result<u64, StoreError> {
    let mut done = 0;
    let mut affected = 0;
    for k in chunks(rows.len()) {
        let sql = statement(head, tail, cols, k);
        let mut args = AnyArguments::default();
        args.reserve(k * cols, 0);
        for row in &rows[done..done + k] {
            bind(&mut args, row).map_err(sqlx::Error::Encode)?;
        }
        debug_assert_eq!(args.len(), k * cols, "{head}");
        affected += sqlx::query_with(&sql, args)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        done += k;
    }
    Ok(affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_powers_of_two_that_add_up() {
        for n in 0..600 {
            let c = chunks(n);
            assert_eq!(c.iter().sum::<usize>(), n, "{n}");
            assert!(c.iter().all(|k| k.is_power_of_two() && *k <= MAX_ROWS));
            assert!(c.windows(2).all(|w| w[0] >= w[1]), "{n}: {c:?}");
        }
        assert_eq!(chunks(37), vec![32, 4, 1]);
        assert_eq!(chunks(300), vec![128, 128, 32, 8, 4]);
    }

    #[test]
    fn statement_numbers_every_value() {
        assert_eq!(
            statement("INSERT INTO t (a, b)", " ON CONFLICT DO NOTHING", 2, 2),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING"
        );
    }
}
