//! How long a closed appeal is kept (seed 000: one year) before it is destroyed.

use time::Date;

use crate::error::FieldError;

/// Days a closed appeal and its answer are kept (seed 000: "1 year").
pub const DEFAULT_RETENTION_DAYS: i64 = 365;
/// Bounds a school may choose from.
pub const MIN_RETENTION_DAYS: i64 = 30;
pub const MAX_RETENTION_DAYS: i64 = 3650;

/// Whether a case closed on `closed_on` must be destroyed on `today`: never under a legal hold,
/// never for a negative period (a broken setting must not destroy anything), otherwise from
/// the day `closed_on + retention_days` on.
pub fn purge_due(closed_on: Date, today: Date, retention_days: i64, legal_hold: bool) -> bool {
    if legal_hold || retention_days < 0 {
        return false;
    }
    (today - closed_on).whole_days() >= retention_days
}

/// The first day a case may be purged (ignoring holds); `None` for a negative period or past
/// the calendar's end.
pub fn purge_date(closed_on: Date, retention_days: i64) -> Option<Date> {
    if retention_days < 0 {
        return None;
    }
    closed_on.checked_add(time::Duration::days(retention_days))
}

/// A school's retention setting: [`MIN_RETENTION_DAYS`]..=[`MAX_RETENTION_DAYS`]; field
/// `retention_days`, code `err-retention-days-invalid`.
pub fn validate_retention_days(days: i64) -> Result<i64, FieldError> {
    if (MIN_RETENTION_DAYS..=MAX_RETENTION_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(FieldError::new(
            "retention_days",
            "err-retention-days-invalid",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn one_year_after_closing() {
        let closed = date!(2026 - 01 - 10);
        assert!(!purge_due(closed, date!(2027 - 01 - 09), 365, false));
        assert!(purge_due(closed, date!(2027 - 01 - 10), 365, false));
        assert!(purge_due(closed, date!(2030 - 01 - 01), 365, false));
        assert_eq!(purge_date(closed, 365), Some(date!(2027 - 01 - 10)));
        // leap year: 2028-02-29 exists, 365 days after 2027-03-01 is 2028-02-29
        assert_eq!(
            purge_date(date!(2027 - 03 - 01), 365),
            Some(date!(2028 - 02 - 29))
        );
    }

    #[test]
    fn holds_and_nonsense() {
        let closed = date!(2026 - 01 - 10);
        assert!(!purge_due(closed, date!(2030 - 01 - 01), 365, true));
        assert!(!purge_due(closed, date!(2030 - 01 - 01), -1, false));
        assert!(purge_due(closed, closed, 0, false));
        // closed in the future (clock skew): not due
        assert!(!purge_due(closed, date!(2026 - 01 - 09), 0, false));
        assert_eq!(purge_date(closed, -5), None);
        assert_eq!(DEFAULT_RETENTION_DAYS, 365);
    }

    #[test]
    fn retention_setting() {
        assert_eq!(validate_retention_days(365), Ok(365));
        assert_eq!(validate_retention_days(30), Ok(30));
        assert_eq!(validate_retention_days(3650), Ok(3650));
        for bad in [29, 0, -1, 3651] {
            assert_eq!(
                validate_retention_days(bad),
                Err(FieldError::new(
                    "retention_days",
                    "err-retention-days-invalid"
                ))
            );
        }
    }
}
