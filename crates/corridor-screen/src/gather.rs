//! A query's candidates: the entries its name parts find through the index, counted by how
//! much of the name they hold, cut to the few near the best, ranked cheaply with their birth
//! date and nationality, and checked against the lists too long to walk, before the short list
//! is scored in full ([`crate::score`]).

use corridor_resolve::names;
use corridor_resolve::values;

use super::keys::{CommonPart, KeyKind, Postings, each_part_key};
use super::scratch::{QueryMemo, Scratch, Workspace};
use super::{Brief, MAX_POSTINGS, Prepared, SHORTLIST, WALKED_ALWAYS, Watchlist, date_key};
use crate::name_score::letter_pairs;

/// Postings of a misspelling key (one consonant more or fewer) longer than this are not
/// walked: a skeleton that near so many others finds noise.
const MAX_FUZZY_POSTINGS: usize = 1_000;

/// The postings a query walks, at most, once its lists longer than [`WALKED_ALWAYS`] are
/// counted: those are walked shortest first while the walks stay within it. Measured on the 1M
/// lists (seeds 7 / 11 / 13) against walking every list up to [`MAX_POSTINGS`]: a query walks
/// 5,700 postings rather than 6,900 and touches 6,100 entries rather than 6,700; with what the
/// source has, recall@10 0.9738 / 0.9711 / 0.9704 (was 0.9738 / 0.9715 / 0.9707), names alone
/// 0.9043 / 0.9013 / 0.9048 (was 0.9043 / 0.9009 / 0.9048). A budget of 8,000 walked 5,050
/// and lost 0.0004 to 0.0008 with what the source has; lists to 3,000 for every query (4,700
/// walked) lost 0.0010 to 0.0021.
const WALK_BUDGET: usize = 10_000;

/// Query name parts read (a part's number is its bit in a candidate's mask, and bits 16 to 30
/// say which were held exactly).
const MAX_PARTS: usize = 15;

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

/// A candidate before it is scored.
#[derive(Clone, Copy)]
pub(crate) struct Candidate {
    entry: u32,
    /// The weight of the query parts it holds.
    found: f64,
    /// What its birth date and nationality add.
    bonus: f64,
    mask: u32,
    /// Where its brief is in the query's `briefs`.
    at: u32,
    /// Its likeness and bonus, when it was ranked.
    value: f64,
}

