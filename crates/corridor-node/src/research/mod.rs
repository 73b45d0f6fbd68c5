//! Research data in the node: incidents of death and disappearance (the Missing Migrants
//! Project's files, and incidents the node records itself) and the counts agencies publish,
//! stored as statements like any other fact — purpose `research` — and summarised by year,
//! route or month for whoever may see them.

mod dp_stats;
mod release;
mod report;
mod smuggling;
mod synthetic;

use std::sync::Arc;

use corridor_model::entity::live_statements;
use corridor_model::{
    HandlingCode, InformationGrade, Provenance, Purpose, SourceReliability, Statement,
};
use corridor_policy::{Action, Subject};
use corridor_research::incident::Incident;
use corridor_research::summary::{By, RouteYear, Row, route_years, summarise};
use corridor_research::{detections, mmp};
use serde::{Deserialize, Serialize};

use crate::views::Gate;
use crate::{Node, NodeError, now};

pub use dp_stats::DpStatistic;
pub use release::{DEFAULT_BUDGET, DpAnswer, DpRow, Manifest, PROTECTION_RELEASE, Release};
pub use report::{GRID_DEGREES, ReportRelease};
pub use smuggling::MIN_FEE_PAYMENTS;
pub use synthetic::{PROTECTION_SYNTHETIC, SyntheticRelease};

pub const INCIDENT: &str = "MissingMigrantIncident";
pub const DETECTION: &str = "DetectionCount";
/// The largest file an import reads.
pub const MAX_RESEARCH_FILE_BYTES: usize = 64 * 1024 * 1024;

/// What an import did.
#[derive(Clone, Debug, Serialize)]
pub struct ResearchImport {
    pub file: String,
    /// The shape or format recognised.
    pub shape: String,
    pub records: usize,
    pub statements_written: u64,
    pub statements_already_present: u64,
    pub caveats: Vec<String>,
}

fn label(dataset: &str, by: &str) -> Arc<Provenance> {
    Arc::new(Provenance {
        dataset: dataset.to_string(),
        recorded_by: by.to_string(),
        recorded_at: now(),
        handling: HandlingCode::Public,
        purpose: Purpose::Research,
        reliability: SourceReliability::B,
        grade: InformationGrade::KnownToSource,
    })
}

impl Node {
    /// Imports a research file: `mmp` (any of its shapes, told apart by the header), or
    /// `detections` (Frontex's or the Darién's counts). All or nothing; a re-import of the same
    /// file writes nothing twice.
    pub fn import_research(
        &self,
        subject: &Subject,
        format: &str,
        file: &str,
        bytes: &[u8],
    ) -> Result<ResearchImport, NodeError> {
        self.require(subject, Action::Write)?;
        if bytes.len() > MAX_RESEARCH_FILE_BYTES {
            return Err(NodeError::Invalid(format!(
                "{file}: larger than {MAX_RESEARCH_FILE_BYTES} bytes"
            )));
        }
        let invalid = |e: corridor_research::ResearchError| NodeError::Invalid(e.to_string());
        let (shape, statements, records, caveats) = match format {
            "mmp" => {
                let parsed = mmp::parse(file, bytes).map_err(invalid)?;
                let provenance = label(&format!("mmp-{}", parsed.shape), &subject.username);
                let mut out = Vec::new();
                for incident in &parsed.incidents {
                    out.extend(self.incident_statements(incident, &provenance)?);
                }
                (
                    parsed.shape.to_string(),
                    out,
                    parsed.incidents.len(),
                    parsed.caveats,
                )
            }
            "detections" | "frontex" | "darien" => {
                let parsed = detections::parse(file, bytes).map_err(invalid)?;
                let provenance = label(&format!("{}-counts", parsed.format), &subject.username);
                let mut out = Vec::new();
                for d in &parsed.detections {
                    let key = [
                        d.source,
                        d.route,
                        d.kind.as_deref().unwrap_or(""),
                        d.nationality.as_deref().unwrap_or(""),
                        d.group.as_deref().unwrap_or(""),
                        &d.month,
                    ];
                    let id = corridor_model::id::make_id(Some("count"), &key);
                    let mut put = |prop: &str, value: &str| -> Result<(), NodeError> {
                        if !value.is_empty() {
                            let v = self.clean(DETECTION, prop, value, prop)?;
                            out.push(Statement::assert(
                                &id,
                                DETECTION,
                                prop,
                                v,
                                None,
                                provenance.clone(),
                            ));
                        }
                        Ok(())
                    };
                    put("source", d.source)?;
                    put("routeCode", d.route)?;
                    put("crossingKind", d.kind.as_deref().unwrap_or(""))?;
                    put("nationality", d.nationality.as_deref().unwrap_or(""))?;
                    put("group", d.group.as_deref().unwrap_or(""))?;
                    put("month", &d.month)?;
                    put("count", &d.count.to_string())?;
                }
                (
                    parsed.format.to_string(),
                    out,
                    parsed.detections.len(),
                    vec!["counts of events (detections, transits), not of persons".into()],
                )
            }
            other => {
                return Err(NodeError::Invalid(format!(
                    "format: {other:?} is not one of mmp, detections"
                )));
            }
        };
        let mut store = self.store();
        let mut tx = store.begin()?;
        tx.write(&statements)?;
        let summary = tx.commit()?;
        self.audit(
            &mut **store,
            &subject.username,
            "import research",
            file,
            None,
            &format!(
                "allowed: {shape}, {records} records, {} statements new",
                summary.inserted
            ),
        )?;
        Ok(ResearchImport {
            file: file.to_string(),
            shape,
            records,
            statements_written: summary.inserted,
            statements_already_present: summary.already_present,
            caveats,
        })
    }

