//! The time zones schools in Kyrgyzstan and Kazakhstan use, as fixed offsets (neither country
//! observes daylight saving time; Kazakhstan moved to a single UTC+5 zone on 1 March 2024).

use time::UtcOffset;

/// The UTC offset of an IANA time-zone name Trustbox supports, or `None` for an unknown one.
/// The table is the store's ([`trustbox_store::zone_offset_seconds`]), which keeps each unit's
/// offset for the report counts.
pub fn utc_offset(tz: &str) -> Option<UtcOffset> {
    UtcOffset::from_whole_seconds(trustbox_store::zone_offset_seconds(tz)?).ok()
}

/// The time zones offered in forms.
pub const ZONES: &[&str] = &[
    "Asia/Bishkek",
    "Asia/Almaty",
    "Asia/Qostanay",
    "Asia/Aqtobe",
    "Asia/Aqtau",
    "Asia/Atyrau",
    "Asia/Oral",
    "Asia/Qyzylorda",
];
