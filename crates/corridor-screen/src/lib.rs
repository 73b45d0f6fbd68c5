//! Watchlist screening: is this traveller on a list, and why do we think so?
//!
//! - **The index** ([`Watchlist`]): every name part of every entry, under its consonant
//!   skeleton (the same phonetic key entity resolution uses: scripts and spellings meet in it),
//!   its known-variant group, and the skeleton with one consonant deleted (so one misread
//!   consonant still meets: a symmetric-deletion index at distance one); document numbers
//!   OCR-folded.
//! - **A query** gathers candidates from the postings of its parts, rarest first (a common part
//!   such as "mohamed" alone never floods the candidates), and from the entries born on its
//!   birth date (so a common given name with a misspelt family name still meets its entry),
//!   keeps the best by a cheap rarity-weighted count, then scores those in full: names aligned part by part (exact,
//!   variant, same consonants, initial, similar), weighted by how rare each part is; birth date
//!   with tolerance (day/month swapped, one digit, the year only); nationality; document
//!   number. Every hit carries its reasons.
//!
//! Pure: entries and queries in, ranked hits out.

use std::collections::HashMap;

use corridor_resolve::names::{self, Name};
use corridor_resolve::values::{self, Date};
use serde::Serialize;

use keys::{Postings, part_keys};
use name_score::letter_pairs;
use scratch::Workspaces;

mod gather;
mod keys;
mod name_score;
mod score;
mod scratch;
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

/// The reason a hit gives when the query's document number is the entry's (after folding what
/// character recognition confuses).
pub const SAME_DOCUMENT: &str = "document number: same (after OCR folding)";

/// Whether a hit's reasons (as [`Hit::reasons`], or as an alert stored them) say its document
/// number is the entry's: a hit on its own, whatever the names say.
pub fn same_document(reasons: &[String]) -> bool {
    reasons.iter().any(|r| r == SAME_DOCUMENT)
}

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
    /// Each name part's rarity weight, filled once the list's frequencies are known.
    weights: Vec<f64>,
    dob: Option<Date>,
    nationality: String,
    document: String,
}

fn prepare(p: &Person) -> Prepared {
    Prepared {
        id: p.id.clone(),
        name: names::prepare(&p.name),
        weights: Vec::new(),
        dob: Date::parse(&p.birth_date),
        nationality: p.nationality.trim().to_lowercase(),
        document: values::ocr_fold(&p.document_number),
    }
}

/// What the candidates' cheap ranking reads of an entry, in one cache line: its name in brief,
/// its nationality and its birth date. A query ranks thousands of candidates, each a read from
/// all over the list, and the memory here is slow (160 ns a read): one line a candidate where
/// three arrays were three.
#[derive(Clone, Copy, Default)]
#[repr(align(32))]
pub(crate) struct Brief {
    /// The letter pairs of its Latin parts, hashed into 64 bits ([`letter_pairs`]): what a
    /// query part that no key found shares with the entry, read in a few instructions for the
    /// thousands of candidates a query weighs before its short list.
    letter_pairs: u64,
    /// The sum of its parts' weights, each at most [`BRIEF_PART_CAP`].
    weight: f32,
    /// Its nationality's number (0: none).
    nationality: u16,
    dob: Option<Date>,
}
const _: () = assert!(std::mem::size_of::<Brief>() == 32);

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

