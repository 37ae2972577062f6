//! Working-day calendars of Kyrgyzstan and Kazakhstan, and the answer deadline period.
//!
//! A deadline of "5 working days" (seed 001 §3) is counted on the school's country calendar:
//! Saturdays and Sundays are days off, public holidays are days off, and the governments move
//! days off around every year (a Friday made a day off, a Saturday made a working day).
//! The built-in data below covers 2025–2027; a school administrator confirms it and edits it
//! per school ([`Calendar::with_overrides`]), because
//! - the Muslim holidays (Orozo/Oraza Ait, Kurman/Kurban Ait) follow the lunar calendar and are
//!   fixed by the muftiate and the government only weeks ahead: **every such date below is an
//!   estimate** (`estimate: true`);
//! - government transfer decrees for a year appear in its last weeks of the previous year.
//!
//! Rules encoded in code rather than data:
//! - **Kazakhstan** (Labour Code art. 84 and the Law "On holidays"): a public holiday falling on
//!   a Saturday or Sunday moves the day off to the next working day — but not the religious
//!   holidays (7 January Orthodox Christmas, first day of Kurban Ait), which never move.
//! - **Kyrgyzstan**, until 31 Dec 2025 (Labour Code 2004, art. 113): every non-working holiday
//!   falling on a weekend, religious ones included, moves to the next working day.
//!   From 1 Jan 2026 the new Labour Code abolished that move; 23 February and 7 April stay
//!   holidays but became (shortened) working days, and it fixes New Year holidays 1–6 January
//!   and May holidays 1–8 May.
//!
//! Sources: Labour Code of the Republic of Kazakhstan art. 84–85; Law of the RK "On holidays in
//! the Republic of Kazakhstan"; the 2026 calendar published on egov.kz (reported by Kazinform,
//! 2026-01-02: 9 Mar, 24–25 Mar, 11 May, 31 Aug, 26 Oct moved; Kurban Ait 27 May). Labour Code
//! of the Kyrgyz Republic (2004) art. 113 and the Labour Code adopted in 2025; the Ministry of
//! Labour's 2026 list of non-working days (24.kg, 2025-12-11; vesti.kg) and the Cabinet's
//! resolution extending the 2026 New Year holidays to 8–9 January for budget-funded
//! organisations, schools included (24.kg). Check each year's decree before relying on it.

use std::collections::BTreeSet;

use serde::Serialize;
use time::macros::date;
use time::{Date, Weekday};

use crate::error::FieldError;
use crate::org::Country;

/// What a calendar entry says about its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A public non-working holiday; if it falls on a weekend the country rule may move the day
    /// off to the next working day (see the module docs).
    Holiday,
    /// A non-working holiday that never moves (KZ religious holidays; KG from 2026).
    FixedHoliday,
    /// A working day made a day off by a government decree (or a holiday period by law).
    DayOff,
    /// A Saturday or Sunday made a working day by a government decree.
    WorkingDay,
    /// A holiday that is a working day (KG: 23 Feb and 7 Apr from 2026). Listed for
    /// completeness; does not change the working-day count.
    WorkingHoliday,
}

/// One row of the built-in calendar data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CalendarEntry {
    pub country: Country,
    pub date: Date,
    pub kind: DayKind,
    /// English note for the administrator's review screen.
    pub note: &'static str,
    /// The date is a forecast (lunar holidays) or not yet confirmed by a decree.
    pub estimate: bool,
}

const fn e(country: Country, date: Date, kind: DayKind, note: &'static str) -> CalendarEntry {
    CalendarEntry {
        country,
        date,
        kind,
        note,
        estimate: false,
    }
}

const fn est(country: Country, date: Date, kind: DayKind, note: &'static str) -> CalendarEntry {
    CalendarEntry {
        country,
        date,
        kind,
        note,
        estimate: true,
    }
}

use Country::{Kg, Kz};
use DayKind::{DayOff, FixedHoliday, Holiday, WorkingDay, WorkingHoliday};