    /// An incident as statements, its id derived from its source and id there.
    fn incident_statements(
        &self,
        i: &Incident,
        provenance: &Arc<Provenance>,
    ) -> Result<Vec<Statement>, NodeError> {
        let id = corridor_model::id::make_id(Some("mmp"), &[i.shape, &i.source_id]);
        let mut out = Vec::new();
        let mut put = |prop: &str, value: &str| -> Result<(), NodeError> {
            if value.trim().is_empty() {
                return Ok(());
            }
            let v = self
                .clean(INCIDENT, prop, value, prop)
                .map_err(|e| NodeError::Invalid(format!("{}: {e}", i.source_id)))?;
            let original = (v != value).then(|| value.to_string());
            out.push(Statement::assert(
                &id,
                INCIDENT,
                prop,
                v,
                original,
                provenance.clone(),
            ));
            Ok(())
        };
        let location = plain(&i.location);
        let place: String = location.chars().take(120).collect();
        let name = if place.is_empty() {
            format!(
                "{} {}",
                i.kinds.first().map_or("Incident", String::as_str),
                i.date
            )
        } else {
            format!(
                "{} {}, {place}",
                i.kinds.first().map_or("Incident", String::as_str),
                i.date
            )
        };
        put("name", &name)?;
        put("date", &i.date)?;
        if i.shape == "official" {
            put("mmpId", i.source_id.trim_start_matches("mmp-"))?;
        }
        for k in &i.kinds {
            put("incidentType", k)?;
        }
        put("migrationRoute", &i.route_name)?;
        put("routeCode", i.route.unwrap_or(""))?;
        put("country", i.country.as_deref().unwrap_or(""))?;
        put("regionOfIncident", &i.region_of_incident)?;
        let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        put("dead", &number(i.dead))?;
        put("missing", &number(i.missing))?;
        put("deadAndMissing", &number(i.dead_and_missing))?;
        put("survivors", &number(i.survivors))?;
        put("females", &number(i.females))?;
        put("males", &number(i.males))?;
        put("children", &number(i.children))?;
        for c in &i.causes {
            put("cause", c)?;
        }
        for o in &i.origins {
            put("countryOfOrigin", o)?;
        }
        if i.origin_unknown {
            put("originUnknown", "yes")?;
        }
        if let Some((lat, lon)) = i.point {
            put("point", &format!("{lat},{lon}"))?;
        }
        put("description", &location)?;
        put("informationSource", &i.source)?;
        put("url", &i.url)?;
        put(
            "sourceQuality",
            &i.source_quality.map(|q| q.to_string()).unwrap_or_default(),
        )?;
        Ok(out)
    }

