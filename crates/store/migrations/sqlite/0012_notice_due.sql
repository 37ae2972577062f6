-- The deadline job (every 15 minutes, and at every start) asks each school for its open
-- appeals whose deadline has come and that have not had a reminder (or an escalation) yet.
-- Without these it read every open appeal of the school up to the deadline and dropped those
-- already notified: 555 ms for a school with 100,000 appeals, on every round (BENCHMARKS.md,
-- session 7). These hold only the appeals still waiting for that notice, so the round reads
-- the few it has to send.
CREATE INDEX appeals_remind_due ON appeals (school_id, deadline)
    WHERE reminded_at IS NULL AND status IN ('new', 'in_work', 'forwarded');
CREATE INDEX appeals_escalate_due ON appeals (school_id, deadline)
    WHERE escalated_at IS NULL AND status IN ('new', 'in_work', 'forwarded');
