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
    assert!(groups.iter().all(|g| {
        [
            "arrived",
            "intercepted",
            "rescued",
            "returned",
            "dead",
            "missing",
        ]
        .contains(&g[3].as_str())
    }));
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
    // Network members have the core roles, and only known ones.
    let roles: HashSet<&str> = w.truth["networks"].iter().map(|r| r[2].as_str()).collect();
    for role in [
        "organiser",
        "recruiter",
        "transporter",
        "boat_pilot",
        "money_broker",
    ] {
        assert!(roles.contains(role), "no {role} in {roles:?}");
    }
    assert!(roles.iter().all(|r| world::ROLES.contains(r)), "{roles:?}");
    // Payment and interception records name only people their transfers and reports refer to
    // (a regression: brokers were once recorded for transfers that had none).
    for dataset in ["money-transfers", "interceptions"] {
        let mut referenced = HashSet::new();
        let mut people = HashSet::new();
        for (_, e) in w.entities.iter().filter(|(d, _)| d == dataset) {
            let v: serde_json::Value = serde_json::from_str(e).unwrap();
            if v["schema"] == "Person" {
                people.insert(v["id"].as_str().unwrap().to_string());
            }
            for values in v["properties"].as_object().unwrap().values() {
                for value in values.as_array().unwrap() {
                    referenced.insert(value.as_str().unwrap().to_string());
                }
            }
        }
        let orphans: Vec<&String> = people.difference(&referenced).collect();
        assert!(orphans.is_empty(), "{dataset}: unreferenced {orphans:?}");
    }
    // Every real person is in the persons table once.
    let persons: HashSet<&str> = w.truth["persons"].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(persons.len(), w.truth["persons"].len());
    for r in records {
        assert!(persons.contains(r[2].as_str()), "{r:?}");
    }
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
    // Every source the world writes has its handling and purpose declared.
    for file in out.ftm_files() {
        let name = file.file_name().unwrap().to_str().unwrap();
        let dataset = name.trim_end_matches(".ftm.json");
        assert!(source(dataset).is_some(), "no provenance for {dataset}");
    }
    // The agencies' own CSV exports load through their mappings too.
    let sources = dir.path().join("world/sources");
    for (mapping_file, min_rows) in [
        ("border-crossings.mapping.yaml", 1000),
        ("interception-reports.mapping.yaml", 10),
        ("mto-transfers.mapping.yaml", 10),
    ] {
        let mapping_text = std::fs::read_to_string(sources.join(mapping_file)).unwrap();
        let mapping =
            corridor_formats::mapping::Mapping::parse(mapping_file, &mapping_text, &model).unwrap();
        let csv_file = mapping_file.replace(".mapping.yaml", ".csv");
        let csv = std::fs::read(sources.join(&csv_file)).unwrap();
        let mut options = corridor_formats::ImportOptions::new("sim", "2026-11-22T00:00:00Z");
        let report = corridor_formats::csv_import::import_csv(
            store.as_mut(),
            &model,
            &mapping,
            &csv_file,
            &csv[..],
            &mut options,
        )
        .unwrap_or_else(|e| panic!("{csv_file}: {e}"));
        assert_eq!(report.rejected, 0, "{csv_file}");
        assert!(report.records >= min_rows, "{csv_file}: {}", report.records);
    }
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

