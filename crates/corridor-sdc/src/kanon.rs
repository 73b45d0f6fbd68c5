//! k-anonymous microdata with l-diversity. Each quasi-identifier is generalised to one level of
//! its hierarchy; persons in equivalence classes smaller than k (counting persons, not rows), or
//! with fewer than l distinct sensitive values, are suppressed. Among the generalisations that
//! suppress no more than allowed, the one that loses least is chosen: information loss is the
//! mean generalisation height (0 as given, 1 all `*`) plus the share of persons suppressed.
//! The search walks the lattice of levels in order of height and stops as soon as no node left
//! can beat the best found (its height alone is already as large).

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::SdcError;
use crate::spec::Plan;

#[derive(Clone, Debug, Serialize)]
pub struct KResult {
    /// The level chosen for each quasi-identifier, by column name.
    pub levels: Vec<(String, usize)>,
    pub persons: usize,
    pub suppressed_persons: usize,
    pub suppressed_rows: usize,
    /// Mean generalisation height, 0..1.
    pub generalisation_loss: f64,
    /// generalisation_loss + share of persons suppressed: what the search minimised.
    pub information_loss: f64,
    pub classes: usize,
    pub smallest_class: usize,
    pub lattice_nodes: usize,
    pub evaluated_nodes: usize,
    /// The released columns (quasi-identifiers generalised, then sensitive ones).
    pub header: Vec<String>,
    /// Released rows, sorted (the source's order is not released).
    pub rows: Vec<Vec<String>>,
}

struct Column {
    /// For each level: the code of each row's value, and how many codes there are.
    codes: Vec<(Vec<u32>, u64)>,
    /// For each level: the value of each code.
    values: Vec<Vec<String>>,
}

fn encode(plan: &Plan, rows: &[Vec<String>]) -> Vec<Column> {
    plan.quasi
        .iter()
        .map(|(i, _, h)| {
            let mut codes = Vec::new();
            let mut values = Vec::new();
            for level in 0..h.levels() {
                let mut index: HashMap<String, u32> = HashMap::new();
                let mut names = Vec::new();
                let col: Vec<u32> = rows
                    .iter()
                    .map(|r| {
                        let v = h.generalise(r.get(*i).map(String::as_str).unwrap_or(""), level);
                        *index.entry(v.clone()).or_insert_with(|| {
                            names.push(v);
                            (names.len() - 1) as u32
                        })
                    })
                    .collect();
                codes.push((col, names.len() as u64));
                values.push(names);
            }
            Column { codes, values }
        })
        .collect()
}

/// One node's classes: which rows fall in classes that must be suppressed.
struct Evaluation {
    suppressed_persons: usize,
    suppressed: Vec<bool>,
    classes: usize,
    smallest: usize,
}

fn evaluate(
    columns: &[Column],
    levels: &[usize],
    persons: &[u32],
    sensitive: &[u32],
    k: usize,
    l: usize,
) -> Evaluation {
    let n = persons.len();
    let keys: Vec<u64> = (0..n)
        .map(|r| {
            let mut key: u64 = 0;
            for (c, &level) in columns.iter().zip(levels) {
                let (codes, radix) = &c.codes[level];
                key = key.wrapping_mul(*radix).wrapping_add(u64::from(codes[r]));
            }
            key
        })
        .collect();
    // Persons per class (a person with several rows in a class counts once), and distinct
    // sensitive values up to l.
    let mut seen: HashSet<(u64, u32)> = HashSet::with_capacity(n);
    let mut people: HashMap<u64, usize> = HashMap::new();
    let mut diverse: HashMap<u64, Vec<u32>> = HashMap::new();
    for r in 0..n {
        if seen.insert((keys[r], persons[r])) {
            *people.entry(keys[r]).or_insert(0) += 1;
        }
        if l > 1 {
            let d = diverse.entry(keys[r]).or_default();
            if d.len() < l && !d.contains(&sensitive[r]) {
                d.push(sensitive[r]);
            }
        }
    }
    let failing =
        |key: &u64| people[key] < k || (l > 1 && diverse.get(key).is_none_or(|d| d.len() < l));
    let mut suppressed_persons = 0;
    let mut smallest = usize::MAX;
    for (key, count) in &people {
        if failing(key) {
            suppressed_persons += count;
        } else {
            smallest = smallest.min(*count);
        }
    }
    let suppressed: Vec<bool> = keys.iter().map(failing).collect();
    Evaluation {
        suppressed_persons,
        suppressed,
        classes: people.len(),
        smallest: if smallest == usize::MAX { 0 } else { smallest },
    }
}