/// Built-in holidays and transfers, 2025–2027. Moves made by the country rule are computed,
/// not listed.
pub const BUILTIN: &[CalendarEntry] = &[
    // ------------------------------------------------------------------ Kazakhstan 2025
    e(Kz, date!(2025 - 01 - 01), Holiday, "New Year"),
    e(Kz, date!(2025 - 01 - 02), Holiday, "New Year"),
    est(
        Kz,
        date!(2025 - 01 - 03),
        DayOff,
        "transfer from Saturday 4 January (government decree)",
    ),
    est(
        Kz,
        date!(2025 - 01 - 04),
        WorkingDay,
        "working Saturday, day off moved to 3 January",
    ),
    e(
        Kz,
        date!(2025 - 01 - 07),
        FixedHoliday,
        "Orthodox Christmas",
    ),
    e(
        Kz,
        date!(2025 - 03 - 08),
        Holiday,
        "International Women's Day",
    ),
    e(Kz, date!(2025 - 03 - 21), Holiday, "Nauryz meirami"),
    e(Kz, date!(2025 - 03 - 22), Holiday, "Nauryz meirami"),
    e(Kz, date!(2025 - 03 - 23), Holiday, "Nauryz meirami"),
    e(
        Kz,
        date!(2025 - 05 - 01),
        Holiday,
        "Unity Day of the People of Kazakhstan",
    ),
    e(
        Kz,
        date!(2025 - 05 - 07),
        Holiday,
        "Defender of the Fatherland Day",
    ),
    e(Kz, date!(2025 - 05 - 09), Holiday, "Victory Day"),
    e(
        Kz,
        date!(2025 - 06 - 06),
        FixedHoliday,
        "Kurban Ait, first day",
    ),
    e(Kz, date!(2025 - 07 - 06), Holiday, "Capital Day"),
    e(Kz, date!(2025 - 08 - 30), Holiday, "Constitution Day"),
    e(Kz, date!(2025 - 10 - 25), Holiday, "Republic Day"),
    e(Kz, date!(2025 - 12 - 16), Holiday, "Independence Day"),
    // ------------------------------------------------------------------ Kazakhstan 2026
    e(Kz, date!(2026 - 01 - 01), Holiday, "New Year"),
    e(Kz, date!(2026 - 01 - 02), Holiday, "New Year"),
    e(
        Kz,
        date!(2026 - 01 - 07),
        FixedHoliday,
        "Orthodox Christmas",
    ),
    e(
        Kz,
        date!(2026 - 03 - 08),
        Holiday,
        "International Women's Day",
    ),
    e(Kz, date!(2026 - 03 - 21), Holiday, "Nauryz meirami"),
    e(Kz, date!(2026 - 03 - 22), Holiday, "Nauryz meirami"),
    e(Kz, date!(2026 - 03 - 23), Holiday, "Nauryz meirami"),
    e(
        Kz,
        date!(2026 - 05 - 01),
        Holiday,
        "Unity Day of the People of Kazakhstan",
    ),
    e(
        Kz,
        date!(2026 - 05 - 07),
        Holiday,
        "Defender of the Fatherland Day",
    ),
    e(Kz, date!(2026 - 05 - 09), Holiday, "Victory Day"),
    e(
        Kz,
        date!(2026 - 05 - 27),
        FixedHoliday,
        "Kurban Ait, first day (egov.kz)",
    ),
    e(Kz, date!(2026 - 07 - 06), Holiday, "Capital Day"),
    e(Kz, date!(2026 - 08 - 30), Holiday, "Constitution Day"),
    e(Kz, date!(2026 - 10 - 25), Holiday, "Republic Day"),
    e(Kz, date!(2026 - 12 - 16), Holiday, "Independence Day"),
    // ------------------------------------------------------------------ Kazakhstan 2027
    e(Kz, date!(2027 - 01 - 01), Holiday, "New Year"),
    e(Kz, date!(2027 - 01 - 02), Holiday, "New Year"),
    e(
        Kz,
        date!(2027 - 01 - 07),
        FixedHoliday,
        "Orthodox Christmas",
    ),
    e(
        Kz,
        date!(2027 - 03 - 08),
        Holiday,
        "International Women's Day",
    ),
    e(Kz, date!(2027 - 03 - 21), Holiday, "Nauryz meirami"),
    e(Kz, date!(2027 - 03 - 22), Holiday, "Nauryz meirami"),
    e(Kz, date!(2027 - 03 - 23), Holiday, "Nauryz meirami"),
    e(
        Kz,
        date!(2027 - 05 - 01),
        Holiday,
        "Unity Day of the People of Kazakhstan",
    ),
    e(
        Kz,
        date!(2027 - 05 - 07),
        Holiday,
        "Defender of the Fatherland Day",
    ),
    e(Kz, date!(2027 - 05 - 09), Holiday, "Victory Day"),
    est(
        Kz,
        date!(2027 - 05 - 16),
        FixedHoliday,
        "Kurban Ait, first day (lunar forecast)",
    ),
    e(Kz, date!(2027 - 07 - 06), Holiday, "Capital Day"),
    e(Kz, date!(2027 - 08 - 30), Holiday, "Constitution Day"),
    e(Kz, date!(2027 - 10 - 25), Holiday, "Republic Day"),
    e(Kz, date!(2027 - 12 - 16), Holiday, "Independence Day"),
    // ------------------------------------------------------------------ Kyrgyzstan 2025
    e(Kg, date!(2025 - 01 - 01), Holiday, "New Year"),
    e(Kg, date!(2025 - 01 - 07), Holiday, "Orthodox Christmas"),
    e(
        Kg,
        date!(2025 - 02 - 23),
        Holiday,
        "Defender of the Fatherland Day",
    ),
    e(
        Kg,
        date!(2025 - 03 - 08),
        Holiday,
        "International Women's Day",
    ),
    e(Kg, date!(2025 - 03 - 21), Holiday, "Nooruz"),
    est(Kg, date!(2025 - 03 - 30), Holiday, "Orozo Ait"),
    e(
        Kg,
        date!(2025 - 04 - 07),
        Holiday,
        "Day of the People's April Revolution",
    ),
    e(Kg, date!(2025 - 05 - 01), Holiday, "Labour Day"),
    e(Kg, date!(2025 - 05 - 05), Holiday, "Constitution Day"),
    e(Kg, date!(2025 - 05 - 09), Holiday, "Victory Day"),
    est(Kg, date!(2025 - 06 - 06), Holiday, "Kurman Ait"),
    e(Kg, date!(2025 - 08 - 31), Holiday, "Independence Day"),
    e(
        Kg,
        date!(2025 - 11 - 07),
        Holiday,
        "Days of History and Commemoration of Ancestors",
    ),
    e(
        Kg,
        date!(2025 - 11 - 08),
        Holiday,
        "Days of History and Commemoration of Ancestors",
    ),
    // ------------------------------------------------------------------ Kyrgyzstan 2026
    e(Kg, date!(2026 - 01 - 01), FixedHoliday, "New Year"),
    e(
        Kg,
        date!(2026 - 01 - 02),
        DayOff,
        "New Year holidays (1–6 January)",
    ),
    e(
        Kg,
        date!(2026 - 01 - 05),
        DayOff,
        "New Year holidays (1–6 January)",
    ),
    e(
        Kg,
        date!(2026 - 01 - 06),
        DayOff,
        "New Year holidays (1–6 January)",
    ),
    e(
        Kg,
        date!(2026 - 01 - 07),
        FixedHoliday,
        "Orthodox Christmas",
    ),
    e(
        Kg,
        date!(2026 - 01 - 08),
        DayOff,
        "holidays extended for budget-funded organisations (Cabinet resolution)",
    ),
    e(
        Kg,
        date!(2026 - 01 - 09),
        DayOff,
        "holidays extended for budget-funded organisations (Cabinet resolution)",
    ),
    e(
        Kg,
        date!(2026 - 02 - 23),
        WorkingHoliday,
        "Defender of the Fatherland Day (working, shortened)",
    ),
    e(
        Kg,
        date!(2026 - 03 - 08),
        FixedHoliday,
        "International Women's Day",
    ),
    est(
        Kg,
        date!(2026 - 03 - 20),
        FixedHoliday,
        "Orozo Ait (19 or 20 March announced as possible)",
    ),
    e(Kg, date!(2026 - 03 - 21), FixedHoliday, "Nooruz"),
    e(
        Kg,
        date!(2026 - 04 - 07),
        WorkingHoliday,
        "Day of the People's April Revolution (working, shortened)",
    ),
    e(Kg, date!(2026 - 05 - 01), FixedHoliday, "Labour Day"),
    e(Kg, date!(2026 - 05 - 04), DayOff, "May holidays (1–8 May)"),
    e(Kg, date!(2026 - 05 - 05), FixedHoliday, "Constitution Day"),
    e(Kg, date!(2026 - 05 - 06), DayOff, "May holidays (1–8 May)"),
    e(Kg, date!(2026 - 05 - 07), DayOff, "May holidays (1–8 May)"),
    e(Kg, date!(2026 - 05 - 08), DayOff, "May holidays (1–8 May)"),
    e(Kg, date!(2026 - 05 - 09), FixedHoliday, "Victory Day"),
    est(
        Kg,
        date!(2026 - 05 - 27),
        FixedHoliday,
        "Kurman Ait (lunar forecast)",
    ),
    e(Kg, date!(2026 - 08 - 31), FixedHoliday, "Independence Day"),
    est(
        Kg,
        date!(2026 - 11 - 07),
        WorkingHoliday,
        "Days of History and Commemoration of Ancestors: not in the Ministry's 2026 list of days off; confirm",
    ),
    est(
        Kg,
        date!(2026 - 11 - 08),
        WorkingHoliday,
        "Days of History and Commemoration of Ancestors: not in the Ministry's 2026 list of days off; confirm",
    ),
    // ------------------------------------------------------------------ Kyrgyzstan 2027
    e(Kg, date!(2027 - 01 - 01), FixedHoliday, "New Year"),
    est(
        Kg,
        date!(2027 - 01 - 04),
        DayOff,
        "New Year holidays (1–6 January)",
    ),
    est(
        Kg,
        date!(2027 - 01 - 05),
        DayOff,
        "New Year holidays (1–6 January)",
    ),
    est(
        Kg,
        date!(2027 - 01 - 06),
        DayOff,
        "New Year holidays (1–6 January)",
    ),
    e(
        Kg,
        date!(2027 - 01 - 07),
        FixedHoliday,
        "Orthodox Christmas",
    ),
    e(
        Kg,
        date!(2027 - 02 - 23),
        WorkingHoliday,
        "Defender of the Fatherland Day (working, shortened)",
    ),
    e(
        Kg,
        date!(2027 - 03 - 08),
        FixedHoliday,
        "International Women's Day",
    ),
    est(
        Kg,
        date!(2027 - 03 - 10),
        FixedHoliday,
        "Orozo Ait (lunar forecast)",
    ),
    e(Kg, date!(2027 - 03 - 21), FixedHoliday, "Nooruz"),
    e(
        Kg,
        date!(2027 - 04 - 07),
        WorkingHoliday,
        "Day of the People's April Revolution (working, shortened)",
    ),
    e(Kg, date!(2027 - 05 - 01), FixedHoliday, "Labour Day"),
    est(Kg, date!(2027 - 05 - 03), DayOff, "May holidays (1–8 May)"),
    est(Kg, date!(2027 - 05 - 04), DayOff, "May holidays (1–8 May)"),
    e(Kg, date!(2027 - 05 - 05), FixedHoliday, "Constitution Day"),
    est(Kg, date!(2027 - 05 - 06), DayOff, "May holidays (1–8 May)"),
    est(Kg, date!(2027 - 05 - 07), DayOff, "May holidays (1–8 May)"),
    e(Kg, date!(2027 - 05 - 09), FixedHoliday, "Victory Day"),
    est(
        Kg,
        date!(2027 - 05 - 16),
        FixedHoliday,
        "Kurman Ait (lunar forecast)",
    ),
    e(Kg, date!(2027 - 08 - 31), FixedHoliday, "Independence Day"),
    est(
        Kg,
        date!(2027 - 11 - 07),
        WorkingHoliday,
        "Days of History and Commemoration of Ancestors: confirm",
    ),
    est(
        Kg,
        date!(2027 - 11 - 08),
        WorkingHoliday,
        "Days of History and Commemoration of Ancestors: confirm",
    ),
];

