//! A candidate scored in full: its name part by part, then its birth date, nationality and
//! document number, with the reasons in words for the hits returned.

use corridor_resolve::names::{self, PartMatch};
use corridor_resolve::values;

use super::name_score::{
    CROSSED, INTERIOR, UNPAIRED_ENTRY_PART, crossed, held, middle_parts_left_out, name_score,
    paired, part_held,
};
use super::scratch::QueryMemo;
use super::{Prepared, Watchlist};

/// How two names' parts pair: the parts written apart on one side and joined on the other,
/// and the pairs aligned.
pub(crate) type Pairing = (Vec<names::Joined>, Vec<(usize, usize, PartMatch)>);

/// What an entry has beside its name, as the score reads it ("" for a field it lacks).
pub(crate) struct Beside<'a> {
    pub(crate) dob: Option<&'a values::Date>,
    pub(crate) nationality: &'a str,
    pub(crate) document: &'a str,
}

impl Watchlist {
    /// The score of an entry for a query, 0 to 1, with its reasons when `explain`.
    pub(crate) fn score(&self, q: &Prepared, e: &Prepared, explain: bool) -> (f64, Vec<String>) {
        let aligned = names::align(&q.name, &e.name);
        let pairing = names::joined(
            q.name.parts.len(),
            e.name.parts.len(),
            |k| &q.name.parts[k],
            |k| &e.name.parts[k],
            aligned,
        );
        self.score_paired(q, e, pairing, explain)
    }

    /// [`Self::score`] with reasons for list entry `e`, a hit: its parts paired through the
    /// query's memory, where the short list compared them already.
    pub(crate) fn score_hit(
        &self,
        q: &Prepared,
        e: u32,
        memo: &mut QueryMemo,
    ) -> (f64, Vec<String>) {
        let pairing = self.pair_quick(q, self.name_ids[e as usize], memo);
        self.score_paired(q, &self.entries[e as usize], pairing, true)
    }

    /// [`Self::score`] once the parts are paired (`pairing`: the parts joined, the pairs
    /// aligned).
    fn score_paired(
        &self,
        q: &Prepared,
        e: &Prepared,
        (joins, aligned): Pairing,
        explain: bool,
    ) -> (f64, Vec<String>) {
        let mut reasons = Vec::new();
        let name_score = name_score(q, &e.weights, &aligned, &joins, |i, j, m| {
            part_held(m, &q.name.parts[i], &e.name.parts[j])
        });
        if explain && aligned.is_empty() && joins.is_empty() {
            reasons.push("name: no part in common".to_string());
        } else if explain {
            let mut described: Vec<String> = aligned
                .iter()
                .map(|(i, j, m)| {
                    let (a, b) = (&q.name.parts[*i], &e.name.parts[*j]);
                    // A consonant or variant match holds less the further apart the spellings:
                    // say how much.
                    let graded = match m {
                        PartMatch::Skeleton | PartMatch::Variant => {
                            format!(", spelt apart: holds {:.2}", part_held(*m, a, b))
                        }
                        _ => String::new(),
                    };
                    format!(
                        "{} ~ {} ({}{graded})",
                        a.written,
                        b.written,
                        names::describe_match(*m, a, b)
                    )
                })
                .collect();
            for jn in &joins {
                let (apart, together) = if jn.apart_in_a {
                    (&q.name.parts, &e.name.parts)
                } else {
                    (&e.name.parts, &q.name.parts)
                };
                let two = format!("{} {}", apart[jn.first].written, apart[jn.second].written);
                let one = &together[jn.other].written;
                let (left, right) = if jn.apart_in_a {
                    (two.as_str(), one.as_str())
                } else {
                    (one.as_str(), two.as_str())
                };
                described.push(format!(
                    "{left} ~ {right} (written apart and joined, {})",
                    jn.matched.describe()
                ));
            }
            let (used_q, used_e) = paired(&aligned, &joins);
            // The entry's parts left out weigh no more than a common part: said where it counts.
            let no_cap = f64::INFINITY;
            for (side, parts, weights, cap, used) in [
                ("the query's", &q.name.parts, &q.weights, no_cap, used_q),
                (
                    "the entry's",
                    &e.name.parts,
                    &e.weights,
                    UNPAIRED_ENTRY_PART,
                    used_e,
                ),
            ] {
                let mut said: Vec<&str> = Vec::new();
                let middle: Vec<usize> = middle_parts_left_out(used, parts.len()).collect();
                for k in (0..parts.len()).filter(|k| used & (1 << (*k).min(63)) == 0) {
                    // A compound's pieces share its written form: said once.
                    if said.contains(&parts[k].written.as_str()) {
                        continue;
                    }
                    said.push(&parts[k].written);
                    let mut how = if middle.contains(&k) {
                        format!("{side} middle part, left out by the other: counts {INTERIOR}")
                    } else {
                        format!("{side}, not in the other")
                    };
                    if weights.get(k).is_some_and(|w| *w > cap) {
                        how.push_str("; rare, weighed as a common part");
                    }
                    described.push(format!("{} ({how})", parts[k].written));
                }
            }
            if crossed(&aligned) {
                described.push(format!("parts in another order (−{CROSSED})"));
            }
            reasons.push(format!("name {:.2}: {}", name_score, described.join(", ")));
        }
        let beside = Beside {
            dob: e.dob.as_ref(),
            nationality: &e.nationality,
            document: &e.document,
        };
        self.score_beyond_name(q, &beside, name_score, explain, reasons)
    }