pub struct Watchlist {
    entries: Vec<Prepared>,
    /// Each nationality's number (from 1), as the entries' briefs hold it.
    nationalities: FastMap<String, u16>,
    /// Each nationality by its number ("" for 0).
    nationality_names: Vec<String>,
    /// The entries in the order of their ids, and per entry where its id stands in that order:
    /// ties in score are broken by id, read here for the short list rather than from each
    /// entry's string, and an entry is found by its id in a binary search.
    by_id: Vec<u32>,
    id_ranks: Vec<u32>,
    /// Postings by their key's 64-bit hash ([`Watchlist::key_id`]): a lookup reads the table
    /// and the list, not also the key's text elsewhere in memory (a query looks up dozens of
    /// keys). Two keys of one hash would share a list: at a few million keys, about one chance
    /// in a million, and it would only add candidates (or make the list long enough to be
    /// met rather than walked), which are scored on their names all the same.
    postings: FastMap<u64, Postings>,
    key_hasher: foldhash::fast::RandomState,
    documents: FastMap<String, Vec<u32>>,
    /// Entries by full birth date (YYYYMMDD; 1 January placeholders left out): a query with a
    /// birth date meets its entry even when no name part is rare enough to walk.
    birth_dates: FastMap<u32, Vec<u32>>,
    /// Per skeleton (or Latin form of a short part), in how many entries it occurs.
    part_frequency: FastMap<String, u32>,
    /// Every distinct name part of the list (by its Latin form and whether it was
    /// transliterated, which is all a comparison reads: a spelling across scripts holds its
    /// letters' distance at half weight), and every distinct name as the numbers of its parts;
    /// per entry, its name's number. A query compares each distinct part and scores each
    /// distinct name once.
    vocabulary: Vec<names::Part>,
    /// The number of each distinct Latin form, and per vocabulary part its Latin form's number
    /// (parts of one Latin form are the same part, whatever their script).
    latin_numbers: FastMap<String, u32>,
    part_latin: Vec<u32>,
    /// A part's number in the vocabulary, by its Latin form's number and whether it was
    /// transliterated.
    part_numbers: FastMap<(u32, bool), u32>,
    /// Each vocabulary part's rarity weight.
    part_weights: Vec<f64>,
    /// The distinct names' part numbers, one after another; name `n`'s are
    /// `name_part_list[name_starts[n]..name_starts[n + 1]]`.
    name_starts: Vec<u32>,
    name_part_list: Vec<u32>,
    name_ids: Vec<u32>,
    /// Per entry, what the candidates' cheap ranking reads of it.
    briefs: Vec<Brief>,
    /// Queries' working memories, lent one per query in progress.
    workspaces: Workspaces,
}

/// Postings longer than this are not walked to find candidates (a part that common finds
/// nobody); they still count when a candidate found otherwise is scored.
const MAX_POSTINGS: usize = 5_000;
/// Postings up to this long are always walked; longer ones (to [`MAX_POSTINGS`]) only within
/// a query's walk budget (see `gather`), and are otherwise checked like the common parts'.
const WALKED_ALWAYS: usize = 2_000;
/// Candidates scored in full per query.
const SHORTLIST: usize = 100;
/// The most one part weighs in a name's brief (its weight before the short list): which of the
/// entry's parts the query pairs is not known yet, and the score weighs a part the query leaves
/// out no more than a common one ([`name_score::UNPAIRED_ENTRY_PART`]); a little above that,
/// since a rare part that is paired weighs in full. Measured on the 1M list: names alone
/// recall@10 0.8801 → 0.8823, with what the source has 0.9578 → 0.9586 (2.0: 0.8813; 3.0:
/// 0.8806).
const BRIEF_PART_CAP: f64 = 2.5;

/// A full birth date as a number, YYYYMMDD; none for a partial date or a 1 January
/// placeholder (which says only the year).
fn date_key(d: &Date) -> Option<u32> {
    let (month, day) = (d.month?, d.day?);
    (!d.is_default()).then(|| u32::from(d.year) * 10_000 + u32::from(month) * 100 + u32::from(day))
}

