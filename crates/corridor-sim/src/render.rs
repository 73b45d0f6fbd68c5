//! How a source writes down a real person: which script, which transliteration, which
//! mistakes. Each record of a person is rendered anew, so records of one person differ the way
//! real records do.

use crate::data::NameForms;
use crate::rng::Rng;

/// The habits of one kind of source.
#[derive(Clone, Copy, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Style {
    /// Chance the name is written in the person's own script (a seized phone, a consulate list).
    pub native_script: f64,
    /// Chance of one typing error in the name.
    pub typo: f64,
    /// Chance a name part is dropped.
    pub drop_part: f64,
    /// Chance the family name is written first.
    pub family_first: f64,
    /// Chance a full date of birth has day and month swapped (when both are 12 or below).
    pub date_swap: f64,
    /// Chance only the year is known and written as 1 January of that year.
    pub january_first: f64,
    /// Chance the date of birth is missing.
    pub no_date: f64,
    /// The Latin rendering this source's convention prefers: 0 the most common, 1 the next
    /// (say French-style "Mohamed" over "Mohammed"); names with fewer renderings fall back to
    /// the most common one.
    pub transliteration: usize,
    /// Chance a record departs from the source's convention (another clerk, another habit).
    pub variant_mix: f64,
    /// Chance the name went through character recognition and came out with a confusion
    /// (O/0, I/1, S/5, B/8, rn/m).
    pub ocr: f64,
}

/// A person's name parts, each with its forms (own script first, then Latin renderings).
#[derive(Clone, Debug)]
pub struct TrueName {
    pub given: NameForms,
    /// Father's given name, where the culture chains names.
    pub father: Option<NameForms>,
    pub family: NameForms,
}

impl TrueName {
    /// The canonical rendering used in the ground truth: the most common Latin forms.
    pub fn canonical(&self) -> String {
        let mut parts = vec![self.given[1].clone()];
        if let Some(f) = &self.father {
            parts.push(f[1].clone());
        }
        parts.push(self.family[1].clone());
        parts.join(" ")
    }

    /// The name in the person's own script, in the same order.
    pub fn native(&self) -> String {
        let mut parts = vec![self.given[0].clone()];
        if let Some(f) = &self.father {
            parts.push(f[0].clone());
        }
        parts.push(self.family[0].clone());
        parts.join(" ")
    }
}

pub fn render_name(name: &TrueName, style: &Style, rng: &mut Rng) -> String {
    let native = rng.chance(style.native_script);
    let form = |forms: &NameForms, rng: &mut Rng| -> String {
        if native {
            forms[0].clone()
        } else if forms.len() > 2 && rng.chance(style.variant_mix) {
            rng.pick(&forms[1..]).clone()
        } else {
            forms
                .get(1 + style.transliteration)
                .unwrap_or(&forms[1])
                .clone()
        }
    };
    let mut parts = vec![form(&name.given, rng)];
    if let Some(father) = &name.father
        && !rng.chance(style.drop_part)
    {
        parts.push(form(father, rng));
    }
    let family = form(&name.family, rng);
    if rng.chance(style.family_first) {
        parts.insert(0, family);
    } else {
        parts.push(family);
    }
    if parts.len() > 2 && rng.chance(style.drop_part) {
        let i = rng.range(1, parts.len() as u64 - 1) as usize;
        parts.remove(i);
    }
    let mut text = parts.join(" ");
    if !native && rng.chance(style.typo) {
        text = typo(&text, rng);
    }
    if !native && rng.chance(style.ocr) {
        text = ocr_confusion(&text, rng);
    }
    text
}

/// Pairs that character recognition confuses on passports and scanned forms.
const OCR_CONFUSIONS: &[(&str, &str)] = &[
    ("O", "0"),
    ("I", "1"),
    ("l", "1"),
    ("S", "5"),
    ("B", "8"),
    ("rn", "m"),
    ("m", "rn"),
    ("e", "c"),
];

/// One recognition error at a place where a confusable character stands; the text is
/// unchanged only when it holds none.
pub fn ocr_confusion(text: &str, rng: &mut Rng) -> String {
    let mut places: Vec<(usize, &str, &str)> = Vec::new();
    for (from, to) in OCR_CONFUSIONS {
        places.extend(text.match_indices(from).map(|(i, _)| (i, *from, *to)));
    }
    if places.is_empty() {
        return text.to_string();
    }
    let (at, from, to) = *rng.pick(&places);
    format!("{}{to}{}", &text[..at], &text[at + from.len()..])
}

