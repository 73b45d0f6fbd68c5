//! Research data, pure: no storage, no HTTP.
//!
//! - `incident`: an incident of death or disappearance during migration, with every count
//!   kept as given — a blank is unknown, never zero;
//! - `mmp`: the Missing Migrants Project's files in each of their shapes (IOM's cleaned
//!   extract, the older 19-column export, the official 25-column download and its older
//!   spellings), recognised by their header, every bad row named by line and column;
//! - `detections`: counts by route, nationality and month (Frontex detections, Darién
//!   crossings);
//! - `places` and `routes`: the public code lists values are normalised to (ISO 3166 through
//!   the model, UN country names, the sources' own route names as data);
//! - `summary`: incidents and dead and missing by year, route, month, cause or region;
//! - `fees`: what smugglers are paid by route, leg or service — median, quartiles, trend;
//! - `modus`: how migrants are smuggled — modus-operandi frequencies by route or leg;
//! - `geo` and `report`: the bundled land, and a static HTML report drawn on it.

pub mod detections;
pub mod fees;
pub mod geo;
pub mod incident;
pub mod mmp;
pub mod modus;
pub mod places;
pub mod report;
pub mod routes;
pub mod summary;

pub use incident::Incident;

/// What went wrong reading a file: the file, the line (1 is the header) and the column.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ResearchError {
    #[error("{0}")]
    Invalid(String),
}

pub(crate) fn invalid(
    file: &str,
    line: usize,
    column: &str,
    message: impl std::fmt::Display,
) -> ResearchError {
    ResearchError::Invalid(format!("{file}: line {line}: {column}: {message}"))
}
