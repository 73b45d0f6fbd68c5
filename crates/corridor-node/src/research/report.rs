//! The static HTML report of incidents: what a ministry or an information campaign publishes.
//! Built from a release, never from raw rows: the route × year table with its small cells
//! hidden (and its manifest), totals by year and route, and the map in grid cells, a cell with
//! fewer incidents than the threshold not drawn — exact coordinates never leave.

use std::collections::BTreeMap;

use corridor_policy::Subject;
use corridor_research::report::{MapCell, Report, Table, render};
use corridor_research::summary::{By, summarise};

use super::release::Manifest;
use crate::{Node, NodeError};

/// The report's grid: cells of this many degrees of latitude and longitude.
pub const GRID_DEGREES: f64 = 2.0;

pub struct ReportRelease {
    pub html: String,
    pub manifest: Manifest,
    /// Grid cells drawn, and those left out for holding too few incidents.
    pub cells_drawn: usize,
    pub cells_hidden: usize,
}

impl Node {
    /// The report of one dataset's incidents (or all), small counts hidden below `threshold`.
    pub fn release_incident_report(
        &self,
        subject: &Subject,
        dataset: Option<&str>,
        threshold: u64,
    ) -> Result<ReportRelease, NodeError> {
        if self.incidents(subject, dataset)?.is_empty() {
            return Err(NodeError::Invalid(format!(
                "dataset: no incidents to report in {}",
                dataset.unwrap_or("the node")
            )));
        }
        let (table, mut manifest) =
            self.release_incident_table(subject, dataset, "route", "year", threshold)?;
        let incidents = self.incidents(subject, dataset)?;
        let label = |code: &str| {
            corridor_research::routes::all()
                .iter()
                .find(|r| r.code == code)
                .map_or_else(|| code.to_string(), |r| r.label.clone())
        };
        let years = summarise(&incidents, By::Year)
            .into_iter()
            .map(|r| (r.key, r.incidents, r.dead_and_missing))
            .collect();
        let mut routes: Vec<(String, u64)> = summarise(&incidents, By::Route)
            .into_iter()
            .map(|r| (label(&r.key), r.dead_and_missing))
            .collect();
        routes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));

        let mut grid: BTreeMap<(i32, i32), (u64, u64)> = BTreeMap::new();
        for i in &incidents {
            let Some((lat, lon)) = i.point else { continue };
            let cell = (
                (lat / GRID_DEGREES).floor() as i32,
                (lon / GRID_DEGREES).floor() as i32,
            );
            let entry = grid.entry(cell).or_default();
            entry.0 += 1;
            entry.1 += u64::from(i.dead_and_missing().unwrap_or(0));
        }
        let cells_hidden = grid.values().filter(|(n, _)| *n < threshold).count();
        let map_cells: Vec<MapCell> = grid
            .into_iter()
            .filter(|(_, (n, _))| *n >= threshold)
            .map(|((la, lo), (n, dead))| MapCell {
                lat: (f64::from(la) + 0.5) * GRID_DEGREES,
                lon: (f64::from(lo) + 0.5) * GRID_DEGREES,
                incidents: n,
                dead_and_missing: dead,
            })
            .collect();
        let cells_drawn = map_cells.len();
        manifest.method = format!(
            "{}; the map in cells of {GRID_DEGREES}° drawn at their centre, cells with fewer than {threshold} incidents not drawn; totals by year and route published whole",
            manifest.method
        );
        manifest.information_loss["map_cells_hidden"] = serde_json::json!(cells_hidden);
        manifest.information_loss["map_cells_drawn"] = serde_json::json!(cells_drawn);
        let report = Report {
            title: "Dead and missing on migration routes".into(),
            subtitle: format!(
                "{} · generated {} by Corridor",
                dataset.unwrap_or("all incidents the node holds"),
                &manifest.generated_at[..10.min(manifest.generated_at.len())]
            ),
            attribution: "Incidents: IOM's Missing Migrants Project (CC BY 4.0) and those recorded by this node. Counts of fewer incidents than the threshold are hidden (x), with complementary cells so that no hidden count can be recomputed from the totals; the manifest below gives the input's hash, the method and what was hidden.".into(),
            years,
            routes,
            table: Table {
                row_label: "route".into(),
                rows: table.rows.iter().map(|r| label(r)).collect(),
                columns: table.columns.clone(),
                cells: table.cells.clone(),
                row_totals: table.row_totals.clone(),
            },
            table_note: format!(
                "x: fewer than {threshold} incidents, or hidden so that such a count cannot be worked out. {} cells hidden of {}.",
                table.primary + table.secondary,
                table.rows.len() * table.columns.len()
            ),
            map_note: format!(
                "Each circle is a cell of {GRID_DEGREES}° (about 200 km) with {threshold} incidents or more, its area by the dead and missing; {cells_hidden} cells with fewer are not drawn. Land: Natural Earth via world-atlas."
            ),
            manifest_json: serde_json::to_string_pretty(&manifest).unwrap_or_default(),
            map_cells,
        };
        Ok(ReportRelease {
            html: render(&report),
            manifest,
            cells_drawn,
            cells_hidden,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use corridor_model::Model;
    use corridor_policy::Subject;
    use corridor_store::Location;

    use crate::{Node, NodeError};

    #[test]
    fn the_report_shows_safe_figures_only_and_refuses_an_empty_dataset() {
        let dir = tempfile::tempdir().unwrap();
        let model = Arc::new(Model::builtin().unwrap());
        let location = Location::Directory(dir.path().join("store"));
        corridor_store::create(&location, model.clone()).unwrap();
        let node = Node::open(&location, &dir.path().join("node"), model, 1).unwrap();
        let analyst = Subject {
            username: "analyst-user".into(),
            roles: vec!["analyst".into()],
            reason: None,
        };
        assert!(matches!(
            node.release_incident_report(&analyst, None, 5),
            Err(NodeError::Invalid(m)) if m.contains("no incidents")
        ));
        // Twelve incidents off Lampedusa (one grid cell), two alone in the Alboran Sea.
        let mut csv =
            String::from("date,month,type,route,geo,dead,cause,surv,nat,location,lon,lat\n");
        for day in 1..=12 {
            csv.push_str(&format!(
                "2024-06-{day:02},2024-06-01,Incident,Central Mediterranean Route,ITA,{day},Drowning,,ERI,Secret cove {day},12.61{day},35.49{day}\n"
            ));
        }
        for day in 1..=2 {
            csv.push_str(&format!(
                "2023-07-{day:02},2023-07-01,Incident,Western Mediterranean Route,ESP,1,Drowning,,MAR,Hidden beach,-3.5{day},35.9{day}\n"
            ));
        }
        node.import_research(&analyst, "mmp", "mmp.csv", csv.as_bytes())
            .unwrap();
        let report = node.release_incident_report(&analyst, None, 5).unwrap();
        assert_eq!((report.cells_drawn, report.cells_hidden), (1, 1));
        let html = &report.html;
        // 1 + … + 12 = 78, and two more.
        assert!(html.contains("<strong>80</strong> dead and missing in <strong>14</strong>"));
        assert_eq!(html.matches("<circle").count(), 1, "the lone cell is drawn");
        assert!(html.contains("<title>12 incidents, 78 dead and missing</title>"));
        for leaked in ["Secret cove", "Hidden beach", "12.61", "35.49", "-3.5"] {
            assert!(!html.contains(leaked), "{leaked} leaves in the report");
        }
        // The 2023 column holds 2 incidents on one route: hidden, and so its complement.
        assert!(html.contains(">x</td>"));
        assert_eq!(report.manifest.information_loss["map_cells_hidden"], 1);
        assert!(report.manifest.method.contains("cells of 2°"));
    }
}
