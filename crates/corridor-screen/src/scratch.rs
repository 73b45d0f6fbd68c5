//! A screening query's working memory, one per thread and kept from query to query: the
//! per-entry accumulators of its candidates and its memories of part and name comparisons.

use super::{Candidate, FastMap, Prepared, Watchlist};
use corridor_resolve::names::PartMatch;

/// One query's memory of part and name comparisons (see [`Watchlist::quick_score`]).
#[derive(Default)]
pub(crate) struct QueryMemo {
    /// Each query part's number in the list's vocabulary, where the list has that part.
    pub(crate) query_parts: Vec<Option<u32>>,
    /// (query part index << 32 | list part number) → how alike.
    pub(crate) parts: FastMap<u64, Option<PartMatch>>,
    /// Distinct list name number → name score.
    pub(crate) names: FastMap<u32, f64>,
}

impl QueryMemo {
    /// Forgets the last query and notes which of this one's parts the list has.
    pub(crate) fn start(&mut self, list: &Watchlist, q: &Prepared) {
        self.parts.clear();
        self.names.clear();
        self.query_parts.clear();
        self.query_parts.extend(
            q.name
                .parts
                .iter()
                .map(|p| list.part_numbers.get(&p.latin).copied()),
        );
    }
}

/// Per-thread accumulators for one query's candidates: one dense array over the entries, reset
/// through the list of those touched, so a query costs what it touches, not the list's size.
/// An entry's mask and weight share 8 bytes, so counting a part for it is one cache line, and
/// the whole array (8 MB for a million entries) stays in the last-level cache.
#[derive(Default)]
pub(crate) struct Scratch {
    slots: Vec<Slot>,
    pub(crate) touched: Vec<u32>,
    /// A query's working lists, kept from query to query: allocating them anew (tens of
    /// thousands of candidates for a common name) made a fifth of the time go to the allocator.
    pub(crate) near: Vec<(u32, f64)>,
    pub(crate) ranked: Vec<Candidate>,
}

#[derive(Clone, Copy, Default)]
struct Slot {
    /// Which query parts the entry holds (bit i: part i), and NEAR_BIT.
    mask: u32,
    weight: f32,
}

impl Scratch {
    pub(crate) fn reset(&mut self, entries: usize) {
        for &e in &self.touched {
            self.slots[e as usize] = Slot::default();
        }
        self.touched.clear();
        if self.slots.len() != entries {
            self.slots = vec![Slot::default(); entries];
        }
    }

    pub(crate) fn mask(&self, e: u32) -> u32 {
        self.slots[e as usize].mask
    }

    pub(crate) fn weight(&self, e: u32) -> f64 {
        f64::from(self.slots[e as usize].weight)
    }

    /// Counts part `bit` for entry `e` once, with the weight it is first counted with (so the
    /// best kind is counted first); `exact` marks it held as the query writes it.
    pub(crate) fn add(&mut self, e: u32, bit: u32, w: f64, exact: bool) {
        let slot = &mut self.slots[e as usize];
        if slot.mask == 0 {
            self.touched.push(e);
        }
        if slot.mask & bit == 0 {
            slot.mask |= bit | if exact { bit << 16 } else { 0 };
            slot.weight += w as f32;
        }
    }
}

thread_local! {
    pub(crate) static MEMO: std::cell::RefCell<QueryMemo> = std::cell::RefCell::new(QueryMemo::default());
    pub(crate) static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}
