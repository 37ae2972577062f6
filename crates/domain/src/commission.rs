//! The commission that opens the paper box and meets to discuss the letters (seed 003 §IV–V,
//! seed 004): its composition, the rules of an opening, the opening schedule, and protocol
//! numbering per school year. Pure functions; time comes in as a parameter.

use serde::{Deserialize, Serialize};
use time::{Date, Month, PrimitiveDateTime, Time, Weekday};

use crate::FieldError;

/// What a commission member represents (seed 003 §5.1, seed 002 §4.4, seed 004).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberKind {
    DeputyDirector,
    Psychologist,
    SocialPedagogue,
    TradeUnion,
    ParentRep,
    SchoolParliament,
    Teacher,
    Other,
}

impl MemberKind {
    pub const ALL: &'static [MemberKind] = &[
        MemberKind::DeputyDirector,
        MemberKind::Psychologist,
        MemberKind::SocialPedagogue,
        MemberKind::TradeUnion,
        MemberKind::ParentRep,
        MemberKind::SchoolParliament,
        MemberKind::Teacher,
        MemberKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MemberKind::DeputyDirector => "deputy_director",
            MemberKind::Psychologist => "psychologist",
            MemberKind::SocialPedagogue => "social_pedagogue",
            MemberKind::TradeUnion => "trade_union",
            MemberKind::ParentRep => "parent_rep",
            MemberKind::SchoolParliament => "school_parliament",
            MemberKind::Teacher => "teacher",
            MemberKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<MemberKind> {
        MemberKind::ALL.iter().copied().find(|k| k.code() == s)
    }

    pub fn message_id(self) -> &'static str {
        match self {
            MemberKind::DeputyDirector => "cm-kind-deputy-director",
            MemberKind::Psychologist => "cm-kind-psychologist",
            MemberKind::SocialPedagogue => "cm-kind-social-pedagogue",
            MemberKind::TradeUnion => "cm-kind-trade-union",
            MemberKind::ParentRep => "cm-kind-parent-rep",
            MemberKind::SchoolParliament => "cm-kind-school-parliament",
            MemberKind::Teacher => "cm-kind-teacher",
            MemberKind::Other => "cm-kind-other",
        }
    }
}

/// Something the director should know about a composition; the order is still saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompositionWarning {
    /// "The number of members must be odd" (seed 003 §5.1).
    EvenNumber,
    /// "A representative of the parents is included without fail" (seed 003 §5.1).
    NoParentRep,
}

impl CompositionWarning {
    pub fn message_id(self) -> &'static str {
        match self {
            CompositionWarning::EvenNumber => "cm-warn-even",
            CompositionWarning::NoParentRep => "cm-warn-no-parent",
        }
    }
}

/// The warnings for a commission made of members of these kinds.
pub fn composition_warnings(kinds: &[MemberKind]) -> Vec<CompositionWarning> {
    let mut w = Vec::new();
    if kinds.len().is_multiple_of(2) {
        w.push(CompositionWarning::EvenNumber);
    }
    if !kinds.contains(&MemberKind::ParentRep) {
        w.push(CompositionWarning::NoParentRep);
    }
    w
}

/// At least this many members must be present to open a box.
pub const MIN_PRESENT_AT_OPENING: usize = 2;

/// The members present at an opening: at least [`MIN_PRESENT_AT_OPENING`].
pub fn check_present(count: usize) -> Result<(), FieldError> {
    if count < MIN_PRESENT_AT_OPENING {
        Err(FieldError::new("present", "pb-err-present"))
    } else {
        Ok(())
    }
}

/// A seal number as compared: without surrounding blanks, case-insensitive.
fn seal_key(s: &str) -> String {
    s.split_whitespace().collect::<String>().to_lowercase()
}

/// The new seal put on after an opening: given, and not the one that was on the box.
pub fn check_new_seal(old: &str, new: &str) -> Result<(), FieldError> {
    if new.trim().is_empty() {
        Err(FieldError::new("seal_after", "pb-err-seal-required"))
    } else if seal_key(old) == seal_key(new) {
        Err(FieldError::new("seal_after", "pb-err-seal-same"))
    } else {
        Ok(())
    }
}

