use std::collections::{BTreeMap, HashMap, HashSet};

use super::*;

#[derive(Default)]
struct Memory {
    entities: Vec<(String, String)>,
    truth: BTreeMap<String, Vec<Vec<String>>>,
}

impl Output for Memory {
    fn entity(&mut self, dataset: &str, entity: serde_json::Value) -> std::io::Result<()> {
        self.entities
            .push((dataset.to_string(), entity.to_string()));
        Ok(())
    }
    fn source_row(&mut self, file: &str, _header: &[&str], row: &[&str]) -> std::io::Result<()> {
        self.truth
            .entry(format!("source:{file}"))
            .or_default()
            .push(row.iter().map(|s| s.to_string()).collect());
        Ok(())
    }
    fn truth(&mut self, table: &str, row: &[&str]) -> std::io::Result<()> {
        self.truth
            .entry(table.to_string())
            .or_default()
            .push(row.iter().map(|s| s.to_string()).collect());
        Ok(())
    }
}

fn world(seed: u64) -> (Summary, Memory) {
    let mut out = Memory::default();
    let summary = simulate(seed, &scale("demo").unwrap(), &mut out).unwrap();
    (summary, out)
}

#[test]
fn same_seed_same_world_other_seed_other_world() {
    let (a, wa) = world(42);
    let (b, wb) = world(42);
    assert_eq!(a, b);
    assert_eq!(wa.entities, wb.entities);
    assert_eq!(wa.truth, wb.truth);
    let (_, wc) = world(43);
    assert_ne!(wa.entities, wc.entities);
}

