//! Formats at Corridor's edge: what comes in from files and what goes out to them.
//!
//! - [`mapping`]: CSV mapping files (columns → entity types and properties, ids from keys), in
//!   the spirit of FollowTheMoney mappings;
//! - [`csv_import`]: streaming CSV import through a mapping;
//! - [`ftm`]: FollowTheMoney entity JSON lines, in and out, round-trip safe;
//! - [`csv_export`]: statements as CSV.
//!
//! Every importer streams (memory does not grow with the file, only with the number of distinct
//! entity references to check), writes through one store transaction (all or nothing), and
//! reports errors by file, line, column and rule. With a reject file, bad rows are set aside
//! with their reason and the rest is imported.

pub mod csv_export;
pub mod csv_import;
mod error;
pub mod ftm;
pub mod mapping;
mod options;

pub use error::{ImportError, Location};
pub use options::{BeforeCommit, ImportOptions, ImportReport, Progress, RejectSink};

#[cfg(test)]
mod tests;