/// What identifies a letter within one opening, for refusing the same letter twice: the date
/// written and the content with blanks collapsed and case folded.
pub fn letter_identity(written_on: &str, content: &str) -> String {
    let c = content
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    format!("{}\n{}", written_on.trim(), c)
}

/// The school year a date belongs to, by the year it starts in: 1 September 2021 to
/// 31 August 2022 is 2021 ("2021–2022").
pub fn school_year(d: Date) -> i32 {
    if u8::from(d.month()) >= 9 {
        d.year()
    } else {
        d.year() - 1
    }
}

/// "2021–2022".
pub fn school_year_label(start: i32) -> String {
    format!("{start}–{}", start + 1)
}

/// A calendar half-year: January–June (1) or July–December (2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct HalfYear {
    pub year: i32,
    pub half: u8,
}

impl HalfYear {
    pub fn of(d: Date) -> HalfYear {
        HalfYear {
            year: d.year(),
            half: if u8::from(d.month()) <= 6 { 1 } else { 2 },
        }
    }
    /// "2026-H1".
    pub fn code(self) -> String {
        format!("{}-H{}", self.year, self.half)
    }
    /// The first and the last day.
    pub fn bounds(self) -> (Date, Date) {
        let (a, b, last) = if self.half == 1 {
            (Month::January, Month::June, 30)
        } else {
            (Month::July, Month::December, 31)
        };
        (
            Date::from_calendar_date(self.year, a, 1).unwrap_or(Date::MIN),
            Date::from_calendar_date(self.year, b, last).unwrap_or(Date::MAX),
        )
    }
}

/// At least this many meetings in a half-year (seed 003 §5.3).
pub const MIN_MEETINGS_PER_HALF_YEAR: usize = 2;

/// The half-year to remind about on `today`, when `held` meetings took place in it: from the
/// first day of its last month (June, December) while fewer than two were held, so there is
/// still time to meet.
pub fn meetings_reminder_due(today: Date, held: usize) -> Option<HalfYear> {
    let h = HalfYear::of(today);
    let last_month = matches!(today.month(), Month::June | Month::December);
    (last_month && held < MIN_MEETINGS_PER_HALF_YEAR).then_some(h)
}

/// The next protocol number of a school year, given the numbers already used in it.
pub fn next_protocol_number(used: &[i64]) -> i64 {
    used.iter().copied().max().unwrap_or(0) + 1
}

/// When a box is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Every week on a weekday (seed 001: Fridays; seed 003 §4.3: Tuesdays at 12:00).
    Weekly { weekday: Weekday, at: Time },
    /// Twice a month on two days of the month (seed 004: "twice a month").
    TwiceMonthly { days: (u8, u8), at: Time },
    /// Once a month (seed 002 §4.4).
    Monthly { day: u8, at: Time },
}

/// Weekday number 1 (Monday) … 7 (Sunday).
pub fn weekday_from_number(n: u8) -> Option<Weekday> {
    use Weekday::*;
    [
        Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday,
    ]
    .get(usize::from(n).checked_sub(1)?)
    .copied()
}

fn day_in(year: i32, month: Month, day: u8) -> Date {
    let last = month.length(year);
    Date::from_calendar_date(year, month, day.clamp(1, last)).unwrap_or(Date::MIN)
}

impl Schedule {
    /// Parses the stored form: `kind` is weekly, twice_monthly or monthly; `weekday` 1–7; days
    /// of the month 1–31 (a day past the month's end means its last day); `at` is `HH:MM`.
    pub fn parse(kind: &str, weekday: u8, day1: u8, day2: u8, at: &str) -> Option<Schedule> {
        let (h, m) = at.trim().split_once(':')?;
        let at = Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok()?;
        let day = |d: u8| (1..=31).contains(&d).then_some(d);
        match kind {
            "weekly" => Some(Schedule::Weekly {
                weekday: weekday_from_number(weekday)?,
                at,
            }),
            "twice_monthly" => {
                let (a, b) = (day(day1)?, day(day2)?);
                (a != b).then_some(Schedule::TwiceMonthly {
                    days: (a.min(b), a.max(b)),
                    at,
                })
            }
            "monthly" => Some(Schedule::Monthly {
                day: day(day1)?,
                at,
            }),
            _ => None,
        }
    }

