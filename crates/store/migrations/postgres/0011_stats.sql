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
ALTER TABLE org_units ADD COLUMN utc_offset BIGINT NOT NULL DEFAULT 0;
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
    school_id   BIGINT NOT NULL,
    month_start BIGINT NOT NULL,
    dim         TEXT   NOT NULL,
    val         TEXT   NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (school_id, month_start, dim, val)
);
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
FROM (SELECT a.school_id, (EXTRACT(EPOCH FROM date_trunc('month', to_timestamp(a.received_at + o.utc_offset) AT TIME ZONE 'UTC')))::bigint - o.utc_offset AS month_start,
             a.channel, a.category, a.author_type, a.status, a.anonymous, a.urgent, a.answered_on, a.deadline,
             COUNT(*) AS n
      FROM appeals a JOIN org_units o ON o.id = a.school_id
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10) j
CROSS JOIN (SELECT 'channel' AS dim UNION ALL SELECT 'category' UNION ALL SELECT 'author'
            UNION ALL SELECT 'status' UNION ALL SELECT 'anonymous' UNION ALL SELECT 'urgent'
            UNION ALL SELECT 'timing') x
GROUP BY 1, 2, 3, 4;

-- Statement triggers over the transition tables: a multi-row INSERT of 256 appeals costs one
-- aggregation and a few upserts; the upserts go in key order (ORDER BY), so that two
-- transactions take the rows of appeal_stats in the same order and cannot deadlock. An UPDATE
-- counts only the rows whose counted columns changed (the others cancel out before the
-- upsert). PostgreSQL allows no column list (UPDATE OF) on a trigger with transition tables.
-- CREATE OR REPLACE: a restore drops the tables but not the functions.
CREATE OR REPLACE FUNCTION appeal_stats_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
    FROM (SELECT d.school_id, (EXTRACT(EPOCH FROM date_trunc('month', to_timestamp(d.received_at + o.utc_offset) AT TIME ZONE 'UTC')))::bigint - o.utc_offset AS month_start,
                 d.channel, d.category, d.author_type, d.status, d.anonymous, d.urgent, d.answered_on, d.deadline, d.n
          FROM (SELECT school_id, received_at, channel, category, author_type, status, anonymous, urgent, answered_on, deadline, COUNT(*) AS n FROM new_rows GROUP BY school_id, received_at, channel, category, author_type, status, anonymous, urgent, answered_on, deadline) d JOIN org_units o ON o.id = d.school_id) j
    CROSS JOIN (SELECT 'channel' AS dim UNION ALL SELECT 'category' UNION ALL SELECT 'author'
            UNION ALL SELECT 'status' UNION ALL SELECT 'anonymous' UNION ALL SELECT 'urgent'
            UNION ALL SELECT 'timing') x
    GROUP BY 1, 2, 3, 4 HAVING SUM(j.n) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (school_id, month_start, dim, val) DO UPDATE SET n = appeal_stats.n + excluded.n;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION appeal_stats_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
    FROM (SELECT d.school_id, (EXTRACT(EPOCH FROM date_trunc('month', to_timestamp(d.received_at + o.utc_offset) AT TIME ZONE 'UTC')))::bigint - o.utc_offset AS month_start,
                 d.channel, d.category, d.author_type, d.status, d.anonymous, d.urgent, d.answered_on, d.deadline, d.n
          FROM (SELECT school_id, received_at, channel, category, author_type, status, anonymous, urgent, answered_on, deadline, -COUNT(*) AS n FROM old_rows GROUP BY school_id, received_at, channel, category, author_type, status, anonymous, urgent, answered_on, deadline) d JOIN org_units o ON o.id = d.school_id) j
    CROSS JOIN (SELECT 'channel' AS dim UNION ALL SELECT 'category' UNION ALL SELECT 'author'
            UNION ALL SELECT 'status' UNION ALL SELECT 'anonymous' UNION ALL SELECT 'urgent'
            UNION ALL SELECT 'timing') x
    GROUP BY 1, 2, 3, 4 HAVING SUM(j.n) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (school_id, month_start, dim, val) DO UPDATE SET n = appeal_stats.n + excluded.n;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION appeal_stats_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
    FROM (SELECT d.school_id, (EXTRACT(EPOCH FROM date_trunc('month', to_timestamp(d.received_at + o.utc_offset) AT TIME ZONE 'UTC')))::bigint - o.utc_offset AS month_start,
                 d.channel, d.category, d.author_type, d.status, d.anonymous, d.urgent, d.answered_on, d.deadline, d.n
          FROM (SELECT school_id, received_at, channel, category, author_type, status, anonymous, urgent, answered_on, deadline, SUM(n) AS n FROM (SELECT school_id, received_at, channel, category, author_type, status, anonymous, urgent, answered_on, deadline, 1 AS n FROM new_rows
                UNION ALL SELECT school_id, received_at, channel, category, author_type, status, anonymous, urgent, answered_on, deadline, -1 AS n FROM old_rows) c
                GROUP BY school_id, received_at, channel, category, author_type, status, anonymous, urgent, answered_on, deadline HAVING SUM(n) <> 0) d JOIN org_units o ON o.id = d.school_id) j
    CROSS JOIN (SELECT 'channel' AS dim UNION ALL SELECT 'category' UNION ALL SELECT 'author'
            UNION ALL SELECT 'status' UNION ALL SELECT 'anonymous' UNION ALL SELECT 'urgent'
            UNION ALL SELECT 'timing') x
    GROUP BY 1, 2, 3, 4 HAVING SUM(j.n) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (school_id, month_start, dim, val) DO UPDATE SET n = appeal_stats.n + excluded.n;
    RETURN NULL;
END $$;

CREATE TRIGGER appeal_stats_insert AFTER INSERT ON appeals
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION appeal_stats_insert();
CREATE TRIGGER appeal_stats_delete AFTER DELETE ON appeals
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION appeal_stats_delete();
CREATE TRIGGER appeal_stats_update AFTER UPDATE ON appeals
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION appeal_stats_update();