#[test]
fn the_truth_matches_the_records() {
    let (summary, w) = world(7);
    let ids: HashMap<String, String> = w
        .entities
        .iter()
        .map(|(_, e)| {
            let v: serde_json::Value = serde_json::from_str(e).unwrap();
            (
                v["id"].as_str().unwrap().to_string(),
                v["schema"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Every record in the truth exists, is a Person, and every Person record is in the truth.
    let records = &w.truth["records"];
    let recorded: HashSet<&str> = records.iter().map(|r| r[0].as_str()).collect();
    for r in records {
        assert_eq!(ids.get(&r[0]).map(String::as_str), Some("Person"), "{r:?}");
    }
    let persons = ids.values().filter(|s| *s == "Person").count();
    assert_eq!(persons, recorded.len());
    // Smuggled persons in groups match the summary; each has one outcome.
    let groups = &w.truth["groups"];
    assert_eq!(groups.len() as u64, summary.smuggled_persons);
    assert!(
        groups
            .iter()
            .all(|g| ["arrived", "intercepted", "dead", "missing"].contains(&g[3].as_str()))
    );
    // Co-travel crossings and payments point at entities that exist.
    for c in &w.truth["cotravel"] {
        assert_eq!(ids.get(&c[0]).map(String::as_str), Some("Crossing"));
    }
    for p in &w.truth["payments"] {
        assert_eq!(ids.get(&p[0]).map(String::as_str), Some("MoneyTransfer"));
        assert_eq!(ids.get(&p[1]).map(String::as_str), Some("SmugglingFee"));
    }
    // Every network has a vehicle and a vessel, and crossings of smuggled groups use the vehicle.
    let vehicles: HashSet<&str> = w.truth["vehicles"].iter().map(|r| r[0].as_str()).collect();
    assert!(
        vehicles
            .iter()
            .all(|v| matches!(ids.get(*v).map(String::as_str), Some("Vehicle" | "Vessel")))
    );
    // Safe houses exist and shared phones tie the sources together.
    for a in &w.truth["addresses"] {
        assert_eq!(ids.get(&a[0]).map(String::as_str), Some("Address"));
    }
    let phones_in = |dataset: &str| -> HashSet<String> {
        w.entities
            .iter()
            .filter(|(d, _)| d == dataset)
            .flat_map(|(_, e)| {
                let v: serde_json::Value = serde_json::from_str(e).unwrap();
                let props = &v["properties"];
                ["number", "phone", "receiverPhone"]
                    .iter()
                    .flat_map(|k| props[*k].as_array().cloned().unwrap_or_default())
                    .map(|p| p.as_str().unwrap().to_string())
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let seized = phones_in("phone-extracts");
    assert!(
        !phones_in("money-transfers").is_disjoint(&seized),
        "transfers share phones with seized phones"
    );
    assert!(
        !phones_in("debriefings").is_disjoint(&seized),
        "debriefings share phones with seized phones"
    );
    // Network members have the seven roles.
    let roles: HashSet<&str> = w.truth["networks"].iter().map(|r| r[2].as_str()).collect();
    assert_eq!(roles.len(), 7);
    // Every hawala transfer is settled between brokers exactly once, by an existing transfer.
    let hawala: HashSet<&str> = w.truth["payments"]
        .iter()
        .filter(|p| p[5] == "hawala")
        .map(|p| p[0].as_str())
        .collect();
    let settled: Vec<&str> = w.truth["settlements"]
        .iter()
        .map(|s| s[1].as_str())
        .collect();
    assert_eq!(settled.len(), hawala.len());
    assert_eq!(settled.iter().copied().collect::<HashSet<_>>(), hawala);
    for s in &w.truth["settlements"] {
        assert_eq!(ids.get(&s[0]).map(String::as_str), Some("MoneyTransfer"));
    }
}

#[test]
fn distributions_are_what_the_data_files_say() {
    let mut out = Memory::default();
    let size = Size {
        migrant_groups: 4_000,
        networks_per_corridor: 2,
        background_per_migrant: 0,
    };
    simulate(11, &size, &mut out).unwrap();
    let groups = &out.truth["groups"];
    let mut sizes: HashMap<&str, u64> = HashMap::new();
    for g in groups {
        *sizes.entry(g[1].as_str()).or_default() += 1;
    }
    let alone = sizes.values().filter(|n| **n == 1).count() as f64 / sizes.len() as f64;
    // 55 % alone + 15 % unaccompanied children travel as groups of one.
    assert!(
        (alone - 0.70).abs() < 0.03,
        "share travelling alone {alone}"
    );
    assert!(sizes.values().all(|n| (1..=5).contains(n)));
    // Deaths and disappearances: a few in a hundred journeys overall, as on the real routes.
    let lost = groups
        .iter()
        .filter(|g| g[3] == "dead" || g[3] == "missing")
        .count() as f64
        / groups.len() as f64;
    assert!(
        (0.002..0.06).contains(&lost),
        "dead or missing share {lost}"
    );
    let intercepted =
        groups.iter().filter(|g| g[3] == "intercepted").count() as f64 / groups.len() as f64;
    assert!(
        (0.1..0.6).contains(&intercepted),
        "intercepted share {intercepted}"
    );
    // Fees stay inside the corridors' documented ranges (per person: at most the largest leg).
    let max_leg = data::corridors()
        .corridors
        .iter()
        .flat_map(|c| c.legs.iter().map(|l| l.fee_usd[1]))
        .max()
        .unwrap();
    for (_, e) in &out.entities {
        let v: serde_json::Value = serde_json::from_str(e).unwrap();
        if v["schema"] == "MoneyTransfer" && v["properties"].get("settles").is_none() {
            let amount: u64 = v["properties"]["amount"][0]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(amount >= 100 && amount <= max_leg * 5, "{amount}");
        }
    }
}

#[test]
fn background_travellers_outnumber_the_smuggled_fifty_to_one() {
    let (summary, w) = world(3);
    let crossings = w
        .entities
        .iter()
        .filter(|(_, e)| e.contains("\"schema\":\"Crossing\""))
        .count() as u64;
    assert!(
        crossings >= summary.smuggled_persons * 50,
        "{crossings} crossings for {} smuggled",
        summary.smuggled_persons
    );
}

#[test]
fn every_generated_record_imports_into_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut out = DirOutput::create(&dir.path().join("world")).unwrap();
    simulate(5, &scale("demo").unwrap(), &mut out).unwrap();
    out.finish().unwrap();
    let model = std::sync::Arc::new(corridor_model::Model::builtin().unwrap());
    let mut store = corridor_store::create(
        &corridor_store::Location::Directory(dir.path().join("node")),
        model.clone(),
    )
    .unwrap();
    for file in out.ftm_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut options = corridor_formats::ImportOptions::new("sim", "2026-11-22T00:00:00Z");
        let report = corridor_formats::ftm::import_ftm(
            store.as_mut(),
            &model,
            &file.display().to_string(),
            text.as_bytes(),
            &mut options,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.rejected, 0);
        assert_eq!(report.records, text.lines().count() as u64);
    }
    assert!(dir.path().join("world/truth/records.csv").exists());
    // The border system's own CSV export loads through its mapping too.
    let sources = dir.path().join("world/sources");
    let mapping_text =
        std::fs::read_to_string(sources.join("border-crossings.mapping.yaml")).unwrap();
    let mapping = corridor_formats::mapping::Mapping::parse(
        "border-crossings.mapping.yaml",
        &mapping_text,
        &model,
    )
    .unwrap();
    let csv = std::fs::read(sources.join("border-crossings.csv")).unwrap();
    let mut options = corridor_formats::ImportOptions::new("sim", "2026-11-22T00:00:00Z");
    let report = corridor_formats::csv_import::import_csv(
        store.as_mut(),
        &model,
        &mapping,
        "border-crossings.csv",
        &csv[..],
        &mut options,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.rejected, 0);
    assert!(report.records > 1000);
    assert!(dir.path().join("world/README.md").exists());
}

#[test]
fn broken_machine_readable_zones_are_where_the_truth_says() {
    let (_, w) = world(9);
    let valid: HashMap<&str, bool> = w.truth["documents"]
        .iter()
        .map(|r| (r[0].as_str(), r[1] == "true"))
        .collect();
    let smuggled: HashSet<&str> = w.truth["cotravel"].iter().map(|r| r[0].as_str()).collect();
    let (mut broken_smuggled, mut broken_regular, mut regular) = (0, 0, 0);
    for (_, e) in &w.entities {
        let v: serde_json::Value = serde_json::from_str(e).unwrap();
        if v["schema"] != "Crossing" {
            continue;
        }
        let id = v["id"].as_str().unwrap();
        let mrz = v["properties"]["mrz"][0].as_str().unwrap();
        let line2 = mrz.lines().nth(1).unwrap();
        assert_eq!(line2.len(), 44);
        let digit_ok = crate::mrz::check_digit(&line2[0..9]) == line2.as_bytes()[9] as char;
        assert_eq!(digit_ok, valid[id], "{id}: {line2}");
        if smuggled.contains(id) {
            broken_smuggled += usize::from(!digit_ok);
        } else {
            regular += 1;
            broken_regular += usize::from(!digit_ok);
        }
    }
    let share = broken_regular as f64 / regular as f64;
    assert!(share < 0.02, "regular documents broken: {share}");
    assert!(
        broken_smuggled as f64 / smuggled.len() as f64 > share,
        "forgeries should be more common among the smuggled"
    );
}
