//! Receipt codes: the anonymous author's only key to their appeal.

use std::fmt;

use hmac::Mac;
use rand::Rng;
use rand::rngs::OsRng;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::CryptoError;
use crate::keys::{Pepper, hmac_sha256};

const DIGITS: usize = 16;
/// Longest input [`ReceiptCode::parse`] looks at (16 digits with generous separators).
const MAX_INPUT_LEN: usize = 64;

/// A 16-digit receipt code (about 53 bits), shown to the author once, grouped 4-4-4-4. The
/// server keeps only [`ReceiptCode::lookup_hash`]. Zeroized on drop; `Debug` prints
/// `ReceiptCode(<redacted>)`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct ReceiptCode {
    /// ASCII digits `b'0'..=b'9'`.
    digits: [u8; DIGITS],
}

impl fmt::Debug for ReceiptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReceiptCode(<redacted>)")
    }
}

impl ReceiptCode {
    /// A new code: 16 independent, uniformly distributed digits from the operating system's
    /// generator (the first digit may be 0).
    pub fn generate() -> ReceiptCode {
        let mut digits = [0u8; DIGITS];
        for d in &mut digits {
            // gen_range samples without modulo bias.
            *d = b'0' + OsRng.gen_range(0..10u8);
        }
        ReceiptCode { digits }
    }

    /// Reads a code as a person may type or paste it: exactly 16 ASCII digits, optionally
    /// separated by spaces, dashes or dots (`1234 5678 9012 3456`, `1234-5678-9012-3456`),
    /// with surrounding whitespace ignored. Anything else is [`CryptoError::InvalidReceipt`].
    pub fn parse(input: &str) -> Result<ReceiptCode, CryptoError> {
        let input = input.trim();
        if input.len() > MAX_INPUT_LEN {
            return Err(CryptoError::InvalidReceipt);
        }
        let mut digits = [0u8; DIGITS];
        let mut count = 0;
        let mut last_was_digit = false;
        for b in input.bytes() {
            match b {
                b'0'..=b'9' => {
                    if count == DIGITS {
                        digits.zeroize();
                        return Err(CryptoError::InvalidReceipt);
                    }
                    digits[count] = b;
                    count += 1;
                    last_was_digit = true;
                }
                // Separators only between digits, never leading.
                b' ' | b'-' | b'.' if count > 0 => last_was_digit = false,
                _ => {
                    digits.zeroize();
                    return Err(CryptoError::InvalidReceipt);
                }
            }
        }
        // Empty input or a trailing separator also fail here.
        if count != DIGITS || !last_was_digit {
            digits.zeroize();
            return Err(CryptoError::InvalidReceipt);
        }
        Ok(ReceiptCode { digits })
    }

