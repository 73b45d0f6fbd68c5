//! Watchlist screening: is this traveller on a list, and why do we think so?
//!
//! - **The index** ([`Watchlist`]): every name part of every entry, under its consonant
//!   skeleton (the same phonetic key entity resolution uses: scripts and spellings meet in it),
//!   its known-variant group, and the skeleton with one consonant deleted (so one misread
//!   consonant still meets: a symmetric-deletion index at distance one); document numbers
//!   OCR-folded.
//! - **A query** gathers candidates from the postings of its parts, rarest first (a common part
//!   such as "mohamed" alone never floods the candidates), keeps the best by a cheap
//!   rarity-weighted count, then scores those in full: names aligned part by part (exact,
//!   variant, same consonants, initial, similar), weighted by how rare each part is; birth date
//!   with tolerance (day/month swapped, one digit, the year only); nationality; document
//!   number. Every hit carries its reasons.
//!
//! Pure: entries and queries in, ranked hits out.

use std::collections::HashMap;

use corridor_resolve::names::{self, Name};
use corridor_resolve::values::{self, Date};
use serde::Serialize;

#[cfg(test)]
mod tests;

/// A watchlist entry or a query: the fields screening reads.
#[derive(Clone, Debug, Default)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub birth_date: String,
    pub nationality: String,
    pub document_number: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Hit {
    pub entry_id: String,
    /// 0 to 1.
    pub score: f64,
    pub rank: usize,
    pub reasons: Vec<String>,
}

/// Longest name read; longer ones are refused by [`check`].
pub const MAX_NAME_CHARS: usize = 300;

/// Checks a person's fields: the message names the field.
pub fn check(p: &Person) -> Result<(), String> {
    let chars = p.name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(format!(
            "name: {chars} characters (at most {MAX_NAME_CHARS})"
        ));
    }
    for (field, value) in [
        ("birth_date", &p.birth_date),
        ("nationality", &p.nationality),
        ("document_number", &p.document_number),
    ] {
        if value.chars().count() > 64 {
            return Err(format!("{field}: more than 64 characters"));
        }
    }
    Ok(())
}

struct Prepared {
    id: String,
    name: Name,
    dob: Option<Date>,
    nationality: String,
    document: String,
}

fn prepare(p: &Person) -> Prepared {
    Prepared {
        id: p.id.clone(),
        name: names::prepare(&p.name),
        dob: Date::parse(&p.birth_date),
        nationality: p.nationality.trim().to_lowercase(),
        document: values::ocr_fold(&p.document_number),
    }
}

