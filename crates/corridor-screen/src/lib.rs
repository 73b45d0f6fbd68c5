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

use keys::{CommonPart, KeyKind, Postings, each_part_key, part_keys};
use name_score::letter_pairs;
use score::Beside;
use scratch::{QueryMemo, Scratch, Workspace, Workspaces};

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

/// An entry's name in brief.
#[derive(Clone, Copy, Default)]
pub(crate) struct NameSum {
    /// The letter pairs of its Latin parts, hashed into 64 bits ([`letter_pairs`]): what a
    /// query part that no key found shares with the entry, read in a few instructions for the
    /// thousands of candidates a query weighs before its short list.
    letter_pairs: u64,
    /// The sum of its parts' weights, each at most [`BRIEF_PART_CAP`].
    weight: f32,
}

/// A candidate before it is scored.
#[derive(Clone, Copy)]
pub(crate) struct Candidate {
    entry: u32,
    /// The weight of the query parts it holds.
    found: f64,
    /// What its birth date and nationality add.
    bonus: f64,
    mask: u32,
    /// Where its name in brief is in the query's `sums`.
    at: u32,
    /// Its likeness and bonus, when it was ranked.
    value: f64,
}

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

pub struct Watchlist {
    entries: Vec<Prepared>,
    /// Per entry, its birth date and its nationality's number (0: none), side by side: the
    /// tie-break between namesakes reads them for thousands of candidates a query, and a dense
    /// array is one cache line where the entries are several.
    dobs: Vec<Option<Date>>,
    nationality_ids: Vec<u16>,
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
    /// in a million, and it would only add candidates, which are scored on their names.
    postings: FastMap<u64, Postings>,
    key_hasher: foldhash::fast::RandomState,
    documents: FastMap<String, Vec<u32>>,
    /// Entries by full birth date (YYYYMMDD; 1 January placeholders left out): a query with a
    /// birth date meets its entry even when no name part is rare enough to walk.
    birth_dates: FastMap<u32, Vec<u32>>,
    /// Per skeleton (or Latin form of a short part), in how many entries it occurs.
    part_frequency: FastMap<String, u32>,
    /// Every distinct name part of the list (by its Latin form, which is all a comparison
    /// reads), and every distinct name as the numbers of its parts; per entry, its name's
    /// number. A query compares each distinct part and scores each distinct name once.
    vocabulary: Vec<names::Part>,
    /// A part's number in the vocabulary, by its Latin form.
    part_numbers: FastMap<String, u32>,
    /// Each vocabulary part's rarity weight.
    part_weights: Vec<f64>,
    /// The distinct names' part numbers, one after another; name `n`'s are
    /// `name_part_list[name_starts[n]..name_starts[n + 1]]`.
    name_starts: Vec<u32>,
    name_part_list: Vec<u32>,
    name_ids: Vec<u32>,
    /// Per entry, what the candidates' cheap ranking reads of its name, side by side (one
    /// cache line per candidate where two arrays would be two).
    name_sums: Vec<NameSum>,
    /// Queries' working memories, lent one per query in progress.
    workspaces: Workspaces,
}

