//! How two entities are connected: the shortest path (breadth-first from both ends, so a
//! query touches thousands of nodes, not the whole graph), all shortest paths, every simple
//! path up to k hops, paths whose edges follow each other in time, and the neighbourhood of
//! a node — each with filters on edge kind and time.
//!
//! Queries borrow a [`Scratch`] whose marks are stamped with a query number, so no query
//! clears arrays the size of the graph.

use crate::graph::Graph;

/// Which edges a query may walk. Kinds and times exist only in a graph that keeps its edges;
/// in a simple graph every edge passes. An edge without a time passes a time window (a shared
/// address has no date), but never enters a time-respecting path.
#[derive(Debug, Clone, Default)]
pub struct EdgeFilter {
    /// Allowed kinds; empty allows all.
    pub kinds: Vec<u16>,
    pub from: Option<i64>,
    pub until: Option<i64>,
    /// Walk edges only in their direction (in a directed graph).
    pub follow_direction: bool,
    /// Only these edges (by edge id, in a graph that keeps edges): what one user may see.
    pub edges: Option<std::sync::Arc<crate::graph::BitSet>>,
}

impl EdgeFilter {
    #[inline]
    fn passes(&self, graph: &Graph, slot: usize) -> bool {
        if self.kinds.is_empty()
            && self.from.is_none()
            && self.until.is_none()
            && self.edges.is_none()
        {
            return true;
        }
        let Some((edge, data)) = graph.edge_at(slot) else {
            return true;
        };
        if let Some(allowed) = &self.edges
            && !allowed.contains(edge as usize)
        {
            return false;
        }
        if !self.kinds.is_empty() && !self.kinds.contains(&data.kind) {
            return false;
        }
        match data.time {
            Some(t) => self.from.is_none_or(|f| t >= f) && self.until.is_none_or(|u| t <= u),
            None => true,
        }
    }

    /// Whether the filter lets every edge of `graph` through.
    fn is_open(&self, graph: &Graph) -> bool {
        self.kinds.is_empty()
            && self.from.is_none()
            && self.until.is_none()
            && self.edges.is_none()
            && !(self.follow_direction && graph.outgoing.is_some())
    }

    /// Whether the slot may be walked from its own node (`forward`) or towards it.
    #[inline]
    fn walkable(&self, graph: &Graph, slot: usize, forward: bool) -> bool {
        if self.follow_direction && graph.outgoing.is_some() && graph.leaves(slot) != forward {
            return false;
        }
        self.passes(graph, slot)
    }
}

/// One step of a path: from a node to the next, through a slot of either end (the edge is
/// the same; `Graph::edge_at` reads it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    pub from: u32,
    pub to: u32,
    pub slot: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Path {
    pub start: u32,
    pub hops: Vec<Hop>,
}

impl Path {
    pub fn nodes(&self) -> Vec<u32> {
        std::iter::once(self.start)
            .chain(self.hops.iter().map(|h| h.to))
            .collect()
    }
}

/// How far a path search goes and how many paths it returns.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_hops: u32,
    pub cap: usize,
}

#[derive(Debug, Clone)]
pub struct Paths {
    pub paths: Vec<Path>,
    /// More paths exist than the cap let through.
    pub truncated: bool,
}

struct Side {
    stamp: Vec<u32>,
    dist: Vec<u32>,
    parent: Vec<u32>,
    parent_slot: Vec<u32>,
}

impl Side {
    fn new(n: usize) -> Self {
        Side {
            stamp: vec![0; n],
            dist: vec![0; n],
            parent: vec![0; n],
            parent_slot: vec![0; n],
        }
    }
}

/// Per-query marks for a graph of a given size; keep one per thread.
pub struct Scratch {
    epoch: u32,
    a: Side,
    b: Side,
    frontier: Vec<u32>,
    next: Vec<u32>,
}

impl Scratch {
    pub fn new(graph: &Graph) -> Self {
        let n = graph.node_count();
        Scratch {
            epoch: 0,
            a: Side::new(n),
            b: Side::new(n),
            frontier: Vec::new(),
            next: Vec::new(),
        }
    }

