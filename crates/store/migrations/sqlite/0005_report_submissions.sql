-- The quarterly analytical report is due by the 5th of the month after the quarter (seed 003
-- §5.5): who marked it submitted and when, and whether the reminder went out.
CREATE TABLE report_submissions (
    school_id    INTEGER NOT NULL REFERENCES org_units(id),
    period       TEXT    NOT NULL,
    submitted_at INTEGER,
    submitted_by INTEGER REFERENCES users(id),
    reminded_at  INTEGER,
    PRIMARY KEY (school_id, period)
);