/// Postings longer than this are not walked to find candidates (a part that common finds
/// nobody); they still count when a candidate found otherwise is scored.
const MAX_POSTINGS: usize = 5_000;
/// Postings of a misspelling key (one consonant more or fewer) longer than this are not
/// walked: a skeleton that near so many others finds noise.
const MAX_FUZZY_POSTINGS: usize = 1_000;
/// Query name parts read (a part's number is its bit in a candidate's mask, and bits 16 to 30
/// say which were held exactly).
const MAX_PARTS: usize = 15;
/// Candidates scored in full per query.
const SHORTLIST: usize = 100;
/// Entries taken from the intersection of two common parts (Mohamed and Hassan): enough that
/// the person sought is not cut off by where they stand in the list. Two spellings of one
/// common name (Mohammad Mahmood) meet in more than 20,000 entries of the 1M list; at 50,000,
/// names alone 0.8836 → 0.8837, in another script 0.854 → 0.856, at the same throughput.
const MAX_INTERSECTION: usize = 50_000;
/// A query's only common part, with nothing else found, is walked when at most this many
/// entries hold it.
const MAX_LONE_PART: usize = 20_000;
/// Candidates by name alone whose birth date and nationality are compared: a bound for
/// queries of many common parts, above what the 1M list's queries reach (31,000). Each costs
/// little since their name sums are read in one pass; at 12,000, the entry of one query in a
/// hundred was cut here among holders of the same common parts (names only 0.8765 → 0.8777,
/// full 0.9540 → 0.9571, dated 0.9967 → 0.9983 without the cut, at the same throughput).
const NEAR: usize = 50_000;
/// Candidates found below the floor (0.4 of the best) but above this share of the best are
/// checked for the common parts they were not counted for before the floor is applied.
const RESCUE: f64 = 0.25;
/// Candidates whose common parts are checked one by one before the short list is cut.
const CHECKED: usize = 3_000;
/// The most one part weighs in a name's brief (its weight before the short list): which of the
/// entry's parts the query pairs is not known yet, and the score weighs a part the query leaves
/// out no more than a common one ([`name_score::UNPAIRED_ENTRY_PART`]); a little above that,
/// since a rare part that is paired weighs in full. Measured on the 1M list: names alone
/// recall@10 0.8801 → 0.8823, with what the source has 0.9578 → 0.9586 (2.0: 0.8813; 3.0:
/// 0.8806).
const BRIEF_PART_CAP: f64 = 2.5;
/// A candidate whose birth date is known and contradicts the query's (another year, or only the
/// year the same) goes on to the short list only when its name holds at least this share of
/// the best candidate's: the date gains it nothing (same year) or costs it a quarter of its
/// score (another year), so with a weaker name it only takes a better one's place, and each
/// such candidate is one more name scored in full. Measured on the 1M list's dated queries:
/// 1,654 → 2,752 queries/s per core, recall unchanged (with what the source has 0.9571 →
/// 0.9573). A floor of 0.6 of the best for every candidate of a dated query was as fast but
/// lost 0.8 points with what the source has, whose entries often carry no date or another.
const CONTRADICTED_DATE_FLOOR: f64 = 0.8;
/// Entries born on the query's birth date are candidates when fewer than this share it.
const MAX_BIRTH_DATE_POSTINGS: usize = 2_000;
/// How much an unfound part whose letter pairs are all in the entry counts, against a found one.
/// Measured on the 1M list once parts left out weighed no more than common ones: names alone
/// 0.8837 at 0.7, 0.8846 at 0.5 (other script 0.856 → 0.858), 0.8836 at 0.4.
const UNFOUND_FACTOR: f64 = 0.5;
/// The mark of an entry added as a candidate by its birth date (name parts use the bits
/// below).
const NEAR_BIT: u32 = 1 << 31;

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
            dobs: Vec::with_capacity(entries.len()),
            nationality_ids: Vec::with_capacity(entries.len()),
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
            part_numbers: FastMap::default(),
            part_weights: Vec::new(),
            name_starts: vec![0],
            name_part_list: Vec::new(),
            name_ids: Vec::with_capacity(entries.len()),
            name_sums: Vec::with_capacity(entries.len()),
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
        let mut name_numbers: FastMap<Vec<u32>, u32> = FastMap::default();
        for (i, p) in prepared.into_iter().enumerate() {
            let mut keys: Vec<String> = p
                .name
                .parts
                .iter()
                .flat_map(|part| part_keys(part, false))
                .map(|(k, _)| k)
                .collect();
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
                    *list
                        .part_numbers
                        .entry(part.latin.clone())
                        .or_insert_with(|| {
                            list.vocabulary.push(part.clone());
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
            list.dobs.push(p.dob);
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
            list.nationality_ids.push(nat);
            list.entries.push(p);
        }
        let entries = list.entries.len();
        for postings in list.postings.values_mut() {
            if postings.len() > MAX_POSTINGS {
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
        for (p, w) in list.entries.iter_mut().zip(weights) {
            list.name_sums.push(NameSum {
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
        // Scored without words first; only the hits returned are explained. What the scores
        // read of each candidate is gathered in passes first: no read of a pass waits on
        // another, so the memory serves them together, where one candidate after the other
        // each waited behind the last one's scoring.
        let name_ids: Vec<u32> = shortlist
            .iter()
            .map(|&(e, _)| self.name_ids[e as usize])
            .collect();
        let beside: Vec<Beside> = shortlist.iter().map(|&(e, _)| self.beside(&q, e)).collect();
        // So too the names' parts, their weights and their text (for the names not scored yet
        // this query): read here in one tight loop, they are in the cache when the names are
        // scored one after the other.
        let warm = name_ids
            .iter()
            .filter(|n| !ws.memo.names.contains_key(n))
            .flat_map(|&n| self.name_part_numbers(n))
            .map(|&p| {
                let part = &self.vocabulary[p as usize];
                self.part_weights[p as usize].to_bits()
                    ^ part.latin_key
                    ^ u64::from(part.latin.as_bytes().first().copied().unwrap_or(0))
                    ^ u64::from(part.skeleton.as_bytes().first().copied().unwrap_or(0))
            })
            .fold(0, |a, b| a ^ b);
        std::hint::black_box(warm);
        let id_ranks: Vec<u32> = shortlist
            .iter()
            .map(|&(e, _)| self.id_ranks[e as usize])
            .collect();
        let mut scored: Vec<(f64, u32, u32)> = shortlist
            .iter()
            .enumerate()
            .map(|(k, &(e, _))| {
                let name = self.name_quick(&q, name_ids[k], &mut ws.memo);
                let score = self.score_beyond_name(&q, &beside[k], name, false, Vec::new());
                (score.0, id_ranks[k], e)
            })
            .collect();
        drop(ws);
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(top);
        scored
            .into_iter()
            .enumerate()
            .map(|(i, (_, _, e))| {
                let entry = &self.entries[e as usize];
                let (score, reasons) = self.score(&q, entry, true);
                Hit {
                    entry_id: entry.id.clone(),
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

    /// Candidates with a rarity-weighted count of the query parts they hold. Rare parts are
    /// looked up directly; parts too common to walk (Mohammed, Haddad) still count: two of them
    /// together find the entries that hold both (one list read against the other's bits), and
    /// every candidate is checked for each of them. So a misread or extra part in the query
    /// ("Smail", "Mhd") cannot by itself decide who the candidates are.
    fn candidates(
        &self,
        ws: &mut Workspace,
        q: &Prepared,
        parts: &[(f64, &names::Part)],
    ) -> Vec<(u32, f64)> {
        ws.scratch.reset(self.entries.len());
        self.gather(&mut ws.scratch, &mut ws.memo, q, parts)
    }

    fn gather<'a>(
        &'a self,
        pre: &mut Scratch,
        memo: &mut QueryMemo,
        q: &Prepared,
        parts: &[(f64, &names::Part)],
    ) -> Vec<(u32, f64)> {
        let mut common: Vec<CommonPart<'a>> = Vec::new();
        let mut buf = String::with_capacity(32);
        for (i, (w, part)) in parts.iter().enumerate().take(MAX_PARTS) {
            let bit = 1u32 << i;
            let mut walked: Vec<(&'a Postings, KeyKind)> = Vec::new();
            let mut walls: Vec<(&'a Postings, KeyKind)> = Vec::new();
            each_part_key(part, true, &mut buf, |key, kind| {
                if let Some(list) = self.postings.get(&self.key_id(key)) {
                    if kind == KeyKind::Fuzzy && list.len() > MAX_FUZZY_POSTINGS {
                        return;
                    }
                    let lists = if list.len() <= MAX_POSTINGS {
                        &mut walked
                    } else if kind != KeyKind::Fuzzy {
                        &mut walls
                    } else {
                        return;
                    };
                    if !lists.iter().any(|(l, _)| std::ptr::eq(*l, list)) {
                        lists.push((list, kind));
                    }
                }
            });
            // Best kind first: an entry is counted once for a part, at the first kind that
            // finds it. Each list is in entry order, so the accumulators are visited front to
            // back, which the memory prefetcher follows.
            walked.sort_by_key(|(_, kind)| *kind);
            // A list as long as the exact one holds the same entries (the exact list is part of
            // every other list of the part): walking it again would find no one new.
            if let Some(&(exact, KeyKind::Exact)) = walked.first() {
                walked.retain(|(l, k)| {
                    *k == KeyKind::Exact || *k == KeyKind::Fuzzy || l.len() != exact.len()
                });
            }
            for (list, kind) in walked {
                let (weight, exact) = (*w * kind.factor(), kind == KeyKind::Exact);
                for &e in &list.entries {
                    pre.add(e, bit, weight, exact);
                }
            }
            if !walls.is_empty() {
                walls.sort_by_key(|(_, kind)| *kind);
                common.push(CommonPart {
                    index: i,
                    weight: *w,
                    walls,
                });
            }
        }
        // Two adjacent query parts that one entry writes as one (Mohammad Reza / Mohammadreza).
        for i in 0..parts.len().min(MAX_PARTS).saturating_sub(1) {
            let (wa, a) = parts[i];
            let (wb, b) = parts[i + 1];
            let together = names::skeleton(&format!("{}{}", a.latin, b.latin));
            // Joined, the parts must make more than either alone: "Jahangir" + "Roy" reads
            // jhngr + r, and the r's meet into jhngr — every Jahangir would hold both parts.
            if together.len() < 3 || together.len() <= a.skeleton.len().max(b.skeleton.len()) {
                continue;
            }
            buf.clear();
            buf.push_str("s:");
            buf.push_str(&together);
            if let Some(list) = self.postings.get(&self.key_id(&buf))
                && list.len() <= MAX_POSTINGS
            {
                let factor = KeyKind::Skeleton.factor();
                for &e in &list.entries {
                    pre.add(e, 1u32 << i, wa * factor, false);
                    pre.add(e, 1u32 << (i + 1), wb * factor, false);
                }
            }
        }
        // Entries holding two of the common parts: the most telling pairs first.
        common.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        let pairs: Vec<(usize, usize)> = (0..common.len())
            .flat_map(|a| (a + 1..common.len()).map(move |b| (a, b)))
            .take(3)
            .collect();
        for (a, b) in pairs {
            let (a, b) = (&common[a], &common[b]);
            // One list per part, the one holding it in the most spellings (its variant group's
            // or its skeleton's); those written as the query writes them are told apart when
            // the candidates are checked.
            // Two parts of one group ("Ahmad Ahmed") have one list: its meeting with itself is
            // every Ahmad in some spelling, tens of thousands in a million names, and the one
            // written as the query could be cut off by where it stands among them. Their lists
            // as written are met first.
            let exact =
                |c: &CommonPart<'a>| c.walls.iter().find(|(_, k)| *k == KeyKind::Exact).copied();
            let mut tiers = Vec::with_capacity(2);
            if std::ptr::eq(a.broadest().0, b.broadest().0)
                && let (Some(x), Some(y)) = (exact(a), exact(b))
                && !std::ptr::eq(x.0, y.0)
            {
                tiers.push((x, y));
            }
            tiers.push((a.broadest(), b.broadest()));
            for ((x, kx), (y, ky)) in tiers {
                let (bit_a, bit_b) = (1u32 << a.index, 1u32 << b.index);
                let (wa, wb) = (a.weight * kx.factor(), b.weight * ky.factor());
                let (ea, eb) = (kx == KeyKind::Exact, ky == KeyKind::Exact);
                for e in x.meet(y).take(MAX_INTERSECTION) {
                    pre.add(e, bit_a, wa, ea);
                    pre.add(e, bit_b, wb, eb);
                }
            }
        }
        // One common part and nothing else found ("Winn" with a misspelt "Kyau"): its holders
        // are the only lead. They all hold that part, so the count cannot rank them: each is
        // scored as a hit would be (once per distinct name), so the one whose other part is
        // merely misspelt comes first wherever it stands in the list. A part held by more than
        // MAX_LONE_PART entries (Mohammed in a million names) is no lead at all.
        if common.len() == 1
            && pre.touched.len() < SHORTLIST
            && common[0].broadest().0.len() <= MAX_LONE_PART
        {
            let lone = &common[0];
            let name_total: f64 = parts.iter().map(|(w, _)| w).sum::<f64>().max(1.0);
            for &e in &lone.broadest().0.entries {
                let score = self.quick_score(q, e, memo);
                pre.add(
                    e,
                    1u32 << lone.index,
                    lone.weight + score * name_total,
                    false,
                );
            }
        }
        // Only candidates near the best can reach the short list: the rest are dropped before
        // the birth date and nationality are compared.
        let best = pre.best();
        let floor = 0.4 * best;
        let mut near = std::mem::take(&mut pre.near);
        near.clear();
        // Candidates found by a rare part alone may hold the common parts too ("Tariq Hamdy"
        // for "Tarek Hamdi Al-Sayed": Tariq is too common to walk): those a little below the
        // floor are checked for them before it is applied.
        let low = if common.is_empty() {
            floor
        } else {
            RESCUE * best
        };
        let every_common = common.iter().fold(0u32, |m, c| m | 1 << c.index);
        // Each near candidate keeps its mask beside its weight: read here once, where the
        // slot is read anyway (nothing after this changes it but the cut below, which updates
        // both).
        for i in 0..pre.touched.len() {
            let e = pre.touched[i];
            let (mut mask, mut w) = pre.touched_slot(e);
            if w < floor && w >= low && mask & every_common != every_common {
                count_common(pre, e, &common);
                (mask, w) = pre.touched_slot(e);
            }
            if w >= floor {
                near.push((e, w, mask));
            }
        }
        if near.len() > NEAR {
            // More near candidates than are kept, most of them holders of two common parts
            // (tens of thousands of Mohameds): those found by a rarer part are checked for the
            // common ones now, not after the cut, so that the cut weighs both alike ("Mahamed
            // Mahamed Tahir" for "Mohamed Tahir Mohamed"). A bit read per part; rare.
            for (e, weight, mask) in near.iter_mut() {
                if *mask & every_common != every_common {
                    count_common(pre, *e, &common);
                    (*mask, *weight) = pre.touched_slot(*e);
                }
            }
            near.select_nth_unstable_by(NEAR, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            near.truncate(NEAR);
        }
        let name_total: f64 = parts.iter().map(|(w, _)| w).sum::<f64>().max(1.0);
        // A nationality no entry has matches none (u16::MAX is never given out).
        let query_nat = if q.nationality.is_empty() {
            0
        } else {
            self.nationalities
                .get(&q.nationality)
                .copied()
                .unwrap_or(u16::MAX)
        };
        // Entries born the same day (or with day and month swapped) and of no other
        // nationality: candidates even when no name part found them (a common given name and a
        // family name spelt past one misread consonant). Scored in full like any other.
        if let Some(d) = q.dob.as_ref()
            && let Some(key) = date_key(d)
        {
            let (year, month, day) = (key / 10_000, key / 100 % 100, key % 100);
            let swapped = (day <= 12 && day != month).then(|| year * 10_000 + day * 100 + month);
            for key in std::iter::once(key).chain(swapped) {
                let Some(list) = self.birth_dates.get(&key) else {
                    continue;
                };
                if list.len() > MAX_BIRTH_DATE_POSTINGS {
                    continue;
                }
                for &e in list {
                    let nat = self.nationality_ids[e as usize];
                    // Already near by its name (or added for the other date), or of another
                    // nationality.
                    let (mask, weight) = (pre.mask(e), pre.weight(e));
                    if mask & NEAR_BIT != 0
                        || (mask != 0 && weight >= floor)
                        || (query_nat != 0 && nat != 0 && nat != query_nat)
                    {
                        continue;
                    }
                    pre.add(e, NEAR_BIT, 0.0, false);
                    let (mask, weight) = pre.touched_slot(e);
                    near.push((e, weight + 0.3 * name_total, mask));
                }
            }
        }
        // Per query part, its letter pairs and what one shared pair squared is worth (the
        // division done once, not per candidate).
        let query_pairs: Vec<(u64, f64)> = parts
            .iter()
            .take(MAX_PARTS)
            .map(|(w, part)| {
                let pairs = letter_pairs(&part.latin);
                let n = f64::from(pairs.count_ones()).max(1.0);
                (pairs, w * UNFOUND_FACTOR / (n * n))
            })
            .collect();
        // Every near candidate's name in brief, read in one tight pass: the reads do not wait
        // on each other, so the memory serves many at once (read inside the loop below, each
        // waited behind the branches of the one before).
        let mut sums = std::mem::take(&mut pre.sums);
        sums.clear();
        sums.extend(near.iter().map(|&(e, ..)| self.name_sums[e as usize]));
        // So too their birth dates and nationalities, when the query has them.
        let mut dates = std::mem::take(&mut pre.dates);
        dates.clear();
        if q.dob.is_some() {
            dates.extend(near.iter().map(|&(e, ..)| self.dobs[e as usize]));
        }
        let mut nationalities = std::mem::take(&mut pre.nationalities);
        nationalities.clear();
        if query_nat != 0 {
            nationalities.extend(near.iter().map(|&(e, ..)| self.nationality_ids[e as usize]));
        }
        let mut ranked = std::mem::take(&mut pre.ranked);
        ranked.clear();
        for (at, (&(e, found, mask), sum)) in near.iter().zip(&sums).enumerate() {
            // Namesakes tie on the name: the birth date and nationality break the tie before
            // the candidates are cut (a list holds hundreds of "Ayesha Khan").
            let mut bonus = 0.0;
            if let (Some(a), Some(Some(b))) = (q.dob.as_ref(), dates.get(at)) {
                let level = values::compare_dates(Some(a), Some(b));
                if level >= 6 && found < CONTRADICTED_DATE_FLOOR * best {
                    continue;
                }
                bonus += name_total
                    * match level {
                        1 => 0.5,
                        2..=5 => 0.3,
                        6 => 0.1,
                        _ => -0.3,
                    };
            }
            if query_nat != 0 && nationalities.get(at) == Some(&query_nat) {
                bonus += name_total * 0.1;
            }
            if mask & NEAR_BIT != 0 {
                bonus += 0.3 * name_total;
            }
            ranked.push(Candidate {
                entry: e,
                found,
                bonus,
                mask,
                at: at as u32,
                value: likeness(found + unfound(&query_pairs, mask, sum), sum, name_total) + bonus,
            });
        }
        if ranked.len() > CHECKED {
            ranked.select_nth_unstable_by(CHECKED, |a, b| {
                b.value.total_cmp(&a.value).then(a.entry.cmp(&b.entry))
            });
            ranked.truncate(CHECKED);
        }
        // The long lists of the best candidates' parts, checked for each (a read of the list's
        // bits).
        for part in &common {
            let bit = 1u32 << part.index;
            for &(list, kind) in &part.walls {
                for c in ranked.iter_mut() {
                    let upgrade = kind == KeyKind::Exact && c.mask & (bit << 16) == 0;
                    if c.mask & bit != 0 && !upgrade || !list.holds(c.entry) {
                        continue;
                    }
                    if c.mask & bit == 0 {
                        c.found += part.weight * kind.factor();
                    } else {
                        // Counted under another kind, and written as the query writes it.
                        c.found += part.weight * (1.0 - KeyKind::Variant.factor());
                    }
                    c.mask |= bit | if kind == KeyKind::Exact { bit << 16 } else { 0 };
                }
            }
        }
        let out = ranked
            .iter()
            .map(|c| {
                let sum = &sums[c.at as usize];
                let unfound = unfound(&query_pairs, c.mask, sum);
                (
                    c.entry,
                    likeness(c.found + unfound, sum, name_total) + c.bonus,
                )
            })
            .collect();
        pre.near = near;
        pre.sums = sums;
        pre.dates = dates;
        pre.nationalities = nationalities;
        pre.ranked = ranked;
        out
    }
}

/// Counts for candidate `e` the common parts it holds and was not counted for (a bit read per
/// part and list, best kind first as the lists are ordered).
fn count_common(pre: &mut Scratch, e: u32, common: &[CommonPart<'_>]) {
    let mask = pre.mask(e);
    for part in common.iter().filter(|c| mask & 1 << c.index == 0) {
        if let Some(&(_, kind)) = part.walls.iter().find(|(l, _)| l.holds(e)) {
            let w = part.weight * kind.factor();
            pre.add(e, 1 << part.index, w, kind == KeyKind::Exact);
        }
    }
}

/// A candidate's name likeness before it is scored, on the scale of the query's part weights
/// (`query_total`): the weight of the query parts it holds (`found`), and how much of its own
/// name (`sum`) that accounts for, as the name score averages both sides ("Aziz Aziz Muhammadi"
/// before "Aziz Abdul Karim Muhammadi" for "Aziz Aziz Mohammadi").
fn likeness(found: f64, sum: &NameSum, query_total: f64) -> f64 {
    let own = f64::from(sum.weight).max(1e-9);
    0.5 * found + 0.5 * query_total * (found / own).min(1.0)
}

/// What the query parts no key found for a candidate (`mask` holds those found) may still be
/// worth: each part's weight by how many of its letter pairs the entry's name (`sum`) has
/// ("Jahid" beside "Zahid": ah, hi, id, d_), so that among the many holders of its other part
/// ("Zakir") the one whose name is merely misspelt reaches the short list. Without branches:
/// which parts were found differs from one candidate to the next, and a mispredicted branch
/// stalls the reads of the candidates after it.
fn unfound(query_pairs: &[(u64, f64)], mask: u32, sum: &NameSum) -> f64 {
    let mut total = 0.0;
    for (i, &(q, per_pair)) in query_pairs.iter().enumerate() {
        let missing = f64::from((!mask >> i) & 1);
        let shared = (q & sum.letter_pairs).count_ones();
        total += missing * per_pair * f64::from(shared * shared);
    }
    total
}

/// The identity of a part for frequencies: its skeleton, or its Latin form when too short.
fn part_identity(part: &names::Part) -> &str {
    if part.skeleton.len() >= 2 {
        &part.skeleton
    } else {
        &part.latin
    }
}