/// The built-in entries of one country, in date order.
pub fn builtin_entries(country: Country) -> impl Iterator<Item = &'static CalendarEntry> {
    BUILTIN.iter().filter(move |e| e.country == country)
}

/// Whether a [`DayKind::Holiday`] on a weekend moves the day off (see the module docs).
fn weekend_holiday_moves(country: Country, d: Date) -> bool {
    match country {
        Country::Kz => true,
        Country::Kg => d < date!(2026 - 01 - 01),
    }
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// A country's working-day calendar, possibly edited by a school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    country: Country,
    /// Days off that would otherwise be working days (holidays, moved days, decrees).
    holidays: BTreeSet<Date>,
    /// Days that are working days even if a weekend or listed in `holidays`.
    transfers_work: BTreeSet<Date>,
}

impl Calendar {
    /// The built-in calendar of a country: [`BUILTIN`] plus the computed weekend moves.
    pub fn builtin(country: Country) -> Calendar {
        let mut cal = Calendar {
            country,
            holidays: BTreeSet::new(),
            transfers_work: BTreeSet::new(),
        };
        for entry in builtin_entries(country) {
            match entry.kind {
                Holiday | FixedHoliday | DayOff => {
                    cal.holidays.insert(entry.date);
                }
                WorkingDay => {
                    cal.transfers_work.insert(entry.date);
                }
                WorkingHoliday => {}
            }
        }
        // Weekend moves, in date order, so that Nauryz 21 and 22 March 2026 (Sat, Sun) land on
        // the 24th and 25th: the 23rd is itself a holiday.
        let mut moving: Vec<Date> = builtin_entries(country)
            .filter(|e| e.kind == Holiday && is_weekend(e.date))
            .filter(|e| weekend_holiday_moves(country, e.date))
            .map(|e| e.date)
            .collect();
        moving.sort();
        for d in moving {
            let mut next = d;
            while let Some(n) = next.next_day() {
                next = n;
                if cal.is_working_day(next) {
                    cal.holidays.insert(next);
                    break;
                }
            }
        }
        cal
    }