    fn begin(&mut self) -> u32 {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.a.stamp.fill(0);
            self.b.stamp.fill(0);
            self.epoch = 1;
        }
        self.epoch
    }
}

/// The result of a meeting search: the distance, and the depths each side completed.
struct Meeting {
    distance: u32,
    depth_b: u32,
    /// The nodes at depth `depth_b` from b (B's last frontier), where every shortest path
    /// crosses from A's marks to B's.
    layer: Vec<u32>,
}

/// Breadth-first from both ends, a whole level at a time from the smaller frontier, until the
/// two meet. Side A walks edges forwards from `a`, side B backwards from `b`.
fn meet(
    graph: &Graph,
    scratch: &mut Scratch,
    a: u32,
    b: u32,
    filter: &EdgeFilter,
    max_hops: u32,
) -> Option<Meeting> {
    let epoch = scratch.begin();
    let csr = &graph.csr;
    for (side, start) in [(&mut scratch.a, a), (&mut scratch.b, b)] {
        side.stamp[start as usize] = epoch;
        side.dist[start as usize] = 0;
    }
    if a == b {
        return Some(Meeting {
            distance: 0,
            depth_b: 0,
            layer: vec![b],
        });
    }
    let mut frontier_a = vec![a];
    let mut frontier_b = vec![b];
    let (mut depth_a, mut depth_b) = (0u32, 0u32);
    while !frontier_a.is_empty() && !frontier_b.is_empty() && depth_a + depth_b < max_hops {
        let expand_a = frontier_a.len() <= frontier_b.len();
        let (this, other, frontier, forward) = if expand_a {
            (&mut scratch.a, &scratch.b, &mut frontier_a, true)
        } else {
            (&mut scratch.b, &scratch.a, &mut frontier_b, false)
        };
        let mut next = std::mem::take(&mut scratch.next);
        next.clear();
        let mut best: Option<u32> = None;
        for &v in frontier.iter() {
            let dv = this.dist[v as usize];
            for s in csr.slots(v) {
                if !filter.walkable(graph, s, forward) {
                    continue;
                }
                let u = csr.targets[s] as usize;
                if this.stamp[u] != epoch {
                    this.stamp[u] = epoch;
                    this.dist[u] = dv + 1;
                    this.parent[u] = v;
                    this.parent_slot[u] = s as u32;
                    next.push(u as u32);
                    if other.stamp[u] == epoch {
                        let total = dv + 1 + other.dist[u];
                        best = Some(best.map_or(total, |b| b.min(total)));
                    }
                }
            }
        }
        std::mem::swap(frontier, &mut next);
        scratch.next = next;
        if expand_a {
            depth_a += 1;
        } else {
            depth_b += 1;
        }
        if let Some(distance) = best {
            if distance > max_hops {
                return None;
            }
            let layer = frontier_b.clone();
            return Some(Meeting {
                distance,
                depth_b,
                layer,
            });
        }
    }
    None
}

/// The shortest path from `a` to `b` (fewest hops), or `None` when they are not connected
/// within `max_hops` under the filter.
pub fn shortest_path(
    graph: &Graph,
    scratch: &mut Scratch,
    a: u32,
    b: u32,
    filter: &EdgeFilter,
    max_hops: u32,
) -> Option<Path> {
    let meeting = meet(graph, scratch, a, b, filter, max_hops)?;
    let epoch = scratch.epoch;
    let d = meeting.distance;
    let crossing = meeting.layer.iter().copied().find(|&u| {
        scratch.a.stamp[u as usize] == epoch && scratch.a.dist[u as usize] + meeting.depth_b == d
    })?;
    Some(path_through(scratch, a, crossing, b))
}

/// The path a → `via` by A's parents, then `via` → b by B's.
fn path_through(scratch: &Scratch, a: u32, via: u32, b: u32) -> Path {
    let mut hops = Vec::new();
    let mut v = via;
    while v != a {
        let p = scratch.a.parent[v as usize];
        hops.push(Hop {
            from: p,
            to: v,
            slot: scratch.a.parent_slot[v as usize] as usize,
        });
        v = p;
    }
    hops.reverse();
    let mut v = via;
    while v != b {
        let p = scratch.b.parent[v as usize];
        hops.push(Hop {
            from: v,
            to: p,
            slot: scratch.b.parent_slot[v as usize] as usize,
        });
        v = p;
    }
    Path { start: a, hops }
}

