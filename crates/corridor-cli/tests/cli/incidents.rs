//! `corridor incidents`: the Missing Migrants Project's real file imported by its documented
//! command and summarised by year, route and month as the contract says; a bad file refused by
//! line and column with nothing written.

use super::Node;

fn shared() -> Option<std::path::PathBuf> {
    let candidates = [
        std::env::var("CORRIDOR_SHARED_DATA")
            .ok()
            .map(std::path::PathBuf::from),
        Some(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")),
    ];
    let found = candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("PROVENANCE.md").is_file());
    if found.is_none() {
        assert!(std::env::var("CI").is_err(), "set CORRIDOR_SHARED_DATA");
        eprintln!("public data not found: skipped");
    }
    found
}

#[test]
fn the_missing_migrants_file_imports_and_summarises_as_the_contract_says() {
    let Some(dir) = shared() else { return };
    let node = Node::new();
    node.ok(&["init"]);
    let file = dir.join("missing-migrants/iom_mmp_2014_2025_gdidata.csv");
    let out = node.run(&[
        "incidents",
        "import",
        "--format",
        "mmp",
        file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("iom-cleaned (19669 records)"));
    let by_year = node.ok(&["incidents", "summary", "--by", "year"]);
    let mut lines = by_year.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("year,incidents,dead_and_missing")
    );
    // 2015's row against a plain sum of the file.
    let text = std::fs::read_to_string(&file).unwrap();
    let (mut n, mut dead) = (0u64, 0u64);
    for line in text.lines().skip(1).filter(|l| l.starts_with("2015-")) {
        n += 1;
        // `dead` is the sixth column; fields before it never hold commas.
        dead += line.split(',').nth(5).unwrap().parse::<u64>().unwrap();
    }
    let row = by_year.lines().find(|l| l.starts_with("2015,")).unwrap();
    assert!(
        row.starts_with(&format!("2015,{n},{dead},")),
        "{row} vs {n},{dead}"
    );
    assert_eq!(by_year.lines().count(), 1 + 12, "2014 to 2025");
    let by_route = node.ok(&["incidents", "summary", "--by", "route"]);
    assert!(by_route.starts_with("route,incidents,dead_and_missing"));
    assert!(
        by_route
            .lines()
            .any(|l| l.starts_with("central-mediterranean,1473,")),
        "{by_route}"
    );
    let by_month = node.ok(&["incidents", "summary", "--by", "month"]);
    assert!(by_month.lines().nth(1).unwrap().starts_with("2014-01,"));

    // The static report: one file with the year's figure, nothing fetched, no place names.
    let out_dir = node.dir.path().join("report");
    node.ok(&[
        "release",
        "report",
        "--out",
        out_dir.to_str().unwrap(),
        "--threshold",
        "5",
    ]);
    let html = std::fs::read_to_string(out_dir.join("index.html")).unwrap();
    assert!(
        html.contains(&format!(
            "{}: {} dead and missing",
            "2015",
            corridor_research::report::number(dead)
        )),
        "2015's total not in the report"
    );
    for forbidden in ["<script", "https://", "src="] {
        assert!(!html.contains(forbidden), "{forbidden} in the report");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["input_rows"], 19669);
}

#[test]
fn a_bad_incident_file_is_refused_by_line_and_column_and_writes_nothing() {
    let node = Node::new();
    node.ok(&["init"]);
    let bad = node.file(
        "bad.csv",
        "date,month,type,route,geo,dead,cause,surv,nat,location,lon,lat\n2014-01-06,2014-01-01,Incident,Moon Route,USA,1,Mixed or unknown,,GTM,x,-110.3,31.6\n2014-02-30,2014-02-01,Incident,Central American Route,USA,one,Drowning,,GTM,x,-110.3,31.6\n",
    );
    let err = node.fails(&[
        "incidents",
        "import",
        "--format",
        "mmp",
        bad.to_str().unwrap(),
    ]);
    assert!(err.contains("line 2: route: \"Moon Route\""), "{err}");
    assert!(err.contains("line 3: date"), "{err}");
    let summary = node.ok(&["incidents", "summary", "--by", "year"]);
    assert_eq!(
        summary.lines().count(),
        1,
        "nothing was imported: {summary}"
    );
    let err = node.fails(&[
        "incidents",
        "import",
        "--format",
        "xls",
        bad.to_str().unwrap(),
    ]);
    assert!(err.contains("xls"), "{err}");
}
