-- Summary counts for the reports and roll-ups (issue 7): per school, school-local month of
-- receipt, and value of each column a report counts, the number of appeals. Only marginal
-- counts (the reports never cross two columns). Kept by the triggers below in the same
-- transaction as every change to an appeal; `Store::rebuild_stats` recounts it from `appeals`.
--   dim 'channel' | 'category' | 'author' | 'status' : val is the column's value
--   dim 'anonymous' | 'urgent'                        : val '0' or '1'
--   dim 'timing'                                      : val 'on_time' | 'late' | 'closed'
--   dim 'open' (unanswered, not closed)               : val is the deadline (overdue or not is
--                                                       decided when the report is read)
-- month_start: the unix time at which the school-local month of received_at begins.

-- The school's UTC offset in seconds (its time zone is a fixed offset), for the triggers. The
-- store keeps it in step with time_zone (`trustbox_store::zone_offset_seconds`).
ALTER TABLE org_units ADD COLUMN utc_offset INTEGER NOT NULL DEFAULT 0;
UPDATE org_units SET utc_offset = CASE time_zone
    WHEN 'Asia/Bishkek' THEN 21600
    WHEN 'Asia/Almaty' THEN 18000
    WHEN 'Asia/Qostanay' THEN 18000
    WHEN 'Asia/Aqtobe' THEN 18000
    WHEN 'Asia/Aqtau' THEN 18000
    WHEN 'Asia/Atyrau' THEN 18000
    WHEN 'Asia/Oral' THEN 18000
    WHEN 'Asia/Qyzylorda' THEN 18000
    ELSE 0 END;

CREATE TABLE appeal_stats (
    school_id   INTEGER NOT NULL,
    month_start INTEGER NOT NULL,
    dim         TEXT    NOT NULL,
    val         TEXT    NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (school_id, month_start, dim, val)
) WITHOUT ROWID;
-- A roll-up over thousands of schools for a period with few months or none (e.g. the previous
-- quarter of a new installation) finds its rows by month first.
CREATE INDEX appeal_stats_month ON appeal_stats (month_start, school_id);

-- The existing appeals (the same query as `Store::rebuild_stats`).
INSERT INTO appeal_stats (school_id, month_start, dim, val, n)
SELECT j.school_id, j.month_start,
       CASE WHEN x.dim = 'timing' AND j.answered_on IS NULL AND j.status NOT IN ('closed', 'not_an_appeal') THEN 'open' ELSE x.dim END,
       CASE x.dim WHEN 'channel' THEN j.channel WHEN 'category' THEN j.category
            WHEN 'author' THEN j.author_type WHEN 'status' THEN j.status
            WHEN 'anonymous' THEN CAST(j.anonymous AS TEXT) WHEN 'urgent' THEN CAST(j.urgent AS TEXT)
            ELSE CASE WHEN j.answered_on IS NOT NULL AND j.answered_on <= j.deadline THEN 'on_time'
                      WHEN j.answered_on IS NOT NULL THEN 'late'
                      WHEN j.status IN ('closed', 'not_an_appeal') THEN 'closed'
                      ELSE j.deadline END END,
       SUM(j.n)
FROM (SELECT a.school_id,
             CAST(strftime('%s', a.received_at + o.utc_offset, 'unixepoch', 'start of month') AS INTEGER) - o.utc_offset AS month_start,
             a.channel, a.category, a.author_type, a.status, a.anonymous, a.urgent, a.answered_on, a.deadline,
             COUNT(*) AS n
      FROM appeals a JOIN org_units o ON o.id = a.school_id
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10) j
CROSS JOIN (SELECT 'channel' AS dim UNION ALL SELECT 'category' UNION ALL SELECT 'author'
            UNION ALL SELECT 'status' UNION ALL SELECT 'anonymous' UNION ALL SELECT 'urgent'
            UNION ALL SELECT 'timing') x
GROUP BY 1, 2, 3, 4;