    /// Every incident the caller may count (of one dataset, `mmp-iom-cleaned` say, when
    /// given), read back from the store.
    pub fn incidents(
        &self,
        subject: &Subject,
        dataset: Option<&str>,
    ) -> Result<Vec<Incident>, NodeError> {
        self.require(subject, Action::Statistics)?;
        let mut store = self.store();
        let mut gate = Gate::new(&self.policy, subject, Action::Statistics);
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let ids = store.entities_of_schema(INCIDENT, after.as_deref(), 2000)?;
            let Some(last) = ids.last().cloned() else {
                break;
            };
            for id in ids {
                let statements = store.entity_statements(&id)?;
                let live: Vec<&Statement> = live_statements(&statements)
                    .into_iter()
                    .filter(|s| gate.allows(s))
                    .filter(|s| dataset.is_none_or(|d| s.provenance.dataset == d))
                    .collect();
                if let Some(i) = incident_of(&id, &live) {
                    out.push(i);
                }
            }
            after = Some(last);
        }
        Ok(out)
    }

    /// The datasets incidents came in, with how many each (files of one source in different
    /// shapes hold the same incidents: summaries take one).
    pub fn incident_datasets(
        &self,
        subject: &Subject,
    ) -> Result<std::collections::BTreeMap<String, u64>, NodeError> {
        self.require(subject, Action::Statistics)?;
        let mut store = self.store();
        let mut gate = Gate::new(&self.policy, subject, Action::Statistics);
        let mut out = std::collections::BTreeMap::new();
        let mut after: Option<String> = None;
        loop {
            let ids = store.entities_of_schema(INCIDENT, after.as_deref(), 2000)?;
            let Some(last) = ids.last().cloned() else {
                break;
            };
            for id in ids {
                let statements = store.entity_statements(&id)?;
                if let Some(s) = live_statements(&statements)
                    .into_iter()
                    .find(|s| gate.allows(s))
                {
                    *out.entry(s.provenance.dataset.clone()).or_insert(0) += 1;
                }
            }
            after = Some(last);
        }
        Ok(out)
    }

    /// Incidents and dead and missing by year, route or month (of one dataset when given).
    pub fn incident_summary(
        &self,
        subject: &Subject,
        by: By,
        dataset: Option<&str>,
    ) -> Result<Vec<Row>, NodeError> {
        let incidents = self.incidents(subject, dataset)?;
        let rows = summarise(&incidents, by);
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "statistics",
            "incidents",
            subject.reason.as_deref(),
            &format!(
                "allowed: {} incidents in {} rows",
                incidents.len(),
                rows.len()
            ),
        )?;
        Ok(rows)
    }
}

/// An incident the node records itself (an interception with deaths, a shipwreck it learnt
/// of): the same model as the project's.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentInput {
    /// YYYY-MM-DD.
    pub date: String,
    /// A route's code or a source's name for it.
    pub route: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub dead: Option<i64>,
    #[serde(default)]
    pub missing: Option<i64>,
    #[serde(default)]
    pub survivors: Option<i64>,
    #[serde(default)]
    pub females: Option<i64>,
    #[serde(default)]
    pub males: Option<i64>,
    #[serde(default)]
    pub children: Option<i64>,
    #[serde(default)]
    pub causes: Vec<String>,
    #[serde(default)]
    pub origins: Vec<String>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub source: String,
}

/// A point on the incident map.
#[derive(Clone, Debug, Serialize)]
pub struct IncidentPoint {
    pub lat: f64,
    pub lon: f64,
    pub year: i32,
    pub route: Option<&'static str>,
    pub dead_and_missing: Option<u32>,
}

