//! Small counts in roll-ups (district, region, country reports): a count from 1 to 4 is shown as
//! "<5" so that no pupil can be singled out — and, because most sections of a report add up to
//! its total (channels, categories, authors, anonymous/signed, statuses, timeliness), **complementary
//! suppression** hides more counts where needed so that no hidden count can be computed back
//! from the total and the counts shown.
//!
//! Why complementary suppression and not rounded totals: each of those sections adds up to the
//! report's total, so the total can be read off any section with nothing hidden; rounding only
//! the total hides nothing, and rounding every count would blur the large counts the analysts
//! work with. Hiding the next smallest count of the same section (shown as "x") leaves every
//! other count exact.
//!
//! The rule, per section and per period: every count from 1 to 4 is hidden ("<5"); then, while
//! some hidden small count could still be worked out from the total (see [`is_protected`]), the
//! smallest count still shown that is not 0 is hidden too ("x"). Zeros stay shown: they single
//! nobody out. Should every count but the zeros be hidden and a "<5" still be pinned down (a
//! section of two counts, 1 and 5, with the total 6), every count of the section, zeros
//! included, is shown as "x".

/// Counts from 1 up to this (exclusive) are hidden in roll-ups.
pub const SUPPRESS_BELOW: i64 = 5;

/// How one count of a roll-up is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shown {
    /// As it is.
    Value,
    /// A count from 1 to 4: "<5".
    Small,
    /// Hidden to protect a small count of the same section: "x".
    Complement,
}

/// How each of `values` is shown. `adds_up`: the values add up to a total the reader knows (a
/// section that partitions the report's total); only then are complements needed.
pub fn suppress(values: &[i64], adds_up: bool) -> Vec<Shown> {
    let mut shown: Vec<Shown> = values
        .iter()
        .map(|v| {
            if (1..SUPPRESS_BELOW).contains(v) {
                Shown::Small
            } else {
                Shown::Value
            }
        })
        .collect();
    if !adds_up {
        return shown;
    }
    // A total below the limit is itself hidden: the reader does not know the sum.
    let total: i64 = values.iter().sum();
    if total < SUPPRESS_BELOW {
        return shown;
    }
    while !is_protected(values, &shown) {
        let next = values
            .iter()
            .enumerate()
            .filter(|(i, v)| shown[*i] == Shown::Value && **v > 0)
            .min_by_key(|(i, v)| (**v, *i))
            .map(|(i, _)| i);
        match next {
            Some(i) => shown[i] = Shown::Complement,
            None => {
                // Everything not 0 is hidden and a "<5" can still be pinned down (1 and 5 make
                // 6; five 1s make 5): then every count of the section, 0 included, is an "x".
                shown.iter_mut().for_each(|s| *s = Shown::Complement);
                break;
            }
        }
    }
    shown
}