/// Every shortest path from `a` to `b`, up to `cap` of them. The search stops at b's depth
/// and enumerates from the layer where the two searches met, so no dead end is walked.
pub fn all_shortest_paths(
    graph: &Graph,
    scratch: &mut Scratch,
    a: u32,
    b: u32,
    filter: &EdgeFilter,
    limits: Limits,
) -> Paths {
    let Limits { max_hops, cap } = limits;
    let Some(meeting) = meet(graph, scratch, a, b, filter, max_hops) else {
        return Paths {
            paths: Vec::new(),
            truncated: false,
        };
    };
    let epoch = scratch.epoch;
    let d = meeting.distance;
    let position = d - meeting.depth_b;
    let mut paths = Vec::new();
    let mut truncated = false;
    'layer: for &u in &meeting.layer {
        if scratch.a.stamp[u as usize] != epoch || scratch.a.dist[u as usize] != position {
            continue;
        }
        let prefixes = chains(graph, scratch, u, true, filter, cap + 1);
        let suffixes = chains(graph, scratch, u, false, filter, cap + 1);
        for prefix in &prefixes {
            for suffix in &suffixes {
                if paths.len() == cap {
                    truncated = true;
                    break 'layer;
                }
                let mut hops = prefix.clone();
                hops.extend_from_slice(suffix);
                paths.push(Path { start: a, hops });
            }
        }
    }
    Paths { paths, truncated }
}

/// Chains of hops from the start (`towards_a`: from a to `u`) or to the end (from `u` to b),
/// following distances that fall by one at every step.
fn chains(
    graph: &Graph,
    scratch: &Scratch,
    u: u32,
    towards_a: bool,
    filter: &EdgeFilter,
    cap: usize,
) -> Vec<Vec<Hop>> {
    let epoch = scratch.epoch;
    let side = if towards_a { &scratch.a } else { &scratch.b };
    let csr = &graph.csr;
    let mut out = Vec::new();
    let mut stack: Vec<(u32, Vec<Hop>)> = vec![(u, Vec::new())];
    while let Some((v, hops)) = stack.pop() {
        let dv = side.dist[v as usize];
        if dv == 0 {
            let mut hops = hops;
            if towards_a {
                hops.reverse();
            }
            out.push(hops);
            if out.len() >= cap {
                break;
            }
            continue;
        }
        for s in csr.slots(v) {
            // Towards a, walk edges that arrive at v; towards b, edges that leave v.
            if !filter.walkable(graph, s, !towards_a) {
                continue;
            }
            let w = csr.targets[s];
            if side.stamp[w as usize] != epoch || side.dist[w as usize] + 1 != dv {
                continue;
            }
            let mut next = hops.clone();
            next.push(if towards_a {
                Hop {
                    from: w,
                    to: v,
                    slot: s,
                }
            } else {
                Hop {
                    from: v,
                    to: w,
                    slot: s,
                }
            });
            stack.push((w, next));
        }
    }
    out
}

/// Marks, on side B, every node within `hops` of `b` walking backwards: a lower bound on
/// how far each node still is from b, to prune path searches.
fn distances_to(
    graph: &Graph,
    scratch: &mut Scratch,
    b: u32,
    filter: &EdgeFilter,
    hops: u32,
) -> u32 {
    let epoch = scratch.begin();
    let csr = &graph.csr;
    scratch.b.stamp[b as usize] = epoch;
    scratch.b.dist[b as usize] = 0;
    let mut frontier = std::mem::take(&mut scratch.frontier);
    let mut next = std::mem::take(&mut scratch.next);
    frontier.clear();
    frontier.push(b);
    for depth in 1..=hops {
        next.clear();
        for &v in &frontier {
            for s in csr.slots(v) {
                if !filter.walkable(graph, s, false) {
                    continue;
                }
                let u = csr.targets[s] as usize;
                if scratch.b.stamp[u] != epoch {
                    scratch.b.stamp[u] = epoch;
                    scratch.b.dist[u] = depth;
                    next.push(u as u32);
                }
            }
        }
        std::mem::swap(&mut frontier, &mut next);
    }
    scratch.frontier = frontier;
    scratch.next = next;
    epoch
}