    /// The short list scored without words, best first (ties by id): (score, entry).
    pub(crate) fn score_short_list(
        &self,
        q: &Prepared,
        shortlist: &[(u32, f64)],
        memo: &mut QueryMemo,
    ) -> Vec<(f64, u32)> {
        // What the scores read of each candidate is gathered in passes first: no read of a pass
        // waits on another, so the memory serves them together, where one candidate after the
        // other each waited behind the last one's scoring.
        let name_ids: Vec<u32> = shortlist
            .iter()
            .map(|&(e, _)| self.name_ids[e as usize])
            .collect();
        let beside: Vec<Beside> = shortlist.iter().map(|&(e, _)| self.beside(q, e)).collect();
        // So too the names' parts, their weights and their text (for the names not scored yet
        // this query): read here in one tight loop, they are in the cache when the names are
        // scored one after the other.
        let warm = name_ids
            .iter()
            .filter(|n| !memo.names.contains_key(n))
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
                let name = self.name_quick(q, name_ids[k], memo);
                let score = self.score_beyond_name(q, &beside[k], name, false, Vec::new());
                (score.0, id_ranks[k], e)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(score, _, e)| (score, e)).collect()
    }

    /// [`Self::score`] without words, for the short list (see [`Self::name_quick`]).
    pub(crate) fn quick_score(&self, q: &Prepared, e: u32, memo: &mut QueryMemo) -> f64 {
        let name_score = self.name_quick(q, self.name_ids[e as usize], memo);
        self.score_beyond_name(q, &self.beside(q, e), name_score, false, Vec::new())
            .0
    }

    /// What entry `e` has beside its name, read from the dense per-entry arrays (the entry
    /// itself is several cache lines away; its document only when the query has one).
    pub(crate) fn beside(&self, q: &Prepared, e: u32) -> Beside<'_> {
        let e = e as usize;
        Beside {
            dob: self.briefs[e].dob.as_ref(),
            nationality: &self.nationality_names[usize::from(self.briefs[e].nationality)],
            document: if q.document.is_empty() {
                ""
            } else {
                &self.entries[e].document
            },
        }
    }

    /// The name score of the list's distinct name `name_id`, without words: what a query part
    /// makes of a list part is worked out once per query (`memo`), and so is the score of each
    /// distinct name (the list's namesakes are written alike: "Mehmet Kaya" hundreds of times).
    pub(crate) fn name_quick(&self, q: &Prepared, name_id: u32, memo: &mut QueryMemo) -> f64 {
        if let Some(&s) = memo.names.get(&name_id) {
            return s;
        }
        let (joins, aligned) = self.pair_quick(q, name_id, memo);
        let ids = self.name_part_numbers(name_id);
        let mut weights = std::mem::take(&mut memo.weights);
        weights.clear();
        weights.extend(ids.iter().map(|&p| self.part_weights[p as usize]));
        let s = name_score(q, &weights, &aligned, &joins, |i, j, m| {
            match memo.parts.get(&((i as u64) << 32 | u64::from(ids[j]))) {
                Some(Some((_, h))) => *h,
                _ => held(m),
            }
        });
        memo.weights = weights;
        memo.names.insert(name_id, s);
        s
    }

    /// How the query's parts pair with those of the list's distinct name `name_id`, each pair
    /// of parts compared once per query (`memo`). A list part is compared through the
    /// vocabulary's part of its Latin form and script, which has every field a comparison
    /// reads (all but the written form follow from those two).
    fn pair_quick(&self, q: &Prepared, name_id: u32, memo: &mut QueryMemo) -> Pairing {
        let ids = self.name_part_numbers(name_id);
        // Equal Latin forms are what `compare_parts` calls exact: the same Latin form's number,
        // found without comparing (the pairs they rule out are never compared).
        let query_parts = std::mem::take(&mut memo.query_parts);
        let aligned = names::align_by(
            q.name.parts.len(),
            ids.len(),
            |i, j| query_parts.get(i).copied().flatten() == Some(self.part_latin[ids[j] as usize]),
            |i, j| {
                let key = (i as u64) << 32 | u64::from(ids[j]);
                memo.parts
                    .entry(key)
                    .or_insert_with(|| {
                        let (a, b) = (&q.name.parts[i], &self.vocabulary[ids[j] as usize]);
                        names::compare_parts(a, b).map(|m| (m, part_held(m, a, b)))
                    })
                    .map(|(m, _)| m)
            },
        );
        memo.query_parts = query_parts;
        names::joined(
            q.name.parts.len(),
            ids.len(),
            |k| &q.name.parts[k],
            |k| &self.vocabulary[ids[k] as usize],
            aligned,
        )
    }

    /// Adds the birth date, nationality and document number to a name score.
    pub(crate) fn score_beyond_name(
        &self,
        q: &Prepared,
        e: &Beside<'_>,
        name_score: f64,
        explain: bool,
        mut reasons: Vec<String>,
    ) -> (f64, Vec<String>) {
        // Reasons are written only for the hits returned (`explain`): the short list is
        // scored without words.
        let mut say = |why: &dyn Fn() -> String| {
            if explain {
                reasons.push(why());
            }
        };
        let mut score = 0.75 * name_score;
        match values::compare_dates(q.dob.as_ref(), e.dob) {
            0 => {}
            1 => {
                score += 0.15;
                say(&|| "birth date: same".into());
            }
            level @ (2 | 3) => {
                score += 0.10;
                say(&|| format!("birth date: {}", values::DATE_LEVELS[level]));
            }
            level @ (4 | 5) => {
                score += 0.04;
                say(&|| format!("birth date: {}", values::DATE_LEVELS[level]));
            }
            6 => say(&|| "birth date: same year only".into()),
            _ => {
                score -= 0.25;
                say(&|| "birth date: different".into());
            }
        }
        if !q.nationality.is_empty() && !e.nationality.is_empty() {
            if q.nationality == e.nationality {
                score += 0.05;
                say(&|| format!("nationality: same ({})", e.nationality));
            } else {
                score -= 0.05;
                say(&|| {
                    format!(
                        "nationality: different ({} / {})",
                        q.nationality, e.nationality
                    )
                });
            }
        }
        if !q.document.is_empty() && !e.document.is_empty() {
            if q.document == e.document {
                score += 0.3;
                say(&|| crate::SAME_DOCUMENT.into());
            } else {
                score -= 0.05;
                say(&|| "document number: different".into());
            }
        }
        (score.clamp(0.0, 1.0), reasons)
    }
}
