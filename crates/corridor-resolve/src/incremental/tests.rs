//! Linking one record at a time, and judgements that always win.

use super::*;
use crate::tests::{HEADER, people, settings, truth};

fn record(table: &Table, row: &[String]) -> Record {
    Record {
        id: row[0].clone(),
        values: table
            .columns
            .iter()
            .cloned()
            .zip(row.iter().cloned())
            .collect(),
    }
}

/// The people table without its third renderings (`-c`), and those held back.
fn split() -> (Table, Vec<Record>) {
    let all = people();
    let (held, kept): (Vec<Vec<String>>, Vec<Vec<String>>) =
        all.rows.iter().cloned().partition(|r| r[0].ends_with("-c"));
    let held = held.iter().map(|r| record(&all, r)).collect();
    (
        Table {
            name: all.name.clone(),
            columns: HEADER.split(',').map(String::from).collect(),
            rows: kept,
        },
        held,
    )
}

fn build(table: &Table, judgements: &[(String, String, Verdict)]) -> Index {
    Index::build(&settings(), table, judgements, &mut |_| {})
        .unwrap()
        .0
}

#[test]
fn new_records_join_the_cluster_of_their_person_and_say_why() {
    let (table, held) = split();
    let mut index = build(&table, &[]);
    let before = index.len();
    let mut right = 0;
    for r in &held {
        let linked = index.link(r).unwrap();
        let person = truth(&r.id);
        if !linked.joined.is_empty() && linked.joined.iter().all(|m| truth(m) == person) {
            right += 1;
        }
        for m in &linked.matches {
            assert_eq!(m.evidence.len(), 3, "every comparison explained");
            assert!(m.probability >= settings().thresholds.review);
        }
    }
    assert_eq!(index.len(), before + held.len());
    // The held-back renderings are a given name, a year and an OCR-damaged passport number:
    // the passport carries them.
    assert!(
        right as f64 >= 0.9 * held.len() as f64,
        "{right} of {} joined their own person only",
        held.len()
    );
}

#[test]
fn a_record_judged_different_never_joins_even_when_it_arrives_later() {
    let (table, held) = split();
    let target = &held[0];
    let person = truth(&target.id);
    let a = format!("{person}-a");
    let judgements = vec![(target.id.clone(), a.clone(), Verdict::Different)];
    let mut index = build(&table, &judgements);
    let linked = index.link(target).unwrap();
    assert!(!linked.joined.contains(&a), "{:?}", linked.joined);
    let (_, members) = index.cluster_of(&target.id).unwrap();
    assert!(!members.contains(&a));
}

#[test]
fn judging_different_splits_and_a_rebuild_keeps_them_apart() {
    let (table, _) = split();
    let mut index = build(&table, &[]);
    let (_, members) = index.cluster_of("p1-a").unwrap();
    assert!(members.contains(&"p1-b".to_string()), "{members:?}");
    index.judge("p1-a", "p1-b", Verdict::Different).unwrap();
    let (_, members) = index.cluster_of("p1-a").unwrap();
    assert!(!members.contains(&"p1-b".to_string()));
    // Undone, the evidence puts them together again.
    index.withdraw("p1-a", "p1-b");
    let (_, members) = index.cluster_of("p1-a").unwrap();
    assert!(members.contains(&"p1-b".to_string()));
    index.judge("p1-a", "p1-b", Verdict::Different).unwrap();
    assert!(
        index
            .proposals(true)
            .iter()
            .all(|p| !(p.left == "p1-a" && p.right == "p1-b"))
    );

    // A re-run with the judgement (as a node does after a restart) does not override it.
    let judgements = vec![("p1-a".to_string(), "p1-b".to_string(), Verdict::Different)];
    let index = build(&table, &judgements);
    let (_, members) = index.cluster_of("p1-a").unwrap();
    assert!(!members.contains(&"p1-b".to_string()));
}

#[test]
fn a_merge_by_judgement_can_be_undone() {
    let (table, _) = split();
    let mut index = build(&table, &[]);
    let (_, before) = index.cluster_of("p1-a").unwrap();
    assert!(!before.contains(&"p2-a".to_string()));
    index.judge("p1-a", "p2-a", Verdict::Same).unwrap();
    let (_, merged) = index.cluster_of("p1-a").unwrap();
    assert!(merged.contains(&"p2-a".to_string()));
    let explanation = index.explain_cluster("p1-a").unwrap();
    assert_eq!(explanation.links.len(), merged.len() - 1, "a spanning tree");
    assert!(explanation.links.iter().any(|l| l.judged));
    assert!(explanation.weakest.as_ref().is_some_and(|w| !w.judged));

    index.withdraw("p1-a", "p2-a");
    let (_, after) = index.cluster_of("p1-a").unwrap();
    assert_eq!(after, before);
    assert_eq!(index.verdict("p1-a", "p2-a"), None);
}

