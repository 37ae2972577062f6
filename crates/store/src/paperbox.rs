//! The paper box and the commission: the commission appointed by order and its members, the
//! boxes with their seal and schedule, the openings with their acts (the letters found are
//! registered as appeals in the same transaction), meetings with their protocols. Every change
//! writes its audit entry in the same transaction.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::appeals::{NewAppeal, NewMail, Registered, queue_mails, register_in};
use crate::audit::append_audit;
use crate::{AuditInput, Store, StoreError};

/// A member as appointed.
#[derive(Debug, Clone)]
pub struct NewMember {
    pub id: i64,
    pub name: String,
    pub position: String,
    pub kind: String,
    pub user_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewCommission {
    pub id: i64,
    pub school_id: i64,
    pub order_number: String,
    pub order_date: String,
    pub created_at: i64,
    pub created_by: Option<i64>,
    pub members: Vec<NewMember>,
}

#[derive(Debug, Clone)]
pub struct MemberRow {
    pub id: i64,
    pub seq: i64,
    pub name: String,
    pub position: String,
    pub kind: String,
    pub user_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct CommissionRow {
    pub id: i64,
    pub school_id: i64,
    pub order_number: String,
    pub order_date: String,
    pub created_at: i64,
    pub chair_id: Option<i64>,
    pub secretary_id: Option<i64>,
    pub elected_on: Option<String>,
    pub chair_votes: Option<String>,
    pub secretary_votes: Option<String>,
    pub members: Vec<MemberRow>,
}

/// A box; also what creates one.
#[derive(Debug, Clone)]
pub struct BoxRow {
    pub id: i64,
    pub school_id: i64,
    pub location: String,
    pub seal: String,
    pub schedule_kind: String,
    pub weekday: i64,
    pub day1: i64,
    pub day2: i64,
    pub at_time: String,
    pub created_at: i64,
    pub reminded_for: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewOpening {
    pub id: i64,
    pub school_id: i64,
    pub box_id: i64,
    pub school_year: i64,
    pub opened_at: i64,
    pub place: String,
    pub seal_before: String,
    pub seal_intact: bool,
    pub damage_note: String,
    pub recorded_by: Option<i64>,
    pub members: Vec<i64>,
}

#[derive(Debug, Clone)]
pub struct OpeningRow {
    pub id: i64,
    pub school_id: i64,
    pub box_id: i64,
    pub school_year: i64,
    pub act_number: i64,
    pub opened_at: i64,
    pub place: String,
    pub seal_before: String,
    pub seal_intact: bool,
    pub damage_note: String,
    pub seal_after: Option<String>,
    pub no_letters: bool,
    pub closed_at: Option<i64>,
    pub letters: i64,
}

/// A member present at an opening, and whether they confirmed the act.
#[derive(Debug, Clone)]
pub struct PresentRow {
    pub member_id: i64,
    pub confirmed_at: Option<i64>,
}

/// A letter found at an opening: its appeal and the encrypted note of the act.
#[derive(Debug, Clone)]
pub struct LetterRow {
    pub appeal_id: i64,
    pub seq: i64,
    pub note_enc: Option<Vec<u8>>,
}

#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub id: i64,
    pub school_id: i64,
    pub commission_id: i64,
    pub school_year: i64,
    pub held_on: String,
    pub chair_id: i64,
    pub secretary_id: i64,
    pub data_key: Vec<u8>,
    pub body_enc: Vec<u8>,
    pub created_at: i64,
    pub created_by: Option<i64>,
    pub appeals: Vec<i64>,
}

#[derive(Debug, Clone)]
pub struct MeetingRow {
    pub id: i64,
    pub school_id: i64,
    pub commission_id: i64,
    pub school_year: i64,
    pub number: i64,
    pub held_on: String,
    pub chair_id: i64,
    pub secretary_id: i64,
    pub data_key: Vec<u8>,
    pub body_enc: Vec<u8>,
}

fn member(r: &AnyRow) -> Result<MemberRow, sqlx::Error> {
    Ok(MemberRow {
        id: r.try_get("id")?,
        seq: r.try_get("seq")?,
        name: r.try_get("name")?,
        position: r.try_get("position")?,
        kind: r.try_get("kind")?,
        user_id: r.try_get("user_id")?,
    })
}

const BOX_COLUMNS: &str = "id, school_id, location, seal, schedule_kind, weekday, day1, day2, \
    at_time, created_at, reminded_for";

fn box_row(r: &AnyRow) -> Result<BoxRow, sqlx::Error> {
    Ok(BoxRow {
        id: r.try_get("id")?,
        school_id: r.try_get("school_id")?,
        location: r.try_get("location")?,
        seal: r.try_get("seal")?,
        schedule_kind: r.try_get("schedule_kind")?,
        weekday: r.try_get("weekday")?,
        day1: r.try_get("day1")?,
        day2: r.try_get("day2")?,
        at_time: r.try_get("at_time")?,
        created_at: r.try_get("created_at")?,
        reminded_for: r.try_get("reminded_for")?,
    })
}

const OPENING_COLUMNS: &str = "o.id, o.school_id, o.box_id, o.school_year, o.act_number, \
    o.opened_at, o.place, o.seal_before, o.seal_intact, o.damage_note, o.seal_after, o.no_letters, \
    o.closed_at, (SELECT COUNT(*) FROM opening_letters l WHERE l.opening_id = o.id) AS letters";

fn opening_row(r: &AnyRow) -> Result<OpeningRow, sqlx::Error> {
    Ok(OpeningRow {
        id: r.try_get("id")?,
        school_id: r.try_get("school_id")?,
        box_id: r.try_get("box_id")?,
        school_year: r.try_get("school_year")?,
        act_number: r.try_get("act_number")?,
        opened_at: r.try_get("opened_at")?,
        place: r.try_get("place")?,
        seal_before: r.try_get("seal_before")?,
        seal_intact: r.try_get::<i64, _>("seal_intact")? != 0,
        damage_note: r.try_get("damage_note")?,
        seal_after: r.try_get("seal_after")?,
        no_letters: r.try_get::<i64, _>("no_letters")? != 0,
        closed_at: r.try_get("closed_at")?,
        letters: r.try_get("letters")?,
    })
}

const MEETING_COLUMNS: &str = "id, school_id, commission_id, school_year, number, held_on, \
    chair_id, secretary_id, data_key, body_enc";

fn meeting_row(r: &AnyRow) -> Result<MeetingRow, sqlx::Error> {
    Ok(MeetingRow {
        id: r.try_get("id")?,
        school_id: r.try_get("school_id")?,
        commission_id: r.try_get("commission_id")?,
        school_year: r.try_get("school_year")?,
        number: r.try_get("number")?,
        held_on: r.try_get("held_on")?,
        chair_id: r.try_get("chair_id")?,
        secretary_id: r.try_get("secretary_id")?,
        data_key: r.try_get("data_key")?,
        body_enc: r.try_get("body_enc")?,
    })
}

fn audit<'a>(actor: Option<i64>, school: i64, action: &'a str, object: &'a str) -> AuditInput<'a> {
    AuditInput {
        actor_id: actor,
        school_id: Some(school),
        action,
        object,
        detail: "",
    }
}

impl Store {
    /// Records the director's order: the new commission becomes the school's active one.
    pub async fn appoint_commission(&self, c: &NewCommission) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE commissions SET active = 0 WHERE school_id = $1")
            .bind(c.school_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO commissions (id, school_id, order_number, order_date, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(c.id)
        .bind(c.school_id)
        .bind(&c.order_number)
        .bind(&c.order_date)
        .bind(c.created_at)
        .bind(c.created_by)
        .execute(&mut *tx)
        .await?;
        for (i, m) in c.members.iter().enumerate() {
            sqlx::query(
                "INSERT INTO commission_members (id, commission_id, school_id, seq, name, position, kind, user_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(m.id)
            .bind(c.id)
            .bind(c.school_id)
            .bind(i as i64 + 1)
            .bind(&m.name)
            .bind(&m.position)
            .bind(&m.kind)
            .bind(m.user_id)
            .execute(&mut *tx)
            .await?;
        }
        let object = format!("commission:{}", c.id);
        append_audit(
            &mut tx,
            &AuditInput {
                detail: &format!("order {} of {}", c.order_number, c.order_date),
                ..audit(c.created_by, c.school_id, "commission-appointed", &object)
            },
            c.created_at,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The school's active commission with its members, if one was appointed.
    pub async fn active_commission(
        &self,
        school_id: i64,
    ) -> Result<Option<CommissionRow>, StoreError> {
        let row = sqlx::query(
            "SELECT id, school_id, order_number, order_date, created_at, chair_id, secretary_id, \
             elected_on, chair_votes, secretary_votes FROM commissions \
             WHERE school_id = $1 AND active = 1 ORDER BY created_at DESC LIMIT 1",
        )
        .bind(school_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let id: i64 = r.try_get("id")?;
        Ok(Some(CommissionRow {
            id,
            school_id: r.try_get("school_id")?,
            order_number: r.try_get("order_number")?,
            order_date: r.try_get("order_date")?,
            created_at: r.try_get("created_at")?,
            chair_id: r.try_get("chair_id")?,
            secretary_id: r.try_get("secretary_id")?,
            elected_on: r.try_get("elected_on")?,
            chair_votes: r.try_get("chair_votes")?,
            secretary_votes: r.try_get("secretary_votes")?,
            members: self.commission_members(school_id, id).await?,
        }))
    }

    pub async fn commission_members(
        &self,
        school_id: i64,
        commission_id: i64,
    ) -> Result<Vec<MemberRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, seq, name, position, kind, user_id FROM commission_members \
             WHERE school_id = $1 AND commission_id = $2 ORDER BY seq",
        )
        .bind(school_id)
        .bind(commission_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(member).collect::<Result<_, _>>()?)
    }

    /// Every member of every commission of the school (old acts name members of earlier ones).
    pub async fn all_members(&self, school_id: i64) -> Result<Vec<MemberRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, seq, name, position, kind, user_id FROM commission_members \
             WHERE school_id = $1 ORDER BY seq",
        )
        .bind(school_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(member).collect::<Result<_, _>>()?)
    }

    /// The open-vote election of chair and secretary at the first meeting (seed 003 §5.4).
    #[allow(clippy::too_many_arguments)]
    pub async fn record_election(
        &self,
        school_id: i64,
        commission_id: i64,
        chair_id: i64,
        secretary_id: i64,
        elected_on: &str,
        chair_votes: &str,
        secretary_votes: &str,
        actor: Option<i64>,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let r = sqlx::query(
            "UPDATE commissions SET chair_id = $1, secretary_id = $2, elected_on = $3, \
             chair_votes = $4, secretary_votes = $5 WHERE id = $6 AND school_id = $7",
        )
        .bind(chair_id)
        .bind(secretary_id)
        .bind(elected_on)
        .bind(chair_votes)
        .bind(secretary_votes)
        .bind(commission_id)
        .bind(school_id)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let object = format!("commission:{commission_id}");
        append_audit(
            &mut tx,
            &audit(actor, school_id, "commission-elected", &object),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn create_box(&self, b: &BoxRow, actor: Option<i64>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO boxes (id, school_id, location, seal, schedule_kind, weekday, day1, day2, at_time, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(b.id)
        .bind(b.school_id)
        .bind(&b.location)
        .bind(&b.seal)
        .bind(&b.schedule_kind)
        .bind(b.weekday)
        .bind(b.day1)
        .bind(b.day2)
        .bind(&b.at_time)
        .bind(b.created_at)
        .execute(&mut *tx)
        .await?;
        let object = format!("box:{}", b.id);
        append_audit(
            &mut tx,
            &audit(actor, b.school_id, "box-created", &object),
            b.created_at,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn boxes(&self, school_id: i64) -> Result<Vec<BoxRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {BOX_COLUMNS} FROM boxes WHERE school_id = $1 ORDER BY created_at, id"
        ))
        .bind(school_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(box_row).collect::<Result<_, _>>()?)
    }

    /// A box of `school_id`; not found when it belongs to another school.
    pub async fn paper_box(&self, school_id: i64, id: i64) -> Result<BoxRow, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {BOX_COLUMNS} FROM boxes WHERE id = $1 AND school_id = $2"
        ))
        .bind(id)
        .bind(school_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(box_row(&row)?)
    }

    /// Marks the reminder for the opening at `occurrence` sent, with its mails, once.
    pub async fn mark_box_reminded(
        &self,
        school_id: i64,
        box_id: i64,
        occurrence: i64,
        now: i64,
        mails: &[NewMail],
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let r = sqlx::query(
            "UPDATE boxes SET reminded_for = $1 WHERE id = $2 AND school_id = $3 \
             AND (reminded_for IS NULL OR reminded_for <> $1)",
        )
        .bind(occurrence)
        .bind(box_id)
        .bind(school_id)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Ok(false);
        }
        queue_mails(&mut tx, mails, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Starts an opening: its act gets the next number of the school year.
    pub async fn start_opening(&self, o: &NewOpening) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "SELECT COALESCE(MAX(act_number), 0) + 1 AS n FROM openings WHERE school_id = $1 AND school_year = $2",
        )
        .bind(o.school_id)
        .bind(o.school_year)
        .fetch_one(&mut *tx)
        .await?;
        let number: i64 = row.try_get("n")?;
        sqlx::query(
            "INSERT INTO openings (id, school_id, box_id, school_year, act_number, opened_at, place, \
             seal_before, seal_intact, damage_note, recorded_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(o.id)
        .bind(o.school_id)
        .bind(o.box_id)
        .bind(o.school_year)
        .bind(number)
        .bind(o.opened_at)
        .bind(&o.place)
        .bind(&o.seal_before)
        .bind(i64::from(o.seal_intact))
        .bind(&o.damage_note)
        .bind(o.recorded_by)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, "act number"))?;
        for m in &o.members {
            sqlx::query(
                "INSERT INTO opening_members (opening_id, member_id, school_id) VALUES ($1, $2, $3)",
            )
            .bind(o.id)
            .bind(m)
            .bind(o.school_id)
            .execute(&mut *tx)
            .await?;
        }
        let object = format!("opening:{}", o.id);
        append_audit(
            &mut tx,
            &AuditInput {
                detail: &format!("act {number}"),
                ..audit(o.recorded_by, o.school_id, "opening-started", &object)
            },
            o.opened_at,
        )
        .await?;
        tx.commit().await?;
        Ok(number)
    }

