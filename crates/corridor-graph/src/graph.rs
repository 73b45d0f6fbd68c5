//! The graph: node keys interned to dense ids, a symmetric CSR (every edge stored at both ends),
//! and columns for what an edge is (kind, time, weight, direction).
//!
//! Two shapes come out of one builder. A *simple* graph merges parallel edges (their weights
//! add up) — what an edge-list analysis wants. A graph that *keeps edges* holds every edge with
//! its kind and time, so that a path can be shown call by call and transfer by transfer.

use std::hash::BuildHasher;

use hashbrown::HashTable;

use crate::GraphError;

/// Node keys in one byte arena, looked up through a table of ids hashed by their bytes.
/// Short keys (most phone numbers without their `+`, plates, numeric ids) are also kept in the
/// table entry itself, so that a lookup touches one cache line instead of three: at ten
/// million lookups, that is most of the time it takes to load an edge list.
#[derive(Debug, Default, Clone)]
pub struct NodeNames {
    bytes: Vec<u8>,
    ends: Vec<u32>,
    table: HashTable<Slot>,
    hasher: foldhash::fast::FixedState,
}

/// Keys up to this many bytes are compared inside the table.
const INLINE: usize = 11;
/// `Slot::len` of a key kept in the arena only.
const LONG: u8 = u8::MAX;

#[derive(Debug, Clone, Copy)]
struct Slot {
    id: u32,
    len: u8,
    inline: [u8; INLINE],
}

/// A short key as a slot holds it inline; `None` for a key kept in the arena only.
#[inline]
fn padded(key: &[u8]) -> Option<[u8; INLINE]> {
    (key.len() <= INLINE).then(|| {
        let mut out = [0u8; INLINE];
        out[..key.len()].copy_from_slice(key);
        out
    })
}

fn name_in<'a>(bytes: &'a [u8], ends: &[u32], id: u32) -> &'a [u8] {
    let end = ends[id as usize] as usize;
    let start = if id == 0 {
        0
    } else {
        ends[id as usize - 1] as usize
    };
    &bytes[start..end]
}

impl Slot {
    fn new(id: u32, key: &[u8]) -> Slot {
        let mut inline = [0u8; INLINE];
        if key.len() <= INLINE {
            inline[..key.len()].copy_from_slice(key);
            Slot {
                id,
                len: key.len() as u8,
                inline,
            }
        } else {
            Slot {
                id,
                len: LONG,
                inline,
            }
        }
    }

    /// Whether this slot holds `key`; `padded` is the key in a slot's inline form when short.
    #[inline]
    fn matches(
        &self,
        key: &[u8],
        padded: Option<&[u8; INLINE]>,
        bytes: &[u8],
        ends: &[u32],
    ) -> bool {
        match padded {
            // Two fixed-size compares, no call to memcmp.
            Some(p) => self.len as usize == key.len() && &self.inline == p,
            None => self.len == LONG && name_in(bytes, ends, self.id) == key,
        }
    }

    fn key<'a>(&'a self, bytes: &'a [u8], ends: &[u32]) -> &'a [u8] {
        if self.len == LONG {
            name_in(bytes, ends, self.id)
        } else {
            &self.inline[..self.len as usize]
        }
    }
}

impl NodeNames {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn name(&self, id: u32) -> &str {
        // Only whole `&str`s are ever appended, so every slice is valid UTF-8.
        std::str::from_utf8(name_in(&self.bytes, &self.ends, id)).expect("node names are UTF-8")
    }

    pub fn get(&self, key: &str) -> Option<u32> {
        let key = key.as_bytes();
        let hash = self.hasher.hash_one(key);
        let padded = padded(key);
        self.table
            .find(hash, |slot| {
                slot.matches(key, padded.as_ref(), &self.bytes, &self.ends)
            })
            .map(|slot| slot.id)
    }

    /// The id of `key`, adding it when new; `Err` once the arena would pass 4 GiB.
    pub fn intern(&mut self, key: &str) -> Result<u32, GraphError> {
        let hash = self.hasher.hash_one(key.as_bytes());
        self.intern_hashed(key.as_bytes(), hash)
    }

