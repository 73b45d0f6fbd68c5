//! Network analysis for investigators: who is connected to whom, through what, and who holds a
//! network together.
//!
//! The engine is a library that knows nothing of the store or HTTP. A graph is built once
//! ([`GraphBuilder`]: node keys interned to dense ids, edges counted into a compressed sparse
//! row layout stored at both ends) and then only read, so every query and algorithm can share
//! it between threads. Algorithms are written for that layout rather than taken from a
//! general graph crate: at a million nodes, cache misses and allocations decide the time, and
//! no permissively licensed crate offers Leiden, sampled betweenness and PageRank on one.
//!
//! Every result is reproducible: randomness comes from a seed ([`rng`]), and parallel sums are
//! added in a fixed order.

pub mod centrality;
pub mod components;
pub mod edgelist;
pub mod generate;
pub mod graph;
pub mod leiden;
pub mod paths;
pub mod quality;
pub mod rng;
#[cfg(test)]
mod testing;

pub use centrality::{
    Betweenness, BetweennessOptions, DegreeMode, PageRank, PageRankOptions, betweenness, degree,
    pagerank,
};
pub use components::{Components, connected_components};
pub use edgelist::{EdgeListOptions, EdgeListReport, read_edge_list};
pub use graph::{BuildOptions, BuildReport, EdgeData, Graph, GraphBuilder};
pub use leiden::{Communities, LeidenOptions, Objective, leiden, leiden_sized};
pub use paths::{EdgeFilter, Hop, Path, Paths, Scratch};

#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    #[error("too many {0} for one graph")]
    TooLarge(&'static str),
    #[error("edge weight {0} is not a finite number of zero or more")]
    BadWeight(f32),
    #[error("{file}, line {line}, column {column}: {message}")]
    Input {
        file: String,
        line: u64,
        column: String,
        message: String,
    },
    #[error("{file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
}
