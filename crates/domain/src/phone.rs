//! The trust phone's working hours (seed 004 §4.3): a responsible person answers on working
//! days, Monday to Friday 9:00–18:30 unless the school sets other hours per weekday; outside
//! them, on days off and on holidays the answering machine takes a message.
//!
//! Stored as seven comma-separated ranges, Monday first, an empty one for a closed day:
//! `09:00-18:30,09:00-18:30,09:00-18:30,09:00-18:30,09:00-18:30,,`.

use time::Weekday;

use crate::error::FieldError;

/// A day's opening, in minutes after midnight: `from < to`, both within the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayHours {
    pub from: u16,
    pub to: u16,
}

impl DayHours {
    /// `HH:MM`.
    pub fn from_text(&self) -> String {
        hhmm(self.from)
    }
    pub fn to_text(&self) -> String {
        hhmm(self.to)
    }
}

fn hhmm(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// `HH:MM` or `H:MM` (also `H.MM`, as seed 004 writes "9.00") → minutes; `24:00` is the end of
/// the day.
pub fn parse_time(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once([':', '.'])?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: u16 = h.parse().ok()?;
    let m: u16 = m.parse().ok()?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return None;
    }
    Some(h * 60 + m)
}

/// The weekly hours, Monday first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhoneHours {
    pub days: [Option<DayHours>; 7],
}

/// The weekdays, Monday first, as the hours store them.
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

impl Default for PhoneHours {
    /// Seed 004 §4.3: every day except Saturday and Sunday, 9.00 to 18.30.
    fn default() -> Self {
        let day = Some(DayHours {
            from: 9 * 60,
            to: 18 * 60 + 30,
        });
        PhoneHours {
            days: [day, day, day, day, day, None, None],
        }
    }
}

impl PhoneHours {
    /// Reads the stored form; `None` when it is not seven valid ranges.
    pub fn parse(s: &str) -> Option<PhoneHours> {
        let parts: Vec<&str> = s.split(',').collect();
        if parts.len() != 7 {
            return None;
        }
        let mut days = [None; 7];
        for (i, p) in parts.iter().enumerate() {
            let p = p.trim();
            if p.is_empty() {
                continue;
            }
            let (a, b) = p.split_once('-')?;
            days[i] = Some(day(a, b).ok()?);
        }
        Some(PhoneHours { days })
    }

    /// The stored form.
    pub fn code(&self) -> String {
        self.days
            .iter()
            .map(|d| match d {
                Some(d) => format!("{}-{}", d.from_text(), d.to_text()),
                None => String::new(),
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn on(&self, wd: Weekday) -> Option<DayHours> {
        self.days[usize::from(wd.number_days_from_monday())]
    }

    /// Whether someone answers at this local weekday and time; never on a holiday (days off
    /// of the calendar other than Saturdays and Sundays, which follow their weekday's hours).
    pub fn is_open(&self, wd: Weekday, minute_of_day: u16, holiday: bool) -> bool {
        !holiday
            && self
                .on(wd)
                .is_some_and(|d| d.from <= minute_of_day && minute_of_day < d.to)
    }

    /// Groups consecutive weekdays with the same hours, for display: `[(Mon, Fri, 9:00–18:30)]`.
    pub fn groups(&self) -> Vec<(Weekday, Weekday, DayHours)> {
        let mut out: Vec<(Weekday, Weekday, DayHours)> = Vec::new();
        let mut prev: Option<DayHours> = None;
        for (i, d) in self.days.iter().enumerate() {
            match (d, out.last_mut()) {
                (Some(d), Some(last)) if prev == Some(*d) => last.1 = WEEKDAYS[i],
                (Some(d), _) => out.push((WEEKDAYS[i], WEEKDAYS[i], *d)),
                (None, _) => {}
            }
            prev = *d;
        }
        out
    }
}

/// Checks one day of the hours form: both times, `from` before `to`.
pub fn day(from: &str, to: &str) -> Result<DayHours, FieldError> {
    let (Some(a), Some(b)) = (parse_time(from), parse_time(to)) else {
        return Err(FieldError {
            field: "hours",
            code: "err-phone-time-invalid",
        });
    };
    if a >= b {
        return Err(FieldError {
            field: "hours",
            code: "err-phone-time-order",
        });
    }
    Ok(DayHours { from: a, to: b })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn default_is_seed_004() {
        let h = PhoneHours::default();
        assert_eq!(
            h.code(),
            "09:00-18:30,09:00-18:30,09:00-18:30,09:00-18:30,09:00-18:30,,"
        );
        assert_eq!(PhoneHours::parse(&h.code()), Some(h));
        assert!(h.is_open(Weekday::Monday, 9 * 60, false));
        assert!(h.is_open(Weekday::Friday, 18 * 60 + 29, false));
        assert!(!h.is_open(Weekday::Friday, 18 * 60 + 30, false));
        assert!(!h.is_open(Weekday::Monday, 8 * 60 + 59, false));
        assert!(!h.is_open(Weekday::Saturday, 12 * 60, false));
        // a holiday on a Tuesday
        assert!(!h.is_open(Weekday::Tuesday, 12 * 60, true));
        assert_eq!(h.groups().len(), 1);
    }

    #[test]
    fn times_and_bad_input() {
        assert_eq!(parse_time("9.00"), Some(540));
        assert_eq!(parse_time("18:30"), Some(1110));
        assert_eq!(parse_time("24:00"), Some(1440));
        for bad in ["", "9", "25:00", "12:60", "24:01", "ab:cd", "1:2", "123:00"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(
            day("10:00", "09:00").unwrap_err().code,
            "err-phone-time-order"
        );
        assert_eq!(
            day("x", "09:00").unwrap_err().code,
            "err-phone-time-invalid"
        );
        assert_eq!(PhoneHours::parse("09:00-18:30"), None);
        assert_eq!(PhoneHours::parse("x,,,,,,"), None);
        let h = PhoneHours::parse("09:00-13:00,09:00-13:00,,14:00-18:00,,10:00-12:00,").unwrap();
        let g = h.groups();
        assert_eq!(g.len(), 3);
        assert_eq!((g[0].0, g[0].1), (Weekday::Monday, Weekday::Tuesday));
        assert!(h.is_open(Weekday::Saturday, 11 * 60, false));
        assert!(!h.is_open(Weekday::Saturday, 11 * 60, true));
    }
}
