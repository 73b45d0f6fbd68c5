//! Clusters that do not chain. Splink cuts connected components at one threshold, so at a
//! million records a few false links join thousands of people (its cluster precision fell to
//! 0.03). Here clusters grow by average linkage: two clusters merge only when the average
//! evidence over all their cross pairs clears the match threshold, a pair never compared
//! counting as mild evidence against. Pairs an analyst judged different are never in one
//! cluster; pairs judged the same always are.

use std::collections::HashMap;

/// Evidence between two records, in bits.
pub struct Edge {
    pub a: u32,
    pub b: u32,
    pub bits: f64,
}

pub struct Constraints<'a> {
    pub same: &'a [(u32, u32)],
    pub different: &'a [(u32, u32)],
}

/// A cluster id per record (the smallest record index in the cluster).
/// How clusters grow: a link of at least `link_bits` proposes a merge, which happens when the
/// average evidence over all cross pairs is at least `average_bits`, a pair never compared
/// counting `unscored_bits`.
#[derive(Clone, Copy, Debug)]
pub struct Linkage {
    pub link_bits: f64,
    pub average_bits: f64,
    pub unscored_bits: f64,
}

pub fn cluster(
    n: usize,
    edges: Vec<Edge>,
    linkage: Linkage,
    constraints: &Constraints<'_>,
) -> Vec<u32> {
    cluster_with(n, edges, linkage, constraints, None)
}

/// Cross pairs scored, at most, to check a merge whose clusters have pairs never compared.
const MISSING_SAMPLE: usize = 4;
/// Merges into clusters smaller than this are not checked (their few missing pairs cannot
/// chain much).
const CHECK_FROM_SIZE: u64 = 4;