#[test]
fn local_outfits_hand_groups_on_to_the_next_network() {
    let mut out = Memory::default();
    let size = Size {
        migrant_groups: 1_500,
        networks_per_corridor: 4,
        background_per_migrant: 0,
    };
    simulate(21, &size, &mut out).unwrap();
    let scope: HashMap<&str, &str> = out.truth["networks"]
        .iter()
        .map(|r| (r[1].as_str(), r[4].as_str()))
        .collect();
    let scopes: HashSet<&str> = scope.values().copied().collect();
    assert_eq!(scopes.len(), 2, "{scopes:?}");
    // A local outfit runs one leg only; a hand-off means another network took over.
    let mut legs_of: HashMap<&str, HashSet<&str>> = HashMap::new();
    let mut previous: HashMap<&str, &str> = HashMap::new();
    let mut handoffs = 0;
    for j in &out.truth["journeys"] {
        legs_of
            .entry(j[2].as_str())
            .or_default()
            .insert(j[1].as_str());
        if j[3] == "true" {
            handoffs += 1;
            assert_ne!(previous.get(j[0].as_str()), Some(&j[2].as_str()), "{j:?}");
        }
        previous.insert(j[0].as_str(), j[2].as_str());
    }
    for (network, legs) in &legs_of {
        if scope[network] == "local" {
            assert_eq!(legs.len(), 1, "{network} runs {legs:?}");
        }
    }
    assert!(handoffs > 20, "{handoffs} hand-offs");
    // Every group that set out has its journey in the truth.
    let groups: HashSet<&str> = out.truth["groups"].iter().map(|g| g[1].as_str()).collect();
    let journeyed: HashSet<&str> = out.truth["journeys"]
        .iter()
        .map(|j| j[0].as_str())
        .collect();
    assert_eq!(groups, journeyed);
}

#[test]
fn rescues_and_returns_end_journeys_and_reach_protection() {
    let mut out = Memory::default();
    let size = Size {
        migrant_groups: 3_000,
        networks_per_corridor: 2,
        background_per_migrant: 0,
    };
    simulate(13, &size, &mut out).unwrap();
    let outcomes: Vec<&str> = out.truth["groups"].iter().map(|g| g[3].as_str()).collect();
    let share =
        |o: &str| outcomes.iter().filter(|x| **x == o).count() as f64 / outcomes.len() as f64;
    assert!(share("rescued") > 0.02, "rescued {}", share("rescued"));
    assert!(share("returned") > 0.02, "returned {}", share("returned"));
    // Of those stopped for good on land or after attempts, about 30 % are returned.
    let returned = share("returned") / (share("returned") + share("intercepted"));
    assert!((returned - 0.3).abs() < 0.06, "returned share {returned}");
    // Interception reports say what happened; returned people are referred to AVRR.
    let mut report_outcomes = HashSet::new();
    let mut avrr = 0;
    for (dataset, e) in &out.entities {
        let v: serde_json::Value = serde_json::from_str(e).unwrap();
        if v["schema"] == "Interception" {
            report_outcomes.insert(v["properties"]["outcome"][0].as_str().unwrap().to_string());
        }
        if v["schema"] == "Referral" {
            assert_eq!(dataset, "protection");
            avrr += usize::from(v["properties"]["service"][0] == "avrr");
        }
    }
    for o in ["rescued", "disembarked", "released", "detained", "returned"] {
        assert!(report_outcomes.contains(o), "no {o} in {report_outcomes:?}");
    }
    let returned_people = outcomes.iter().filter(|o| **o == "returned").count();
    assert_eq!(avrr, returned_people);
}