/// Whether no small hidden count can be pinned down by someone who knows the total (so the sum
/// of the hidden counts), that a "<5" is from 1 to 4, and that an "x" is at least 5 and at most
/// the smallest count still shown (it was the smallest when it was hidden): each "<5" must keep
/// at least two possible values. (This is the audit statistics offices run on a published
/// table; it does not model a reader who replays this very rule on every possible table.)
pub fn is_protected(values: &[i64], shown: &[Shown]) -> bool {
    let hidden: Vec<usize> = (0..values.len())
        .filter(|i| shown[*i] != Shown::Value)
        .collect();
    let sum: i64 = hidden.iter().map(|i| values[*i]).sum();
    let smallest_shown = values
        .iter()
        .zip(shown)
        .filter(|(v, s)| **s == Shown::Value && **v > 0)
        .map(|(v, _)| *v)
        .min()
        .unwrap_or(sum);
    let range = |i: usize| match shown[i] {
        Shown::Small => (1, SUPPRESS_BELOW - 1),
        _ => (SUPPRESS_BELOW, smallest_shown.max(SUPPRESS_BELOW)),
    };
    hidden.iter().all(|&i| {
        if shown[i] != Shown::Small {
            return true;
        }
        let (others_lo, others_hi) = hidden
            .iter()
            .filter(|j| **j != i)
            .map(|j| range(*j))
            .fold((0, 0), |(a, b), (lo, hi)| (a + lo, b + hi));
        let (lo, hi) = range(i);
        let lo = lo.max(sum - others_hi);
        let hi = hi.min(sum - others_lo);
        hi > lo
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn the_next_smallest_is_hidden_too() {
        use Shown::*;
        // One small count among large ones: the next smallest is hidden with it.
        assert_eq!(suppress(&[3, 40, 12], true), vec![Small, Value, Complement]);
        // Two small counts protect each other when their sum leaves each one open.
        assert_eq!(suppress(&[3, 40, 2], true), vec![Small, Value, Small]);
        // 1 + 1 = 2 tells both: a complement is needed.
        assert_eq!(
            suppress(&[1, 40, 1, 9], true),
            vec![Small, Value, Small, Complement]
        );
        // Zeros are shown and never used as complements.
        assert_eq!(
            suppress(&[0, 4, 0, 30], true),
            vec![Value, Small, Value, Complement]
        );
        // A section that does not add up to a known total keeps its other counts.
        assert_eq!(suppress(&[3, 40, 12], false), vec![Small, Value, Value]);
        // Nothing small, nothing hidden.
        assert_eq!(suppress(&[0, 40, 12], true), vec![Value, Value, Value]);
        // 1 and 5 make 6: "<5" beside "x" would tell 1; both are "x".
        assert_eq!(
            suppress(&[1, 5, 0], true),
            vec![Complement, Complement, Complement]
        );
    }

    /// Every section of up to five counts from 0 to 11, audited as a statistics office audits
    /// a published table: from the total (when it is shown), the counts shown and what each
    /// mark says ("<5": 1 to 4; "x": at least 5 beside a "<5", else anything), the range of
    /// values each hidden count can still take. A small count is never shown, and never has a
    /// range of one value.
    #[test]
    fn no_hidden_small_count_can_be_recovered_from_the_total() {
        let n = 12i64;
        let mut checked = 0;
        for len in 1..=5usize {
            for code in 0..n.pow(len as u32) {
                let values: Vec<i64> = (0..len).map(|k| (code / n.pow(k as u32)) % n).collect();
                let shown = suppress(&values, true);
                let total: i64 = values.iter().sum();
                for (v, s) in values.iter().zip(&shown) {
                    if (1..SUPPRESS_BELOW).contains(v) {
                        assert_ne!(*s, Shown::Value, "{values:?}");
                    }
                }
                if total < SUPPRESS_BELOW {
                    continue; // the total itself is "<5": the reader does not know the sum
                }
                let hidden: Vec<usize> = (0..len).filter(|i| shown[*i] != Shown::Value).collect();
                let sum: i64 = hidden.iter().map(|i| values[*i]).sum();
                let any_small = shown.contains(&Shown::Small);
                let range = |i: usize| match shown[i] {
                    Shown::Small => (1, SUPPRESS_BELOW - 1),
                    _ if any_small => (SUPPRESS_BELOW, sum),
                    _ => (0, sum),
                };
                for &i in &hidden {
                    if !(1..SUPPRESS_BELOW).contains(&values[i]) {
                        continue;
                    }
                    let (others_lo, others_hi) = hidden
                        .iter()
                        .filter(|j| **j != i)
                        .map(|j| range(*j))
                        .fold((0, 0), |(a, b), (lo, hi)| (a + lo, b + hi));
                    let (lo, hi) = range(i);
                    let (lo, hi) = (lo.max(sum - others_hi), hi.min(sum - others_lo));
                    assert!(
                        hi > lo,
                        "{values:?} shown as {shown:?}: count {i} can only be {lo}..={hi}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 100_000, "{checked}");
    }
}
