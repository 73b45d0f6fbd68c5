//! Each field of a record prepared once, and two prepared fields compared into a level with
//! its explanation.

use crate::names::{self, Name};
use crate::settings::{Comparison, Kind};
use crate::values::{self, Date};

/// Levels of a name comparison, best first (after "null").
pub const NAME_LEVELS: &[&str] = &[
    "null",
    "exact",
    "same name across spellings or scripts",
    "same parts, consonants or close spellings",
    "one name contains the other",
    "most parts similar",
    "one part in common",
    "different",
];

/// One field of one record, ready to compare.
#[derive(Clone, Debug)]
pub enum Prepared {
    Name(Name),
    Date(Option<Date>),
    Text(String),
}

impl Prepared {
    pub fn new(kind: Kind, raw: &str) -> Prepared {
        match kind {
            Kind::Name => Prepared::Name(names::prepare(raw)),
            Kind::Date => Prepared::Date(Date::parse(raw)),
            Kind::Identifier => Prepared::Text(
                raw.chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_uppercase)
                    .collect(),
            ),
            Kind::Text | Kind::Exact => Prepared::Text(values::normalise_text(raw)),
        }
    }

    pub fn is_null(&self) -> bool {
        match self {
            Prepared::Name(n) => n.parts.is_empty(),
            Prepared::Date(d) => d.is_none(),
            Prepared::Text(t) => t.is_empty(),
        }
    }

    /// The comparable value as text: records with equal signatures in every field compare as
    /// identical.
    pub fn signature(&self) -> String {
        match self {
            Prepared::Name(n) => n
                .parts
                .iter()
                .map(|p| p.written.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            Prepared::Date(Some(d)) => format!("{}-{:?}-{:?}", d.year, d.month, d.day),
            Prepared::Date(None) => String::new(),
            Prepared::Text(t) => t.clone(),
        }
    }

    /// The value counted for term-frequency adjustment.
    pub fn tf_value(&self) -> Option<String> {
        match self {
            Prepared::Name(n) if !n.parts.is_empty() => {
                let mut keys: Vec<&str> = n.parts.iter().map(|p| p.skeleton.as_str()).collect();
                keys.sort_unstable();
                Some(keys.join(" "))
            }
            Prepared::Text(t) if !t.is_empty() => Some(t.clone()),
            _ => None,
        }
    }
}

/// Compares one field of two records: the level index, and for names the part alignment.
pub fn compare(c: &Comparison, a: &Prepared, b: &Prepared, explain: bool) -> (usize, String) {
    match (a, b) {
        (Prepared::Name(x), Prepared::Name(y)) => compare_names(x, y, explain),
        (Prepared::Date(x), Prepared::Date(y)) => {
            (values::compare_dates(x.as_ref(), y.as_ref()), String::new())
        }
        (Prepared::Text(x), Prepared::Text(y)) => {
            let level = match c.kind {
                Kind::Identifier => values::compare_identifiers(x, y),
                Kind::Text => values::compare_text(x, y),
                _ => values::compare_exact(x, y),
            };
            (level, String::new())
        }
        _ => (0, String::new()),
    }
}

fn compare_names(a: &Name, b: &Name, explain: bool) -> (usize, String) {
    if a.parts.is_empty() || b.parts.is_empty() {
        return (0, String::new());
    }
    let aligned = names::align(a, b);
    let text = if explain {
        aligned
            .iter()
            .map(|(i, j, m)| {
                let (pa, pb) = (&a.parts[*i], &b.parts[*j]);
                format!(
                    "{} ≈ {} ({})",
                    shown(pa),
                    shown(pb),
                    names::describe_match(*m, pa, pb)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    } else {
        String::new()
    };
    let level = name_level(
        a.parts.len(),
        b.parts.len(),
        &aligned,
        a.compact == b.compact,
    );
    (level, text)
}

/// The level of two names of `a_len` and `b_len` parts from their aligned parts, and whether
/// they are the same written together (`compact_equal`).
pub(crate) fn name_level(
    a_len: usize,
    b_len: usize,
    aligned: &[(usize, usize, names::PartMatch)],
    compact_equal: bool,
) -> usize {
    if a_len == 0 || b_len == 0 {
        return 0;
    }
    let shorter = a_len.min(b_len);
    let same_count = a_len == b_len;
    let at_least = |s: f64| aligned.iter().filter(|(_, _, m)| m.score() >= s).count();
    let exact = same_count
        && aligned.len() == shorter
        && aligned
            .iter()
            .all(|(_, _, m)| *m == names::PartMatch::Exact);
    if exact {
        1
    } else if (same_count && at_least(0.95) == shorter) || compact_equal {
        2
    } else if same_count && at_least(0.89) == shorter {
        3
    } else if shorter >= 2 && at_least(0.89) == shorter {
        4
    } else if at_least(0.8) >= 2 {
        5
    } else if at_least(0.89) >= 1 {
        6
    } else {
        7
    }
}

/// A part as shown in an explanation: its Latin form, and where it came from another script.
fn shown(p: &names::Part) -> String {
    if p.transliterated {
        format!("'{}'→{}", p.written, p.latin)
    } else {
        format!("'{}'", p.latin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(a: &str, b: &str) -> &'static str {
        let (x, y) = (names::prepare(a), names::prepare(b));
        NAME_LEVELS[compare_names(&x, &y, false).0]
    }

    #[test]
    fn name_levels() {
        assert_eq!(level("Amina Tesfaye", "amina  TESFAYE"), "exact");
        assert_eq!(
            level("Mohammed Al-Sayed", "محمد السيد"),
            "same name across spellings or scripts"
        );
        assert_eq!(
            level("Sayed Mohammed", "Mohamed Al-Sayed"),
            "same name across spellings or scripts"
        );
        assert_eq!(
            level("Abdulrahman Sayed", "Abd al-Rahman Al Sayed"),
            "exact"
        );
        assert_eq!(
            level("Abdulrahman Sayed", "Abd al-Rahmaan Al Sayed"),
            "same name across spellings or scripts"
        );
        assert_eq!(
            level("Mohammed Ali Hassan", "Mohammed Hassan"),
            "one name contains the other"
        );
        assert_eq!(
            level("Kibrom Tekle", "Kbrom Tekle"),
            "same name across spellings or scripts"
        );
        assert_eq!(level("Amina Tesfaye", "Amina Haile"), "one part in common");
        assert_eq!(level("Amina Tesfaye", "Yonas Haile"), "different");
        assert_eq!(level("", "Yonas Haile"), "null");
    }

    #[test]
    fn explanations_show_the_alignment_and_the_script() {
        let (x, y) = (
            names::prepare("محمد السيد"),
            names::prepare("Mohamed Al-Sayed"),
        );
        let (_, text) = compare_names(&x, &y, true);
        assert!(text.contains("'محمد'→mhmd ≈ 'mohamed'"), "{text}");
    }
}