impl Node {
    /// Records an incident the node learnt of, checked as an imported one is.
    pub fn record_incident(
        &self,
        subject: &Subject,
        input: IncidentInput,
    ) -> Result<String, NodeError> {
        self.require(subject, Action::Write)?;
        let date = corridor_model::types::PartialDate::parse_iso(input.date.trim())
            .ok()
            .filter(|d| d.precision >= corridor_model::types::DatePrecision::Day)
            .ok_or_else(|| {
                NodeError::Invalid(format!("date: {:?} is not YYYY-MM-DD", input.date))
            })?;
        if date.to_string()[..10] > now()[..10] {
            return Err(NodeError::Invalid(format!(
                "date: {} is after today",
                input.date
            )));
        }
        let route = corridor_research::routes::route(&input.route).ok_or_else(|| {
            NodeError::Invalid(format!(
                "route: {:?} is not a route of routes.yaml",
                input.route
            ))
        })?;
        let country = match input.country.trim() {
            "" => None,
            c => match corridor_research::places::place(c)
                .map_err(|e| NodeError::Invalid(format!("country: {e}")))?
            {
                corridor_research::places::Place::Country(code) => Some(code),
                _ => None,
            },
        };
        let (origins, origin_unknown) = corridor_research::places::places(&input.origins.join(","))
            .map_err(|e| NodeError::Invalid(format!("origins: {e}")))?;
        for c in &input.causes {
            if !corridor_research::mmp::CAUSES.contains(&c.as_str()) {
                return Err(NodeError::Invalid(format!(
                    "causes: {c:?} is not one of {}",
                    corridor_research::mmp::CAUSES.join("; ")
                )));
            }
        }
        let point = match (input.lat, input.lon) {
            (Some(a), Some(o)) if (-90.0..=90.0).contains(&a) && (-180.0..=180.0).contains(&o) => {
                Some((a, o))
            }
            (None, None) => None,
            _ => return Err(NodeError::Invalid("lat, lon: both, in degrees".into())),
        };
        for (field, text, max) in [
            ("location", &input.location, 500),
            ("source", &input.source, 500),
        ] {
            if text.chars().count() > max {
                return Err(NodeError::Invalid(format!(
                    "{field}: at most {max} characters"
                )));
            }
        }
        let number = |field: &str, v: Option<i64>| -> Result<Option<u32>, NodeError> {
            match v {
                None => Ok(None),
                Some(n) if (0..=1_000_000).contains(&n) => Ok(Some(n as u32)),
                Some(n) => Err(NodeError::Invalid(format!(
                    "{field}: {n} is not a count (0 or more)"
                ))),
            }
        };
        let (dead, missing) = (
            number("dead", input.dead)?,
            number("missing", input.missing)?,
        );
        let (survivors, females) = (
            number("survivors", input.survivors)?,
            number("females", input.females)?,
        );
        let (males, children) = (
            number("males", input.males)?,
            number("children", input.children)?,
        );
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).map_err(|e| NodeError::Io(e.to_string()))?;
        let incident = Incident {
            source_id: format!("node-{}", hex::encode(random)),
            shape: "node",
            date: date.to_string(),
            year: date.year,
            month: date.month,
            kinds: vec!["Incident".into()],
            route: Some(route.code.as_str()),
            route_name: route.label.clone(),
            country,
            dead,
            missing,
            dead_and_missing: match (dead, missing) {
                (None, None) => None,
                (d, m) => Some(d.unwrap_or(0) + m.unwrap_or(0)),
            },
            survivors,
            females,
            males,
            children,
            causes: input.causes,
            origins,
            origin_unknown,
            point,
            location: input.location,
            source: input.source,
            ..Default::default()
        };
        let mut provenance = (*label("node-incidents", &subject.username)).clone();
        provenance.handling = HandlingCode::Restricted;
        let statements = self.incident_statements(&incident, &Arc::new(provenance))?;
        let id = statements[0].entity_id.clone();
        let mut store = self.store();
        let mut tx = store.begin()?;
        tx.write(&statements)?;
        tx.commit()?;
        self.audit(
            &mut **store,
            &subject.username,
            "record incident",
            &id,
            None,
            "allowed",
        )?;
        Ok(id)
    }

    /// Dead and missing per route and year, beside Frontex's detections on the same route.
    pub fn route_years(
        &self,
        subject: &Subject,
        dataset: Option<&str>,
    ) -> Result<Vec<RouteYear>, NodeError> {
        let incidents = self.incidents(subject, dataset)?;
        let mut store = self.store();
        let mut gate = Gate::new(&self.policy, subject, Action::Statistics);
        let mut detections: Vec<(String, i32, u64)> = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let ids = store.entities_of_schema(DETECTION, after.as_deref(), 5000)?;
            let Some(last) = ids.last().cloned() else {
                break;
            };
            for id in ids {
                let statements = store.entity_statements(&id)?;
                let live: Vec<&Statement> = live_statements(&statements)
                    .into_iter()
                    .filter(|s| gate.allows(s))
                    .collect();
                let get = |p: &str| live.iter().find(|s| s.prop == p).map(|s| s.value.clone());
                if get("source").as_deref() != Some("frontex") {
                    continue;
                }
                if let (Some(route), Some(month), Some(count)) =
                    (get("routeCode"), get("month"), get("count"))
                    && let (Ok(year), Ok(n)) = (month[..4].parse(), count.parse::<f64>())
                {
                    detections.push((route, year, n as u64));
                }
            }
            after = Some(last);
        }
        Ok(route_years(&incidents, &detections))
    }

    /// The incidents with coordinates, for the map (of one dataset and year when given).
    pub fn incident_points(
        &self,
        subject: &Subject,
        dataset: Option<&str>,
        year: Option<i32>,
    ) -> Result<Vec<IncidentPoint>, NodeError> {
        Ok(self
            .incidents(subject, dataset)?
            .into_iter()
            .filter(|i| year.is_none_or(|y| i.year == y))
            .filter_map(|i| {
                let (lat, lon) = i.point?;
                Some(IncidentPoint {
                    lat,
                    lon,
                    year: i.year,
                    route: i.route,
                    dead_and_missing: i.dead_and_missing(),
                })
            })
            .collect())
    }
}