/// Every simple path from `a` to `b` of at most `max_hops` hops (i2's "find paths"), up to
/// `cap`, shortest first. With `in_time`, no edge may be earlier than the one before (the
/// legs of one hawala transfer share its date).
pub fn simple_paths(
    graph: &Graph,
    scratch: &mut Scratch,
    a: u32,
    b: u32,
    filter: &EdgeFilter,
    limits: Limits,
    in_time: bool,
) -> Paths {
    let Limits { max_hops, cap } = limits;
    if a == b {
        return Paths {
            paths: vec![Path {
                start: a,
                hops: Vec::new(),
            }],
            truncated: false,
        };
    }
    let mut paths = Vec::new();
    let mut truncated = false;
    if max_hops == 0 {
        return Paths { paths, truncated };
    }
    let epoch = distances_to(graph, scratch, b, filter, max_hops);
    let csr = &graph.csr;
    if scratch.b.stamp[a as usize] != epoch {
        return Paths { paths, truncated };
    }
    // Depth-first with an explicit stack of (node, next slot to try, time of the edge in).
    let mut on_path = std::collections::HashSet::new();
    on_path.insert(a);
    let mut hops: Vec<Hop> = Vec::new();
    let mut stack: Vec<(u32, usize, Option<i64>)> = vec![(a, csr.slots(a).start, None)];
    while let Some(&mut (v, ref mut next_slot, time_in)) = stack.last_mut() {
        let end = csr.slots(v).end;
        let mut advanced = false;
        while *next_slot < end {
            let s = *next_slot;
            *next_slot += 1;
            if !filter.walkable(graph, s, true) {
                continue;
            }
            let u = csr.targets[s];
            let left = max_hops - hops.len() as u32 - 1;
            if on_path.contains(&u)
                || scratch.b.stamp[u as usize] != epoch
                || scratch.b.dist[u as usize] > left
            {
                continue;
            }
            let time = if in_time {
                match graph.edge_at(s).and_then(|(_, e)| e.time) {
                    Some(t) if time_in.is_none_or(|before| t >= before) => Some(t),
                    _ => continue,
                }
            } else {
                None
            };
            hops.push(Hop {
                from: v,
                to: u,
                slot: s,
            });
            if u == b {
                if paths.len() == cap {
                    truncated = true;
                    break;
                }
                paths.push(Path {
                    start: a,
                    hops: hops.clone(),
                });
                hops.pop();
                continue;
            }
            on_path.insert(u);
            stack.push((u, csr.slots(u).start, time));
            advanced = true;
            break;
        }
        if truncated {
            break;
        }
        if !advanced {
            stack.pop();
            if let Some(hop) = hops.pop() {
                on_path.remove(&hop.to);
            }
        }
    }
    paths.sort_by_key(|p| p.hops.len());
    Paths { paths, truncated }
}

/// The size of each seed's neighbourhood within `hops`, the seeds shared between threads
/// (each with its own marks): what a batch of context queries costs.
pub fn neighbourhood_sizes(
    graph: &Graph,
    seeds: &[u32],
    filter: &EdgeFilter,
    hops: u32,
) -> Vec<usize> {
    use rayon::prelude::*;
    seeds
        .par_iter()
        .map_init(
            || Scratch::new(graph),
            |scratch, &seed| {
                neighbourhood(graph, scratch, &[seed], filter, hops, usize::MAX)
                    .nodes
                    .len()
            },
        )
        .collect()
}

#[derive(Debug, Clone)]
pub struct Neighbourhood {
    /// Nodes with their distance from the nearest seed, seeds first.
    pub nodes: Vec<(u32, u32)>,
    pub truncated: bool,
}

