//! The real public files (`../shared/data`, see its PROVENANCE.md) read whole: every row of
//! both Missing Migrants shapes, Frontex's detections and the Darién counts, with the totals
//! per year checked against a plain sum of the source column made here without the reader.
//!
//! The files are found through `CORRIDOR_SHARED_DATA`, else `../shared/data` beside the
//! repository. Under CI they must be there; elsewhere their absence is said and the test ends.

use std::collections::BTreeMap;
use std::path::PathBuf;

use corridor_research::summary::{By, summarise};
use corridor_research::{detections, mmp};

fn shared() -> Option<PathBuf> {
    let candidates = [
        std::env::var("CORRIDOR_SHARED_DATA")
            .ok()
            .map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")),
    ];
    let found = candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("PROVENANCE.md").is_file());
    if found.is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "the public data (../shared/data) is not here: set CORRIDOR_SHARED_DATA"
        );
        eprintln!("public data not found: skipped (set CORRIDOR_SHARED_DATA)");
    }
    found
}

/// Sums a column by year straight from the CSV: the reference the reader must match.
fn column_by_year(
    path: &PathBuf,
    year_of: impl Fn(&csv::StringRecord) -> String,
    value: usize,
) -> BTreeMap<String, (u64, u64)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for row in reader.records() {
        let row = row.unwrap();
        let slot = out.entry(year_of(&row)).or_default();
        slot.0 += 1;
        slot.1 += row.get(value).unwrap().trim().parse::<f64>().unwrap_or(0.0) as u64;
    }
    out
}

#[test]
fn both_missing_migrants_shapes_read_whole_and_their_totals_per_year_hold() {
    let Some(dir) = shared() else { return };
    let cleaned = dir.join("missing-migrants/iom_mmp_2014_2025_gdidata.csv");
    let parsed = mmp::parse(
        "iom_mmp_2014_2025_gdidata.csv",
        &std::fs::read(&cleaned).unwrap(),
    )
    .unwrap();
    assert_eq!(parsed.shape, "iom-cleaned");
    assert_eq!(parsed.incidents.len(), 19_669);
    let expected = column_by_year(&cleaned, |r| r.get(0).unwrap()[..4].to_string(), 5);
    let got: BTreeMap<String, (u64, u64)> = summarise(&parsed.incidents, By::Year)
        .into_iter()
        .map(|r| (r.key, (r.incidents, r.dead_and_missing)))
        .collect();
    assert_eq!(got, expected);
    // Every route and country is on the code lists; nothing fell through.
    assert!(parsed.incidents.iter().all(|i| i.route.is_some()));
    assert!(
        parsed
            .incidents
            .iter()
            .filter(|i| i.country.is_none())
            .count()
            < 10
    );

    let kaggle = dir.join("missing-migrants/global_missing_migrants_2014_2023.csv");
    let parsed = mmp::parse(
        "global_missing_migrants_2014_2023.csv",
        &std::fs::read(&kaggle).unwrap(),
    )
    .unwrap();
    assert_eq!(parsed.shape, "kaggle-19");
    assert_eq!(parsed.incidents.len(), 13_020);
    let expected = column_by_year(&kaggle, |r| r.get(1).unwrap().to_string(), 8);
    let got: BTreeMap<String, (u64, u64)> = summarise(&parsed.incidents, By::Year)
        .into_iter()
        .map(|r| (r.key, (r.incidents, r.dead_and_missing)))
        .collect();
    assert_eq!(got, expected);
    // Multi-valued origins split into countries.
    assert!(parsed.incidents.iter().any(|i| i.origins.len() > 1));
}

#[test]
fn frontex_and_darien_counts_read_whole() {
    let Some(dir) = shared() else { return };
    for (file, rows, total_col) in [
        (
            "routes/frontex_illegal_border_crossings_route_nationality_month_2009_2025.csv",
            34_273,
            4,
        ),
        ("routes/darien_crossings_by_nationality_month.csv", 2_387, 3),
        ("routes/darien_crossings_by_demographic_month.csv", 160, 3),
    ] {
        let path = dir.join(file);
        let parsed = detections::parse(file, &std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(parsed.detections.len(), rows, "{file}");
        let expected: u64 = column_by_year(&path, |_| String::new(), total_col)[""].1;
        let got: u64 = parsed.detections.iter().map(|d| d.count).sum();
        assert_eq!(got, expected, "{file}");
    }
}
