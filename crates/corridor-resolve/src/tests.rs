//! End-to-end stories on small invented data with known truth.

use super::*;

pub(crate) fn table(name: &str, header: &str, rows: &[&str]) -> Table {
    Table {
        name: name.into(),
        columns: header.split(',').map(String::from).collect(),
        rows: rows
            .iter()
            .map(|r| r.split(',').map(String::from).collect())
            .collect(),
    }
}

pub(crate) const HEADER: &str = "id,full_name,dob,passport";

/// People written several ways, with the truth as the id's prefix (p1-a, p1-b are one person).
pub(crate) fn people() -> Table {
    let mut rows = Vec::new();
    let given = [
        "Mohammed", "Amina", "Yonas", "Fatima", "Ibrahim", "Selam", "Omar", "Layla", "Kibrom",
        "Sara",
    ];
    let family = [
        "Al-Sayed", "Tesfaye", "Haile", "Hussain", "Rahman", "Mengistu", "Diallo", "Karimi",
    ];
    let mut n = 0;
    for (gi, g) in given.iter().enumerate() {
        for (fi, f) in family.iter().enumerate() {
            n += 1;
            let dob = format!(
                "19{:02}-{:02}-{:02}",
                60 + (gi * 3 + fi) % 40,
                1 + (gi + fi) % 12,
                1 + (gi * 7 + fi) % 28
            );
            let swapped = format!("{}-{}-{}", &dob[..4], &dob[8..10], &dob[5..7]);
            let passport = format!("P{:07}", n * 7919);
            rows.push(format!("p{n}-a,{g} {f},{dob},{passport}"));
            rows.push(format!("p{n}-b,{} {g},{swapped},", f.to_uppercase()));
            if n % 3 == 0 {
                rows.push(format!(
                    "p{n}-c,{g},{}-01-01,{}",
                    &dob[..4],
                    passport.replace('0', "O")
                ));
            }
        }
    }
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    table("people.csv", HEADER, &rows)
}

const SETTINGS: &str = "unique_id: id
comparisons:
  - {name: name, kind: name, columns: [full_name]}
  - {name: dob, kind: date, columns: [dob]}
  - {name: passport, kind: identifier, columns: [passport]}
blocking:
  - [name_part:name]
  - [value:passport]
  - [date_swap:dob]
# Records here are sparse (a given name and a year): let them join on the strongest link
# unless the cluster's other members speak against it.
cluster_average_bits: 0.0
thresholds: {match: 0.5, review: 0.5}
";

pub(crate) fn settings() -> Settings {
    Settings::parse("test.yaml", SETTINGS).unwrap()
}

/// Every pair of records, with its left and right set to the records.
fn record_pairs(result: &Resolution) -> Vec<ScoredPair> {
    let mut out = Vec::new();
    result.record_pairs(&mut |left, right, p| {
        out.push(ScoredPair {
            left,
            right,
            ..p.clone()
        });
    });
    out
}

pub(crate) fn truth(id: &str) -> &str {
    id.split('-').next().unwrap()
}