/// The nodes within `hops` of the seeds, breadth-first, stopping at `cap` nodes.
pub fn neighbourhood(
    graph: &Graph,
    scratch: &mut Scratch,
    seeds: &[u32],
    filter: &EdgeFilter,
    hops: u32,
    cap: usize,
) -> Neighbourhood {
    let epoch = scratch.begin();
    let csr = &graph.csr;
    let mut nodes = Vec::new();
    for &s in seeds {
        if scratch.a.stamp[s as usize] != epoch {
            scratch.a.stamp[s as usize] = epoch;
            nodes.push((s, 0));
        }
    }
    let mut head = 0;
    let mut truncated = false;
    // Without a filter every slot is walked: no per-edge checks in the inner loop.
    let open = filter.is_open(graph);
    while head < nodes.len() {
        let (v, depth) = nodes[head];
        head += 1;
        if depth == hops {
            continue;
        }
        for s in csr.slots(v) {
            if !open && !filter.walkable(graph, s, true) {
                continue;
            }
            let u = csr.targets[s] as usize;
            if scratch.a.stamp[u] != epoch {
                if nodes.len() >= cap {
                    truncated = true;
                    return Neighbourhood { nodes, truncated };
                }
                scratch.a.stamp[u] = epoch;
                nodes.push((u as u32, depth + 1));
            }
        }
    }
    Neighbourhood { nodes, truncated }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{BuildOptions, EdgeData, GraphBuilder};
    use crate::testing::graph_of;

    fn names(g: &Graph, p: &Path) -> Vec<String> {
        p.nodes().iter().map(|&v| g.name(v).to_string()).collect()
    }

    #[test]
    fn shortest_and_all_shortest_paths() {
        // A diamond a-{b,c}-d, then d-e, and a long detour a-x-y-z-e.
        let g = graph_of(&[
            ("a", "b"),
            ("a", "c"),
            ("b", "d"),
            ("c", "d"),
            ("d", "e"),
            ("a", "x"),
            ("x", "y"),
            ("y", "z"),
            ("z", "e"),
        ]);
        let mut scratch = Scratch::new(&g);
        let id = |k: &str| g.node(k).unwrap();
        let f = EdgeFilter::default();
        let p = shortest_path(&g, &mut scratch, id("a"), id("e"), &f, 10).unwrap();
        assert_eq!(p.hops.len(), 3);
        let all = all_shortest_paths(
            &g,
            &mut scratch,
            id("a"),
            id("e"),
            &f,
            Limits {
                max_hops: 10,
                cap: 10,
            },
        );
        let mut found: Vec<Vec<String>> = all.paths.iter().map(|p| names(&g, p)).collect();
        found.sort();
        assert_eq!(
            found,
            vec![vec!["a", "b", "d", "e"], vec!["a", "c", "d", "e"]]
        );
        assert!(!all.truncated);
        let capped = all_shortest_paths(
            &g,
            &mut scratch,
            id("a"),
            id("e"),
            &f,
            Limits {
                max_hops: 10,
                cap: 1,
            },
        );
        assert!(capped.truncated && capped.paths.len() == 1);
        // Too few hops allowed: nothing.
        assert!(shortest_path(&g, &mut scratch, id("a"), id("e"), &f, 2).is_none());
        // Simple paths up to 4 hops: the two shortest and the detour.
        let simple = simple_paths(
            &g,
            &mut scratch,
            id("a"),
            id("e"),
            &f,
            Limits {
                max_hops: 4,
                cap: 10,
            },
            false,
        );
        assert_eq!(simple.paths.len(), 3);
        assert_eq!(simple.paths[2].hops.len(), 4);
        // Every hop walks a real edge.
        for p in &simple.paths {
            for h in &p.hops {
                let t = g.csr.targets[h.slot];
                assert!(t == h.to || t == h.from);
            }
        }
    }

    #[test]
    fn unconnected_and_same_node() {
        let g = graph_of(&[("a", "b"), ("c", "d")]);
        let mut scratch = Scratch::new(&g);
        let id = |k: &str| g.node(k).unwrap();
        assert!(
            shortest_path(
                &g,
                &mut scratch,
                id("a"),
                id("d"),
                &EdgeFilter::default(),
                10
            )
            .is_none()
        );
        assert_eq!(
            shortest_path(
                &g,
                &mut scratch,
                id("a"),
                id("a"),
                &EdgeFilter::default(),
                10
            )
            .unwrap()
            .hops
            .len(),
            0
        );
        assert!(
            all_shortest_paths(
                &g,
                &mut scratch,
                id("a"),
                id("d"),
                &EdgeFilter::default(),
                Limits {
                    max_hops: 10,
                    cap: 5
                }
            )
            .paths
            .is_empty()
        );
    }

    #[test]
    fn time_respecting_paths_and_filters() {
        // Money: acc1 -> broker1 (day 1), broker1 -> broker2 (day 3), broker2 -> acc9 (day 2):
        // acc9 cannot have received acc1's money that way; a later transfer on day 5 can.
        let mut b = GraphBuilder::new(BuildOptions {
            directed: true,
            keep_edges: true,
        });
        let transfer = b.kind("transfer").unwrap();
        let call = b.kind("call").unwrap();
        let day = 86_400;
        let add = |b: &mut GraphBuilder, s: &str, t: &str, kind: u16, d: i64| {
            let (s, t) = (b.node(s).unwrap(), b.node(t).unwrap());
            b.edge(
                s,
                t,
                EdgeData {
                    weight: 1.0,
                    kind,
                    time: Some(d * day),
                },
            )
            .unwrap();
        };
        add(&mut b, "acc1", "broker1", transfer, 1);
        add(&mut b, "broker1", "broker2", transfer, 3);
        add(&mut b, "broker2", "acc9", transfer, 2);
        add(&mut b, "acc1", "acc9", call, 4);
        let (g, _) = b.build();
        let id = |k: &str| g.node(k).unwrap();
        let mut scratch = Scratch::new(&g);
        let money = EdgeFilter {
            kinds: vec![transfer],
            follow_direction: true,
            ..Default::default()
        };
        let timed = simple_paths(
            &g,
            &mut scratch,
            id("acc1"),
            id("acc9"),
            &money,
            Limits {
                max_hops: 5,
                cap: 10,
            },
            true,
        );
        assert!(timed.paths.is_empty());
        let untimed = simple_paths(
            &g,
            &mut scratch,
            id("acc1"),
            id("acc9"),
            &money,
            Limits {
                max_hops: 5,
                cap: 10,
            },
            false,
        );
        assert_eq!(untimed.paths.len(), 1);
        // Against the arrows there is no money path.
        assert!(shortest_path(&g, &mut scratch, id("acc9"), id("acc1"), &money, 5).is_none());
        // Calls only: the direct call.
        let calls = EdgeFilter {
            kinds: vec![call],
            ..Default::default()
        };
        assert_eq!(
            shortest_path(&g, &mut scratch, id("acc1"), id("acc9"), &calls, 5)
                .unwrap()
                .hops
                .len(),
            1
        );
        // A time window that excludes day 3 cuts the chain.
        let window = EdgeFilter {
            until: Some(2 * day + 1),
            ..money.clone()
        };
        assert!(shortest_path(&g, &mut scratch, id("acc1"), id("acc9"), &window, 5).is_none());
    }

    #[test]
    fn neighbourhood_by_depth_with_a_cap() {
        let g = graph_of(&[("s", "a"), ("a", "b"), ("b", "c"), ("s", "d")]);
        let mut scratch = Scratch::new(&g);
        let id = |k: &str| g.node(k).unwrap();
        let n2 = neighbourhood(&g, &mut scratch, &[id("s")], &EdgeFilter::default(), 2, 100);
        let mut got: Vec<(String, u32)> = n2
            .nodes
            .iter()
            .map(|&(v, d)| (g.name(v).to_string(), d))
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                ("a".into(), 1),
                ("b".into(), 2),
                ("d".into(), 1),
                ("s".into(), 0)
            ]
        );
        let capped = neighbourhood(&g, &mut scratch, &[id("s")], &EdgeFilter::default(), 3, 2);
        assert!(capped.truncated && capped.nodes.len() == 2);
    }
}
