//! The registration journal's numbering ("2026/17") and the review deadline of an entry.
//!
//! Serial numbers restart every year (seed 004 §5: on 1 January); a school may restart them on
//! the first day of its school year instead.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::calendar::Calendar;
use crate::error::FieldError;

/// When the journal's serial numbers restart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NumberingPolicy {
    /// Restart on 1 January (the default, seed 004 §5).
    #[default]
    CalendarYear,
    /// Restart on `day`.`month` (e.g. 1 September); the journal year is the year in which that
    /// school year began.
    SchoolYear { month: u8, day: u8 },
}

impl NumberingPolicy {
    /// `"calendar"` or `"school:MM-DD"` (e.g. `"school:09-01"`).
    pub fn code(self) -> String {
        match self {
            NumberingPolicy::CalendarYear => "calendar".to_owned(),
            NumberingPolicy::SchoolYear { month, day } => format!("school:{month:02}-{day:02}"),
        }
    }

    /// Parses [`NumberingPolicy::code`]. The start day must exist in every year (so 29 February
    /// is refused). `school:01-01` is accepted and behaves like `calendar`.
    pub fn parse(s: &str) -> Option<NumberingPolicy> {
        let s = s.trim();
        if s == "calendar" {
            return Some(NumberingPolicy::CalendarYear);
        }
        let md = s.strip_prefix("school:")?;
        let (m, d) = md.split_once('-')?;
        if m.len() != 2 || d.len() != 2 || !(m.bytes().chain(d.bytes())).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let month: u8 = m.parse().ok()?;
        let day: u8 = d.parse().ok()?;
        // 2001 is not a leap year: the day must exist every year
        let month_enum = Month::try_from(month).ok()?;
        Date::from_calendar_date(2001, month_enum, day).ok()?;
        Some(NumberingPolicy::SchoolYear { month, day })
    }

    /// [`NumberingPolicy::parse`] for a settings form: field `numbering`, code
    /// `err-numbering-invalid`.
    pub fn parse_field(s: &str) -> Result<NumberingPolicy, FieldError> {
        NumberingPolicy::parse(s).ok_or(FieldError::new("numbering", "err-numbering-invalid"))
    }
}

impl std::fmt::Display for NumberingPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.code())
    }
}

impl Serialize for NumberingPolicy {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for NumberingPolicy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        NumberingPolicy::parse(&s).ok_or_else(|| serde::de::Error::custom("err-numbering-invalid"))
    }
}

/// The journal year a date belongs to under a policy. With the school year starting on
/// 1 September, 2026-09-01..=2027-08-31 is journal year 2026.
pub fn journal_year(policy: NumberingPolicy, date: Date) -> i32 {
    match policy {
        NumberingPolicy::CalendarYear => date.year(),
        NumberingPolicy::SchoolYear { month, day } => {
            if (u8::from(date.month()), date.day()) >= (month, day) {
                date.year()
            } else {
                date.year() - 1
            }
        }
    }
}

/// A journal serial number: the journal year and the sequence within it, shown as `2026/17`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct JournalNumber {
    pub year: i32,
    pub seq: i64,
}

impl JournalNumber {
    /// Parses `YYYY/N` with a four-digit year and `N >= 1` (no sign, no leading zero).
    pub fn parse(s: &str) -> Option<JournalNumber> {
        let (y, n) = s.trim().split_once('/')?;
        if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if n.is_empty() || n.starts_with('0') || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(JournalNumber {
            year: y.parse().ok()?,
            seq: n.parse().ok()?,
        })
    }
}

impl std::fmt::Display for JournalNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.year, self.seq)
    }
}

/// The review deadline of an appeal received on `received`: `answer_days` working days after
/// it on the school's calendar.
pub fn deadline(calendar: &Calendar, received: Date, answer_days: u32) -> Date {
    calendar.add_working_days(received, answer_days)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::org::Country;
    use time::macros::date;

    #[test]
    fn policy_codes() {
        assert_eq!(NumberingPolicy::default(), NumberingPolicy::CalendarYear);
        assert_eq!(NumberingPolicy::CalendarYear.code(), "calendar");
        let sept = NumberingPolicy::SchoolYear { month: 9, day: 1 };
        assert_eq!(sept.code(), "school:09-01");
        assert_eq!(NumberingPolicy::parse("school:09-01"), Some(sept));
        assert_eq!(
            NumberingPolicy::parse("calendar"),
            Some(NumberingPolicy::CalendarYear)
        );
        for bad in [
            "",
            "school",
            "school:9-1",
            "school:13-01",
            "school:02-29",
            "school:04-31",
            "school:00-10",
            "school:09-01x",
            "Calendar",
            "school:+9-01",
        ] {
            assert_eq!(NumberingPolicy::parse(bad), None, "{bad}");
            assert_eq!(
                NumberingPolicy::parse_field(bad),
                Err(FieldError::new("numbering", "err-numbering-invalid"))
            );
        }
    }

    #[test]
    fn journal_years() {
        let sept = NumberingPolicy::SchoolYear { month: 9, day: 1 };
        assert_eq!(journal_year(sept, date!(2026 - 09 - 01)), 2026);
        assert_eq!(journal_year(sept, date!(2027 - 08 - 31)), 2026);
        assert_eq!(journal_year(sept, date!(2026 - 08 - 31)), 2025);
        assert_eq!(journal_year(sept, date!(2026 - 12 - 31)), 2026);
        assert_eq!(journal_year(sept, date!(2027 - 01 - 01)), 2026);
        let cal = NumberingPolicy::CalendarYear;
        assert_eq!(journal_year(cal, date!(2026 - 12 - 31)), 2026);
        assert_eq!(journal_year(cal, date!(2027 - 01 - 01)), 2027);
        let jan = NumberingPolicy::SchoolYear { month: 1, day: 1 };
        assert_eq!(journal_year(jan, date!(2027 - 01 - 01)), 2027);
    }

    #[test]
    fn journal_numbers() {
        let n = JournalNumber {
            year: 2026,
            seq: 17,
        };
        assert_eq!(n.to_string(), "2026/17");
        assert_eq!(JournalNumber::parse("2026/17"), Some(n));
        assert_eq!(JournalNumber::parse(&n.to_string()), Some(n));
        for bad in [
            "", "2026", "2026/", "/17", "26/17", "2026/0", "2026/017", "2026/-1", "2026/1/2",
            "2026-17",
        ] {
            assert_eq!(JournalNumber::parse(bad), None, "{bad}");
        }
        let a = JournalNumber {
            year: 2025,
            seq: 900,
        };
        assert!(a < n, "orders by year first");
    }

    #[test]
    fn deadline_uses_the_calendar() {
        let kz = Calendar::builtin(Country::Kz);
        // received Friday 20 March 2026; Nauryz 21-25: 26, 27, 30, 31 Mar, 1 Apr
        assert_eq!(
            deadline(&kz, date!(2026 - 03 - 20), 5),
            date!(2026 - 04 - 01)
        );
        let plain = Calendar::weekends_only(Country::Kz);
        assert_eq!(
            deadline(&plain, date!(2026 - 03 - 20), 5),
            date!(2026 - 03 - 27)
        );
    }
}
