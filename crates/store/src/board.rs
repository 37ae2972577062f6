//! The answer board: what is published, and what is withdrawn.

use sqlx::Row;

use crate::{Store, StoreError};

/// A board item with what the public page needs to identify the letter (never its author).
#[derive(Debug, Clone)]
pub struct BoardRow {
    pub id: i64,
    pub appeal_id: i64,
    pub kind: String,
    pub text_enc: Vec<u8>,
    pub published_at: i64,
    pub expires_at: i64,
    pub withdrawn_at: Option<i64>,
    /// The letter's reception time and journal number, to identify it on the board.
    pub received_at: i64,
    pub journal_year: i64,
    pub journal_seq: i64,
    /// The appeal's wrapped data key (the text is encrypted with it).
    pub data_key: Vec<u8>,
}

impl Store {
    /// Items of a school on the board at `now` (published, not withdrawn, not expired), newest first.
    pub async fn board(&self, school_id: i64, now: i64) -> Result<Vec<BoardRow>, StoreError> {
        self.board_rows("b.school_id = $1 AND b.withdrawn_at IS NULL AND b.expires_at > $2 AND b.published_at <= $2", school_id, now).await
    }

    /// Every item ever published for one appeal (for the staff page), newest first.
    pub async fn board_of_appeal(
        &self,
        school_id: i64,
        appeal_id: i64,
    ) -> Result<Vec<BoardRow>, StoreError> {
        self.board_rows(
            "b.school_id = $1 AND b.appeal_id = $2",
            school_id,
            appeal_id,
        )
        .await
    }

    async fn board_rows(&self, cond: &str, a: i64, b: i64) -> Result<Vec<BoardRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT b.id, b.appeal_id, b.kind, b.text_enc, b.published_at, b.expires_at, b.withdrawn_at, a.received_at, a.journal_year, \
             a.journal_seq, a.data_key FROM board_items b JOIN appeals a ON a.id = b.appeal_id WHERE {cond} \
             ORDER BY b.published_at DESC, b.id"
        ))
        .bind(a)
        .bind(b)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(BoardRow {
                    id: r.try_get("id")?,
                    appeal_id: r.try_get("appeal_id")?,
                    kind: r.try_get("kind")?,
                    text_enc: r.try_get("text_enc")?,
                    published_at: r.try_get("published_at")?,
                    expires_at: r.try_get("expires_at")?,
                    withdrawn_at: r.try_get("withdrawn_at")?,
                    received_at: r.try_get("received_at")?,
                    journal_year: r.try_get("journal_year")?,
                    journal_seq: r.try_get("journal_seq")?,
                    data_key: r.try_get("data_key")?,
                })
            })
            .collect()
    }

    /// Takes an item off the board.
    pub async fn withdraw_board_item(
        &self,
        school_id: i64,
        id: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        let r = sqlx::query("UPDATE board_items SET withdrawn_at = $1 WHERE id = $2 AND school_id = $3 AND withdrawn_at IS NULL")
            .bind(now)
            .bind(id)
            .bind(school_id)
            .execute(&self.pool)
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
