//! Small graphs for tests, by node name.

use crate::graph::{BuildOptions, EdgeData, Graph, GraphBuilder};

fn build(edges: &[(&str, &str)], directed: bool) -> Graph {
    let mut b = GraphBuilder::new(BuildOptions {
        directed,
        keep_edges: false,
    });
    for &(s, t) in edges {
        let (s, t) = (b.node(s).unwrap(), b.node(t).unwrap());
        b.edge(s, t, EdgeData::default()).unwrap();
    }
    b.build().0
}

pub fn graph_of(edges: &[(&str, &str)]) -> Graph {
    build(edges, false)
}

pub fn directed_graph_of(edges: &[(&str, &str)]) -> Graph {
    build(edges, true)
}