/// A source's text as plain text: HTML tags out, whitespace (newlines) as single spaces.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if in_tag => {}
            c if c.is_whitespace() || c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An incident read back from its statements (what summaries need).
fn incident_of(id: &str, live: &[&Statement]) -> Option<Incident> {
    let first = |prop: &str| {
        live.iter()
            .find(|s| s.prop == prop)
            .map(|s| s.value.as_str())
    };
    let all = |prop: &str| -> Vec<String> {
        live.iter()
            .filter(|s| s.prop == prop)
            .map(|s| s.value.clone())
            .collect()
    };
    let date = first("date")?;
    let year = date.get(..4)?.parse().ok()?;
    let month = date.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0);
    let count = |prop: &str| {
        first(prop)
            .and_then(|v| v.parse::<f64>().ok())
            .map(|v| v as u32)
    };
    Some(Incident {
        source_id: id.to_string(),
        date: date.to_string(),
        year,
        month,
        kinds: all("incidentType"),
        route: first("routeCode")
            .and_then(|c| corridor_research::routes::route(c))
            .map(|r| r.code.as_str()),
        route_name: first("migrationRoute").unwrap_or("").to_string(),
        country: first("country").map(str::to_string),
        dead: count("dead"),
        missing: count("missing"),
        dead_and_missing: count("deadAndMissing"),
        survivors: count("survivors"),
        females: count("females"),
        males: count("males"),
        children: count("children"),
        causes: all("cause"),
        origins: all("countryOfOrigin"),
        origin_unknown: first("originUnknown").is_some(),
        point: first("point").and_then(|p| {
            let (a, o) = p.split_once(',')?;
            Some((a.trim().parse().ok()?, o.trim().parse().ok()?))
        }),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use corridor_model::Model;
    use corridor_policy::Subject;
    use corridor_research::summary::By;
    use corridor_store::Location;

    use crate::{Node, NodeError};

    const CLEANED: &str = "date,month,type,route,geo,dead,cause,surv,nat,location,lon,lat
2014-01-06,2014-01-01,Incident,Central American Route,USA,1,Mixed or unknown,,GTM,Arizona,-110.366453,31.650259
2015-04-19,2015-04-01,Incident,Central Mediterranean Route,LBY,750,Drowning,28,\"ERI,SOM\",off Libya,12.5,33.6
2015-05-02,2015-05-01,Incident,Central Mediterranean Route,LBY,12,Drowning,,UNK,off Libya,12.5,33.6
";

    fn who(role: &str) -> Subject {
        Subject {
            username: format!("{role}-user"),
            roles: vec![role.into()],
            reason: None,
        }
    }

    #[test]
    fn source_text_becomes_plain_text() {
        assert_eq!(
            super::plain("<p>Unspecified location\nin the Aegean</p>"),
            "Unspecified location in the Aegean"
        );
    }

    #[test]
    fn incidents_import_once_and_summarise_for_researchers() {
        let dir = tempfile::tempdir().unwrap();
        let model = Arc::new(Model::builtin().unwrap());
        let location = Location::Directory(dir.path().join("store"));
        corridor_store::create(&location, model.clone()).unwrap();
        let node = Node::open(&location, &dir.path().join("node"), model, 1).unwrap();
        let analyst = who("analyst");
        let first = node
            .import_research(&analyst, "mmp", "iom.csv", CLEANED.as_bytes())
            .unwrap();
        assert_eq!((first.shape.as_str(), first.records), ("iom-cleaned", 3));
        let again = node
            .import_research(&analyst, "mmp", "iom.csv", CLEANED.as_bytes())
            .unwrap();
        assert_eq!(again.statements_written, 0, "nothing twice");
        let researcher = who("researcher");
        let by_year = node.incident_summary(&researcher, By::Year, None).unwrap();
        let rows: Vec<(String, u64, u64)> = by_year
            .iter()
            .map(|r| (r.key.clone(), r.incidents, r.dead_and_missing))
            .collect();
        assert_eq!(rows, [("2014".into(), 1, 1), ("2015".into(), 2, 762)]);
        let by_route = node
            .incident_summary(&researcher, By::Route, Some("mmp-iom-cleaned"))
            .unwrap();
        assert_eq!(
            node.incident_datasets(&researcher)
                .unwrap()
                .into_iter()
                .collect::<Vec<_>>(),
            [("mmp-iom-cleaned".to_string(), 3)]
        );
        assert!(
            node.incident_summary(&researcher, By::Route, Some("other"))
                .unwrap()
                .is_empty()
        );
        assert_eq!(by_route[0].key, "central-american");
        assert_eq!(by_route[1].key, "central-mediterranean");
        // Blanks stay unknown: survivors of one incident only.
        assert_eq!(by_route[1].survivors, 28);
        // Bad files change nothing and are named; roles without write are refused.
        let before = node.store().stats().unwrap().statements;
        let bad = CLEANED.replace("Central Mediterranean Route", "Moon Route");
        let e = node
            .import_research(&analyst, "mmp", "bad.csv", bad.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("bad.csv: 2 problem(s)") && e.contains("line 3: route"),
            "{e}"
        );
        assert_eq!(node.store().stats().unwrap().statements, before);
        assert!(matches!(
            node.import_research(&researcher, "mmp", "iom.csv", CLEANED.as_bytes()),
            Err(NodeError::Forbidden(_))
        ));
        assert!(
            node.import_research(&analyst, "xls", "iom.csv", b"")
                .unwrap_err()
                .to_string()
                .contains("format")
        );
        let counts = node
            .import_research(
                &analyst,
                "detections",
                "frontex.csv",
                b"route,type,nat,month,n\nCentral Mediterranean Route,Sea,BGD,2009-01-01,41\n",
            )
            .unwrap();
        assert_eq!((counts.shape.as_str(), counts.records), ("frontex", 1));
        // Rates beside detections, points for the map, and an incident the node records.
        let _ = node
            .import_research(
                &analyst,
                "detections",
                "frontex-2015.csv",
                b"route,type,nat,month,n\nCentral Mediterranean Route,Sea,ERI,2015-04-01,1000\nCentral Mediterranean Route,Sea,SOM,2015-05-01,1000\n",
            )
            .unwrap();
        let rows = node.route_years(&researcher, None).unwrap();
        let med = rows
            .iter()
            .find(|r| r.route == "central-mediterranean" && r.year == 2015)
            .unwrap();
        assert_eq!((med.dead_and_missing, med.detections), (762, Some(2000)));
        assert_eq!(med.per_1000_detections, Some(381.0));
        assert_eq!(
            node.incident_points(&researcher, None, Some(2015))
                .unwrap()
                .len(),
            2
        );
        let input = |date: &str, route: &str| super::IncidentInput {
            date: date.into(),
            route: route.into(),
            dead: Some(3),
            missing: Some(4),
            causes: vec!["Drowning".into()],
            origins: vec!["ER".into()],
            lat: Some(35.5),
            lon: Some(12.6),
            ..Default::default()
        };
        let id = node
            .record_incident(&analyst, input("2025-03-02", "Central Mediterranean"))
            .unwrap();
        assert!(id.starts_with("mmp-"));
        let own = node.incidents(&analyst, Some("node-incidents")).unwrap();
        assert_eq!(own[0].dead_and_missing(), Some(7));
        // A table of routes by year, small cells hidden with their complements.
        let (table, manifest) = node
            .release_incident_table(&researcher, None, "route", "year", 5)
            .unwrap();
        assert!(
            table
                .cells
                .iter()
                .flatten()
                .all(|c| c.is_none_or(|v| v == 0 || v >= 5))
        );
        assert_eq!(manifest.suppressed["primary"], table.primary);
        assert!(
            node.release_incident_table(&researcher, None, "route", "colour", 5)
                .is_err()
        );
        assert!(
            node.release_incident_table(&researcher, None, "route", "year", 1)
                .is_err()
        );
        // Differentially private counts spend the dataset's budget; overspending is refused.
        let first = node
            .dp_incident_histogram(&researcher, "mmp-iom-cleaned", By::Year, "year", 0.6)
            .unwrap();
        // Every year from 2014 to now, not only the two with incidents: which keys are shown
        // must not depend on the data.
        let this_year: usize = crate::now()[..4].parse().unwrap();
        assert_eq!(first.rows.len(), this_year - 2014 + 1);
        assert_eq!(first.rows[0].key, "2014");
        assert!((first.remaining - 0.4).abs() < 1e-9);
        assert!(
            first
                .rows
                .iter()
                .all(|r| r.value >= 0.0 && r.interval95 > 0.0)
        );
        let refused = node
            .dp_incident_histogram(&researcher, "mmp-iom-cleaned", By::Route, "route", 0.5)
            .unwrap_err();
        assert!(matches!(refused, NodeError::Forbidden(_)), "{refused}");
        assert!(
            refused.to_string().contains("only 0.400 of 1 is left"),
            "{refused}"
        );
        let ledgers = node.privacy_ledgers(&researcher).unwrap();
        assert_eq!(ledgers["mmp-iom-cleaned"].charges.len(), 1);
        // By cause, an incident counts under up to two causes: the noise is scaled to that
        // public bound, whatever the most causes any incident names.
        let by_cause = node
            .dp_incident_histogram(&researcher, "mmp-iom-cleaned", By::Cause, "cause", 0.3)
            .unwrap();
        assert!(
            by_cause.mechanism.starts_with(
                "discrete Laplace, sensitivity 2 (an incident counts under at most its first 2 causes)"
            ),
            "{}",
            by_cause.mechanism
        );
        assert_eq!(by_cause.rows.len(), corridor_research::mmp::CAUSES.len());
        for (bad, field) in [
            (input("2099-01-01", "Central Mediterranean"), "date"),
            (input("2025-03-02", "Moon"), "route"),
            (
                super::IncidentInput {
                    causes: vec!["Bad luck".into()],
                    ..input("2025-03-02", "Undefined")
                },
                "causes",
            ),
            (
                super::IncidentInput {
                    lat: Some(99.0),
                    ..input("2025-03-02", "Undefined")
                },
                "lat",
            ),
        ] {
            let e = node.record_incident(&analyst, bad).unwrap_err().to_string();
            assert!(e.starts_with(field), "{field}: {e}");
        }
    }
}
