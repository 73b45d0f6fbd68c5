//! The index keys of a name part and how each holds it, and the walks over posting lists that
//! find and check a query's candidates.

use corridor_resolve::names;

/// How an index key holds a query part, best first. A candidate found under a key counts the
/// part's weight times the kind's factor, as the full score ranks these matches (exact, known
/// variant, same consonants, misspelt): among the many entries that hold "Mamadou Diallo" in
/// some spelling, those written as the query are not cut from the short list by chance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum KeyKind {
    Exact = 0,
    Variant = 1,
    Skeleton = 2,
    /// One consonant more or fewer: only a misspelling finds it.
    Fuzzy = 3,
}

impl KeyKind {
    pub(crate) fn factor(self) -> f64 {
        // A misspelling's key also finds other names (one consonant off): it counts for about
        // half (measured: 0.5 to 0.6 finds the most at 1M; 0.8 and 0.4 fewer).
        [1.0, 0.95, 0.9, 0.55][self as usize]
    }
}

/// The index keys of one name part: Latin form, skeleton, variant group, skeleton with one
/// consonant deleted, each with its kind.
pub(crate) fn part_keys(part: &names::Part, query: bool) -> Vec<(String, KeyKind)> {
    let mut keys = Vec::new();
    each_part_key(part, query, &mut String::new(), |key, kind| {
        keys.push((key.to_string(), kind))
    });
    keys.sort();
    keys.dedup_by(|a, b| a.0 == b.0);
    keys
}

/// Calls `f` with each index key of a part and its kind, written into `buf` (no allocation per
/// key: a query looks up dozens). A key may come twice (a doubled consonant deleted either
/// way); counting a part for an entry keeps its best kind, so that costs a lookup, nothing more.
pub(crate) fn each_part_key(
    part: &names::Part,
    query: bool,
    buf: &mut String,
    mut f: impl FnMut(&str, KeyKind),
) {
    let s = &part.skeleton;
    let mut key = |buf: &mut String, prefix: &str, body: &mut dyn FnMut(&mut String), kind| {
        buf.clear();
        buf.push_str(prefix);
        body(buf);
        f(buf, kind);
    };
    if s.len() >= 2 {
        key(buf, "x:", &mut |b| b.push_str(&part.latin), KeyKind::Exact);
        key(buf, "s:", &mut |b| b.push_str(s), KeyKind::Skeleton);
    } else if !part.latin.is_empty() {
        key(buf, "l:", &mut |b| b.push_str(&part.latin), KeyKind::Exact);
        // Short names differ in their vowels (Kyaw / Kyau, Zazai / Zazi, Sy / Syy): the one
        // consonant is a key too, a long list that checks candidates found otherwise.
        if !s.is_empty() {
            key(buf, "s:", &mut |b| b.push_str(s), KeyKind::Skeleton);
        }
    }
    if let Some(v) = part.variant {
        key(
            buf,
            "v:",
            &mut |b| {
                use std::fmt::Write;
                let _ = write!(b, "{v}");
            },
            KeyKind::Variant,
        );
    }
    if s.len() >= 4 {
        let n = s.chars().count();
        for i in 0..n {
            let without = |b: &mut String| {
                b.extend(
                    s.chars()
                        .enumerate()
                        .filter(|(k, _)| *k != i)
                        .map(|(_, c)| c),
                )
            };
            key(buf, "d:", &mut { without }, KeyKind::Fuzzy);
            if query {
                // The entry's skeleton is the query's with one consonant fewer.
                key(buf, "s:", &mut { without }, KeyKind::Fuzzy);
            }
        }
    }
    if query && s.len() >= 3 {
        // The entry's skeleton has one consonant more (Ebrima / Ibrahima: brm / brhm).
        key(buf, "d:", &mut |b| b.push_str(s), KeyKind::Fuzzy);
    }
}

/// The first position at or after `from` whose entry is not below `target`, in a sorted list:
/// steps that double, then halving (a walk over sorted targets costs their number times the log
/// of the gaps, not the list's length).
pub(crate) fn gallop(list: &[u32], from: usize, target: u32) -> usize {
    let mut step = 1;
    let mut hi = from;
    while hi < list.len() && list[hi] < target {
        hi = from + step;
        step *= 2;
    }
    let lo = from + step / 4;
    let hi = hi.min(list.len());
    lo.min(hi) + list[lo.min(hi)..hi].partition_point(|&x| x < target)
}

/// A query part too common to walk: the postings it is held under ("walls"), in kind order.
pub(crate) struct CommonPart<'a> {
    pub(crate) index: usize,
    pub(crate) weight: f64,
    pub(crate) walls: Vec<(&'a Vec<u32>, KeyKind)>,
}

impl<'a> CommonPart<'a> {
    /// The list that holds the part in the most spellings: the longer of its variant group's
    /// and its skeleton's (a group lists known forms only: "Husssain" has Hussain's
    /// consonants but is in no group), the group's on a tie.
    pub(crate) fn broadest(&self) -> (&'a Vec<u32>, KeyKind) {
        *self
            .walls
            .iter()
            .filter(|(_, k)| matches!(k, KeyKind::Variant | KeyKind::Skeleton))
            .max_by_key(|(l, k)| (l.len(), std::cmp::Reverse(*k)))
            .unwrap_or(&self.walls[0])
    }
}

#[cfg(test)]
mod tests {
    use super::gallop;

    #[test]
    fn gallop_finds_what_a_binary_search_finds_from_any_start() {
        let list: Vec<u32> = (0..500u32).map(|i| i * 3 + i % 7).collect();
        for from in [0, 1, 2, 17, 250, 499, 500] {
            for target in [0, 1, 2, 50, 51, 700, 1_000, 1_505, 1_506, 5_000] {
                let want = from + list[from..].partition_point(|&x| x < target);
                assert_eq!(
                    gallop(&list, from, target),
                    want,
                    "from {from}, target {target}"
                );
            }
        }
        assert_eq!(gallop(&[], 0, 5), 0);
    }
}
