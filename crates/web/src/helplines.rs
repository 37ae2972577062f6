//! National helplines shown on every public page of a school, by country. Numbers are free of
//! charge and work around the clock.

use trustbox_domain::Country;

/// (number, Fluent id of its description)
pub fn helplines(country: Country) -> &'static [(&'static str, &'static str)] {
    match country {
        Country::Kg => &[("111", "helpline-kg-111"), ("112", "helpline-112"), ("102", "helpline-102")],
        Country::Kz => &[("111", "helpline-kz-111"), ("150", "helpline-kz-150"), ("112", "helpline-112"), ("102", "helpline-102")],
    }
}