    /// An empty calendar (weekends only): for tests and for countries without data.
    pub fn weekends_only(country: Country) -> Calendar {
        Calendar {
            country,
            holidays: BTreeSet::new(),
            transfers_work: BTreeSet::new(),
        }
    }

    /// A school's edits: extra days off (a local holiday, a quarantine) and extra working days
    /// (a Saturday worked by decree, a built-in estimate that turned out wrong). A date in both
    /// lists ends up a working day.
    pub fn with_overrides(mut self, extra_holidays: &[Date], extra_working: &[Date]) -> Calendar {
        for d in extra_holidays {
            self.transfers_work.remove(d);
            self.holidays.insert(*d);
        }
        for d in extra_working {
            self.holidays.remove(d);
            self.transfers_work.insert(*d);
        }
        self
    }

    pub fn country(&self) -> Country {
        self.country
    }

    /// The days off other than plain weekends, in order (for the administrator's review).
    pub fn days_off(&self) -> impl Iterator<Item = Date> + '_ {
        self.holidays.iter().copied()
    }

    /// Weekend days that are working days, in order.
    pub fn working_weekend_days(&self) -> impl Iterator<Item = Date> + '_ {
        self.transfers_work.iter().copied()
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        if self.transfers_work.contains(&d) {
            return true;
        }
        !self.holidays.contains(&d) && !is_weekend(d)
    }

    /// The date `n` working days after `from` (`from` itself never counts, whatever it is).
    /// `n = 0` returns `from`. Registered on Monday with `n = 5` in a week without holidays →
    /// next Monday. Saturates at the last representable date.
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            let Some(next) = d.next_day() else {
                return d;
            };
            d = next;
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days in `(a, b]` when `b >= a`; minus the working days in `(b, a]` otherwise.
    /// So `working_days_between(a, add_working_days(a, n)) == n`, and a negative number of an
    /// overdue deadline says how many working days late it is.
    pub fn working_days_between(&self, a: Date, b: Date) -> i64 {
        if b < a {
            return -self.working_days_between(b, a);
        }
        let mut count = 0;
        let mut d = a;
        while d < b {
            let Some(next) = d.next_day() else { break };
            d = next;
            if self.is_working_day(d) {
                count += 1;
            }
        }
        count
    }
}