/// The index keys of one name part: skeleton, variant group, skeleton with one consonant
/// deleted.
fn part_keys(part: &names::Part, query: bool) -> Vec<String> {
    let mut keys = Vec::new();
    let s = &part.skeleton;
    if s.len() >= 2 {
        keys.push(format!("s:{s}"));
    } else if !part.latin.is_empty() {
        keys.push(format!("l:{}", part.latin));
    }
    if let Some(v) = part.variant {
        keys.push(format!("v:{v}"));
    }
    if s.len() >= 4 {
        let chars: Vec<char> = s.chars().collect();
        for i in 0..chars.len() {
            let del: String = chars
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != i)
                .map(|(_, c)| *c)
                .collect();
            keys.push(format!("d:{del}"));
            if query {
                // The entry's skeleton is the query's with one consonant fewer.
                keys.push(format!("s:{del}"));
            }
        }
        if query {
            // The entry's skeleton has one consonant more.
            keys.push(format!("d:{s}"));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

pub struct Watchlist {
    entries: Vec<Prepared>,
    postings: HashMap<String, Vec<u32>>,
    documents: HashMap<String, Vec<u32>>,
    /// Per skeleton (or Latin form of a short part), in how many entries it occurs.
    part_frequency: HashMap<String, u32>,
}

/// Postings longer than this are not walked to find candidates (a part that common finds
/// nobody); they still count when a candidate found otherwise is scored.
const MAX_POSTINGS: usize = 5_000;
/// Candidates scored in full per query.
const SHORTLIST: usize = 100;

impl Watchlist {
    pub fn build(entries: &[Person]) -> Watchlist {
        let mut list = Watchlist {
            entries: Vec::with_capacity(entries.len()),
            postings: HashMap::new(),
            documents: HashMap::new(),
            part_frequency: HashMap::new(),
        };
        for (i, e) in entries.iter().enumerate() {
            let p = prepare(e);
            let mut keys: Vec<String> = p
                .name
                .parts
                .iter()
                .flat_map(|part| part_keys(part, false))
                .collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                list.postings.entry(k).or_default().push(i as u32);
            }
            let mut seen: Vec<&str> = Vec::new();
            for part in &p.name.parts {
                let key = part_identity(part);
                if !seen.contains(&key) {
                    seen.push(key);
                    *list.part_frequency.entry(key.to_string()).or_default() += 1;
                }
            }
            if !p.document.is_empty() {
                list.documents
                    .entry(p.document.clone())
                    .or_default()
                    .push(i as u32);
            }
            list.entries.push(p);
        }
        list
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How much a part says: the rarer, the more (inverse document frequency).
    fn weight(&self, part: &names::Part) -> f64 {
        let n = self.entries.len().max(1) as f64;
        let df = self
            .part_frequency
            .get(part_identity(part))
            .copied()
            .unwrap_or(0) as f64;
        (1.0 + n / (1.0 + df)).ln()
    }

    /// The best `top` entries for `query`, best first, each with its reasons.
    pub fn screen(&self, query: &Person, top: usize) -> Vec<Hit> {
        let q = prepare(query);
        // Candidates: rarity-weighted count of matched parts.
        let mut pre: HashMap<u32, f64> = HashMap::new();
        let mut parts: Vec<(f64, &names::Part)> =
            q.name.parts.iter().map(|p| (self.weight(p), p)).collect();
        parts.sort_by(|a, b| b.0.total_cmp(&a.0));
        // Parts too common to walk, kept for the fallback below: (weight, its exact postings).
        let mut common: Vec<(f64, &Vec<u32>)> = Vec::new();
        for (w, part) in &parts {
            let mut matched: Vec<u32> = Vec::new();
            for key in part_keys(part, true) {
                if let Some(list) = self.postings.get(&key) {
                    if list.len() <= MAX_POSTINGS {
                        matched.extend_from_slice(list);
                    } else if key.starts_with("s:") || key.starts_with("l:") {
                        common.push((*w, list));
                    }
                }
            }
            matched.sort_unstable();
            matched.dedup();
            for e in matched {
                *pre.entry(e).or_default() += w;
            }
        }
        if pre.is_empty() && common.len() >= 2 {
            // Every part is common ("Ayesha Khan"): the entries holding the two rarest of them.
            // Postings are in entry order, so the intersection is one merge.
            common.sort_by(|a, b| b.0.total_cmp(&a.0));
            let (wa, a) = common[0];
            let (wb, b) = common[1];
            let (mut i, mut j) = (0, 0);
            while i < a.len() && j < b.len() && pre.len() < MAX_POSTINGS {
                match a[i].cmp(&b[j]) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        pre.insert(a[i], wa + wb);
                        i += 1;
                        j += 1;
                    }
                }
            }
        }
        if !q.document.is_empty()
            && let Some(list) = self.documents.get(&q.document)
        {
            for e in list.iter().take(MAX_POSTINGS) {
                *pre.entry(*e).or_default() += 100.0;
            }
        }
        // Namesakes tie on the name: the birth date and nationality break the tie before the
        // short list is cut (a list holds hundreds of "Ayesha Khan").
        let name_total: f64 = parts.iter().map(|(w, _)| w).sum::<f64>().max(1.0);
        for (e, v) in pre.iter_mut() {
            let entry = &self.entries[*e as usize];
            if let (Some(a), Some(b)) = (q.dob.as_ref(), entry.dob.as_ref()) {
                *v += name_total
                    * match values::compare_dates(Some(a), Some(b)) {
                        1 => 0.5,
                        2..=5 => 0.3,
                        6 => 0.1,
                        _ => -0.3,
                    };
            }
            if !q.nationality.is_empty() && q.nationality == entry.nationality {
                *v += name_total * 0.1;
            }
        }
        let mut shortlist: Vec<(u32, f64)> = pre.into_iter().collect();
        shortlist.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        shortlist.truncate(SHORTLIST);
        let mut hits: Vec<Hit> = shortlist
            .into_iter()
            .map(|(e, _)| self.score(&q, &self.entries[e as usize]))
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.entry_id.cmp(&b.entry_id))
        });
        hits.truncate(top);
        for (i, h) in hits.iter_mut().enumerate() {
            h.rank = i + 1;
        }
        hits
    }

    fn score(&self, q: &Prepared, e: &Prepared) -> Hit {
        let mut reasons = Vec::new();
        let aligned = names::align(&q.name, &e.name);
        let total = |name: &Name| {
            name.parts
                .iter()
                .map(|p| self.weight(p))
                .sum::<f64>()
                .max(1e-9)
        };
        let (mut got_q, mut got_e) = (0.0, 0.0);
        let mut described = Vec::new();
        for (i, j, m) in &aligned {
            let (pq, pe) = (&q.name.parts[*i], &e.name.parts[*j]);
            got_q += self.weight(pq) * m.score();
            got_e += self.weight(pe) * m.score();
            described.push(format!(
                "{} ~ {} ({})",
                pq.written,
                pe.written,
                m.describe()
            ));
        }
        let name_score = if q.name.parts.is_empty() || e.name.parts.is_empty() {
            0.0
        } else {
            0.5 * (got_q / total(&q.name) + got_e / total(&e.name))
        };
        if described.is_empty() {
            reasons.push("name: no part in common".to_string());
        } else {
            reasons.push(format!("name {:.2}: {}", name_score, described.join(", ")));
        }
        let mut score = 0.75 * name_score;
        match values::compare_dates(q.dob.as_ref(), e.dob.as_ref()) {
            0 => {}
            1 => {
                score += 0.15;
                reasons.push("birth date: same".into());
            }
            level @ (2 | 3) => {
                score += 0.10;
                reasons.push(format!("birth date: {}", values::DATE_LEVELS[level]));
            }
            level @ (4 | 5) => {
                score += 0.04;
                reasons.push(format!("birth date: {}", values::DATE_LEVELS[level]));
            }
            6 => reasons.push("birth date: same year only".into()),
            _ => {
                score -= 0.25;
                reasons.push("birth date: different".into());
            }
        }
        if !q.nationality.is_empty() && !e.nationality.is_empty() {
            if q.nationality == e.nationality {
                score += 0.05;
                reasons.push(format!("nationality: same ({})", e.nationality));
            } else {
                score -= 0.05;
                reasons.push(format!(
                    "nationality: different ({} / {})",
                    q.nationality, e.nationality
                ));
            }
        }
        if !q.document.is_empty() && !e.document.is_empty() {
            if q.document == e.document {
                score += 0.3;
                reasons.push("document number: same (after OCR folding)".into());
            } else {
                score -= 0.05;
                reasons.push("document number: different".into());
            }
        }
        Hit {
            entry_id: e.id.clone(),
            score: score.clamp(0.0, 1.0),
            rank: 0,
            reasons,
        }
    }
}

/// The identity of a part for frequencies: its skeleton, or its Latin form when too short.
fn part_identity(part: &names::Part) -> &str {
    if part.skeleton.len() >= 2 {
        &part.skeleton
    } else {
        &part.latin
    }
}
