//! A screening query's working memory, kept from query to query: the per-entry accumulators of
//! its candidates and its memories of part and name comparisons. A list lends one to each
//! query in progress, at most one per core: a server's many request threads would otherwise
//! each warm their own (8 MB for a million entries) and evict each other's from the cache.

use super::gather::Candidate;
use super::{Brief, FastMap, Prepared, Watchlist};
use corridor_resolve::names::PartMatch;

/// One query's memory of part and name comparisons (see [`Watchlist::quick_score`]).
#[derive(Default)]
pub(crate) struct QueryMemo {
    /// Each query part's Latin form's number in the list, where the list has that form.
    pub(crate) query_parts: Vec<Option<u32>>,
    /// (query part index << 32 | list part number) → how alike, and what the pair holds.
    pub(crate) parts: FastMap<u64, Option<(PartMatch, f64)>>,
    /// Distinct list name number → name score.
    pub(crate) names: FastMap<u32, f64>,
    /// A name's part weights, while it is scored.
    pub(crate) weights: Vec<f64>,
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
                .map(|p| list.latin_numbers.get(&p.latin).copied()),
        );
    }
}

/// Accumulators for one query's candidates: one dense array over the entries, so a query costs
/// what it touches, not the list's size. An entry's mask and weight share 8 bytes, so counting
/// a part for it is one cache line, and the whole array (8 MB for a million entries) stays in
/// the last-level cache.
#[derive(Default)]
pub(crate) struct Scratch {
    slots: Vec<Slot>,
    /// Which entries this query touched, a bit each (128 KB for a million entries, which stays
    /// in the core's own cache where the slots do not): an entry's first count writes its slot
    /// without reading it, so the query does not wait on the memory for each new candidate,
    /// and a slot not marked here is never read. Reset by clearing the bits.
    seen: Vec<u64>,
    pub(crate) touched: Vec<u32>,
    /// The highest weight counted so far (kept as weights are added: a pass over the touched
    /// entries to find it waited on a cache miss per entry).
    best: f32,
    /// A query's working lists, kept from query to query: allocating them anew (tens of
    /// thousands of candidates for a common name) made a fifth of the time go to the allocator.
    /// Near candidates: entry, weight, mask.
    pub(crate) near: Vec<(u32, f64, u32)>,
    pub(crate) briefs: Vec<Brief>,
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
            self.seen[e as usize / 64] = 0;
        }
        self.touched.clear();
        self.best = 0.0;
        if self.slots.len() != entries {
            self.slots = vec![Slot::default(); entries];
            self.seen = vec![0; entries.div_ceil(64)];
        }
    }

    fn is_seen(&self, e: u32) -> bool {
        self.seen[e as usize / 64] & (1 << (e % 64)) != 0
    }

    pub(crate) fn mask(&self, e: u32) -> u32 {
        if self.is_seen(e) {
            self.slots[e as usize].mask
        } else {
            0
        }
    }

    pub(crate) fn weight(&self, e: u32) -> f64 {
        if self.is_seen(e) {
            f64::from(self.slots[e as usize].weight)
        } else {
            0.0
        }
    }

    /// The mask and weight of an entry this query touched (`touched` holds it).
    pub(crate) fn touched_slot(&self, e: u32) -> (u32, f64) {
        debug_assert!(self.is_seen(e));
        let slot = self.slots[e as usize];
        (slot.mask, f64::from(slot.weight))
    }

    /// Counts part `bit` for entry `e` once, with the weight it is first counted with (so the
    /// best kind is counted first); `exact` marks it held as the query writes it.
    pub(crate) fn add(&mut self, e: u32, bit: u32, w: f64, exact: bool) {
        let word = &mut self.seen[e as usize / 64];
        if *word & (1 << (e % 64)) == 0 {
            *word |= 1 << (e % 64);
            self.touched.push(e);
            let weight = w as f32;
            self.slots[e as usize] = Slot {
                mask: bit | if exact { bit << 16 } else { 0 },
                weight,
            };
            self.best = self.best.max(weight);
            return;
        }
        let slot = &mut self.slots[e as usize];
        if slot.mask & bit == 0 {
            slot.mask |= bit | if exact { bit << 16 } else { 0 };
            slot.weight += w as f32;
            self.best = self.best.max(slot.weight);
        }
    }

    /// The highest weight of any entry touched.
    pub(crate) fn best(&self) -> f64 {
        f64::from(self.best)
    }
}