impl Watchlist {
    pub fn build(entries: &[Person]) -> Watchlist {
        let mut list = Watchlist {
            entries: Vec::with_capacity(entries.len()),
            nationalities: FastMap::default(),
            nationality_names: vec![String::new()],
            by_id: Vec::new(),
            id_ranks: Vec::new(),
            postings: FastMap::default(),
            key_hasher: foldhash::fast::RandomState::default(),
            documents: FastMap::default(),
            birth_dates: FastMap::default(),
            part_frequency: FastMap::default(),
            vocabulary: Vec::new(),
            latin_numbers: FastMap::default(),
            part_latin: Vec::new(),
            part_numbers: FastMap::default(),
            part_weights: Vec::new(),
            name_starts: vec![0],
            name_part_list: Vec::new(),
            name_ids: Vec::with_capacity(entries.len()),
            briefs: Vec::with_capacity(entries.len()),
            workspaces: Workspaces::default(),
        };
        let mut prepared: Vec<Prepared> = entries.iter().map(prepare).collect();
        for p in &prepared {
            let mut seen: Vec<&str> = Vec::new();
            for part in &p.name.parts {
                let key = part_identity(part);
                if !seen.contains(&key) {
                    seen.push(key);
                    *list.part_frequency.entry(key.to_string()).or_default() += 1;
                }
            }
        }
        // Entries numbered by their rarest part (then their next rarest): the holders of a part
        // sit side by side, so a query walking its postings reads its accumulators and name
        // sums from a few runs of memory, not from all over it (the reads are what a query
        // costs). Entries without a name come last.
        prepared.sort_by_cached_key(|p| {
            let mut parts: Vec<(u32, &str)> = p
                .name
                .parts
                .iter()
                .map(|part| {
                    let key = part_identity(part);
                    (list.part_frequency.get(key).copied().unwrap_or(0), key)
                })
                .collect();
            parts.sort_unstable();
            parts.dedup();
            let key = |k: usize| parts.get(k).map_or(String::new(), |(_, s)| s.to_string());
            (parts.is_empty(), key(0), key(1))
        });
        let mut nationality_ids: Vec<u16> = Vec::with_capacity(entries.len());
        let mut name_numbers: FastMap<Vec<u32>, u32> = FastMap::default();
        for (i, p) in prepared.into_iter().enumerate() {
            let mut keys: Vec<String> = p
                .name
                .parts
                .iter()
                .flat_map(|part| part_keys(part, false))
                .map(|(k, _)| k)
                .collect();
            // A part the name holds twice (Kebede Kebede Worku) is keyed as such too: a query
            // that doubles a part asks for the second one there.
            let mut identities: Vec<&str> = p.name.parts.iter().map(part_identity).collect();
            identities.sort_unstable();
            for pair in identities.windows(2).filter(|w| w[0] == w[1]) {
                keys.push(format!("2:{}", pair[0]));
            }
            keys.sort();
            keys.dedup();
            for k in keys {
                let id = list.key_id(&k);
                list.postings.entry(id).or_default().entries.push(i as u32);
            }
            if !p.document.is_empty() {
                list.documents
                    .entry(p.document.clone())
                    .or_default()
                    .push(i as u32);
            }
            if let Some(key) = p.dob.as_ref().and_then(date_key) {
                list.birth_dates.entry(key).or_default().push(i as u32);
            }
            let ids: Vec<u32> = p
                .name
                .parts
                .iter()
                .map(|part| {
                    let next = list.latin_numbers.len() as u32;
                    let latin = *list.latin_numbers.entry(part.latin.clone()).or_insert(next);
                    *list
                        .part_numbers
                        .entry((latin, part.transliterated))
                        .or_insert_with(|| {
                            list.vocabulary.push(part.clone());
                            list.part_latin.push(latin);
                            list.vocabulary.len() as u32 - 1
                        })
                })
                .collect();
            let next = list.name_starts.len() as u32 - 1;
            let name_id = *name_numbers.entry(ids.clone()).or_insert(next);
            if name_id == next {
                list.name_part_list.extend(&ids);
                list.name_starts.push(list.name_part_list.len() as u32);
            }
            list.name_ids.push(name_id);
            let nat = if p.nationality.is_empty() {
                0
            } else {
                let next = list.nationality_names.len() as u16;
                let id = *list
                    .nationalities
                    .entry(p.nationality.clone())
                    .or_insert(next);
                if id == next {
                    list.nationality_names.push(p.nationality.clone());
                }
                id
            };
            nationality_ids.push(nat);
            list.entries.push(p);
        }
        let entries = list.entries.len();
        for postings in list.postings.values_mut() {
            if postings.len() > WALKED_ALWAYS {
                postings.index_bits(entries);
            }
        }
        let mut by_id: Vec<u32> = (0..entries as u32).collect();
        by_id.sort_by(|&a, &b| {
            list.entries[a as usize]
                .id
                .cmp(&list.entries[b as usize].id)
        });
        list.id_ranks = vec![0; entries];
        for (rank, &e) in by_id.iter().enumerate() {
            list.id_ranks[e as usize] = rank as u32;
        }
        list.by_id = by_id;
        list.part_weights = list.vocabulary.iter().map(|p| list.weight(p)).collect();
        // Weights are read for every candidate scored: worked out once.
        let weights: Vec<Vec<f64>> = list
            .entries
            .iter()
            .map(|p| p.name.parts.iter().map(|part| list.weight(part)).collect())
            .collect();
        for ((p, w), nationality) in list.entries.iter_mut().zip(weights).zip(nationality_ids) {
            list.briefs.push(Brief {
                nationality,
                dob: p.dob,
                weight: w.iter().map(|x| x.min(BRIEF_PART_CAP)).sum::<f64>() as f32,
                letter_pairs: p
                    .name
                    .parts
                    .iter()
                    .fold(0, |sig, part| sig | letter_pairs(&part.latin)),
            });
            p.weights = w;
        }
        list
    }

