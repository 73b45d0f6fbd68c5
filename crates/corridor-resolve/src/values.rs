//! Comparable forms of the other fields: dates with partial precision and the usual errors
//! (day/month swaps, 1 January defaults), identifiers with OCR confusions, free text.

/// A date as far as it is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Date {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl Date {
    /// Reads YYYY-MM-DD, YYYYMMDD, DD.MM.YYYY, DD/MM/YYYY, YYYY-MM and YYYY; `None` for blanks
    /// and anything else.
    pub fn parse(raw: &str) -> Option<Date> {
        let s = raw.trim();
        let digits: Vec<&str> = s
            .split(['-', '/', '.', ' '])
            .filter(|p| !p.is_empty())
            .collect();
        let num = |t: &str| t.parse::<u32>().ok();
        let (y, m, d) = match digits.as_slice() {
            [one] if one.len() == 8 && one.bytes().all(|b| b.is_ascii_digit()) => {
                (num(&one[..4])?, num(&one[4..6]), num(&one[6..8]))
            }
            [one] if one.len() == 4 => (num(one)?, None, None),
            [a, b] if a.len() == 4 => (num(a)?, num(b), None),
            [a, b, c] if a.len() == 4 => (num(a)?, num(b), num(c)),
            [a, b, c] if c.len() == 4 => (num(c)?, num(b), num(a)),
            _ => return None,
        };
        if !(1800..=2100).contains(&y) {
            return None;
        }
        // A "month" above 12 with a day that could be a month: the two were written the other
        // way round (MM/DD where DD/MM was meant, or the reverse).
        let (m, d) = match (m, d) {
            (Some(m), Some(d)) if m > 12 && (1..=12).contains(&d) => (Some(d), Some(m)),
            other => other,
        };
        let month = m.filter(|m| (1..=12).contains(m)).map(|m| m as u8);
        let day = d.filter(|d| (1..=31).contains(d)).map(|d| d as u8);
        Some(Date {
            year: y as u16,
            month,
            day: if month.is_some() { day } else { None },
        })
    }

    /// 1 January: often a placeholder for "born in that year".
    pub fn is_default(&self) -> bool {
        self.month == Some(1) && self.day == Some(1)
    }

    /// The eight digits of YYYYMMDD, without writing them out (compared for every pair).
    fn digits(&self) -> Option<[u8; 8]> {
        let (y, m, d) = (self.year, self.month?, self.day?);
        let mut out = [0u8; 8];
        let mut put = |at: usize, value: u16, width: usize| {
            let mut v = value;
            for i in (0..width).rev() {
                out[at + i] = (v % 10) as u8;
                v /= 10;
            }
        };
        put(0, y, 4);
        put(4, u16::from(m), 2);
        put(6, u16::from(d), 2);
        Some(out)
    }
}

/// Levels of a date comparison, best first (after "null").
pub const DATE_LEVELS: &[&str] = &[
    "null",
    "exact",
    "day and month swapped",
    "one digit differs",
    "same year, one a 1 January default",
    "year off by one, same day",
    "same year",
    "different",
];

pub fn compare_dates(a: Option<&Date>, b: Option<&Date>) -> usize {
    let (Some(a), Some(b)) = (a, b) else {
        return 0;
    };
    if a == b && a.day.is_some() {
        return 1;
    }
    // A 1 January placeholder says only the year.
    if a.is_default() || b.is_default() {
        return match a.year.abs_diff(b.year) {
            0 => 4,
            _ => 7,
        };
    }
    // Another year and another day of the year: two digits apart at least, neither swapped nor
    // a year off. Most pairs compared are of this kind (a screening query's dated candidates),
    // so it is told without writing out the digits.
    if a.year != b.year && (a.month, a.day) != (b.month, b.day) {
        return 7;
    }
    match (a.digits(), b.digits()) {
        (Some(x), Some(y)) => {
            if a.year == b.year && a.month == b.day && a.day == b.month {
                return 2;
            }
            if x.iter().zip(y.iter()).filter(|(p, q)| p != q).count() == 1 {
                return 3;
            }
            if a.year.abs_diff(b.year) == 1 && a.month == b.month && a.day == b.day {
                return 5;
            }
            if a.year == b.year {
                return 6;
            }
            7
        }
        // One side known to the year (or month) only.
        _ => {
            if a.year == b.year {
                6
            } else {
                7
            }
        }
    }
}

/// An identifier with the characters OCR confuses folded together, letters upper-cased and
/// separators dropped.
pub fn ocr_fold(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' | 'Q' | 'D' => '0',
            'I' | 'L' => '1',
            'Z' => '2',
            'S' => '5',
            'G' => '6',
            'B' => '8',
            other => other,
        })
        .collect()
}

pub const IDENTIFIER_LEVELS: &[&str] = &[
    "null",
    "exact",
    "same after OCR folding or one character off",
    "different",
];