    pub async fn openings(&self, school_id: i64) -> Result<Vec<OpeningRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {OPENING_COLUMNS} FROM openings o WHERE o.school_id = $1 ORDER BY o.opened_at, o.act_number"
        ))
        .bind(school_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(opening_row).collect::<Result<_, _>>()?)
    }

    /// An opening of `school_id`; not found when it belongs to another school.
    pub async fn opening(&self, school_id: i64, id: i64) -> Result<OpeningRow, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {OPENING_COLUMNS} FROM openings o WHERE o.id = $1 AND o.school_id = $2"
        ))
        .bind(id)
        .bind(school_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(opening_row(&row)?)
    }

    pub async fn opening_present(&self, opening_id: i64) -> Result<Vec<PresentRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.member_id, p.confirmed_at FROM opening_members p \
             JOIN commission_members m ON m.id = p.member_id WHERE p.opening_id = $1 ORDER BY m.seq",
        )
        .bind(opening_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PresentRow {
                    member_id: r.try_get("member_id")?,
                    confirmed_at: r.try_get("confirmed_at")?,
                })
            })
            .collect()
    }

    pub async fn opening_letters(&self, opening_id: i64) -> Result<Vec<LetterRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT appeal_id, seq, note_enc FROM opening_letters WHERE opening_id = $1 ORDER BY seq",
        )
        .bind(opening_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LetterRow {
                    appeal_id: r.try_get("appeal_id")?,
                    seq: r.try_get("seq")?,
                    note_enc: r.try_get("note_enc")?,
                })
            })
            .collect()
    }

    /// Registers a letter found at an opening as an appeal, in one transaction with its row in
    /// the act. The same letter (same `fingerprint`) twice in one opening is
    /// [`StoreError::Duplicate`]; a closed opening takes no letters ([`StoreError::Conflict`]).
    pub async fn register_opening_letter(
        &self,
        opening_id: i64,
        fingerprint: &[u8],
        note_enc: Option<&[u8]>,
        a: &NewAppeal,
    ) -> Result<Registered, StoreError> {
        let mut tx = self.pool.begin().await?;
        let open = sqlx::query("SELECT closed_at FROM openings WHERE id = $1 AND school_id = $2")
            .bind(opening_id)
            .bind(a.school_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        if open.try_get::<Option<i64>, _>("closed_at")?.is_some() {
            return Err(StoreError::Conflict);
        }
        let dup = sqlx::query(
            "SELECT COUNT(*) AS n FROM opening_letters WHERE opening_id = $1 AND fingerprint = $2",
        )
        .bind(opening_id)
        .bind(fingerprint)
        .fetch_one(&mut *tx)
        .await?;
        if dup.try_get::<i64, _>("n")? > 0 {
            return Err(StoreError::Duplicate("letter"));
        }
        let reg = register_in(&mut tx, a).await?;
        let seq: i64 =
            sqlx::query("SELECT COUNT(*) + 1 AS n FROM opening_letters WHERE opening_id = $1")
                .bind(opening_id)
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
        sqlx::query(
            "INSERT INTO opening_letters (appeal_id, opening_id, school_id, seq, fingerprint, note_enc) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(a.id)
        .bind(opening_id)
        .bind(a.school_id)
        .bind(seq)
        .bind(fingerprint)
        .bind(note_enc)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, "letter"))?;
        let object = format!("opening:{opening_id}");
        append_audit(
            &mut tx,
            &AuditInput {
                detail: &format!("appeal:{}", a.id),
                ..audit(a.entered_by, a.school_id, "opening-letter", &object)
            },
            a.received_at,
        )
        .await?;
        tx.commit().await?;
        Ok(reg)
    }

    /// Closes an opening with the new seal, which the box then carries.
    pub async fn close_opening(
        &self,
        school_id: i64,
        opening_id: i64,
        seal_after: &str,
        no_letters: bool,
        actor: Option<i64>,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let r = sqlx::query(
            "UPDATE openings SET seal_after = $1, no_letters = $2, closed_at = $3 \
             WHERE id = $4 AND school_id = $5 AND closed_at IS NULL",
        )
        .bind(seal_after)
        .bind(i64::from(no_letters))
        .bind(now)
        .bind(opening_id)
        .bind(school_id)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        sqlx::query(
            "UPDATE boxes SET seal = $1 WHERE school_id = $2 AND id = (SELECT box_id FROM openings WHERE id = $3)",
        )
        .bind(seal_after)
        .bind(school_id)
        .bind(opening_id)
        .execute(&mut *tx)
        .await?;
        let object = format!("opening:{opening_id}");
        append_audit(
            &mut tx,
            &audit(actor, school_id, "opening-closed", &object),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A member present confirms the act; false when already confirmed or not present.
    pub async fn confirm_opening(
        &self,
        school_id: i64,
        opening_id: i64,
        member_id: i64,
        user_id: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let r = sqlx::query(
            "UPDATE opening_members SET confirmed_at = $1, confirmed_by = $2 \
             WHERE opening_id = $3 AND member_id = $4 AND school_id = $5 AND confirmed_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .bind(opening_id)
        .bind(member_id)
        .bind(school_id)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Ok(false);
        }
        let object = format!("opening:{opening_id}");
        append_audit(
            &mut tx,
            &audit(Some(user_id), school_id, "opening-confirmed", &object),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Records a meeting; its protocol gets the next number of the school year.
    pub async fn create_meeting(&self, m: &NewMeeting) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let number: i64 = sqlx::query(
            "SELECT COALESCE(MAX(number), 0) + 1 AS n FROM meetings WHERE school_id = $1 AND school_year = $2",
        )
        .bind(m.school_id)
        .bind(m.school_year)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        sqlx::query(
            "INSERT INTO meetings (id, school_id, commission_id, school_year, number, held_on, chair_id, \
             secretary_id, data_key, body_enc, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(m.id)
        .bind(m.school_id)
        .bind(m.commission_id)
        .bind(m.school_year)
        .bind(number)
        .bind(&m.held_on)
        .bind(m.chair_id)
        .bind(m.secretary_id)
        .bind(&m.data_key)
        .bind(&m.body_enc)
        .bind(m.created_at)
        .bind(m.created_by)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, "protocol number"))?;
        for a in &m.appeals {
            sqlx::query(
                "INSERT INTO meeting_appeals (meeting_id, appeal_id, school_id) VALUES ($1, $2, $3)",
            )
            .bind(m.id)
            .bind(a)
            .bind(m.school_id)
            .execute(&mut *tx)
            .await?;
        }
        let object = format!("meeting:{}", m.id);
        append_audit(
            &mut tx,
            &AuditInput {
                detail: &format!("protocol {number}"),
                ..audit(m.created_by, m.school_id, "meeting-recorded", &object)
            },
            m.created_at,
        )
        .await?;
        tx.commit().await?;
        Ok(number)
    }

    pub async fn meetings(&self, school_id: i64) -> Result<Vec<MeetingRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {MEETING_COLUMNS} FROM meetings WHERE school_id = $1 ORDER BY held_on, number"
        ))
        .bind(school_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(meeting_row).collect::<Result<_, _>>()?)
    }

    /// A meeting of `school_id`; not found when it belongs to another school.
    pub async fn meeting(&self, school_id: i64, id: i64) -> Result<MeetingRow, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {MEETING_COLUMNS} FROM meetings WHERE id = $1 AND school_id = $2"
        ))
        .bind(id)
        .bind(school_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(meeting_row(&row)?)
    }

    pub async fn meeting_appeals(&self, meeting_id: i64) -> Result<Vec<i64>, StoreError> {
        let rows = sqlx::query(
            "SELECT appeal_id FROM meeting_appeals WHERE meeting_id = $1 ORDER BY appeal_id",
        )
        .bind(meeting_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<i64, _>("appeal_id")?))
            .collect()
    }

    /// How many meetings were held from `from` to `to` (`YYYY-MM-DD`, inclusive).
    pub async fn meetings_held(
        &self,
        school_id: i64,
        from: &str,
        to: &str,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query(
            "SELECT COUNT(*) AS n FROM meetings WHERE school_id = $1 AND held_on >= $2 AND held_on <= $3",
        )
        .bind(school_id)
        .bind(from)
        .bind(to)
        .fetch_one(&self.pool)
        .await?
        .try_get("n")?)
    }

    /// Marks the reminder of `period` sent for the school, with its mails, once.
    pub async fn mark_commission_reminder(
        &self,
        school_id: i64,
        period: &str,
        now: i64,
        mails: &[NewMail],
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let r = sqlx::query(
            "INSERT INTO commission_reminders (school_id, period, sent_at) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(school_id)
        .bind(period)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Ok(false);
        }
        queue_mails(&mut tx, mails, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The appeal of `school_id` with journal number `year`/`seq`, if any.
    pub async fn appeal_by_number(
        &self,
        school_id: i64,
        year: i64,
        seq: i64,
    ) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query(
            "SELECT id FROM appeals WHERE school_id = $1 AND journal_year = $2 AND journal_seq = $3",
        )
        .bind(school_id)
        .bind(year)
        .bind(seq)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => Some(r.try_get("id")?),
            None => None,
        })
    }
}