/// One keyboard or hearing slip: two neighbouring letters swapped, or a letter doubled.
fn typo(text: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    if chars.len() < 4 {
        return text.to_string();
    }
    let i = rng.range(1, chars.len() as u64 - 2) as usize;
    if chars[i].is_alphabetic() && chars[i + 1].is_alphabetic() && rng.chance(0.5) {
        chars.swap(i, i + 1);
    } else if chars[i].is_alphabetic() {
        chars.insert(i, chars[i]);
    }
    chars.into_iter().collect()
}

/// A date of birth as the source writes it (ISO), or `None` when it wrote none.
pub fn render_birth_date(
    year: i32,
    month: u8,
    day: u8,
    style: &Style,
    rng: &mut Rng,
) -> Option<String> {
    if rng.chance(style.no_date) {
        return None;
    }
    if rng.chance(style.january_first) {
        return Some(format!("{year:04}-01-01"));
    }
    if day <= 12 && month != day && rng.chance(style.date_swap) {
        return Some(format!("{year:04}-{day:02}-{month:02}"));
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amina() -> TrueName {
        TrueName {
            given: vec![
                "محمد".into(),
                "Mohammed".into(),
                "Muhammad".into(),
                "Mhd".into(),
            ],
            father: Some(vec!["علي".into(), "Ali".into()]),
            family: vec!["السيد".into(), "Al-Sayed".into(), "Alsaid".into()],
        }
    }

    #[test]
    fn careful_sources_mostly_write_the_canonical_form_and_sloppy_ones_vary() {
        let mut rng = Rng::new(3);
        let name = amina();
        let same = |style: &Style, rng: &mut Rng| {
            (0..2000)
                .filter(|_| render_name(&name, style, rng) == name.canonical())
                .count()
        };
        let styles = crate::settings::Settings::default().styles;
        let border = same(&styles.border_system, &mut rng);
        let debrief = same(&styles.debriefing, &mut rng);
        assert!(border > debrief, "{border} vs {debrief}");
        let native = (0..2000)
            .filter(|_| render_name(&name, &styles.debriefing, &mut rng).contains("السيد"))
            .count();
        let share = native as f64 / 2000.0;
        assert!((0.11..0.19).contains(&share), "native-script share {share}");
    }

    #[test]
    fn each_source_keeps_its_own_transliteration_convention() {
        let mut rng = Rng::new(8);
        let name = amina();
        let styles = crate::settings::Settings::default().styles;
        let count = |style: &Style, form: &str, rng: &mut Rng| {
            (0..2000)
                .filter(|_| render_name(&name, style, rng).contains(form))
                .count()
        };
        // The border system writes "Mohammed"; interception reports prefer "Muhammad".
        let border = &styles.border_system;
        let reports = &styles.interception_report;
        assert!(count(border, "Mohammed", &mut rng) > count(border, "Muhammad", &mut rng) * 5);
        assert!(count(reports, "Muhammad", &mut rng) > count(reports, "Mohammed", &mut rng) * 2);
    }

    #[test]
    fn recognition_errors_swap_confusable_characters() {
        let mut rng = Rng::new(1);
        let seen: std::collections::BTreeSet<String> =
            (0..200).map(|_| ocr_confusion("BORIS", &mut rng)).collect();
        assert!(seen.contains("8ORIS") && seen.contains("B0RIS") && seen.contains("BOR1S"));
        assert!(seen.contains("BORI5"));
        assert_eq!(ocr_confusion("XYZ", &mut rng), "XYZ");
    }

    #[test]
    fn birth_dates_follow_the_source_habits() {
        let mut rng = Rng::new(5);
        let style = crate::settings::Settings::default()
            .styles
            .interception_report;
        let n = 20_000;
        let dates: Vec<Option<String>> = (0..n)
            .map(|_| render_birth_date(1990, 7, 4, &style, &mut rng))
            .collect();
        let missing = dates.iter().filter(|d| d.is_none()).count() as f64 / n as f64;
        let january = dates
            .iter()
            .filter(|d| d.as_deref() == Some("1990-01-01"))
            .count() as f64
            / n as f64;
        let swapped = dates
            .iter()
            .filter(|d| d.as_deref() == Some("1990-04-07"))
            .count() as f64
            / n as f64;
        assert!((missing - 0.30).abs() < 0.015, "{missing}");
        assert!((january - 0.70 * 0.35).abs() < 0.015, "{january}");
        assert!((swapped - 0.70 * 0.65 * 0.10).abs() < 0.01, "{swapped}");
    }
}