    /// `key` must be UTF-8 (checked by the caller as it read it).
    fn intern_hashed(&mut self, key: &[u8], hash: u64) -> Result<u32, GraphError> {
        let padded = padded(key);
        let Self {
            bytes,
            ends,
            table,
            hasher,
        } = self;
        if let Some(slot) = table.find(hash, |slot| slot.matches(key, padded.as_ref(), bytes, ends))
        {
            return Ok(slot.id);
        }
        let id = u32::try_from(ends.len()).map_err(|_| GraphError::TooLarge("nodes"))?;
        bytes.extend_from_slice(key);
        let end = u32::try_from(bytes.len()).map_err(|_| GraphError::TooLarge("node names"))?;
        ends.push(end);
        let (bytes, ends) = (&*bytes, &*ends);
        table.insert_unique(hash, Slot::new(id, key), |slot| {
            hasher.hash_one(slot.key(bytes, ends))
        });
        Ok(id)
    }

    /// Interns the keys of `keys` whose hash falls in `half` (0 or 1); the others get
    /// `u32::MAX`.
    pub(crate) fn intern_half<'k>(
        &mut self,
        keys: impl Iterator<Item = &'k [u8]>,
        half: u64,
    ) -> Result<Vec<u32>, GraphError> {
        keys.map(|key| {
            let hash = self.hasher.hash_one(key);
            if hash >> 63 == half {
                self.intern_hashed(key, hash)
            } else {
                Ok(u32::MAX)
            }
        })
        .collect()
    }

    /// One set of names from two: the second's ids follow the first's.
    pub(crate) fn joined(first: NodeNames, second: NodeNames) -> Result<NodeNames, GraphError> {
        let mut out = first;
        let shift =
            u32::try_from(out.bytes.len()).map_err(|_| GraphError::TooLarge("node names"))?;
        out.bytes.extend_from_slice(&second.bytes);
        u32::try_from(out.bytes.len()).map_err(|_| GraphError::TooLarge("node names"))?;
        let offset = out.ends.len() as u32;
        out.ends.extend(second.ends.iter().map(|&e| e + shift));
        let NodeNames {
            bytes,
            ends,
            table,
            hasher,
        } = &mut out;
        table.reserve(second.table.len(), |slot| {
            hasher.hash_one(slot.key(bytes, ends))
        });
        for slot in second.table.iter() {
            let moved = Slot {
                id: slot.id + offset,
                ..*slot
            };
            let hash = hasher.hash_one(moved.key(bytes, ends));
            table.insert_unique(hash, moved, |s| hasher.hash_one(s.key(bytes, ends)));
        }
        Ok(out)
    }

    fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
            + self.ends.capacity() * 4
            + self.table.capacity() * (size_of::<Slot>() + 1)
    }
}

/// An edge as it was given, before the CSR is built.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeData {
    pub weight: f32,
    /// Index into the graph's edge kinds (calls, transfers, co-travel…); 0 when untyped.
    pub kind: u16,
    /// Seconds since the epoch, when the edge happened at a time.
    pub time: Option<i64>,
}

impl Default for EdgeData {
    fn default() -> Self {
        EdgeData {
            weight: 1.0,
            kind: 0,
            time: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// Edges have a direction (a transfer from one account to another, a call).
    pub directed: bool,
    /// Keep every edge with its kind and time; otherwise parallel edges merge into one whose
    /// weight is their sum.
    pub keep_edges: bool,
}

/// What the builder dropped or merged, so that a user can be told.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildReport {
    pub self_loops_dropped: usize,
    pub parallel_edges_merged: usize,
}

#[derive(Debug, Default)]
pub struct GraphBuilder {
    options: BuildOptions,
    names: NodeNames,
    kinds: Vec<String>,
    src: Vec<u32>,
    dst: Vec<u32>,
    data: Vec<EdgeData>,
    weighted: bool,
    self_loops: usize,
}

impl GraphBuilder {
    pub fn new(options: BuildOptions) -> Self {
        GraphBuilder {
            options,
            kinds: vec![String::new()],
            ..Default::default()
        }
    }

    pub fn node(&mut self, key: &str) -> Result<u32, GraphError> {
        self.names.intern(key)
    }

    pub fn node_count(&self) -> usize {
        self.names.len()
    }

    /// Replaces the names before any edge is added (an edge list interned in parallel).
    pub(crate) fn set_names(&mut self, names: NodeNames) {
        debug_assert!(self.src.is_empty());
        self.names = names;
    }

    /// The index of an edge kind by name ("" is the untyped kind 0).
    pub fn kind(&mut self, name: &str) -> Result<u16, GraphError> {
        if let Some(i) = self.kinds.iter().position(|k| k == name) {
            return Ok(i as u16);
        }
        let i = u16::try_from(self.kinds.len()).map_err(|_| GraphError::TooLarge("edge kinds"))?;
        self.kinds.push(name.to_string());
        Ok(i)
    }