    /// The code as shown to people: `1234-5678-9012-3456`.
    pub fn grouped(&self) -> String {
        let mut out = String::with_capacity(DIGITS + 3);
        for (i, &d) in self.digits.iter().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(char::from(d));
        }
        out
    }

    /// What the database stores to find the appeal: HMAC-SHA256(pepper, the 16 ASCII digits).
    /// Without the pepper (which never leaves the key file) a stolen database does not allow
    /// guessing codes offline.
    pub fn lookup_hash(&self, pepper: &Pepper) -> [u8; 32] {
        let mut mac = hmac_sha256(pepper.bytes());
        mac.update(&self.digits);
        mac.finalize().into_bytes().into()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::MasterKey;
    use crate::test_support::secret_forms;

    #[test]
    fn parse_accepts_common_spellings() {
        for input in [
            "1234567890123456",
            "1234 5678 9012 3456",
            "1234-5678-9012-3456",
            "1234.5678.9012.3456",
            "  1234 - 5678 - 9012 - 3456\n",
            "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6",
        ] {
            let code = ReceiptCode::parse(input).unwrap();
            assert_eq!(code.grouped(), "1234-5678-9012-3456", "{input:?}");
        }
        assert_eq!(
            ReceiptCode::parse("0000 0000 0000 0001").unwrap().grouped(),
            "0000-0000-0000-0001"
        );
    }

    #[test]
    fn parse_rejects_everything_else() {
        for input in [
            "",
            "   ",
            "123456789012345",
            "12345678901234567",
            "1234 5678 9012 345",
            "1234-5678-9012-34567",
            "1234-5678-9012-345a",
            "abcd-efgh-ijkl-mnop",
            "-1234-5678-9012-3456",
            "1234-5678-9012-3456-",
            "1234_5678_9012_3456",
            "1234/5678/9012/3456",
            "１２３４５６７８９０１２３４５６",
            "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦",
            "+1234567890123456",
            &format!("1{}234567890123456", " ".repeat(60)),
        ] {
            assert!(
                matches!(ReceiptCode::parse(input), Err(CryptoError::InvalidReceipt)),
                "{input:?}"
            );
        }
    }

    #[test]
    fn grouped_format() {
        let g = ReceiptCode::generate().grouped();
        assert_eq!(g.len(), 19);
        for (i, c) in g.chars().enumerate() {
            if i % 5 == 4 {
                assert_eq!(c, '-');
            } else {
                assert!(c.is_ascii_digit());
            }
        }
        assert_eq!(ReceiptCode::parse(&g).unwrap().grouped(), g);
    }

    #[test]
    fn generated_codes_are_16_digits_and_differ() {
        let codes: Vec<String> = (0..1000)
            .map(|_| ReceiptCode::generate().grouped())
            .collect();
        for c in &codes {
            assert_eq!(c.chars().filter(char::is_ascii_digit).count(), 16);
        }
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        // 1000 codes out of 10^16: a collision has probability about 5e-11.
        assert_eq!(unique.len(), codes.len());
    }

    /// Chi-square goodness of fit with 9 degrees of freedom. P(X > 70) ≈ 1.5e-11 for a
    /// chi-square(9) variable; we test 17 statistics (all digits together, then each of the 16
    /// positions), so a correct generator fails with probability below 17 × 1.5e-11 < 1e-9.
    /// A generator whose first digit is never 0 scores ≈ 1100 at position 0.
    #[test]
    fn digit_distribution_is_uniform() {
        const CODES: usize = 10_000;
        const BOUND: f64 = 70.0;
        let mut per_position = [[0u64; 10]; DIGITS];
        for _ in 0..CODES {
            let code = ReceiptCode::generate();
            for (pos, &d) in code.digits.iter().enumerate() {
                per_position[pos][usize::from(d - b'0')] += 1;
            }
        }
        let chi2 = |counts: &[u64; 10]| {
            let n: u64 = counts.iter().sum();
            let expected = n as f64 / 10.0;
            counts
                .iter()
                .map(|&c| (c as f64 - expected).powi(2) / expected)
                .sum::<f64>()
        };
        let mut total = [0u64; 10];
        for counts in &per_position {
            for (t, c) in total.iter_mut().zip(counts) {
                *t += c;
            }
        }
        let all = chi2(&total);
        assert!(all < BOUND, "all digits: chi2 = {all}, counts {total:?}");
        for (pos, counts) in per_position.iter().enumerate() {
            let x = chi2(counts);
            assert!(x < BOUND, "position {pos}: chi2 = {x}, counts {counts:?}");
        }
    }

    #[test]
    fn chi_square_bound_catches_a_biased_first_digit() {
        // The statistic above must be able to fail: a first digit never 0 is far over 70.
        let mut counts = [1111u64; 10];
        counts[0] = 0;
        let expected = 1000.0;
        let x: f64 = counts
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum();
        assert!(x > 70.0);
    }

    #[test]
    fn lookup_hash_depends_on_pepper_and_code() {
        let code = ReceiptCode::parse("1234-5678-9012-3456").unwrap();
        let same = ReceiptCode::parse("1234567890123456").unwrap();
        let other = ReceiptCode::parse("1234-5678-9012-3457").unwrap();
        let p1 = MasterKey::for_tests(1).pepper();
        let p2 = MasterKey::for_tests(2).pepper();
        assert_eq!(code.lookup_hash(&p1), same.lookup_hash(&p1));
        assert_ne!(code.lookup_hash(&p1), code.lookup_hash(&p2));
        assert_ne!(code.lookup_hash(&p1), other.lookup_hash(&p1));
        assert_ne!(code.lookup_hash(&p1), crate::token_hash("1234567890123456"));
    }

    #[test]
    fn debug_of_receipt_code_is_redacted() {
        let code = ReceiptCode::generate();
        let dbg = format!("{code:?}");
        assert_eq!(dbg, "ReceiptCode(<redacted>)");
        let plain = String::from_utf8(code.digits.to_vec()).unwrap();
        assert!(!dbg.contains(&plain));
        assert!(!dbg.contains(&code.grouped()));
        for form in secret_forms(&code.digits) {
            assert!(!dbg.contains(&form));
        }
    }
}