/// Each source's habits, measured on a whole world against the true persons.
#[test]
fn each_source_writes_people_with_its_own_error_rates() {
    let mut out = Memory::default();
    let size = Size {
        migrant_groups: 3_000,
        networks_per_corridor: 3,
        background_per_migrant: 2,
    };
    simulate(17, &size, &mut out).unwrap();
    let settings = Settings::default();
    let truth: HashMap<&str, &Vec<String>> = out.truth["persons"]
        .iter()
        .map(|r| (r[0].as_str(), r))
        .collect();
    let true_of: HashMap<&str, &str> = out.truth["records"]
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str()))
        .collect();
    #[derive(Default, Debug)]
    struct Tally {
        records: f64,
        dated: f64,
        no_date: f64,
        january: f64,
        non_latin: f64,
        native: f64,
        digits: f64,
    }
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for (dataset, e) in &out.entities {
        let v: serde_json::Value = serde_json::from_str(e).unwrap();
        if v["schema"] != "Person" {
            continue;
        }
        let person = truth[true_of[v["id"].as_str().unwrap()]];
        let t = tallies.entry(dataset.clone()).or_default();
        let name = v["properties"]["name"][0].as_str().unwrap();
        t.records += 1.0;
        match v["properties"]["birthDate"][0].as_str() {
            None => t.no_date += 1.0,
            Some(born) if !person[3].ends_with("-01-01") => {
                t.dated += 1.0;
                t.january += f64::from(u8::from(born.ends_with("-01-01")));
            }
            Some(_) => {}
        }
        if !person[2].chars().any(|c| c.is_ascii_alphabetic()) {
            t.non_latin += 1.0;
            t.native += f64::from(u8::from(!name.chars().any(|c| c.is_ascii_alphabetic())));
        }
        t.digits += f64::from(u8::from(name.chars().any(|c| c.is_ascii_digit())));
    }
    let styles = &settings.styles;
    for (dataset, style) in [
        ("border-crossings", &styles.border_system),
        ("interceptions", &styles.interception_report),
        ("debriefings", &styles.debriefing),
        ("money-transfers", &styles.money_transfer),
        ("protection", &styles.protection_registration),
    ] {
        let t = &tallies[dataset];
        assert!(t.records > 300.0, "{dataset}: {t:?}");
        let close = |what: &str, seen: f64, want: f64| {
            // Three standard errors of a share over this many records, and a little slack.
            let n = t.records.max(1.0);
            let tolerance = 3.0 * (want * (1.0 - want) / n).sqrt() + 0.01;
            assert!(
                (seen - want).abs() <= tolerance,
                "{dataset}: {what} {seen:.3}, settings say {want:.3} (±{tolerance:.3})"
            );
        };
        close("missing dates", t.no_date / t.records, style.no_date);
        if t.dated > 100.0 {
            close("1 January dates", t.january / t.dated, style.january_first);
        }
        if t.non_latin > 100.0 {
            close("native script", t.native / t.non_latin, style.native_script);
        }
        let digits = t.digits / t.records;
        assert!(digits <= style.ocr + 0.01, "{dataset}: OCR digits {digits}");
        if style.ocr == 0.0 {
            assert_eq!(t.digits, 0.0, "{dataset}: digits without OCR");
        } else {
            assert!(digits > style.ocr / 5.0, "{dataset}: OCR digits {digits}");
        }
    }
}

/// Names follow a long tail: the common ones are common (Mohammed, Diallo), but most smuggled
/// persons do not share their full name with more than a handful of others, as in a real
/// population — so that who is who is a question a matcher can answer.
#[test]
fn names_follow_a_long_tail_without_drowning_in_namesakes() {
    let mut out = Memory::default();
    let size = Size {
        migrant_groups: 4_000,
        networks_per_corridor: 2,
        background_per_migrant: 0,
    };
    simulate(5, &size, &mut out).unwrap();
    let persons = &out.truth["persons"];
    let mut held: HashMap<&str, usize> = HashMap::new();
    for p in persons {
        *held.entry(p[1].as_str()).or_default() += 1;
    }
    let rare =
        persons.iter().filter(|p| held[p[1].as_str()] <= 10).count() as f64 / persons.len() as f64;
    assert!(rare > 0.9, "persons whose name at most ten carry: {rare}");
    let top = held.values().max().copied().unwrap_or(0) as f64 / persons.len() as f64;
    assert!(
        top < 0.01,
        "the most common full name is carried by {top} of persons"
    );
    // Yet the head of the distribution is there: the commonest given name is far above the
    // median one.
    let mut given: HashMap<&str, usize> = HashMap::new();
    for p in persons {
        *given.entry(p[1].split(' ').next().unwrap()).or_default() += 1;
    }
    let mut counts: Vec<usize> = given.values().copied().collect();
    counts.sort_unstable();
    assert!(
        counts[counts.len() - 1] > 10 * counts[counts.len() / 2],
        "{counts:?}"
    );
    // Family names derived from given names appear (Alizadeh, Rezapour, Ahmadzai).
    let all: Vec<&str> = persons.iter().map(|p| p[1].as_str()).collect();
    assert!(
        all.iter()
            .any(|n| n.ends_with("zadeh") || n.ends_with("pour") || n.ends_with("zai"))
    );
}