/// Working days to answer, by default (seed 001 §3: "5 working days").
pub const DEFAULT_ANSWER_DAYS: u32 = 5;

/// The longest answer period a school may set: KG 14 days (Law "On the procedure for
/// considering citizens' appeals", art. 8), KZ 15 working days (Administrative Procedural and
/// Process Code, art. 76, general term for appeals).
pub fn legal_limit(country: Country) -> u32 {
    match country {
        Country::Kg => 14,
        Country::Kz => 15,
    }
}

/// A school's answer period: 1..=[`legal_limit`]; field `answer_days`,
/// code `err-answer-days-limit`.
pub fn validate_answer_days(country: Country, n: u32) -> Result<u32, FieldError> {
    if (1..=legal_limit(country)).contains(&n) {
        Ok(n)
    } else {
        Err(FieldError::new("answer_days", "err-answer-days-limit"))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn kz() -> Calendar {
        Calendar::builtin(Country::Kz)
    }
    fn kg() -> Calendar {
        Calendar::builtin(Country::Kg)
    }

    #[test]
    fn data_is_ordered_and_kinds_fit_weekdays() {
        for c in Country::ALL {
            let dates: Vec<Date> = builtin_entries(c).map(|e| e.date).collect();
            let mut sorted = dates.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(dates, sorted, "{c}: entries out of order or duplicated");
        }
        for e in BUILTIN {
            match e.kind {
                WorkingDay => assert!(is_weekend(e.date), "{e:?}"),
                DayOff => assert!(!is_weekend(e.date), "{e:?}"),
                _ => {}
            }
            assert!((2025..=2027).contains(&e.date.year()));
        }
        // every lunar holiday is flagged as an estimate, except KZ 2026 published by egov.kz
        for e in BUILTIN {
            if e.note.contains("Ait") && e.date != date!(2026 - 05 - 27) {
                assert!(
                    e.estimate || e.country == Country::Kz && e.date.year() == 2025,
                    "{e:?}"
                );
            }
        }
    }

    #[test]
    fn nauryz_2026_moves_weekend_days() {
        let c = kz();
        // 21 Mar 2026 is a Saturday, 22 a Sunday, 23 a Monday holiday
        assert_eq!(date!(2026 - 03 - 21).weekday(), Weekday::Saturday);
        assert!(c.is_working_day(date!(2026 - 03 - 20)));
        for d in 21..=25 {
            let day = Date::from_calendar_date(2026, time::Month::March, d).unwrap();
            assert!(!c.is_working_day(day), "{day}");
        }
        assert!(c.is_working_day(date!(2026 - 03 - 26)));
        // the other 2026 moves published by egov.kz
        for d in [
            date!(2026 - 03 - 09),
            date!(2026 - 05 - 11),
            date!(2026 - 08 - 31),
            date!(2026 - 10 - 26),
        ] {
            assert!(!c.is_working_day(d), "{d}");
        }
        // religious holidays do not move: 16 May 2027 (Sunday) gives no Monday off
        assert!(c.is_working_day(date!(2027 - 05 - 17)));
        // 1-2 Jan 2027 (Fri, Sat): the Saturday moves to Monday 4 January
        assert!(!c.is_working_day(date!(2027 - 01 - 04)));
        assert!(c.is_working_day(date!(2027 - 01 - 05)));
    }

    #[test]
    fn kyrgyz_independence_day() {
        let c = kg();
        // 2026: Monday, a day off
        assert!(!c.is_working_day(date!(2026 - 08 - 31)));
        assert!(c.is_working_day(date!(2026 - 09 - 01)));
        // 2025: Sunday; the old Labour Code moved it to Monday 1 September
        assert!(!c.is_working_day(date!(2025 - 09 - 01)));
        // 2026: no more moves; Nooruz on Saturday 21 March gives no Monday off
        assert!(c.is_working_day(date!(2026 - 03 - 23)));
        // 23 February 2026 is a holiday but a working day
        assert!(c.is_working_day(date!(2026 - 02 - 23)));
        // Orozo Ait 2025 on Sunday 30 March moved to Monday 31 March
        assert!(!c.is_working_day(date!(2025 - 03 - 31)));
        // the school-year start is not a holiday in KZ
        assert!(kz().is_working_day(date!(2026 - 09 - 01)));
    }

    #[test]
    fn transferred_saturday_is_a_working_day() {
        let c = kz();
        assert_eq!(date!(2025 - 01 - 04).weekday(), Weekday::Saturday);
        assert!(c.is_working_day(date!(2025 - 01 - 04)));
        assert!(!c.is_working_day(date!(2025 - 01 - 03)));
        assert!(!c.is_working_day(date!(2025 - 01 - 05)));
        // Thursday 2 Jan 2025 + 1 working day: Fri 3 off → Sat 4 working
        assert_eq!(
            c.add_working_days(date!(2025 - 01 - 02), 1),
            date!(2025 - 01 - 04)
        );
    }

    #[test]
    fn add_working_days_plain_week() {
        let c = Calendar::weekends_only(Country::Kg);
        let monday = date!(2026 - 02 - 02);
        assert_eq!(c.add_working_days(monday, 5), date!(2026 - 02 - 09));
        assert_eq!(c.add_working_days(monday, 0), monday);
        assert_eq!(c.add_working_days(monday, 1), date!(2026 - 02 - 03));
        // registered on Saturday: Monday is day 1
        assert_eq!(
            c.add_working_days(date!(2026 - 02 - 07), 1),
            date!(2026 - 02 - 09)
        );
        assert_eq!(c.working_days_between(monday, date!(2026 - 02 - 09)), 5);
        assert_eq!(c.working_days_between(date!(2026 - 02 - 09), monday), -5);
        assert_eq!(c.working_days_between(monday, monday), 0);
    }

    #[test]
    fn year_end_crossing() {
        let c = kz();
        // Mon 29 Dec 2025: 30, 31 Dec, (1-2 Jan holidays, 3-4 weekend), 5, 6 Jan, (7 Jan), 8 Jan
        assert_eq!(
            c.add_working_days(date!(2025 - 12 - 29), 5),
            date!(2026 - 01 - 08)
        );
        assert_eq!(
            c.working_days_between(date!(2025 - 12 - 29), date!(2026 - 01 - 08)),
            5
        );
        let c = kg();
        // KG 2026: 1-9 January off, so the first working day of the year is Monday the 12th
        assert_eq!(
            c.add_working_days(date!(2025 - 12 - 31), 1),
            date!(2026 - 01 - 12)
        );
    }

    #[test]
    fn overrides() {
        let base = Calendar::weekends_only(Country::Kz);
        let c = base.clone().with_overrides(
            &[date!(2026 - 02 - 04)],
            &[date!(2026 - 02 - 07)], // a Saturday
        );
        assert!(!c.is_working_day(date!(2026 - 02 - 04)));
        assert!(c.is_working_day(date!(2026 - 02 - 07)));
        assert_eq!(
            c.add_working_days(date!(2026 - 02 - 02), 5),
            date!(2026 - 02 - 09)
        );
        // an estimate turned out wrong: Kurban Ait 2027 is a Monday after all
        let k = kz().with_overrides(&[date!(2027 - 05 - 17)], &[date!(2027 - 05 - 16)]);
        assert!(!k.is_working_day(date!(2027 - 05 - 17)));
        assert!(k.is_working_day(date!(2027 - 05 - 16)));
        assert_eq!(k.country(), Country::Kz);
    }

    #[test]
    fn answer_days() {
        assert_eq!(DEFAULT_ANSWER_DAYS, 5);
        assert_eq!(legal_limit(Country::Kg), 14);
        assert_eq!(legal_limit(Country::Kz), 15);
        assert_eq!(validate_answer_days(Country::Kg, 14), Ok(14));
        assert_eq!(validate_answer_days(Country::Kz, 15), Ok(15));
        assert_eq!(validate_answer_days(Country::Kg, 1), Ok(1));
        for (c, n) in [(Country::Kg, 15), (Country::Kz, 16), (Country::Kg, 0)] {
            assert_eq!(
                validate_answer_days(c, n),
                Err(FieldError::new("answer_days", "err-answer-days-limit"))
            );
        }
    }
}