#[test]
fn same_cannot_join_records_judged_different() {
    let (table, _) = split();
    let mut index = build(&table, &[]);
    index.judge("p1-a", "p2-a", Verdict::Different).unwrap();
    // p1-b is with p1-a; saying p1-b is p2-a would put p1-a and p2-a together.
    let error = index
        .judge("p1-b", "p2-a", Verdict::Same)
        .unwrap_err()
        .to_string();
    assert!(error.contains("p1-a") && error.contains("p2-a"), "{error}");
    assert_eq!(index.verdict("p1-b", "p2-a"), None, "nothing recorded");
    let (_, members) = index.cluster_of("p2-a").unwrap();
    assert!(!members.contains(&"p1-a".to_string()));
}

#[test]
fn a_new_version_of_a_record_moves_to_its_new_cluster() {
    let (table, _) = split();
    let mut index = build(&table, &[]);
    let p2 = table.rows.iter().find(|r| r[0] == "p2-a").unwrap().clone();
    let mut moved = p2.clone();
    moved[0] = "p1-b".into();
    let linked = index.link(&record(&table, &moved)).unwrap();
    assert!(linked.joined.contains(&"p2-a".to_string()), "{linked:?}");
    let (_, p1) = index.cluster_of("p1-a").unwrap();
    assert!(!p1.contains(&"p1-b".to_string()));
    assert_eq!(index.len(), table.rows.len());
}

#[test]
fn bad_records_are_refused_and_change_nothing() {
    let (table, held) = split();
    let mut index = build(&table, &[]);
    let before = index.len();
    let mut long = held[0].clone();
    long.values.insert("full_name".into(), "a".repeat(10_000));
    let error = index.link(&long).unwrap_err().to_string();
    assert!(
        error.contains("full_name") && error.contains("10000"),
        "{error}"
    );
    let error = index.link(&Record::default()).unwrap_err().to_string();
    assert!(error.contains("id"), "{error}");
    assert_eq!(index.len(), before);
    assert!(!index.contains(&held[0].id));
    let error = index
        .judge("p1-a", "nobody", Verdict::Same)
        .unwrap_err()
        .to_string();
    assert!(error.contains("nobody"), "{error}");
}

#[test]
fn the_queue_lists_open_proposals_strongest_first() {
    let (table, _) = split();
    let mut index = build(&table, &[]);
    let open = index.proposals(false);
    assert!(!open.is_empty());
    assert!(
        open.windows(2)
            .all(|w| w[0].probability >= w[1].probability)
    );
    let first = open[0].clone();
    index
        .judge(&first.left, &first.right, Verdict::Unsure)
        .unwrap();
    assert!(
        !index
            .proposals(false)
            .iter()
            .any(|p| p.left == first.left && p.right == first.right)
    );
    assert!(
        index
            .proposals(true)
            .iter()
            .any(|p| p.left == first.left && p.right == first.right)
    );
}

#[test]
fn a_frequent_traveller_is_found_however_often_the_same_record_repeats() {
    // Twenty identical crossings of one man, in a store whose blocks hold at most five records:
    // identical records are compared through one representative, so they make no generic block.
    let (mut table, _) = split();
    for k in 0..20 {
        table.rows.push(vec![
            format!("p99-x{k}"),
            "Gul Ahmad Heydari".into(),
            "1992-02-05".into(),
            "BA0393826".into(),
        ]);
    }
    let mut settings = settings();
    settings.max_block = 5;
    let (mut index, _) = Index::build(&settings, &table, &[], &mut |_| {}).unwrap();
    let (_, members) = index.cluster_of("p99-x0").unwrap();
    assert_eq!(members.len(), 20);
    let values = |id: &str, name: &str| Record {
        id: id.into(),
        values: [
            ("full_name", name),
            ("dob", "1992-02-05"),
            ("passport", "BA0393826"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
    };
    // Another identical one joins at once; a variant spelling joins through the evidence.
    let linked = index.link(&values("p99-x20", "Gul Ahmad Heydari")).unwrap();
    assert_eq!(linked.joined.len(), 20);
    let linked = index.link(&values("p99-y", "Gul Ahmad Haidari")).unwrap();
    assert_eq!(linked.joined.len(), 21, "{linked:?}");
    // Judged different from one of the crossings, the variant leaves them all; the crossing
    // judged different stands alone from then on.
    index.judge("p99-y", "p99-x3", Verdict::Different).unwrap();
    let (_, members) = index.cluster_of("p99-x3").unwrap();
    assert!(!members.contains(&"p99-y".to_string()), "{members:?}");
    let explanation = index.explain_cluster("p99-x0").unwrap();
    assert_eq!(explanation.links.len(), explanation.members.len() - 1);
}
