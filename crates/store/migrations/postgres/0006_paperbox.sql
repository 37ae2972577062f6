-- The paper box and the commission (seed 003 §IV–V, seed 004). The commission is appointed by
-- the director's order; its members' names and positions are staff data printed on every act.
-- What concerns letters and pupils is encrypted: the letters are appeals (their own data key),
-- a protocol has a data key of its own, wrapped under the master key like an appeal's.
CREATE TABLE commissions (
    id              BIGINT  PRIMARY KEY,
    school_id       BIGINT  NOT NULL REFERENCES org_units(id),
    order_number    TEXT    NOT NULL,
    order_date      TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    created_by      BIGINT  REFERENCES users(id),
    active          BIGINT  NOT NULL DEFAULT 1,
    chair_id        BIGINT ,
    secretary_id    BIGINT ,
    elected_on      TEXT   ,
    chair_votes     TEXT   ,
    secretary_votes TEXT
);
CREATE INDEX commissions_school ON commissions(school_id, active);

CREATE TABLE commission_members (
    id            BIGINT  PRIMARY KEY,
    commission_id BIGINT  NOT NULL REFERENCES commissions(id),
    school_id     BIGINT  NOT NULL REFERENCES org_units(id),
    seq           BIGINT  NOT NULL,
    name          TEXT    NOT NULL,
    position      TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    user_id       BIGINT  REFERENCES users(id)
);
CREATE INDEX commission_members_commission ON commission_members(commission_id, seq);

-- A physical box: where it hangs, the seal on it now, when it is opened.
CREATE TABLE boxes (
    id            BIGINT  PRIMARY KEY,
    school_id     BIGINT  NOT NULL REFERENCES org_units(id),
    location      TEXT    NOT NULL,
    seal          TEXT    NOT NULL,
    schedule_kind TEXT    NOT NULL,
    weekday       BIGINT  NOT NULL DEFAULT 0,
    day1          BIGINT  NOT NULL DEFAULT 0,
    day2          BIGINT  NOT NULL DEFAULT 0,
    at_time       TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    reminded_for  BIGINT
);
CREATE INDEX boxes_school ON boxes(school_id);

-- One opening and its act, numbered per school and school year.
CREATE TABLE openings (
    id           BIGINT  PRIMARY KEY,
    school_id    BIGINT  NOT NULL REFERENCES org_units(id),
    box_id       BIGINT  NOT NULL REFERENCES boxes(id),
    school_year  BIGINT  NOT NULL,
    act_number   BIGINT  NOT NULL,
    opened_at    BIGINT  NOT NULL,
    place        TEXT    NOT NULL,
    seal_before  TEXT    NOT NULL,
    seal_intact  BIGINT  NOT NULL,
    damage_note  TEXT    NOT NULL,
    seal_after   TEXT   ,
    no_letters   BIGINT  NOT NULL DEFAULT 0,
    closed_at    BIGINT ,
    recorded_by  BIGINT  REFERENCES users(id),
    UNIQUE (school_id, school_year, act_number)
);
CREATE INDEX openings_school ON openings(school_id, opened_at);

CREATE TABLE opening_members (
    opening_id   BIGINT  NOT NULL REFERENCES openings(id),
    member_id    BIGINT  NOT NULL REFERENCES commission_members(id),
    school_id    BIGINT  NOT NULL REFERENCES org_units(id),
    confirmed_at BIGINT ,
    confirmed_by BIGINT  REFERENCES users(id),
    PRIMARY KEY (opening_id, member_id)
);

-- The letters found, each registered as a paper appeal. `fingerprint` is a keyed MAC of the
-- date written and the content, so the same letter cannot be registered twice in one opening
-- without storing either in clear; `note_enc` is under the appeal's data key.
CREATE TABLE opening_letters (
    appeal_id   BIGINT  PRIMARY KEY REFERENCES appeals(id),
    opening_id  BIGINT  NOT NULL REFERENCES openings(id),
    school_id   BIGINT  NOT NULL REFERENCES org_units(id),
    seq         BIGINT  NOT NULL,
    fingerprint BYTEA   NOT NULL,
    note_enc    BYTEA  ,
    UNIQUE (opening_id, fingerprint)
);

-- A meeting and its protocol, numbered per school and school year; the protocol's text
-- (present, invited, agenda, heard, resolutions) is encrypted under its own data key.
CREATE TABLE meetings (
    id            BIGINT  PRIMARY KEY,
    school_id     BIGINT  NOT NULL REFERENCES org_units(id),
    commission_id BIGINT  NOT NULL REFERENCES commissions(id),
    school_year   BIGINT  NOT NULL,
    number        BIGINT  NOT NULL,
    held_on       TEXT    NOT NULL,
    chair_id      BIGINT  NOT NULL REFERENCES commission_members(id),
    secretary_id  BIGINT  NOT NULL REFERENCES commission_members(id),
    data_key      BYTEA   NOT NULL,
    body_enc      BYTEA   NOT NULL,
    created_at    BIGINT  NOT NULL,
    created_by    BIGINT  REFERENCES users(id),
    UNIQUE (school_id, school_year, number)
);
CREATE INDEX meetings_school ON meetings(school_id, held_on);

CREATE TABLE meeting_appeals (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    appeal_id  BIGINT NOT NULL REFERENCES appeals(id),
    school_id  BIGINT NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (meeting_id, appeal_id)
);

-- Reminders sent once per school and period (the half-year meeting reminder).
CREATE TABLE commission_reminders (
    school_id BIGINT NOT NULL REFERENCES org_units(id),
    period    TEXT   NOT NULL,
    sent_at   BIGINT NOT NULL,
    PRIMARY KEY (school_id, period)
);
