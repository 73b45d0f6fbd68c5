//! Jaro–Winkler similarity, the same figure as `strsim::jaro_winkler`, without allocating for
//! the short ASCII strings names and skeletons are (bit masks on the stack stand in for the
//! matched flags). Compared for every candidate pair in resolution and screening, so it counts.

/// Jaro–Winkler similarity of `a` and `b`: 0 to 1, a common prefix of up to four characters
/// raising it when the Jaro similarity is above 0.7 (as strsim computes it).
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !(a.is_ascii() && b.is_ascii() && x.len() <= 64 && y.len() <= 64) {
        return strsim::jaro_winkler(a, b);
    }
    let sim = jaro_ascii(x, y);
    if sim > 0.7 {
        let prefix = x.iter().take(4).zip(y).take_while(|(p, q)| p == q).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

/// Whether `a` and `b` are at most one edit apart: one character changed, added or dropped, or
/// two neighbours swapped (Damerau–Levenshtein distance ≤ 1, found in one pass rather than by
/// filling the distance matrix).
pub fn within_one_edit(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return within_one(a.as_bytes(), b.as_bytes());
    }
    let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    within_one(&x, &y)
}

/// [`within_one_edit`] on bytes (ASCII text already in hand).
pub(crate) fn within_one_bytes(a: &[u8], b: &[u8]) -> bool {
    within_one(a, b)
}

fn within_one<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    // The first difference, then the rest must match after one edit there.
    let Some(i) = short.iter().zip(long).position(|(p, q)| p != q) else {
        return true; // equal, or one added at the end
    };
    if short.len() == long.len() {
        // Changed at i, or i and i + 1 swapped.
        short[i + 1..] == long[i + 1..]
            || (i + 1 < short.len()
                && short[i] == long[i + 1]
                && short[i + 1] == long[i]
                && short[i + 2..] == long[i + 2..])
    } else {
        // Added at i in the longer one.
        short[i..] == long[i + 1..]
    }
}

/// Jaro similarity of two ASCII strings of at most 64 bytes.
fn jaro_ascii(a: &[u8], b: &[u8]) -> f64 {
    let (la, lb) = (a.len(), b.len());
    if la == 0 && lb == 0 {
        return 1.0;
    }
    if la == 0 || lb == 0 {
        return 0.0;
    }
    let range = (la.max(lb) / 2).saturating_sub(1);
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &c) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = lb.min(i + range + 1);
        for (j, &d) in b.iter().enumerate().take(hi).skip(lo) {
            if b_flags & (1 << j) == 0 && d == c {
                a_flags |= 1 << i;
                b_flags |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut k = 0usize;
    for (i, &c) in a.iter().enumerate() {
        if a_flags & (1 << i) == 0 {
            continue;
        }
        while b_flags & (1 << k) == 0 {
            k += 1;
        }
        transpositions += usize::from(b[k] != c);
        k += 1;
    }
    let t = transpositions / 2;
    let m = matches as f64;
    (m / la as f64 + m / lb as f64 + (matches - t) as f64 / m) / 3.0
}

#[cfg(test)]
mod tests {
    use super::{jaro_winkler, within_one_edit};

    /// Pairs of random words over the first `letters` letters, each at most `max_len` long:
    /// from a small alphabet, repeats and transpositions are likely.
    fn word_pairs(seed: u64, letters: u64, max_len: u64, n: usize) -> Vec<(String, String)> {
        let mut state = seed;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let bits = 64 - letters.leading_zeros() as u64;
        let word = |r: u64| -> String {
            (0..r % (max_len + 1))
                .map(|i| (b'a' + ((r >> (bits * i)) % letters) as u8) as char)
                .collect()
        };
        (0..n).map(|_| (word(next()), word(next()))).collect()
    }

    #[test]
    fn within_one_edit_is_damerau_levenshtein_at_most_one() {
        for (a, b) in word_pairs(0x2545_f491_4f6c_dd1d, 3, 6, 50_000) {
            assert_eq!(
                within_one_edit(&a, &b),
                strsim::damerau_levenshtein(&a, &b) <= 1,
                "{a} / {b}"
            );
        }
        for (a, b) in [
            ("N0123", "N0132"),
            ("ab", "ba"),
            ("", "x"),
            ("", ""),
            ("ÉÈ", "ÈÉ"),
            ("abc", "abcde"),
        ] {
            assert_eq!(
                within_one_edit(a, b),
                strsim::damerau_levenshtein(a, b) <= 1,
                "{a} / {b}"
            );
        }
    }

    #[test]
    fn it_is_strsims_figure_to_the_last_bit() {
        // Every pair from a small alphabet (repeats and transpositions likely), at lengths up to
        // 12, and the long, empty and non-ASCII cases that take strsim's path.
        for (a, b) in word_pairs(0x9e37_79b9_7f4a_7c15, 5, 12, 20_000) {
            assert_eq!(
                jaro_winkler(&a, &b).to_bits(),
                strsim::jaro_winkler(&a, &b).to_bits(),
                "{a} / {b}"
            );
        }
        let long = "abcdefghij".repeat(7);
        for (a, b) in [
            ("", ""),
            ("", "x"),
            ("martha", "marhta"),
            ("dixon", "dicksonx"),
            ("mohammed", "muhammad"),
            (long.as_str(), "abc"),
            ("محمد", "mhmd"),
            ("crate", "trace"),
        ] {
            assert_eq!(
                jaro_winkler(a, b).to_bits(),
                strsim::jaro_winkler(a, b).to_bits(),
                "{a} / {b}"
            );
        }
    }
}