/// One query's working memory.
#[derive(Default)]
pub(crate) struct Workspace {
    pub(crate) memo: QueryMemo,
    pub(crate) scratch: Scratch,
}

/// The working memories of a list, lent to the queries in progress: the most recently
/// returned first (its pages are the warmest), and no more lent at once than there are cores
/// (a query beyond them waits: screening is all computation, and more at once only share the
/// cores and the cache).
pub(crate) struct Workspaces {
    state: std::sync::Mutex<(Vec<Workspace>, usize)>,
    returned: std::sync::Condvar,
    limit: usize,
}

impl Default for Workspaces {
    fn default() -> Self {
        Workspaces {
            state: std::sync::Mutex::new((Vec::new(), 0)),
            returned: std::sync::Condvar::new(),
            limit: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

impl Workspaces {
    /// Lends a working memory, given back when the loan is dropped (after a panic too, so a
    /// failed query cannot shrink the pool).
    pub(crate) fn take(&self) -> Lent<'_> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(ws) = state.0.pop() {
                return Lent {
                    ws: Some(ws),
                    from: self,
                };
            }
            if state.1 < self.limit {
                state.1 += 1;
                return Lent {
                    ws: Some(Workspace::default()),
                    from: self,
                };
            }
            state = self.returned.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// A working memory on loan.
pub(crate) struct Lent<'a> {
    ws: Option<Workspace>,
    from: &'a Workspaces,
}

impl std::ops::Deref for Lent<'_> {
    type Target = Workspace;
    fn deref(&self) -> &Workspace {
        self.ws.as_ref().expect("lent until dropped")
    }
}

impl std::ops::DerefMut for Lent<'_> {
    fn deref_mut(&mut self) -> &mut Workspace {
        self.ws.as_mut().expect("lent until dropped")
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if let Some(ws) = self.ws.take() {
            let mut state = self.from.state.lock().unwrap_or_else(|e| e.into_inner());
            state.0.push(ws);
            self.from.returned.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Scratch, Workspaces};

    #[test]
    fn a_reset_forgets_every_count_of_the_last_query() {
        // A first count writes its slot without reading it, and a reset clears only the bits:
        // a slot the last query wrote must read as untouched, and count afresh.
        let mut s = Scratch::default();
        s.reset(200);
        s.add(3, 1, 1.0, true);
        s.add(3, 2, 0.5, false);
        s.add(130, 1, 2.0, false);
        s.add(130, 1, 9.0, false); // the same part again counts once
        assert_eq!((s.mask(3), s.weight(3)), (1 | 2 | 1 << 16, 1.5));
        assert_eq!(s.touched_slot(130), (1, 2.0));
        assert_eq!((s.best(), s.touched.len()), (2.0, 2));
        s.reset(200);
        assert_eq!((s.mask(3), s.weight(3), s.mask(130)), (0, 0.0, 0));
        assert_eq!((s.best(), s.touched.len()), (0.0, 0));
        s.add(3, 4, 0.25, false);
        assert_eq!((s.mask(3), s.weight(3)), (4, 0.25));
        assert_eq!(s.touched, vec![3]);
    }

    #[test]
    fn no_more_working_memories_than_cores_and_a_failed_query_gives_its_back() {
        let pool = Workspaces::default();
        std::thread::scope(|s| {
            for _ in 0..4 * pool.limit {
                s.spawn(|| {
                    let mut ws = pool.take();
                    ws.scratch.reset(10);
                    ws.scratch.add(3, 1, 1.0, false);
                });
            }
        });
        assert!(pool.state.lock().unwrap().1 <= pool.limit);
        let lent = pool.state.lock().unwrap().1;
        let failed = std::thread::scope(|s| {
            s.spawn(|| {
                let _ws = pool.take();
                panic!("a query that fails half-way");
            })
            .join()
        });
        assert!(failed.is_err());
        let state = pool.state.lock().unwrap();
        assert_eq!(
            (state.0.len(), state.1),
            (lent, lent),
            "every loan came back"
        );
    }
}
