//! The time zones schools in Kyrgyzstan and Kazakhstan use, as fixed offsets (neither country
//! observes daylight saving time; Kazakhstan moved to a single UTC+5 zone on 1 March 2024).

use time::UtcOffset;

/// The UTC offset of an IANA time-zone name Trustbox supports, or `None` for an unknown one.
pub fn utc_offset(tz: &str) -> Option<UtcOffset> {
    let hours = match tz {
        "Asia/Bishkek" => 6,
        "Asia/Almaty" | "Asia/Qostanay" | "Asia/Aqtobe" | "Asia/Aqtau" | "Asia/Atyrau"
        | "Asia/Oral" | "Asia/Qyzylorda" => 5,
        "UTC" => 0,
        _ => return None,
    };
    UtcOffset::from_hms(hours, 0, 0).ok()
}

/// The time zones offered in forms.
pub const ZONES: &[&str] = &["Asia/Bishkek", "Asia/Almaty", "Asia/Qostanay", "Asia/Aqtobe", "Asia/Aqtau", "Asia/Atyrau", "Asia/Oral", "Asia/Qyzylorda"];
