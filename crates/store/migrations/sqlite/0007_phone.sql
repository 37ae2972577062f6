-- The trust phone line of a school (seed 004 §4.3): its numbers, the responsible people, the
-- hours per weekday (seven ranges, Monday first, empty = closed) and the answering machine's
-- off-hours text in each language (empty = the built-in text). Supersedes the free-text
-- school_settings.phone_numbers / phone_hours, whose numbers are carried over.
CREATE TABLE phone_lines (
    school_id    INTEGER PRIMARY KEY REFERENCES org_units(id),
    numbers      TEXT    NOT NULL DEFAULT '',
    responsible  TEXT    NOT NULL DEFAULT '',
    hours        TEXT    NOT NULL DEFAULT '09:00-18:30,09:00-18:30,09:00-18:30,09:00-18:30,09:00-18:30,,',
    off_hours_ky TEXT    NOT NULL DEFAULT '',
    off_hours_kk TEXT    NOT NULL DEFAULT '',
    off_hours_ru TEXT    NOT NULL DEFAULT '',
    off_hours_en TEXT    NOT NULL DEFAULT '',
    updated_at   INTEGER NOT NULL
);
INSERT INTO phone_lines (school_id, numbers, updated_at)
    SELECT school_id, phone_numbers, updated_at FROM school_settings WHERE phone_numbers <> '';
