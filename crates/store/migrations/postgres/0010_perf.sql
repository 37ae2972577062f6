-- Indexes for scale (measured in BENCHMARKS.md).
-- The inbox's order (open first, then urgent, then the nearest deadline) read straight from an
-- index, so a school with 100,000 appeals lists its first page without sorting them all.
CREATE INDEX appeals_inbox_order ON appeals (
    school_id,
    (CASE WHEN status IN ('closed', 'not_an_appeal') THEN 1 ELSE 0 END),
    urgent DESC,
    deadline,
    journal_year,
    journal_seq
);
-- Reports and the journal by period: a school's appeals by time of receipt, with every column
-- the counts group by, so that a roll-up reads the index and not the rows with their
-- ciphertexts.
CREATE INDEX appeals_report ON appeals (
    school_id,
    received_at,
    channel,
    category,
    author_type,
    status,
    anonymous,
    urgent,
    answered_on,
    deadline
);
-- "With measures" in the reports: the few appeals that have a measures entry.
CREATE INDEX journal_entries_measures ON journal_entries (appeal_id) WHERE kind = 'measures';