pub fn compare_identifiers(a: &str, b: &str) -> usize {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    if a == b {
        return 1;
    }
    // Short ASCII numbers, nearly all of them, fold on the stack: this runs for every
    // candidate pair, twice.
    let (mut x, mut y) = ([0u8; 32], [0u8; 32]);
    if let (Some(fa), Some(fb)) = (ocr_fold_ascii(a, &mut x), ocr_fold_ascii(b, &mut y)) {
        return if fa == fb || crate::similarity::within_one_bytes(fa, fb) {
            2
        } else {
            3
        };
    }
    let (fa, fb) = (ocr_fold(a), ocr_fold(b));
    if fa == fb || crate::similarity::within_one_edit(&fa, &fb) {
        return 2;
    }
    3
}

/// [`ocr_fold`] of an ASCII value into `buffer`, or `None` when the value is not ASCII or
/// does not fit.
fn ocr_fold_ascii<'b>(raw: &str, buffer: &'b mut [u8; 32]) -> Option<&'b [u8]> {
    if !raw.is_ascii() {
        return None;
    }
    let mut n = 0;
    for c in raw.bytes().filter(u8::is_ascii_alphanumeric) {
        if n == buffer.len() {
            return None;
        }
        buffer[n] = match c.to_ascii_uppercase() {
            b'O' | b'Q' | b'D' => b'0',
            b'I' | b'L' => b'1',
            b'Z' => b'2',
            b'S' => b'5',
            b'G' => b'6',
            b'B' => b'8',
            other => other,
        };
        n += 1;
    }
    Some(&buffer[..n])
}

pub const TEXT_LEVELS: &[&str] = &["null", "exact", "very similar", "similar", "different"];

pub fn compare_text(a: &str, b: &str) -> usize {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    if a == b {
        return 1;
    }
    let s = crate::similarity::jaro_winkler(a, b);
    if s >= 0.92 {
        2
    } else if s >= 0.8 {
        3
    } else {
        4
    }
}

pub const EXACT_LEVELS: &[&str] = &["null", "exact", "different"];

pub fn compare_exact(a: &str, b: &str) -> usize {
    if a.is_empty() || b.is_empty() {
        0
    } else if a == b {
        1
    } else {
        2
    }
}

/// Lower case, trimmed, inner spaces collapsed: the comparable form of text and exact fields.
pub fn normalise_text(raw: &str) -> String {
    raw.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_usual_shapes() {
        let d = |s| Date::parse(s);
        assert_eq!(d("1990-04-07"), d("07.04.1990"));
        assert_eq!(d("19900407"), d("07/04/1990"));
        assert_eq!(d("1990").unwrap().month, None);
        // Month and day written the other way round.
        assert_eq!(d("1990-17-04"), d("1990-04-17"));
        for bad in ["", "n/a", "1990-13-45x", "0000-00-00"] {
            assert!(d(bad).is_none() || d(bad).unwrap().month.is_none(), "{bad}");
        }
    }

    #[test]
    fn date_levels_name_the_usual_errors() {
        let level = |a: &str, b: &str| {
            DATE_LEVELS[compare_dates(Date::parse(a).as_ref(), Date::parse(b).as_ref())]
        };
        assert_eq!(level("1990-04-07", "1990-04-07"), "exact");
        assert_eq!(level("1990-04-07", "1990-07-04"), "day and month swapped");
        assert_eq!(level("1990-04-07", "1990-04-08"), "one digit differs");
        assert_eq!(
            level("1990-04-17", "1990-01-01"),
            "same year, one a 1 January default"
        );
        assert_eq!(
            level("1990-04-17", "1989-04-17"),
            "year off by one, same day"
        );
        assert_eq!(level("1990", "1990-04-17"), "same year");
        assert_eq!(level("1990-04-17", "1975-11-30"), "different");
        assert_eq!(level("", "1975-11-30"), "null");
    }

    #[test]
    fn identifiers_survive_ocr_confusions() {
        assert_eq!(
            IDENTIFIER_LEVELS[compare_identifiers("SY0123456", "SYO123456")],
            "same after OCR folding or one character off"
        );
        assert_eq!(compare_identifiers("AB1234567", "AB1234567"), 1);
        assert_eq!(compare_identifiers("AB1234567", "XY9876543"), 3);
    }

    #[test]
    fn identifiers_folded_on_the_stack_agree_with_the_allocating_fold() {
        let slow = |a: &str, b: &str| {
            if a.is_empty() || b.is_empty() {
                0
            } else if a == b {
                1
            } else if ocr_fold(a) == ocr_fold(b)
                || crate::similarity::within_one_edit(&ocr_fold(a), &ocr_fold(b))
            {
                2
            } else {
                3
            }
        };
        let long = "A1".repeat(20);
        let values = [
            "",
            "SY0123456",
            "SYO123456",
            "sy-o123456",
            "5Y0I23456",
            "SY012345",
            "SY01234567",
            "ЅY0123456",
            "AB 12 34",
            "AB1234",
            "ab12-34",
            long.as_str(),
            &long[1..],
            "0O0O0O0O0O0O0O0O0O0O0O0O0O0O0O0O0",
            "OOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOO",
        ];
        for a in values {
            for b in values {
                assert_eq!(compare_identifiers(a, b), slow(a, b), "{a:?} / {b:?}");
            }
        }
    }
}
