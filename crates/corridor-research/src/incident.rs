//! An incident of death or disappearance during migration, as the Missing Migrants Project
//! records it, whatever the shape of the file it came in.

use serde::Serialize;

/// A count as the source gave it: `None` when the cell was blank (unknown), never a zero.
pub type Count = Option<u32>;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Incident {
    /// The source's id when it has one (the official file's Main ID), otherwise the file's
    /// name and line: stable for one file.
    pub source_id: String,
    /// Which shape it came in: `iom-cleaned`, `kaggle-19`, `official`.
    pub shape: &'static str,
    /// `YYYY-MM-DD` when the day is known, else `YYYY-MM`.
    pub date: String,
    pub year: i32,
    pub month: u8,
    /// incident, split incident, cumulative incident (one or more).
    pub kinds: Vec<String>,
    /// The route's code (routes.yaml), and the name as the source wrote it.
    pub route: Option<&'static str>,
    pub route_name: String,
    /// ISO 3166-1 alpha-2 of the country of the incident, when given.
    pub country: Option<String>,
    pub region_of_incident: String,
    pub dead: Count,
    pub missing: Count,
    pub dead_and_missing: Count,
    pub survivors: Count,
    pub females: Count,
    pub males: Count,
    pub children: Count,
    /// The causes, each one of the project's categories.
    pub causes: Vec<String>,
    /// Countries of origin (ISO alpha-2); `origin_unknown` when the source says unknown or
    /// mixed.
    pub origins: Vec<String>,
    pub origin_unknown: bool,
    /// Latitude, longitude.
    pub point: Option<(f64, f64)>,
    pub location: String,
    pub source: String,
    pub url: String,
    pub source_quality: Option<u8>,
}

impl Incident {
    /// Dead and missing: the total the source gives, or dead plus missing when it gives those.
    pub fn dead_and_missing(&self) -> Option<u32> {
        self.dead_and_missing.or(match (self.dead, self.missing) {
            (None, None) => None,
            (d, m) => Some(d.unwrap_or(0) + m.unwrap_or(0)),
        })
    }
}