#[test]
fn duplicates_written_differently_are_found_and_explained() {
    let result = resolve(
        &settings(),
        &[people()],
        &Judgements::default(),
        &mut |_| {},
    )
    .unwrap();
    let all_pairs = record_pairs(&result);
    let linked: Vec<&ScoredPair> = all_pairs.iter().filter(|p| p.probability >= 0.9).collect();
    let correct = linked
        .iter()
        .filter(|p| truth(&result.ids[p.left as usize]) == truth(&result.ids[p.right as usize]))
        .count();
    let precision = correct as f64 / linked.len() as f64;
    let true_pairs = 80 + 26 * 2;
    let recall = correct as f64 / true_pairs as f64;
    let wrong: Vec<String> = linked
        .iter()
        .filter(|p| truth(&result.ids[p.left as usize]) != truth(&result.ids[p.right as usize]))
        .map(|p| {
            format!(
                "{} {} {}",
                result.ids[p.left as usize],
                result.ids[p.right as usize],
                p.explanation(&settings())
            )
        })
        .collect();
    assert!(precision >= 0.95, "precision {precision}: {wrong:#?}");
    // b and c records share little (a surname written first, no passport, a 1 January date):
    // they meet through a, in the clusters.
    assert!(recall >= 0.6, "recall {recall}");
    let cluster_of: HashMap<&str, &str> = result
        .ids
        .iter()
        .map(String::as_str)
        .zip(result.clusters.iter().map(String::as_str))
        .collect();
    let found = (1..=80)
        .flat_map(|n| {
            let ids = [format!("p{n}-a"), format!("p{n}-b"), format!("p{n}-c")];
            let present: Vec<String> = ids
                .into_iter()
                .filter(|i| cluster_of.contains_key(i.as_str()))
                .collect();
            let mut pairs = Vec::new();
            for i in 0..present.len() {
                for j in i + 1..present.len() {
                    pairs.push(cluster_of[present[i].as_str()] == cluster_of[present[j].as_str()]);
                }
            }
            pairs
        })
        .filter(|same| *same)
        .count();
    let cluster_recall = found as f64 / true_pairs as f64;
    assert!(cluster_recall >= 0.75, "cluster recall {cluster_recall}");
    // Clusters follow the truth.
    let mut by_cluster: HashMap<&str, std::collections::HashSet<&str>> = HashMap::new();
    for (id, c) in result.ids.iter().zip(&result.clusters) {
        by_cluster.entry(c.as_str()).or_default().insert(truth(id));
    }
    let pure =
        by_cluster.values().filter(|t| t.len() == 1).count() as f64 / by_cluster.len() as f64;
    assert!(pure >= 0.95, "pure clusters {pure}");
    // Each pair says why, comparison by comparison.
    let pair = all_pairs
        .iter()
        .find(|p| result.ids[p.left as usize] == "p1-a" && result.ids[p.right as usize] == "p1-b")
        .expect("p1-a and p1-b are proposed");
    let text = pair.explanation(&settings());
    assert!(
        text.contains("name: exact") && text.contains("'sayed' ≈ 'sayed' (same)"),
        "{text}"
    );
    assert!(text.contains("dob: "), "{text}");
    assert!(text.contains("passport: null"), "{text}");
}

#[test]
fn judged_different_records_never_share_a_cluster() {
    let judgements = Judgements {
        same: vec![],
        different: vec![("p1-a".into(), "p1-b".into())],
    };
    let result = resolve(&settings(), &[people()], &judgements, &mut |_| {}).unwrap();
    let cluster_of = |id: &str| &result.clusters[result.ids.iter().position(|x| x == id).unwrap()];
    assert_ne!(cluster_of("p1-a"), cluster_of("p1-b"));
}

#[test]
fn bad_input_is_named() {
    let s = settings();
    let err = |tables: &[Table]| {
        resolve(&s, tables, &Judgements::default(), &mut |_| {})
            .unwrap_err()
            .to_string()
    };
    assert!(err(&[table("empty.csv", HEADER, &[])]).contains("empty.csv: no records"));
    let e = err(&[table("x.csv", "id,name,dob,passport", &["1,A,,"])]);
    assert!(
        e.contains("x.csv") && e.contains("no column \"full_name\""),
        "{e}"
    );
    let long = format!("1,{},,", "a".repeat(10_000));
    let e = err(&[table("long.csv", HEADER, &[&long])]);
    assert!(
        e.contains("long.csv line 2: column full_name: value of 10000 characters"),
        "{e}"
    );
    let e = err(&[table("dup.csv", HEADER, &["1,A,,", "1,B,,"])]);
    assert!(
        e.contains("dup.csv line 3: column id: id \"1\" appears twice"),
        "{e}"
    );
    for (from, to, expected) in [
        (
            "[name_part:name]",
            "[name_part:dob]",
            "does not apply to a Date comparison",
        ),
        (
            "[value:passport]",
            "[value:visa]",
            "no comparison named \"visa\"",
        ),
        (
            "unique_id: id",
            "unique_id: id\nthresholds: {match: 0.4, review: 0.6}",
            "thresholds",
        ),
        (
            "kind: identifier",
            "kind: fingerprint",
            "unknown variant `fingerprint`",
        ),
        (
            "unique_id: id",
            "unique_id: id\nmax_block: 50\ngeneric_block_heads: 80",
            "generic_block_heads (80) is above max_block (50)",
        ),
    ] {
        let text = SETTINGS.replace(from, to);
        let result = Settings::parse("mine.yaml", &text)
            .and_then(|st| st.check(&people().columns).map(|_| st));
        let e = result.unwrap_err().to_string();
        assert!(e.contains(expected), "{from}: {e}");
    }
}