    /// The vocabulary numbers of distinct name `name_id`'s parts.
    fn name_part_numbers(&self, name_id: u32) -> &[u32] {
        let n = name_id as usize;
        &self.name_part_list[self.name_starts[n] as usize..self.name_starts[n + 1] as usize]
    }

    fn key_id(&self, key: &str) -> u64 {
        use std::hash::BuildHasher;
        self.key_hasher.hash_one(key)
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
        // The square root of the log rarity: a rare part still says more, but a part made rare
        // by a misspelling, or a common given name beside a rare family name, no longer decides
        // the name alone (measured at 1M: recall@10 0.827 with the log itself, 0.834 with its
        // root, 0.829 with equal weights).
        (1.0 + n / (1.0 + df)).ln().sqrt()
    }

    /// The best `top` entries for `query`, best first, each with its reasons.
    pub fn screen(&self, query: &Person, top: usize) -> Vec<Hit> {
        let mut q = prepare(query);
        q.weights = q.name.parts.iter().map(|p| self.weight(p)).collect();
        let name_parts: Vec<(f64, &names::Part)> =
            q.weights.iter().copied().zip(q.name.parts.iter()).collect();
        let mut ws = self.workspaces.take();
        ws.memo.start(self, &q);
        let mut shortlist = self.candidates(&mut ws, &q, &name_parts);
        if !q.document.is_empty()
            && let Some(list) = self.documents.get(&q.document)
        {
            // A document number is near-proof: its holders go to the top (few share one).
            for &e in list.iter().take(MAX_POSTINGS) {
                match shortlist.iter_mut().find(|(c, _)| *c == e) {
                    Some((_, w)) => *w += 100.0,
                    None => shortlist.push((e, 100.0)),
                }
            }
        }
        if shortlist.len() > SHORTLIST {
            shortlist
                .select_nth_unstable_by(SHORTLIST, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            shortlist.truncate(SHORTLIST);
        }
        // Scored without words first; only the hits returned are explained.
        let mut scored = self.score_short_list(&q, &shortlist, &mut ws.memo);
        scored.truncate(top);
        // The hits' entries are read for their reasons, each behind a chain of pointers (the
        // entry, its parts, their text, its id), one cache miss after another: walked here in
        // one pass, the hits' chains are followed side by side and are in the cache when each
        // hit is explained.
        let warm = scored
            .iter()
            .map(|&(_, e)| {
                let entry = &self.entries[e as usize];
                let first = |s: &str| u64::from(s.as_bytes().first().copied().unwrap_or(0));
                entry
                    .name
                    .parts
                    .iter()
                    .map(|p| first(&p.written))
                    .sum::<u64>()
                    + first(&entry.id)
                    + entry.weights.first().map_or(0, |w| w.to_bits())
            })
            .fold(0, u64::wrapping_add);
        std::hint::black_box(warm);
        scored
            .into_iter()
            .enumerate()
            .map(|(i, (_, e))| {
                let (score, reasons) = self.score_hit(&q, e, &mut ws.memo);
                Hit {
                    entry_id: self.entries[e as usize].id.clone(),
                    score,
                    rank: i + 1,
                    reasons,
                }
            })
            .collect()
    }

    /// The score of one named entry for `query`, with its reasons, whether or not it would be
    /// among the hits: "why was this entry not raised?" (the benchmark's reading of misses asks
    /// it). `None` when no entry has that id.
    pub fn score_entry(&self, query: &Person, entry_id: &str) -> Option<(f64, Vec<String>)> {
        let at = self
            .by_id
            .partition_point(|&e| self.entries[e as usize].id.as_str() < entry_id);
        let entry = &self.entries[*self.by_id.get(at)? as usize];
        if entry.id != entry_id {
            return None;
        }
        let mut q = prepare(query);
        q.weights = q.name.parts.iter().map(|p| self.weight(p)).collect();
        Some(self.score(&q, entry, true))
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
