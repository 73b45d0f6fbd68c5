//! Statistical disclosure control for research releases, written here because it is the
//! product: what leaves the node must expose no one.
//!
//! - `spec`: every column of a dataset classified (direct identifier, quasi-identifier with its
//!   hierarchy, sensitive, free text, technical); a release fails closed on a column that is
//!   not, and direct identifiers, free text and technical columns never leave;
//! - `hierarchy`: how a quasi-identifier is generalised, level by level — ages to bands, dates
//!   to month, quarter and year, countries to UN M49 sub-regions and regions (from the CLDR's
//!   public list, never from the data), coordinates to coarser grids, categories to `*`;
//! - `kanon`: k-anonymous microdata with l-diversity: the generalisation that loses least
//!   information among those that suppress no more than allowed, the person (not the row) as
//!   the unit;
//! - `cells`: tables with primary and secondary (complementary) cell suppression;
//! - `dp`: differentially private counts, sums, histograms and quantiles with secure
//!   randomness and a 95% interval on every number, and a privacy-budget `ledger`;
//! - `synth`: synthetic microdata from a noisy tree of marginals, ε-differentially private,
//!   with how closely the records keep the published marginals.

pub mod cells;
pub mod dp;
pub mod hierarchy;
pub mod kanon;
pub mod ledger;
pub mod spec;
pub mod synth;
pub mod synth_spec;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SdcError {
    /// A specification or input that cannot be released, with why.
    #[error("{0}")]
    Invalid(String),
    /// A query the privacy budget does not allow.
    #[error("{0}")]
    Budget(String),
}
