//! Connected components by union-find over the edges (weakly connected for a directed graph):
//! one pass, no recursion, no queue.

use crate::graph::Csr;

#[derive(Debug, Clone)]
pub struct Components {
    /// Component of each node, numbered by size, largest first (ties by smallest node).
    pub membership: Vec<u32>,
    pub sizes: Vec<u32>,
}

pub fn connected_components(csr: &Csr) -> Components {
    let n = csr.node_count();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            let p = parent[x as usize];
            parent[x as usize] = parent[p as usize];
            x = p;
        }
        x
    }
    for v in 0..n as u32 {
        for &u in csr.neighbours(v) {
            if u < v {
                continue; // each edge is stored at both ends
            }
            let (a, b) = (find(&mut parent, v), find(&mut parent, u));
            if a != b {
                // Union towards the smaller root, so the result does not depend on luck.
                let (lo, hi) = if a < b { (a, b) } else { (b, a) };
                parent[hi as usize] = lo;
            }
        }
    }
    let mut root_size = vec![0u32; n];
    let mut roots = vec![0u32; n];
    for v in 0..n as u32 {
        let r = find(&mut parent, v);
        roots[v as usize] = r;
        root_size[r as usize] += 1;
    }
    let mut order: Vec<u32> = (0..n as u32).filter(|&v| roots[v as usize] == v).collect();
    order.sort_by_key(|&r| (std::cmp::Reverse(root_size[r as usize]), r));
    let mut number = vec![0u32; n];
    let mut sizes = Vec::with_capacity(order.len());
    for (i, &r) in order.iter().enumerate() {
        number[r as usize] = i as u32;
        sizes.push(root_size[r as usize]);
    }
    let membership = roots.iter().map(|&r| number[r as usize]).collect();
    Components { membership, sizes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::graph_of;

    #[test]
    fn components_are_numbered_by_size() {
        let g = graph_of(&[("a", "b"), ("b", "c"), ("d", "e"), ("f", "f")]);
        let c = connected_components(&g.csr);
        // f's self-loop is dropped, so f stands alone.
        assert_eq!(c.sizes, vec![3, 2, 1]);
        let of = |k: &str| c.membership[g.node(k).unwrap() as usize];
        assert_eq!(
            (of("a"), of("c"), of("d"), of("e"), of("f")),
            (0, 0, 1, 1, 2)
        );
    }
}