    /// Adds an edge between two interned nodes. A self-loop is counted and dropped: no
    /// analysis here gives it a meaning (a person calling their own number is not a link).
    pub fn edge(&mut self, src: u32, dst: u32, data: EdgeData) -> Result<(), GraphError> {
        if !(data.weight.is_finite() && data.weight >= 0.0) {
            return Err(GraphError::BadWeight(data.weight));
        }
        if src == dst {
            self.self_loops += 1;
            return Ok(());
        }
        if self.src.len() >= (u32::MAX / 2) as usize {
            return Err(GraphError::TooLarge("edges"));
        }
        self.weighted |= data.weight != 1.0;
        self.src.push(src);
        self.dst.push(dst);
        self.data.push(data);
        Ok(())
    }

    pub fn build(self) -> (Graph, BuildReport) {
        let GraphBuilder {
            options,
            names,
            kinds,
            src,
            dst,
            data,
            weighted,
            self_loops,
        } = self;
        let n = names.len();
        let m = src.len();
        // Counting sort of both ends of every edge into the slots of their nodes.
        let mut offsets = vec![0u32; n + 1];
        for (&a, &b) in src.iter().zip(&dst) {
            offsets[a as usize + 1] += 1;
            offsets[b as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let slots = 2 * m;
        let mut next: Vec<u32> = offsets[..n].to_vec();
        let mut targets = vec![0u32; slots];
        let mut slot_edge = vec![0u32; slots];
        for (e, (&a, &b)) in src.iter().zip(&dst).enumerate() {
            let sa = next[a as usize] as usize;
            next[a as usize] += 1;
            targets[sa] = b;
            slot_edge[sa] = e as u32;
            let sb = next[b as usize] as usize;
            next[b as usize] += 1;
            targets[sb] = a;
            slot_edge[sb] = e as u32;
        }
        drop(next);

        let mut report = BuildReport {
            self_loops_dropped: self_loops,
            parallel_edges_merged: 0,
        };
        if options.keep_edges {
            let weights =
                weighted.then(|| slot_edge.iter().map(|&e| data[e as usize].weight).collect());
            let outgoing = options.directed.then(|| {
                let mut bits = BitSet::new(slots);
                for v in 0..n {
                    for s in offsets[v] as usize..offsets[v + 1] as usize {
                        if src[slot_edge[s] as usize] == v as u32 {
                            bits.insert(s);
                        }
                    }
                }
                bits
            });
            let edges = EdgeTable { src, dst, data };
            let graph = Graph {
                names,
                kinds,
                directed: options.directed,
                csr: Csr {
                    offsets,
                    targets,
                    weights,
                },
                outgoing,
                slot_edge: Some(slot_edge),
                edges: Some(edges),
            };
            return (graph, report);
        }

        // Merge parallel edges in place: for each node, the first slot of each neighbour
        // takes the others' weight (and direction), the rest are dropped.
        let mut weights: Vec<f32> = slot_edge.iter().map(|&e| data[e as usize].weight).collect();
        let mut out_bits = options.directed.then(|| BitSet::new(slots));
        // A directed graph merges parallel edges of the same direction only.
        let mut first_slot = vec![u32::MAX; n];
        let mut first_in_slot = if options.directed {
            vec![u32::MAX; n]
        } else {
            Vec::new()
        };
        let mut write = 0usize;
        let mut new_offsets = vec![0u32; n + 1];
        for v in 0..n {
            let start = write;
            for s in offsets[v] as usize..offsets[v + 1] as usize {
                let t = targets[s] as usize;
                let e = slot_edge[s] as usize;
                let w = weights[s];
                let leaving = src[e] == v as u32;
                let firsts = if options.directed && !leaving {
                    &mut first_in_slot
                } else {
                    &mut first_slot
                };
                let fs = firsts[t];
                let target_slot = if fs != u32::MAX && fs as usize >= start {
                    weights[fs as usize] += w;
                    report.parallel_edges_merged += 1;
                    fs as usize
                } else {
                    targets[write] = t as u32;
                    weights[write] = w;
                    firsts[t] = write as u32;
                    write += 1;
                    write - 1
                };
                if let Some(out) = out_bits.as_mut()
                    && leaving
                {
                    out.insert(target_slot);
                }
            }
            new_offsets[v + 1] = write as u32;
        }
        // Each merged edge was seen from both of its ends.
        report.parallel_edges_merged /= 2;
        targets.truncate(write);
        targets.shrink_to_fit();
        weights.truncate(write);
        let any_weight = weights.iter().any(|&w| w != 1.0);
        let weights = any_weight.then(|| {
            weights.shrink_to_fit();
            weights
        });
        let outgoing = out_bits.map(|mut bits| {
            bits.truncate(write);
            bits
        });
        let graph = Graph {
            names,
            kinds,
            directed: options.directed,
            csr: Csr {
                offsets: new_offsets,
                targets,
                weights,
            },
            outgoing,
            slot_edge: None,
            edges: None,
        };
        (graph, report)
    }
}

/// A fixed-size set of bits.
#[derive(Debug, Clone, Default)]
pub struct BitSet {
    words: Vec<u64>,
    len: usize,
}

impl BitSet {
    pub fn new(len: usize) -> Self {
        BitSet {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn insert(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    pub fn contains(&self, i: usize) -> bool {
        self.words[i / 64] >> (i % 64) & 1 == 1
    }

    fn truncate(&mut self, len: usize) {
        self.len = len;
        self.words.truncate(len.div_ceil(64));
        self.words.shrink_to_fit();
    }
}

/// The symmetric adjacency: node `v`'s neighbours are `targets[offsets[v]..offsets[v+1]]`.
#[derive(Debug, Clone)]
pub struct Csr {
    pub offsets: Vec<u32>,
    pub targets: Vec<u32>,
    /// Per slot; `None` when every edge weighs 1.
    pub weights: Option<Vec<f32>>,
}

impl Csr {
    pub fn node_count(&self) -> usize {
        self.offsets.len() - 1
    }

    #[inline]
    pub fn slots(&self, v: u32) -> std::ops::Range<usize> {
        self.offsets[v as usize] as usize..self.offsets[v as usize + 1] as usize
    }

    #[inline]
    pub fn neighbours(&self, v: u32) -> &[u32] {
        &self.targets[self.slots(v)]
    }

    #[inline]
    pub fn weight(&self, slot: usize) -> f32 {
        self.weights.as_ref().map_or(1.0, |w| w[slot])
    }

    pub fn degree(&self, v: u32) -> usize {
        self.slots(v).len()
    }

    pub fn weighted_degree(&self, v: u32) -> f64 {
        match &self.weights {
            None => self.degree(v) as f64,
            Some(w) => w[self.slots(v)].iter().map(|&x| x as f64).sum(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct EdgeTable {
    pub src: Vec<u32>,
    pub dst: Vec<u32>,
    pub data: Vec<EdgeData>,
}

#[derive(Debug, Clone)]
pub struct Graph {
    pub names: NodeNames,
    /// Edge kind names; index 0 is the untyped kind "".
    pub kinds: Vec<String>,
    pub directed: bool,
    pub csr: Csr,
    /// For a directed graph: the slots that leave their node.
    pub outgoing: Option<BitSet>,
    /// For a graph that keeps edges: the edge behind each slot, and the edges.
    pub slot_edge: Option<Vec<u32>>,
    pub edges: Option<EdgeTable>,
}

impl Graph {
    pub fn node_count(&self) -> usize {
        self.csr.node_count()
    }

    /// Edges after merging (a simple graph) or as given (a graph that keeps edges).
    pub fn edge_count(&self) -> usize {
        self.csr.targets.len() / 2
    }

    pub fn name(&self, v: u32) -> &str {
        self.names.name(v)
    }

    pub fn node(&self, key: &str) -> Option<u32> {
        self.names.get(key)
    }

    /// Whether a slot can be walked from its node: always in an undirected graph.
    #[inline]
    pub fn leaves(&self, slot: usize) -> bool {
        self.outgoing
            .as_ref()
            .is_none_or(|bits| bits.contains(slot))
    }

    /// The edge behind a slot, when the graph keeps edges.
    pub fn edge_at(&self, slot: usize) -> Option<(u32, &EdgeData)> {
        let e = *self.slot_edge.as_ref()?.get(slot)?;
        Some((e, &self.edges.as_ref()?.data[e as usize]))
    }

    /// A simple, undirected graph over the same nodes (same ids, same names) from the kept
    /// edges that `keep` accepts, parallel edges merged: what the analyses run on when one
    /// user may see only part of the graph, or only some kinds of edge matter.
    pub fn simple_subgraph(&self, keep: impl Fn(u32, &EdgeData) -> bool) -> Graph {
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.names = self.names.clone();
        builder.kinds = self.kinds.clone();
        if let Some(edges) = &self.edges {
            for (e, data) in edges.data.iter().enumerate() {
                if keep(e as u32, data) {
                    let plain = EdgeData {
                        weight: data.weight,
                        kind: 0,
                        time: None,
                    };
                    builder
                        .edge(edges.src[e], edges.dst[e], plain)
                        .expect("edges of a built graph");
                }
            }
        }
        builder.build().0
    }

    /// Bytes held by the topology, the edge columns and the names.
    pub fn heap_bytes(&self) -> usize {
        let csr = self.csr.offsets.capacity() * 4
            + self.csr.targets.capacity() * 4
            + self.csr.weights.as_ref().map_or(0, |w| w.capacity() * 4);
        let bits = self.outgoing.as_ref().map_or(0, |b| b.words.capacity() * 8);
        let slots = self.slot_edge.as_ref().map_or(0, |s| s.capacity() * 4);
        let edges = self.edges.as_ref().map_or(0, |e| {
            e.src.capacity() * 4 + e.dst.capacity() * 4 + e.data.capacity() * size_of::<EdgeData>()
        });
        csr + bits + slots + edges + self.names.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(edges: &[(&str, &str, f32)], options: BuildOptions) -> (Graph, BuildReport) {
        let mut b = GraphBuilder::new(options);
        for &(s, t, w) in edges {
            let (s, t) = (b.node(s).unwrap(), b.node(t).unwrap());
            b.edge(
                s,
                t,
                EdgeData {
                    weight: w,
                    ..Default::default()
                },
            )
            .unwrap();
        }
        b.build()
    }

    #[test]
    fn names_are_interned_once_and_found_again() {
        let mut names = NodeNames::default();
        let a = names.intern("+33 6 12 34 56 78").unwrap();
        let b = names.intern("عبد الرحمن").unwrap();
        assert_eq!(names.intern("+33 6 12 34 56 78").unwrap(), a);
        assert_eq!(names.get("عبد الرحمن"), Some(b));
        assert_eq!(names.name(b), "عبد الرحمن");
        assert_eq!(names.get("nobody"), None);
        for i in 0..10_000 {
            names.intern(&format!("n{i}")).unwrap();
        }
        assert_eq!(
            names.get("n9999").map(|id| names.name(id).to_string()),
            Some("n9999".into())
        );
    }

    #[test]
    fn parallel_edges_merge_and_self_loops_are_dropped() {
        let (g, report) = build(
            &[
                ("a", "b", 1.0),
                ("b", "a", 2.0),
                ("a", "a", 1.0),
                ("b", "c", 1.0),
            ],
            BuildOptions::default(),
        );
        assert_eq!(
            report,
            BuildReport {
                self_loops_dropped: 1,
                parallel_edges_merged: 1
            }
        );
        assert_eq!(g.edge_count(), 2);
        let a = g.node("a").unwrap();
        let b = g.node("b").unwrap();
        assert_eq!(g.csr.neighbours(a), &[b]);
        assert_eq!(g.csr.weighted_degree(a), 3.0);
        assert_eq!(g.csr.weighted_degree(b), 4.0);
    }

    #[test]
    fn kept_edges_stay_apart_with_direction() {
        let (g, report) = build(
            &[("a", "b", 1.0), ("a", "b", 1.0), ("c", "a", 1.0)],
            BuildOptions {
                directed: true,
                keep_edges: true,
            },
        );
        assert_eq!(report.parallel_edges_merged, 0);
        assert_eq!(g.edge_count(), 3);
        let a = g.node("a").unwrap();
        let leaving: Vec<u32> = g
            .csr
            .slots(a)
            .filter(|&s| g.leaves(s))
            .map(|s| g.csr.targets[s])
            .collect();
        assert_eq!(leaving, vec![g.node("b").unwrap(), g.node("b").unwrap()]);
        assert!(g.csr.weights.is_none());
    }

    #[test]
    fn bad_weights_are_refused() {
        let mut b = GraphBuilder::new(BuildOptions::default());
        let (x, y) = (b.node("x").unwrap(), b.node("y").unwrap());
        for w in [f32::NAN, -1.0, f32::INFINITY] {
            assert!(
                b.edge(
                    x,
                    y,
                    EdgeData {
                        weight: w,
                        ..Default::default()
                    }
                )
                .is_err()
            );
        }
    }
}