/// A query part's posting lists, before they are walked.
struct PartLists<'a> {
    walked: Vec<(&'a Postings, KeyKind)>,
    walls: Vec<(&'a Postings, KeyKind)>,
}

impl Watchlist {
    /// Candidates with a rarity-weighted count of the query parts they hold. Rare parts are
    /// looked up directly; parts too common to walk (Mohammed, Haddad) still count: two of them
    /// together find the entries that hold both (one list read against the other's bits), and
    /// every candidate is checked for each of them. So a misread or extra part in the query
    /// ("Smail", "Mhd") cannot by itself decide who the candidates are.
    pub(crate) fn candidates(
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
        // Each part's lists: those short enough to walk, and the walls.
        let mut lists: Vec<PartLists<'a>> = Vec::with_capacity(parts.len().min(MAX_PARTS));
        for (i, (_, part)) in parts.iter().enumerate().take(MAX_PARTS) {
            let mut walked: Vec<(&'a Postings, KeyKind)> = Vec::new();
            let mut walls: Vec<(&'a Postings, KeyKind)> = Vec::new();
            // A part the query already wrote (Kebede Kebede) is held a second time only by the
            // entries that hold it twice: its one list is theirs. Counted like the first, every
            // holder of the part would hold both and tie with the one sought. Two spellings of
            // one part (Ahmed Ahmad) keep their own lists: each finds those written so.
            let identity = super::part_identity(part);
            let doubled = parts[..i].iter().any(|(_, p)| p.latin == part.latin);
            let mut look_up = |key: &str, kind: KeyKind| {
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
            };
            if doubled {
                look_up(&format!("2:{identity}"), KeyKind::Skeleton);
            } else {
                each_part_key(part, true, &mut buf, look_up);
            }
            // A list as long as the exact one holds the same entries (the exact list is part of
            // every other list of the part): walking it again would find no one new.
            if let Some(&(exact, _)) = walked.iter().find(|(_, k)| *k == KeyKind::Exact) {
                walked.retain(|(l, k)| {
                    *k == KeyKind::Exact || *k == KeyKind::Fuzzy || l.len() != exact.len()
                });
            }
            lists.push(PartLists { walked, walls });
        }
        // Lists longer than WALKED_ALWAYS are walked shortest first while the query's walks
        // stay within WALK_BUDGET; the rest are walls, checked for the candidates found
        // otherwise. A short query ("Mizanur Islam") walks its one longer list and finds "Islam
        // Mizan" through it; a long one has other parts to find its entry by.
        let mut spent: usize = lists
            .iter()
            .flat_map(|p| &p.walked)
            .filter(|(l, _)| l.len() <= WALKED_ALWAYS)
            .map(|(l, _)| l.len())
            .sum();
        let mut longer: Vec<(usize, usize, usize)> = lists
            .iter()
            .enumerate()
            .flat_map(|(i, p)| {
                p.walked
                    .iter()
                    .enumerate()
                    .filter(|(_, (l, _))| l.len() > WALKED_ALWAYS)
                    .map(move |(k, (l, _))| (l.len(), i, k))
            })
            .collect();
        longer.sort_unstable();
        let mut moved: Vec<(usize, usize)> = Vec::new();
        for (len, i, k) in longer {
            if spent + len <= WALK_BUDGET {
                spent += len;
            } else {
                moved.push((i, k));
            }
        }
        moved.sort_unstable_by(|a, b| b.cmp(a));
        for (i, k) in moved {
            let list = lists[i].walked.remove(k);
            lists[i].walls.push(list);
        }
        for (i, ((w, _), part_lists)) in parts.iter().zip(lists).enumerate() {
            let PartLists {
                mut walked,
                mut walls,
            } = part_lists;
            let bit = 1u32 << i;
            // Best kind first: an entry is counted once for a part, at the first kind that
            // finds it. Each list is in entry order, so the accumulators are visited front to
            // back, which the memory prefetcher follows.
            walked.sort_by_key(|(_, kind)| *kind);
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
                && list.len() <= WALKED_ALWAYS
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
                    let nat = self.briefs[e as usize].nationality;
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
        // Every near candidate's brief (name, birth date, nationality), read in one tight pass:
        // the reads do not wait on each other, so the memory serves many at once (read inside
        // the loop below, each waited behind the branches of the one before).
        let mut briefs = std::mem::take(&mut pre.briefs);
        briefs.clear();
        briefs.extend(near.iter().map(|&(e, ..)| self.briefs[e as usize]));
        let mut ranked = std::mem::take(&mut pre.ranked);
        ranked.clear();
        for (at, (&(e, found, mask), sum)) in near.iter().zip(&briefs).enumerate() {
            // Namesakes tie on the name: the birth date and nationality break the tie before
            // the candidates are cut (a list holds hundreds of "Ayesha Khan").
            let mut bonus = 0.0;
            if let (Some(a), Some(b)) = (q.dob.as_ref(), sum.dob.as_ref()) {
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
            if query_nat != 0 && sum.nationality == query_nat {
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
                let sum = &briefs[c.at as usize];
                let unfound = unfound(&query_pairs, c.mask, sum);
                (
                    c.entry,
                    likeness(c.found + unfound, sum, name_total) + c.bonus,
                )
            })
            .collect();
        pre.near = near;
        pre.briefs = briefs;
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
fn likeness(found: f64, sum: &Brief, query_total: f64) -> f64 {
    let own = f64::from(sum.weight).max(1e-9);
    0.5 * found + 0.5 * query_total * (found / own).min(1.0)
}

/// What the query parts no key found for a candidate (`mask` holds those found) may still be
/// worth: each part's weight by how many of its letter pairs the entry's name (`sum`) has
/// ("Jahid" beside "Zahid": ah, hi, id, d_), so that among the many holders of its other part
/// ("Zakir") the one whose name is merely misspelt reaches the short list. Without branches:
/// which parts were found differs from one candidate to the next, and a mispredicted branch
/// stalls the reads of the candidates after it.
fn unfound(query_pairs: &[(u64, f64)], mask: u32, sum: &Brief) -> f64 {
    let mut total = 0.0;
    for (i, &(q, per_pair)) in query_pairs.iter().enumerate() {
        let missing = f64::from((!mask >> i) & 1);
        let shared = (q & sum.letter_pairs).count_ones();
        total += missing * per_pair * f64::from(shared * shared);
    }
    total
}