/// [`cluster`], with a way to score pairs blocking never compared. A merge that clears the
/// average with each such pair counted as `unscored_bits` is checked once more with a sample of
/// the cross pairs actually scored: two namesakes with different birth dates and passports,
/// each linked to one sparse record ("Ayesha Khan", Pakistani, nothing else), were never
/// compared with each other when their common name made a generic block — the sample sees
/// that they disagree, and the sparse record does not join them.
pub fn cluster_with(
    n: usize,
    mut edges: Vec<Edge>,
    linkage: Linkage,
    constraints: &Constraints<'_>,
    mut score: Option<&mut dyn FnMut(u32, u32) -> f64>,
) -> Vec<u32> {
    let threshold_bits = linkage.link_bits;
    let unscored_bits = linkage.unscored_bits;
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut size: Vec<u64> = vec![1; n];
    // Per cluster root: its records (kept only when pairs can be scored).
    let mut members: Vec<Vec<u32>> = if score.is_some() {
        (0..n as u32).map(|i| vec![i]).collect()
    } else {
        Vec::new()
    };
    // Per cluster root: other root → (sum of known bits, number of known pairs). Twelve bytes
    // an entry: at a million records there are tens of millions; a sum in single precision
    // is far finer than any threshold it is compared with.
    let mut links: Vec<crate::FastMap<u32, (f32, u32)>> = vec![crate::FastMap::default(); n];
    // Per cluster root: roots it must never join.
    let mut apart: Vec<Vec<u32>> = vec![Vec::new(); n];
    for &(a, b) in constraints.different {
        apart[a as usize].push(b);
        apart[b as usize].push(a);
    }
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    for e in &edges {
        let (a, b) = (e.a as usize, e.b as usize);
        let entry = links[a].entry(e.b).or_insert((0.0, 0));
        entry.0 += e.bits as f32;
        entry.1 += 1;
        let entry = links[b].entry(e.a).or_insert((0.0, 0));
        entry.0 += e.bits as f32;
        entry.1 += 1;
    }
    // Judged-same pairs first, then the strongest evidence first.
    let forced: Vec<Edge> = constraints
        .same
        .iter()
        .map(|&(a, b)| Edge {
            a,
            b,
            bits: f64::INFINITY,
        })
        .collect();
    edges.sort_by(|x, y| y.bits.total_cmp(&x.bits));
    for e in forced.iter().chain(edges.iter()) {
        if e.bits < threshold_bits {
            break;
        }
        let ra = find(&mut parent, e.a);
        let rb = find(&mut parent, e.b);
        if ra == rb {
            continue;
        }
        let others = apart[ra as usize].clone();
        let blocked = others.iter().any(|x| find(&mut parent, *x) == rb);
        if blocked {
            continue;
        }
        if e.bits.is_finite() {
            let (sum, known) = links[ra as usize].get(&rb).copied().unwrap_or((0.0, 0));
            let (sum, known) = (f64::from(sum), u64::from(known));
            let pairs = size[ra as usize] * size[rb as usize];
            let missing = pairs - known;
            let average = (sum + missing as f64 * unscored_bits) / pairs as f64;
            if average < linkage.average_bits {
                continue;
            }
            let merged = size[ra as usize] + size[rb as usize];
            if let Some(score) = score
                .as_mut()
                .filter(|_| missing > 0 && merged >= CHECK_FROM_SIZE)
            {
                let (xs, ys) = (&members[ra as usize], &members[rb as usize]);
                let take = (pairs as usize).min(MISSING_SAMPLE);
                let mut total = 0.0;
                for k in 0..take {
                    let x = xs[(k * 7919) % xs.len()];
                    let y = ys[(k * 104_729 + k / xs.len()) % ys.len()];
                    total += score(x, y);
                }
                let checked = (sum + total / take as f64 * missing as f64) / pairs as f64;
                if checked < linkage.average_bits {
                    continue;
                }
            }
        }
        // Merge the smaller into the larger, carrying its evidence and its constraints.
        let (big, small) = if size[ra as usize] >= size[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        parent[small as usize] = big;
        size[big as usize] += size[small as usize];
        if !members.is_empty() {
            let moved = std::mem::take(&mut members[small as usize]);
            members[big as usize].extend(moved);
        }
        let moved = std::mem::take(&mut links[small as usize]);
        for (other, (sum, known)) in moved {
            if other == big {
                continue;
            }
            let e = links[big as usize].entry(other).or_insert((0.0, 0));
            e.0 += sum;
            e.1 += known;
            let back = links[other as usize].remove(&small).unwrap_or((0.0, 0));
            let e = links[other as usize].entry(big).or_insert((0.0, 0));
            e.0 += back.0;
            e.1 += back.1;
        }
        links[big as usize].remove(&small);
        let moved_apart = std::mem::take(&mut apart[small as usize]);
        apart[big as usize].extend(moved_apart);
    }
    let mut root_min: HashMap<u32, u32> = HashMap::new();
    let roots: Vec<u32> = (0..n as u32).map(|i| find(&mut parent, i)).collect();
    for (i, r) in roots.iter().enumerate() {
        root_min.entry(*r).or_insert(i as u32);
    }
    roots.iter().map(|r| root_min[r]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(a: u32, b: u32, bits: f64) -> Edge {
        Edge { a, b, bits }
    }

    const NONE: Constraints<'static> = Constraints {
        same: &[],
        different: &[],
    };
    const LINKAGE: Linkage = Linkage {
        link_bits: 3.0,
        average_bits: 3.0,
        unscored_bits: -3.0,
    };

    #[test]
    fn a_chain_of_single_links_does_not_make_one_cluster() {
        // 0-1-2-3-4 each linked only to the next: connected components would join all five.
        let edges = (0..4).map(|i| edge(i, i + 1, 8.0)).collect();
        let ids = cluster(5, edges, LINKAGE, &NONE);
        let distinct: std::collections::HashSet<u32> = ids.iter().copied().collect();
        assert!(distinct.len() >= 2, "{ids:?}");
    }

    #[test]
    fn a_well_connected_group_is_one_cluster() {
        let mut edges = Vec::new();
        for a in 0..4 {
            for b in a + 1..4 {
                edges.push(edge(a, b, 10.0));
            }
        }
        edges.push(edge(3, 4, 4.0)); // a weak outsider
        let ids = cluster(5, edges, LINKAGE, &NONE);
        assert_eq!(&ids[..4], &[0, 0, 0, 0]);
        assert_eq!(ids[4], 4);
    }

    #[test]
    fn judgements_override_the_evidence() {
        let edges = vec![edge(0, 1, 20.0), edge(1, 2, 20.0), edge(0, 2, 20.0)];
        let different = [(0u32, 2u32)];
        let ids = cluster(
            3,
            edges,
            LINKAGE,
            &Constraints {
                same: &[],
                different: &different,
            },
        );
        assert_ne!(ids[0], ids[2], "judged different: {ids:?}");
        let same = [(3u32, 4u32)];
        let ids = cluster(
            5,
            vec![],
            LINKAGE,
            &Constraints {
                same: &same,
                different: &[],
            },
        );
        assert_eq!(ids[3], ids[4]);
    }
}
