//! When a letter may be said to have been received, for the channels that bring their own time
//! (a phone exchange's voicemail at night, a bot that forwards later): no earlier than the
//! school's creation nor more than a year back, and not in the future beyond a small clock skew.
//! A wrong time would put a letter in a past journal year, set a deadline already missed, or
//! choose a retention bucket long destroyed.

/// How far ahead of our clock a sender's clock may be (its time is then taken as now).
pub const RECEIVED_AT_MAX_SKEW_SECS: i64 = 5 * 60;
/// How far back a received time may go at most (also bounded by the school's creation).
pub const RECEIVED_AT_MAX_AGE_SECS: i64 = 365 * 24 * 3600;

/// Why a received time is refused; `message_id` is the API's error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceivedAtError {
    TooOld,
    Future,
}

impl ReceivedAtError {
    pub fn message_id(self) -> &'static str {
        match self {
            ReceivedAtError::TooOld => "err-received-at-too-old",
            ReceivedAtError::Future => "err-received-at-future",
        }
    }
}

/// The received time to record for a claimed `received` (UNIX seconds) at `now`, for a school
/// created at `school_created`: `received` itself, or `now` when the sender's clock is ahead
/// by at most [`RECEIVED_AT_MAX_SKEW_SECS`].
pub fn check_received_at(
    received: i64,
    now: i64,
    school_created: i64,
) -> Result<i64, ReceivedAtError> {
    if received > now.saturating_add(RECEIVED_AT_MAX_SKEW_SECS) {
        return Err(ReceivedAtError::Future);
    }
    let earliest = school_created.max(now.saturating_sub(RECEIVED_AT_MAX_AGE_SECS));
    if received < earliest {
        return Err(ReceivedAtError::TooOld);
    }
    Ok(received.min(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_796_000_000;
    const DAY: i64 = 86_400;

    #[test]
    fn bounds() {
        let old_school = NOW - 10 * 365 * DAY;
        assert_eq!(check_received_at(NOW, NOW, old_school), Ok(NOW));
        assert_eq!(check_received_at(NOW - DAY, NOW, old_school), Ok(NOW - DAY));
        // A sender a few minutes ahead is taken as now; further ahead is refused.
        assert_eq!(check_received_at(NOW + 60, NOW, old_school), Ok(NOW));
        assert_eq!(
            check_received_at(NOW + RECEIVED_AT_MAX_SKEW_SECS + 1, NOW, old_school),
            Err(ReceivedAtError::Future)
        );
        // A year back at most, and never before the school existed.
        assert_eq!(
            check_received_at(NOW - 365 * DAY, NOW, old_school),
            Ok(NOW - 365 * DAY)
        );
        assert_eq!(
            check_received_at(NOW - 365 * DAY - 1, NOW, old_school),
            Err(ReceivedAtError::TooOld)
        );
        let new_school = NOW - 30 * DAY;
        assert_eq!(
            check_received_at(NOW - 31 * DAY, NOW, new_school),
            Err(ReceivedAtError::TooOld)
        );
        assert_eq!(
            check_received_at(new_school, NOW, new_school),
            Ok(new_school)
        );
        // Year 1.
        assert_eq!(
            check_received_at(-62_135_596_800, NOW, 0),
            Err(ReceivedAtError::TooOld)
        );
        assert_eq!(
            check_received_at(i64::MAX, NOW, 0),
            Err(ReceivedAtError::Future)
        );
    }
}