/// Anonymises `rows` as `plan` says.
pub fn anonymise(
    plan: &Plan,
    rows: &[Vec<String>],
    k: usize,
    l: usize,
    max_suppression: f64,
) -> Result<KResult, SdcError> {
    if rows.is_empty() {
        return Err(SdcError::Invalid("no rows to release".into()));
    }
    let columns = encode(plan, rows);
    let mut person_index: HashMap<&str, u32> = HashMap::new();
    let persons: Vec<u32> = rows
        .iter()
        .map(|r| {
            let p = r.get(plan.person).map(String::as_str).unwrap_or("");
            let next = person_index.len() as u32;
            *person_index.entry(p).or_insert(next)
        })
        .collect();
    let total = person_index.len();
    // The sensitive values together, as one code per row (l-diversity on their combination).
    let mut sens_index: HashMap<Vec<&str>, u32> = HashMap::new();
    let sensitive: Vec<u32> = rows
        .iter()
        .map(|r| {
            let v: Vec<&str> = plan
                .sensitive
                .iter()
                .map(|(i, _)| r.get(*i).map(String::as_str).unwrap_or(""))
                .collect();
            let next = sens_index.len() as u32;
            *sens_index.entry(v).or_insert(next)
        })
        .collect();
    // Every node of the lattice, by height.
    let maxima: Vec<usize> = plan.quasi.iter().map(|(_, _, h)| h.levels() - 1).collect();
    let mut nodes: Vec<Vec<usize>> = vec![vec![]];
    for &m in &maxima {
        nodes = nodes
            .into_iter()
            .flat_map(|n| {
                (0..=m).map(move |level| {
                    let mut next = n.clone();
                    next.push(level);
                    next
                })
            })
            .collect();
    }
    let height = |node: &[usize]| -> f64 {
        node.iter()
            .zip(&maxima)
            .map(|(l, m)| *l as f64 / *m as f64)
            .sum::<f64>()
            / maxima.len() as f64
    };
    nodes.sort_by(|a, b| height(a).total_cmp(&height(b)).then(a.cmp(b)));
    let lattice_nodes = nodes.len();
    let mut evaluated = 0;
    let mut best: Option<(f64, Vec<usize>, Evaluation)> = None;
    for node in nodes {
        let h = height(&node);
        if best.as_ref().is_some_and(|(loss, _, _)| h >= *loss) {
            break;
        }
        evaluated += 1;
        let e = evaluate(&columns, &node, &persons, &sensitive, k, l);
        let share = e.suppressed_persons as f64 / total as f64;
        if share > max_suppression {
            continue;
        }
        let loss = h + share;
        if best.as_ref().is_none_or(|(b, _, _)| loss < *b) {
            best = Some((loss, node, e));
        }
    }
    let Some((loss, levels, e)) = best else {
        return Err(SdcError::Invalid(format!(
            "no generalisation reaches k = {k}, l = {l} suppressing at most {:.0}% of persons",
            max_suppression * 100.0
        )));
    };
    let mut header: Vec<String> = plan.quasi.iter().map(|(_, n, _)| n.clone()).collect();
    header.extend(plan.sensitive.iter().map(|(_, n)| n.clone()));
    let mut out: Vec<Vec<String>> = (0..rows.len())
        .filter(|r| !e.suppressed[*r])
        .map(|r| {
            let mut row: Vec<String> = columns
                .iter()
                .zip(&levels)
                .map(|(c, &level)| c.values[level][c.codes[level].0[r] as usize].clone())
                .collect();
            row.extend(
                plan.sensitive
                    .iter()
                    .map(|(i, _)| rows[r].get(*i).cloned().unwrap_or_default()),
            );
            row
        })
        .collect();
    out.sort();
    Ok(KResult {
        levels: plan
            .quasi
            .iter()
            .zip(&levels)
            .map(|((_, n, _), l)| (n.clone(), *l))
            .collect(),
        persons: total,
        suppressed_persons: e.suppressed_persons,
        suppressed_rows: e.suppressed.iter().filter(|s| **s).count(),
        generalisation_loss: height(&levels),
        information_loss: loss,
        classes: e.classes,
        smallest_class: e.smallest,
        lattice_nodes,
        evaluated_nodes: evaluated,
        header,
        rows: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ReleaseSpec;

    /// A seeded stream for test data.
    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed >> 33
    }

    fn data(n: usize) -> (Vec<String>, Vec<Vec<String>>) {
        let header: Vec<String> = ["id", "age", "sex", "nationality", "date", "referral"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let countries = ["ER", "SY", "SD", "AF", "GN", "ML", "NG", "BD"];
        let mut seed = 7;
        let rows = (0..n)
            .map(|i| {
                vec![
                    format!("p{i}"),
                    (16 + lcg(&mut seed) % 40).to_string(),
                    if lcg(&mut seed).is_multiple_of(3) {
                        "female"
                    } else {
                        "male"
                    }
                    .to_string(),
                    countries[(lcg(&mut seed) % 8) as usize].to_string(),
                    format!(
                        "2024-{:02}-{:02}",
                        1 + lcg(&mut seed) % 12,
                        1 + lcg(&mut seed) % 28
                    ),
                    ["asylum", "medical", "shelter", "avrr"][(lcg(&mut seed) % 4) as usize]
                        .to_string(),
                ]
            })
            .collect();
        (header, rows)
    }

    const SPEC: &str = "dataset: t\ncolumns:\n  id: person\n  age: {quasi_identifier: age}\n  sex: {quasi_identifier: category}\n  nationality: {quasi_identifier: country}\n  date: {quasi_identifier: date}\n  referral: sensitive\nk: 11\nl: 2\nmax_suppression: 0.1\n";

    #[test]
    fn a_release_joined_back_to_its_source_finds_no_class_under_k_nor_under_l() {
        let (header, rows) = data(5_000);
        let spec = ReleaseSpec::parse("s", SPEC).unwrap();
        let plan = spec.plan(&header, &rows).unwrap();
        let r = anonymise(&plan, &rows, spec.k, spec.l, spec.max_suppression).unwrap();
        assert!(r.suppressed_persons as f64 / r.persons as f64 <= 0.1);
        assert!(
            r.evaluated_nodes < r.lattice_nodes,
            "the search stops early"
        );
        // The attack: join the release back to the source on the generalised quasi-identifiers.
        let quasi_of = |row: &[String]| -> Vec<String> {
            plan.quasi
                .iter()
                .zip(&r.levels)
                .map(|((i, _, h), (_, level))| h.generalise(&row[*i], *level))
                .collect()
        };
        let mut sources: HashMap<Vec<String>, (HashSet<String>, HashSet<String>)> = HashMap::new();
        for row in &rows {
            let e = sources.entry(quasi_of(row)).or_default();
            e.0.insert(row[0].clone());
            e.1.insert(row[5].clone());
        }
        for released in &r.rows {
            let key = released[..plan.quasi.len()].to_vec();
            let (people, referrals) = &sources[&key];
            assert!(
                people.len() >= 11,
                "a class of {} persons: {key:?}",
                people.len()
            );
            assert!(referrals.len() >= 2, "a class without diversity: {key:?}");
        }
        // Nothing that identifies leaves: no person id in the release.
        assert!(!r.header.contains(&"id".to_string()));
        assert!(r.rows.iter().all(|row| {
            !row.iter()
                .any(|v| v.starts_with('p') && v[1..].parse::<u32>().is_ok())
        }));
    }

    #[test]
    fn the_person_is_the_unit_and_an_impossible_release_says_so() {
        // One person with twelve rows is one person: a class of them alone is under k = 11.
        let header: Vec<String> = ["id", "age", "referral"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut rows: Vec<Vec<String>> = (0..12)
            .map(|_| vec!["p1".to_string(), "30".to_string(), "asylum".to_string()])
            .collect();
        rows.extend(
            (0..20).map(|i| vec![format!("q{i}"), "50".to_string(), "medical".to_string()]),
        );
        let spec = ReleaseSpec::parse(
            "s",
            "dataset: t\ncolumns:\n  id: person\n  age: {quasi_identifier: age}\n  referral: sensitive\nk: 11\nmax_suppression: 0.1\n",
        )
        .unwrap();
        let plan = spec.plan(&header, &rows).unwrap();
        let r = anonymise(&plan, &rows, 11, 1, 0.1).unwrap();
        assert_eq!(r.persons, 21);
        // At the exact age p1 alone is a class of one person: suppressed (1 of 21 persons).
        assert!(
            r.rows.iter().all(|row| row[0] != "30"),
            "{:?}",
            r.rows.first()
        );
        assert_eq!(r.suppressed_persons, 1);
        // Allowed to suppress no one, ages go to the coarse band where all 21 are one class.
        let none = anonymise(&plan, &rows, 11, 1, 0.0).unwrap();
        assert_eq!(none.levels, [("age".to_string(), 3)]);
        assert_eq!(none.suppressed_persons, 0);
        // Fewer persons than k: nothing can be released, and that is said.
        let e = anonymise(&plan, &rows[..15], 11, 1, 0.5)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no generalisation reaches k = 11"), "{e}");
    }
}