    /// The first opening strictly after `after` (school-local time).
    pub fn next_after(self, after: PrimitiveDateTime) -> PrimitiveDateTime {
        let d = after.date();
        match self {
            Schedule::Weekly { weekday, at } => {
                let mut day = d;
                for _ in 0..8 {
                    if day.weekday() == weekday && PrimitiveDateTime::new(day, at) > after {
                        return PrimitiveDateTime::new(day, at);
                    }
                    day = day.next_day().unwrap_or(day);
                }
                PrimitiveDateTime::new(day, at)
            }
            Schedule::TwiceMonthly { days, at } => self.monthly_next(after, &[days.0, days.1], at),
            Schedule::Monthly { day, at } => self.monthly_next(after, &[day], at),
        }
    }

    fn monthly_next(self, after: PrimitiveDateTime, days: &[u8], at: Time) -> PrimitiveDateTime {
        let (mut y, mut m) = (after.year(), after.month());
        for _ in 0..3 {
            for &d in days {
                let t = PrimitiveDateTime::new(day_in(y, m, d), at);
                if t > after {
                    return t;
                }
            }
            if m == Month::December {
                y += 1;
            }
            m = m.next();
        }
        PrimitiveDateTime::new(day_in(y, m, days[0]), at)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use time::macros::{date, datetime, time};

    #[test]
    fn composition_of_seed_001_three_with_a_parent_is_fine() {
        use MemberKind::*;
        assert!(composition_warnings(&[DeputyDirector, Psychologist, ParentRep]).is_empty());
    }

    #[test]
    fn even_number_and_missing_parent_warn() {
        use MemberKind::*;
        // seed 004's commission: deputy director, psychologist, social pedagogue and no parent
        assert_eq!(
            composition_warnings(&[DeputyDirector, Psychologist, SocialPedagogue]),
            vec![CompositionWarning::NoParentRep]
        );
        assert_eq!(
            composition_warnings(&[DeputyDirector, ParentRep]),
            vec![CompositionWarning::EvenNumber]
        );
        assert_eq!(
            composition_warnings(&[DeputyDirector, TradeUnion, SchoolParliament, Teacher]),
            vec![
                CompositionWarning::EvenNumber,
                CompositionWarning::NoParentRep
            ]
        );
        assert_eq!(
            composition_warnings(&[]),
            vec![
                CompositionWarning::EvenNumber,
                CompositionWarning::NoParentRep
            ]
        );
    }

    #[test]
    fn two_members_must_be_present() {
        assert!(check_present(0).is_err());
        assert_eq!(check_present(1).unwrap_err().code, "pb-err-present");
        assert!(check_present(2).is_ok());
        assert!(check_present(3).is_ok());
    }

    #[test]
    fn new_seal_differs_from_the_old() {
        assert_eq!(
            check_new_seal("КК-041", " кк-041 ").unwrap_err().code,
            "pb-err-seal-same"
        );
        assert_eq!(
            check_new_seal("КК-041", "  ").unwrap_err().code,
            "pb-err-seal-required"
        );
        assert!(check_new_seal("КК-041", "КК-042").is_ok());
        assert!(check_new_seal("", "0001").is_ok());
    }

    #[test]
    fn the_same_letter_is_recognised() {
        assert_eq!(
            letter_identity("2022-01-20", "Оқушының  тәртібі\nтуралы"),
            letter_identity("2022-01-20 ", "оқушының тәртібі туралы")
        );
        assert_ne!(
            letter_identity("2022-01-20", "a"),
            letter_identity("2022-01-21", "a")
        );
    }

    #[test]
    fn school_years_start_in_september() {
        assert_eq!(school_year(date!(2021 - 10 - 27)), 2021);
        assert_eq!(school_year(date!(2022 - 03 - 11)), 2021);
        assert_eq!(school_year(date!(2022 - 08 - 31)), 2021);
        assert_eq!(school_year(date!(2022 - 09 - 01)), 2022);
        assert_eq!(school_year_label(2021), "2021–2022");
    }

    #[test]
    fn protocols_are_numbered_per_school_year() {
        assert_eq!(next_protocol_number(&[]), 1);
        assert_eq!(next_protocol_number(&[1]), 2);
        assert_eq!(next_protocol_number(&[2, 1, 3]), 4);
    }

    #[test]
    fn half_years_and_the_meeting_reminder() {
        assert_eq!(
            HalfYear::of(date!(2022 - 01 - 25)),
            HalfYear {
                year: 2022,
                half: 1
            }
        );
        assert_eq!(HalfYear::of(date!(2021 - 11 - 11)).code(), "2021-H2");
        assert_eq!(
            HalfYear::of(date!(2021 - 07 - 01)).bounds(),
            (date!(2021 - 07 - 01), date!(2021 - 12 - 31))
        );
        assert_eq!(
            HalfYear::of(date!(2022 - 02 - 01)).bounds(),
            (date!(2022 - 01 - 01), date!(2022 - 06 - 30))
        );
        // not yet in the last month
        assert_eq!(meetings_reminder_due(date!(2022 - 05 - 31), 0), None);
        // June with one meeting: remind about 2022-H1
        assert_eq!(
            meetings_reminder_due(date!(2022 - 06 - 01), 1).map(|h| h.code()),
            Some("2022-H1".into())
        );
        assert_eq!(meetings_reminder_due(date!(2022 - 06 - 15), 2), None);
        assert_eq!(
            meetings_reminder_due(date!(2021 - 12 - 31), 0).map(|h| h.code()),
            Some("2021-H2".into())
        );
    }

    #[test]
    fn weekly_schedule_tuesday_noon() {
        let s = Schedule::parse("weekly", 2, 0, 0, "12:00").unwrap();
        // Monday 16.03.2026 -> Tuesday 17.03 12:00
        assert_eq!(
            s.next_after(datetime!(2026-03-16 09:00)),
            datetime!(2026-03-17 12:00)
        );
        // Tuesday before noon -> the same day; at noon -> a week later
        assert_eq!(
            s.next_after(datetime!(2026-03-17 11:59)),
            datetime!(2026-03-17 12:00)
        );
        assert_eq!(
            s.next_after(datetime!(2026-03-17 12:00)),
            datetime!(2026-03-24 12:00)
        );
    }

    #[test]
    fn monthly_schedules() {
        let twice = Schedule::parse("twice_monthly", 0, 25, 10, "14:30").unwrap();
        assert_eq!(
            twice,
            Schedule::TwiceMonthly {
                days: (10, 25),
                at: time!(14:30)
            }
        );
        assert_eq!(
            twice.next_after(datetime!(2026-03-16 09:00)),
            datetime!(2026-03-25 14:30)
        );
        assert_eq!(
            twice.next_after(datetime!(2026-12-25 15:00)),
            datetime!(2027-01-10 14:30)
        );
        // day 31 in February is its last day
        let monthly = Schedule::parse("monthly", 0, 31, 0, "10:00").unwrap();
        assert_eq!(
            monthly.next_after(datetime!(2026-02-01 00:00)),
            datetime!(2026-02-28 10:00)
        );
        assert_eq!(
            monthly.next_after(datetime!(2026-02-28 10:00)),
            datetime!(2026-03-31 10:00)
        );
    }

    #[test]
    fn bad_schedules_do_not_parse() {
        assert!(Schedule::parse("weekly", 0, 0, 0, "12:00").is_none());
        assert!(Schedule::parse("weekly", 8, 0, 0, "12:00").is_none());
        assert!(Schedule::parse("weekly", 5, 0, 0, "25:00").is_none());
        assert!(Schedule::parse("monthly", 0, 0, 0, "12:00").is_none());
        assert!(Schedule::parse("twice_monthly", 0, 5, 5, "12:00").is_none());
        assert!(Schedule::parse("daily", 1, 1, 1, "12:00").is_none());
        assert!(Schedule::parse("weekly", 5, 0, 0, "noon").is_none());
    }

    #[test]
    fn member_kinds_round_trip() {
        for k in MemberKind::ALL {
            assert_eq!(MemberKind::parse(k.code()), Some(*k));
            assert!(k.message_id().starts_with("cm-kind-"));
        }
        assert_eq!(MemberKind::parse("chair"), None);
    }
}
