//! The network benchmark's accuracy half (bench/graph.sh runs it): on a simulated world
//! imported into a node, how well the node's network analysis recovers the truth. Prints
//! `name=value` lines.
//!
//!   network_world DATA_DIR TRUTH_DIR
//!
//! DATA_DIR is a node store holding the world (`corridor simulate --into`), TRUTH_DIR the
//! world's `truth/` directory. The analysis runs as an analyst with a reason: border and
//! law-enforcement data, no protection data.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use corridor_graph::quality::{adjusted_rand_index, normalized_mutual_information};
use corridor_node::Node;
use corridor_node::network::{Filter, RankedMember};
use corridor_policy::Subject;

fn rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, data, truth] = &args[..] else {
        eprintln!("usage: network_world DATA_DIR TRUTH_DIR");
        std::process::exit(2);
    };
    let say = |k: &str, v: String| println!("{k}={v}");
    let truth = Path::new(truth);
    let true_of: HashMap<String, String> = rows(&truth.join("records.csv"))
        .into_iter()
        .map(|r| (r[0].clone(), r[2].clone()))
        .collect();
    let mut network_of: HashMap<String, String> = HashMap::new();
    let mut role_of: HashMap<String, String> = HashMap::new();
    for r in rows(&truth.join("networks.csv")) {
        network_of.insert(r[0].clone(), r[1].clone());
        role_of.insert(r[0].clone(), r[2].clone());
    }

    let model = Arc::new(corridor_model::Model::builtin().expect("model"));
    let location = corridor_store::Location::Directory(data.into());
    let node = Node::open(&location, Path::new(data), model, 2).expect("node");
    let t = Instant::now();
    node.build_resolution().expect("resolution");
    say(
        "world_resolution_s",
        format!("{:.1}", t.elapsed().as_secs_f64()),
    );
    let subject = Subject {
        username: "bench".into(),
        roles: vec!["analyst".into()],
        reason: Some("benchmark".into()),
    };
    let t = Instant::now();
    let findings = node.network_findings(&subject, 500).expect("findings");
    say(
        "world_findings_s",
        format!("{:.2}", t.elapsed().as_secs_f64()),
    );
    say("world_networks_found", findings.len().to_string());
    say(
        "world_networks_true",
        network_of
            .values()
            .collect::<HashSet<_>>()
            .len()
            .to_string(),
    );

    // Communities against the true networks, over the true network members.
    let mut predicted: HashMap<String, usize> = HashMap::new();
    for f in &findings {
        for m in &f.members {
            for r in &m.records {
                if let Some(person) = true_of.get(r) {
                    predicted
                        .entry(person.clone())
                        .or_insert(f.network as usize);
                }
            }
        }
    }
    let members: Vec<&String> = {
        let mut v: Vec<&String> = network_of.keys().collect();
        v.sort();
        v
    };
    let label_ids: HashMap<&String, u32> = {
        let mut names: Vec<&String> = network_of
            .values()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        names.sort();
        names
            .into_iter()
            .enumerate()
            .map(|(i, n)| (n, i as u32))
            .collect()
    };
    let found = members
        .iter()
        .filter(|p| predicted.contains_key(**p))
        .count();
    let truth_labels: Vec<u32> = members.iter().map(|p| label_ids[&network_of[*p]]).collect();
    let mut next_singleton = 1_000_000u32;
    let found_labels: Vec<u32> = members
        .iter()
        .map(|p| match predicted.get(*p) {
            Some(&c) => c as u32,
            None => {
                next_singleton += 1;
                next_singleton
            }
        })
        .collect();
    say(
        "world_members_in_a_network",
        format!("{:.3}", found as f64 / members.len().max(1) as f64),
    );
    say(
        "world_nmi",
        format!(
            "{:.3}",
            normalized_mutual_information(&truth_labels, &found_labels)
        ),
    );
    say(
        "world_ari",
        format!("{:.3}", adjusted_rand_index(&truth_labels, &found_labels)),
    );
    // Purity among those placed: how often a network's members really belong together.
    let placed: Vec<usize> = (0..members.len())
        .filter(|&i| found_labels[i] < 1_000_000)
        .collect();
    let t2: Vec<u32> = placed.iter().map(|&i| truth_labels[i]).collect();
    let f2: Vec<u32> = placed.iter().map(|&i| found_labels[i]).collect();
    say(
        "world_nmi_placed",
        format!("{:.3}", normalized_mutual_information(&t2, &f2)),
    );

    let role = |m: &RankedMember| -> Option<String> {
        m.node
            .records
            .iter()
            .find_map(|r| true_of.get(r).and_then(|p| role_of.get(p)).cloned())
    };
    let precision_at_10 = |mut ranked: Vec<&RankedMember>, roles: &[&str]| -> f64 {
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
        let top: Vec<_> = ranked.into_iter().take(10).collect();
        let hits = top
            .iter()
            .filter(|m| role(m).is_some_and(|r| roles.contains(&r.as_str())))
            .count();
        hits as f64 / top.len().max(1) as f64
    };
    let organisers: Vec<&RankedMember> =
        findings.iter().flat_map(|f| f.organisers.first()).collect();
    // SHOW_RANKED=1: the ten best-ranked organisers with their true roles and reasons.
    if std::env::var_os("SHOW_RANKED").is_some() {
        let mut ranked = organisers.clone();
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
        for m in ranked.iter().take(10) {
            eprintln!("{:>7.1} {:?} {:?}", m.score, role(m), m.reasons);
        }
    }
    let brokers: Vec<&RankedMember> = findings.iter().flat_map(|f| f.brokers.first()).collect();
    say(
        "world_organiser_precision_at_10",
        format!("{:.2}", precision_at_10(organisers, &["organiser"])),
    );
    // Any member of a smuggling network ranked as an organiser is at least not a migrant.
    let all_ranked: Vec<&RankedMember> =
        findings.iter().flat_map(|f| f.organisers.first()).collect();
    say(
        "world_organiser_is_smuggler_at_10",
        format!("{:.2}", precision_at_10(all_ranked, &ROLES_ALL)),
    );
    say(
        "world_broker_precision_at_10",
        format!(
            "{:.2}",
            precision_at_10(brokers, &["money_broker", "paying_broker"])
        ),
    );

    // Money: each payment followed forwards from its payer's record; reached when the true
    // recipient is among the places the money went.
    let payments = rows(&truth.join("payments.csv"));
    let mut reached = 0;
    let mut tried = 0;
    let t = Instant::now();
    for p in payments.iter().take(300) {
        let (transfer, recipient) = (&p[0], &p[4]);
        let Ok(entity) = node.entity(&subject, transfer) else {
            continue;
        };
        let Some(payer) = entity.properties.get("payer").and_then(|v| v.first()) else {
            continue;
        };
        let Ok(trace) = node.money_trace(&subject, &payer.value, false, &Filter::default(), 6)
        else {
            continue;
        };
        tried += 1;
        if trace.flows.iter().any(|f| {
            f.node
                .records
                .iter()
                .any(|r| true_of.get(r) == Some(recipient))
        }) {
            reached += 1;
        }
    }
    say("world_money_traces", tried.to_string());
    say(
        "world_money_trace_ms_mean",
        format!(
            "{:.1}",
            t.elapsed().as_secs_f64() * 1000.0 / tried.max(1) as f64
        ),
    );
    say(
        "world_money_reaches_recipient",
        format!("{:.3}", reached as f64 / tried.max(1) as f64),
    );
}

const ROLES_ALL: [&str; 9] = [
    "organiser",
    "recruiter",
    "transporter",
    "boat_pilot",
    "safe_house_keeper",
    "money_broker",
    "paying_broker",
    "document_forger",
    "corrupt_official",
];
