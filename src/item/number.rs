//! DynamoDB number normalization (DB-ESDK spec: dynamodb-encryption-client/ddb-attribute-serialization.md,
//! "Number": normalized as DynamoDB normalizes numbers; DB-ESDK `NormalizeNumber.dfy`).
//!
//! DynamoDB stores numbers canonically, so the format signs and encrypts the canonical text:
//! no leading or trailing zeros, no exponent, at most 38 significant digits, and a magnitude
//! between 1e-130 and 9.99…e125.

use crate::error::{Error, Result};

const MAX_DIGITS: usize = 38;

/// Normalizes a DynamoDB number string, e.g. `"0800.000e0"` → `"800"`, `"-0.0"` → `"0"`.
pub fn normalize(text: &str) -> Result<String> {
    // The text is never echoed: it may be the plaintext of an attribute being encrypted.
    let bad = |why: &str| Error::invalid(format!("not a valid DynamoDB number: {why}"));
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    // Split mantissa and exponent: digits [ '.' digits ] [ ('e'|'E') [sign] digits ].
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (int_part, frac_part) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
        None => (mantissa, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(bad("it needs digits before or after the decimal point"));
    }
    if !all_digits(int_part) || !all_digits(frac_part) {
        return Err(bad("invalid character"));
    }
    let exp: i64 = match exponent {
        None => 0,
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !all_digits(digits) {
                return Err(bad("invalid exponent"));
            }
            // Anything beyond a few digits is out of range anyway; avoid overflow.
            let digits = digits.trim_start_matches('0');
            if digits.len() > 6 {
                return Err(bad("exponent out of range"));
            }
            let magnitude: i64 = digits.parse().unwrap_or(0);
            if e.starts_with('-') {
                -magnitude
            } else {
                magnitude
            }
        }
    };
    // value = 0.<significant> × 10^point
    let all: String = format!("{int_part}{frac_part}");
    let leading = all.len() - all.trim_start_matches('0').len();
    let significant = all.trim_start_matches('0').trim_end_matches('0');
    if significant.is_empty() {
        return Ok("0".to_string());
    }
    if significant.len() > MAX_DIGITS {
        return Err(bad("more than 38 significant digits"));
    }
    let point = int_part.len() as i64 - leading as i64 + exp;
    if point < -129 {
        return Err(bad("magnitude smaller than 1e-130"));
    }
    if point > 126 {
        return Err(bad("magnitude larger than 9.99e125"));
    }
    let len = significant.len() as i64;
    let mut out = String::with_capacity(significant.len() + 4);
    if negative {
        out.push('-');
    }
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(significant);
    } else if point >= len {
        out.push_str(significant);
        out.extend(std::iter::repeat_n('0', (point - len) as usize));
    } else {
        out.push_str(&significant[..point as usize]);
        out.push('.');
        out.push_str(&significant[point as usize..]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn dynamodb_examples() {
        for (input, want) in [
            ("0800.000e0", "800"),
            ("00.0011", "0.0011"),
            ("0000", "0"),
            ("-0.000", "0"),
            ("2000.000", "2000"),
            ("10.01", "10.01"),
            ("1e2", "100"),
            ("2.50", "2.5"),
            ("0055.50", "55.5"),
            ("+1.5E+3", "1500"),
            (".5", "0.5"),
            ("5.", "5"),
            ("-12.340e-3", "-0.01234"),
        ] {
            assert_eq!(normalize(input).unwrap(), want, "{input}");
        }
    }

    #[test]
    fn range_limits() {
        assert_eq!(
            normalize("1e-130").unwrap(),
            format!("0.{}1", "0".repeat(129))
        );
        assert_eq!(
            normalize("-9.99e125").unwrap(),
            format!("-999{}", "0".repeat(123))
        );
    }

    #[test]
    fn rejects_bad_numbers() {
        for input in [
            "",
            "-",
            ".",
            "e5",
            "1e",
            "1x",
            "1.2.3",
            "1e-131",
            "1e126",
            "123456789012345678901234567890123456789",
        ] {
            let err = normalize(input).unwrap_err().to_string();
            // A number attribute being encrypted is plaintext: its text is never echoed.
            if input.len() > 1 {
                assert!(!err.contains(input), "{input} echoed in: {err}");
            }
        }
        assert_eq!(normalize("9.99e125").unwrap().len(), 126);
    }
}