-- One writer at a time on SQLite: row triggers, each a few upserts on the primary key.
CREATE TRIGGER appeal_stats_insert AFTER INSERT ON appeals BEGIN
    INSERT INTO appeal_stats (school_id, month_start, dim, val, n)
    SELECT NEW.school_id,
           CAST(strftime('%s', NEW.received_at + o.off, 'unixepoch', 'start of month') AS INTEGER) - o.off,
           CASE WHEN x.dim = 'timing' AND NEW.answered_on IS NULL AND NEW.status NOT IN ('closed', 'not_an_appeal') THEN 'open' ELSE x.dim END,
           CASE x.dim WHEN 'channel' THEN NEW.channel WHEN 'category' THEN NEW.category
                WHEN 'author' THEN NEW.author_type WHEN 'status' THEN NEW.status
                WHEN 'anonymous' THEN CAST(NEW.anonymous AS TEXT) WHEN 'urgent' THEN CAST(NEW.urgent AS TEXT)
                ELSE CASE WHEN NEW.answered_on IS NOT NULL AND NEW.answered_on <= NEW.deadline THEN 'on_time'
                          WHEN NEW.answered_on IS NOT NULL THEN 'late'
                          WHEN NEW.status IN ('closed', 'not_an_appeal') THEN 'closed'
                          ELSE NEW.deadline END END,
           1
    FROM (SELECT COALESCE((SELECT utc_offset FROM org_units WHERE id = NEW.school_id), 0) AS off) o
    CROSS JOIN (SELECT 'channel' AS dim UNION ALL SELECT 'category' UNION ALL SELECT 'author'
                UNION ALL SELECT 'status' UNION ALL SELECT 'anonymous' UNION ALL SELECT 'urgent'
                UNION ALL SELECT 'timing') x
    WHERE true
    ON CONFLICT (school_id, month_start, dim, val) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER appeal_stats_delete AFTER DELETE ON appeals BEGIN
    INSERT INTO appeal_stats (school_id, month_start, dim, val, n)
    SELECT OLD.school_id,
           CAST(strftime('%s', OLD.received_at + o.off, 'unixepoch', 'start of month') AS INTEGER) - o.off,
           CASE WHEN x.dim = 'timing' AND OLD.answered_on IS NULL AND OLD.status NOT IN ('closed', 'not_an_appeal') THEN 'open' ELSE x.dim END,
           CASE x.dim WHEN 'channel' THEN OLD.channel WHEN 'category' THEN OLD.category
                WHEN 'author' THEN OLD.author_type WHEN 'status' THEN OLD.status
                WHEN 'anonymous' THEN CAST(OLD.anonymous AS TEXT) WHEN 'urgent' THEN CAST(OLD.urgent AS TEXT)
                ELSE CASE WHEN OLD.answered_on IS NOT NULL AND OLD.answered_on <= OLD.deadline THEN 'on_time'
                          WHEN OLD.answered_on IS NOT NULL THEN 'late'
                          WHEN OLD.status IN ('closed', 'not_an_appeal') THEN 'closed'
                          ELSE OLD.deadline END END,
           -1
    FROM (SELECT COALESCE((SELECT utc_offset FROM org_units WHERE id = OLD.school_id), 0) AS off) o
    CROSS JOIN (SELECT 'channel' AS dim UNION ALL SELECT 'category' UNION ALL SELECT 'author'
                UNION ALL SELECT 'status' UNION ALL SELECT 'anonymous' UNION ALL SELECT 'urgent'
                UNION ALL SELECT 'timing') x
    WHERE true
    ON CONFLICT (school_id, month_start, dim, val) DO UPDATE SET n = n + excluded.n;
END;

-- Only when a counted column really changes (case work sets status and answered_on to
-- themselves on every change).
CREATE TRIGGER appeal_stats_update AFTER UPDATE OF school_id, received_at, channel, category,
    author_type, status, anonymous, urgent, answered_on, deadline ON appeals