#[test]
fn settings_are_proposed_from_column_names() {
    let columns: Vec<String> = [
        "rec_id",
        "given_name",
        "surname",
        "date_of_birth",
        "soc_sec_id",
        "postcode",
        "suburb",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (s, why) = Settings::propose(&columns).unwrap();
    assert_eq!(s.unique_id, "rec_id");
    assert_eq!(s.comparisons[0].columns, ["given_name", "surname"]);
    assert!(
        s.comparisons
            .iter()
            .any(|c| c.kind == Kind::Identifier && c.columns == ["soc_sec_id"])
    );
    assert!(why.iter().any(|w| w.starts_with("blocking:")), "{why:?}");
    let err = Settings::propose(&["a".into(), "b".into()])
        .unwrap_err()
        .to_string();
    assert!(err.contains("no id column"), "{err}");
}

#[test]
fn judgements_supervise_the_model() {
    // Analysts said twenty pairs written "Given Family" / "FAMILY Given" are different people:
    // the model must learn that this agreement is weaker evidence than it thought.
    let table = people();
    let name_of = |id: &str| {
        table
            .rows
            .iter()
            .find(|r| r[0] == id)
            .map(|r| r[1].clone())
            .unwrap()
    };
    let mut judgements = Judgements::default();
    for n in 1..=20 {
        judgements
            .different
            .push((format!("p{n}-a"), format!("p{n}-b")));
    }
    let spec = &settings().comparisons[0];
    let level = compare::compare(
        spec,
        &compare::Prepared::new(spec.kind, &name_of("p1-a")),
        &compare::Prepared::new(spec.kind, &name_of("p1-b")),
        false,
    )
    .0;
    let plain = resolve(
        &settings(),
        &[people()],
        &Judgements::default(),
        &mut |_| {},
    )
    .unwrap();
    let taught = resolve(&settings(), &[people()], &judgements, &mut |_| {}).unwrap();
    let (before, after) = (
        plain.parameters.bits(0, level),
        taught.parameters.bits(0, level),
    );
    assert!(
        after < before,
        "level {level}: {before} bits before, {after} after"
    );
}

/// One frequent traveller's ways of being written.
const TRAVELLER_FORMS: [&str; 3] = [
    "Juan Carlos Hernandez Lopez",
    "Hernandez-Lopez Juan C.",
    "Juan C. Hernández",
];

#[test]
fn a_number_written_by_many_sources_is_not_a_generic_block() {
    // One traveller written forty ways, all with his passport number, in a store whose name
    // blocks hold at most ten records: the passport block (an identifier) may hold more.
    let mut rows = Vec::new();
    let forms = TRAVELLER_FORMS;
    for k in 0..40 {
        let name = format!("{} {}", forms[k % 3], "x".repeat(k / 3 + 1));
        rows.push(format!("t-{k},{name},,MX9782034"));
    }
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let mut s = settings();
    s.max_block = 10;
    let result = resolve(
        &s,
        &[table("t.csv", HEADER, &rows)],
        &Judgements::default(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(result.stats.largest_cluster, 40, "{:?}", result.stats);
    // With the passport block over its cap too, and no heads, the forty fall apart...
    s.max_identifier_block = 10;
    s.generic_block_heads = Some(0);
    let resolve_capped = |s: &Settings| {
        resolve(
            s,
            &[table("t.csv", HEADER, &rows)],
            &Judgements::default(),
            &mut |_| {},
        )
        .unwrap()
    };
    let capped = resolve_capped(&s);
    assert!(capped.stats.largest_cluster < 40, "{:?}", capped.stats);
    // ...and everyone compared with the generic blocks' heads brings more of them together.
    s.generic_block_heads = Some(2);
    let with_heads = resolve_capped(&s);
    assert!(
        with_heads.stats.largest_cluster > capped.stats.largest_cluster,
        "{:?} against {:?}",
        with_heads.stats,
        capped.stats
    );
    assert!(with_heads.stats.candidate_pairs < result.stats.candidate_pairs);
}

/// The pair loop reads values as numbers ([`rows::Rows`]); every level must be what
/// comparing the prepared fields gives.
#[test]
fn levels_from_rows_are_the_levels_of_the_fields() {
    let settings = Settings::parse(
        "columns.yaml",
        "unique_id: id\ncomparisons:\n  - {name: name, kind: name, columns: [name]}\n  - {name: dob, kind: date, columns: [dob]}\n  - {name: passport, kind: identifier, columns: [passport]}\n  - {name: nationality, kind: exact, columns: [nationality]}\n  - {name: city, kind: text, columns: [city]}\nblocking:\n  - [value:nationality]\n",
    )
    .unwrap();
    let rows = [
        "1,Mohammed Al-Sayed,1990-04-07,SY0123456,SYR,Aleppo",
        "2,Muhammad Alsaid,1990-07-04,SYO123456,SYR,Halab",
        "3,محمد السيد,1990,5Y0I23456,syr,aleppo",
        "4,Mhd Sayed,,SY012345,,",
        "5,Abdul Rahman,1975-11-30,ЅY0123456,IRQ,Mosul",
        "6,Abd al-Rahman Ali,1975-11-30,AB1234567,IRQ,Mosul",
        "7,,1975-01-01,,IRQ,",
        "8,Ali Ali Ali,1975-11-03,AB1234576,ERI,Asmara",
        "9,A. Rahman,1957-11-30,ab 1234567,ERI,asmara",
        "10,Сергей Иванов,1983-02-02,7700112233,RUS,Moskva",
        "11,Sergei Ivanov,1983-02-02,77001122333,RUS,Moscow",
        "12,Yonas Haile Tesfaye,1983-02-20,77OO112233,ERI,Keren",
        // Names longer than a row holds, identifiers longer than it holds inline.
        "13,Abdul Rahman Mohammed Hassan Omar Yusuf Ali,1975-11-30,AB1234567CD8901234,IRQ,Mosul",
        "14,Abd al-Rahman Muhammad Hasan Omar Yousef Aly,1975-11-30,AB1234567CD890I234,IRQ,Mosul",
        "15,Rahman Abdul Omar Hassan Mohammed Yusuf,,AB1234567CD8901234X,IRQ,",
        "16,Ali Yusuf Omar Hassan Mohammed Rahman Abdul,,AB1234567CD89012,IRQ,",
    ];
    let table = table(
        "columns.csv",
        "id,name,dob,passport,nationality,city",
        &rows,
    );
    let mut records = load(&settings, &[table]).unwrap();
    records.rows = rows::Rows::new(&settings, &records.fields);
    records.run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    let mut levels_seen = std::collections::HashSet::new();
    for i in 0..rows.len() {
        for j in 0..rows.len() {
            for (c, spec) in settings.comparisons.iter().enumerate() {
                let expected =
                    compare::compare(spec, &records.fields[i][c], &records.fields[j][c], false).0;
                let level = level_of(&settings, &records, i, j, c) as usize;
                assert_eq!(level, expected, "{} / {}: {}", rows[i], rows[j], spec.name);
                levels_seen.insert((c, level));
            }
        }
    }
    // Every kind met several of its levels, so the rows were really exercised.
    for c in 0..settings.comparisons.len() {
        assert!(
            levels_seen.iter().filter(|(k, _)| *k == c).count() >= 3,
            "comparison {c}: {levels_seen:?}"
        );
    }
}

/// The bench counts blocking recall over `--candidates` as the pairs stream by, without making
/// them distinct first (350 million pairs at 1M): each unordered pair of records must come
/// once, also where identical records are expanded and generic blocks met through heads.
#[test]
fn kept_candidates_list_each_pair_of_records_once() {
    let mut rows = Vec::new();
    let forms = TRAVELLER_FORMS;
    for k in 0..60 {
        // Every third record is written exactly as another: identical records are expanded.
        let name = if k % 3 == 0 {
            forms[0].to_string()
        } else {
            format!("{} {}", forms[k % 3], "x".repeat(k / 3 + 1))
        };
        let passport = if k % 2 == 0 { "MX9782034" } else { "" };
        rows.push(format!("t-{k},{name},,{passport}"));
    }
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let mut s = settings();
    s.max_block = 10;
    s.max_identifier_block = 10;
    s.generic_block_heads = Some(3);
    let options = Options {
        keep_candidates: true,
        ..Options::default()
    };
    let result = resolve_with(
        &s,
        &[table("t.csv", HEADER, &rows)],
        &Judgements::default(),
        options,
        &mut |_| {},
    )
    .unwrap();
    assert!(result.stats.generic_blocks > 0, "{:?}", result.stats);
    let candidates = result.candidates.expect("kept");
    let mut seen = std::collections::HashSet::new();
    for (i, list) in candidates.iter().enumerate() {
        for &j in list {
            assert_ne!(i as u32, j, "a record paired with itself");
            let pair = (i.min(j as usize), i.max(j as usize));
            assert!(seen.insert(pair), "{pair:?} listed twice");
        }
    }
    // Identical records are all candidates of one another.
    assert!(seen.contains(&(0, 3)) && seen.contains(&(3, 6)), "{seen:?}");
}