WHEN OLD.school_id IS NOT NEW.school_id OR OLD.received_at IS NOT NEW.received_at
  OR OLD.channel IS NOT NEW.channel OR OLD.category IS NOT NEW.category
  OR OLD.author_type IS NOT NEW.author_type OR OLD.status IS NOT NEW.status
  OR OLD.anonymous IS NOT NEW.anonymous OR OLD.urgent IS NOT NEW.urgent
  OR OLD.answered_on IS NOT NEW.answered_on OR OLD.deadline IS NOT NEW.deadline
BEGIN
    INSERT INTO appeal_stats (school_id, month_start, dim, val, n)
    SELECT OLD.school_id,
           CAST(strftime('%s', OLD.received_at + o.off, 'unixepoch', 'start of month') AS INTEGER) - o.off,
           CASE WHEN x.dim = 'timing' AND OLD.answered_on IS NULL AND OLD.status NOT IN ('closed', 'not_an_appeal') THEN 'open' ELSE x.dim END,
           CASE x.dim WHEN 'channel' THEN OLD.channel WHEN 'category' THEN OLD.category
                WHEN 'author' THEN OLD.author_type WHEN 'status' THEN OLD.status
                WHEN 'anonymous' THEN CAST(OLD.anonymous AS TEXT) WHEN 'urgent' THEN CAST(OLD.urgent AS TEXT)
                ELSE CASE WHEN OLD.answered_on IS NOT NULL AND OLD.answered_on <= OLD.deadline THEN 'on_time'
                          WHEN OLD.answered_on IS NOT NULL THEN 'late'
                          WHEN OLD.status IN ('closed', 'not_an_appeal') THEN 'closed'
                          ELSE OLD.deadline END END,
           -1
    FROM (SELECT COALESCE((SELECT utc_offset FROM org_units WHERE id = OLD.school_id), 0) AS off) o
    CROSS JOIN (SELECT 'channel' AS dim UNION ALL SELECT 'category' UNION ALL SELECT 'author'
                UNION ALL SELECT 'status' UNION ALL SELECT 'anonymous' UNION ALL SELECT 'urgent'
                UNION ALL SELECT 'timing') x
    WHERE true
    ON CONFLICT (school_id, month_start, dim, val) DO UPDATE SET n = n + excluded.n;
    INSERT INTO appeal_stats (school_id, month_start, dim, val, n)
    SELECT NEW.school_id,
           CAST(strftime('%s', NEW.received_at + o.off, 'unixepoch', 'start of month') AS INTEGER) - o.off,
           CASE WHEN x.dim = 'timing' AND NEW.answered_on IS NULL AND NEW.status NOT IN ('closed', 'not_an_appeal') THEN 'open' ELSE x.dim END,
           CASE x.dim WHEN 'channel' THEN NEW.channel WHEN 'category' THEN NEW.category
                WHEN 'author' THEN NEW.author_type WHEN 'status' THEN NEW.status
                WHEN 'anonymous' THEN CAST(NEW.anonymous AS TEXT) WHEN 'urgent' THEN CAST(NEW.urgent AS TEXT)
                ELSE CASE WHEN NEW.answered_on IS NOT NULL AND NEW.answered_on <= NEW.deadline THEN 'on_time'
                          WHEN NEW.answered_on IS NOT NULL THEN 'late'
                          WHEN NEW.status IN ('closed', 'not_an_appeal') THEN 'closed'
                          ELSE NEW.deadline END END,
           1
    FROM (SELECT COALESCE((SELECT utc_offset FROM org_units WHERE id = NEW.school_id), 0) AS off) o
    CROSS JOIN (SELECT 'channel' AS dim UNION ALL SELECT 'category' UNION ALL SELECT 'author'
                UNION ALL SELECT 'status' UNION ALL SELECT 'anonymous' UNION ALL SELECT 'urgent'
                UNION ALL SELECT 'timing') x
    WHERE true
    ON CONFLICT (school_id, month_start, dim, val) DO UPDATE SET n = n + excluded.n;
END;
