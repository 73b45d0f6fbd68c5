//! A small invented watchlist and the ways a traveller's name reaches the border.

use super::scratch::QueryMemo;
use super::*;

fn person(id: &str, name: &str, dob: &str, nat: &str, doc: &str) -> Person {
    Person {
        id: id.into(),
        name: name.into(),
        birth_date: dob.into(),
        nationality: nat.into(),
        document_number: doc.into(),
    }
}

/// The hits for `query` among a few people listed by (id, name) alone.
fn screen_among(listed: &[(&str, &str)], query: &str) -> Vec<Hit> {
    let entries: Vec<Person> = listed
        .iter()
        .map(|(id, name)| person(id, name, "", "", ""))
        .collect();
    Watchlist::build(&entries).screen(&person("q", query, "", "", ""), 10)
}

/// Two thousand invented people (every given name with every family name, in Latin script),
/// the people the queries look for among them.
fn watchlist() -> (Watchlist, Vec<Person>) {
    let given = [
        "Mohamed",
        "Ali",
        "Ahmed",
        "Omar",
        "Yusuf",
        "Ibrahim",
        "Hassan",
        "Amina",
        "Fatima",
        "Khadija",
        "Yonas",
        "Selam",
        "Kibrom",
        "Tesfay",
        "Sergey",
        "Olena",
        "Georgi",
        "Mariam",
        "Abdullahi",
        "Hussein",
    ];
    let family = [
        "Ali",
        "Hassan",
        "Diallo",
        "Haile",
        "Tesfaye",
        "Karimi",
        "Rahimi",
        "Ivanov",
        "Kovalenko",
        "Al-Sayed",
        "Mengistu",
        "Warsame",
        "Farah",
        "Osman",
        "Abdi",
        "Nur",
        "Jama",
        "Ahmadi",
        "Hosseini",
        "Bangura",
        "Kamara",
        "Sesay",
        "Conteh",
        "Bah",
        "Barry",
        "Sow",
        "Camara",
        "Toure",
        "Keita",
        "Traore",
        "Coulibaly",
        "Ndiaye",
        "Diop",
        "Fall",
        "Sy",
        "Mbaye",
        "Gueye",
        "Faye",
        "Sarr",
        "Cisse",
        "Dembele",
        "Sissoko",
        "Doumbia",
        "Kone",
        "Sangare",
        "Diarra",
        "Sidibe",
        "Cisse-Bah",
        "Ba",
        "Kane",
    ];
    let mut entries = Vec::new();
    let mut n = 0;
    for g in given {
        for f in family {
            n += 1;
            let dob = format!("19{:02}-{:02}-{:02}", 50 + n % 50, 1 + n % 12, 1 + n % 28);
            entries.push(person(
                &format!("e{n}"),
                &format!("{g} {f}"),
                &dob,
                "so",
                &format!("P{:07}", n * 7919),
            ));
        }
    }
    (Watchlist::build(&entries), entries)
}

fn find<'a>(entries: &'a [Person], name: &str) -> &'a Person {
    entries.iter().find(|e| e.name == name).unwrap()
}

#[test]
fn a_traveller_is_found_across_spellings_scripts_and_orders() {
    let (list, entries) = watchlist();
    let cases = [
        ("Mohamed Warsame", "Maxamed Warsame"),   // Somali orthography
        ("Ali Osman", "Cali Cusmaan"),            // Somali, both parts
        ("Ahmed Diallo", "Ahmed Jallow"),         // Fula spelling
        ("Yusuf Al-Sayed", "يوسف السيد"),         // Arabic script
        ("Sergey Ivanov", "Сергей Иванов"),       // Cyrillic
        ("Kibrom Tesfaye", "ክብሮም ተስፋዬ"),          // Ge'ez
        ("Hassan Karimi", "KARIMI Hassan"),       // family name first
        ("Fatima Bangura", "Fatmata Bangura"),    // a familiar variant
        ("Georgi Kovalenko", "Georgi Kovalenco"), // one consonant misread
        ("Abdullahi Farah", "Cabdullahi Faarax"), // Somali
    ];
    let mut found = 0;
    for (wanted, written) in cases {
        let target = find(&entries, wanted);
        let q = person("q", written, &target.birth_date, "so", "");
        let hits = list.screen(&q, 10);
        if hits.iter().any(|h| h.entry_id == target.id) {
            found += 1;
        } else {
            eprintln!(
                "missed {wanted} as {written}: {:?}",
                hits.iter().take(3).collect::<Vec<_>>()
            );
        }
        if let Some(h) = hits.first() {
            assert!(!h.reasons.is_empty() && h.rank == 1);
        }
    }
    assert!(found >= 9, "found {found} of {}", cases.len());
}

#[test]
fn the_birth_date_and_document_decide_between_namesakes() {
    let (list, entries) = watchlist();
    let target = find(&entries, "Mohamed Ali");
    // The same name, the right birth date with day and month swapped.
    let dob = Date::parse(&target.birth_date).unwrap();
    let swapped = format!(
        "{}-{:02}-{:02}",
        dob.year,
        dob.day.unwrap(),
        dob.month.unwrap()
    );
    let hits = list.screen(&person("q", "Mohammed Aly", &swapped, "so", ""), 5);
    assert_eq!(hits[0].entry_id, target.id, "{hits:?}");
    // A document number with an OCR confusion finds the entry whatever the name says.
    let doc = target.document_number.replace('0', "O");
    let hits = list.screen(&person("q", "M. A.", "", "", &doc), 5);
    assert_eq!(hits[0].entry_id, target.id, "{hits:?}");
    assert!(
        hits[0]
            .reasons
            .iter()
            .any(|r| r.starts_with("document number: same"))
    );
    // What the node reads of a hit (or of the alert it left) to tell a document match.
    assert!(crate::same_document(&hits[0].reasons));
    let other = list.screen(&person("q", &target.name, "", "", "X9999999"), 5);
    assert!(!crate::same_document(&other[0].reasons), "{other:?}");
}

#[test]
fn nonsense_finds_nothing_and_oversized_input_is_refused() {
    let (list, _) = watchlist();
    // Marks alone (a virama, an asat, a tone) make no name part either.
    for name in [
        "<<<<<<",
        "😀😀",
        "",
        "   ",
        "\u{94d}\u{94d}",
        "်း့",
        "\u{301}",
    ] {
        let hits = list.screen(&person("q", name, "", "", ""), 10);
        assert!(hits.iter().all(|h| h.score < 0.5), "{name:?}: {hits:?}");
    }
    let long = person("q", &"a".repeat(10_000), "", "", "");
    let err = check(&long).unwrap_err();
    assert!(err.starts_with("name:") && err.contains("10000"), "{err}");
}

#[test]
fn a_common_given_name_and_a_misspelt_family_name_meet_through_the_birth_date() {
    // Six thousand "Ivan …" (a part too common to walk), one Ivan Volkov born 1978-03-28, and
    // a query written "Ivvan Wolkow" whose family name is past one consonant of Volkov's.
    let mut entries: Vec<Person> = (0..6000)
        .map(|i| {
            person(
                &format!("ivan-{i}"),
                &format!("Ivan {}", ["Petrov", "Sidorov", "Kozlov", "Smirnov"][i % 4]),
                &format!("19{:02}-{:02}-{:02}", 50 + i % 45, 1 + i % 12, 1 + i % 27),
                "rs",
                "",
            )
        })
        .collect();
    entries.push(person("volkov", "Ivan Volkov", "1978-03-28", "rs", ""));
    let list = Watchlist::build(&entries);
    let query = person("q", "Ivvan Wolkow", "1978-03-28", "rs", "");
    let hits = list.screen(&query, 10);
    let hit = hits
        .iter()
        .find(|h| h.entry_id == "volkov")
        .unwrap_or_else(|| panic!("{hits:#?}"));
    assert!(
        hit.reasons.iter().any(|r| r == "birth date: same"),
        "{:?}",
        hit.reasons
    );
}

#[test]
fn one_common_part_and_a_misspelt_rare_one_still_find_the_entry() {
    // Six thousand "Winn …" (too common to walk), each with a different second name, and one
    // Winn Kyaw; the query writes "Winn Kyau", whose second name shares no index key with Kyaw.
    let mut entries: Vec<Person> = (0..6000)
        .map(|i| {
            person(
                &format!("winn-{i}"),
                &format!("Winn Zq{i:05}x"),
                "",
                "mm",
                "",
            )
        })
        .collect();
    entries.insert(3000, person("kyaw", "Winn Kyaw", "", "mm", ""));
    let list = Watchlist::build(&entries);
    let hits = list.screen(&person("q", "Winn Kyau", "", "", ""), 10);
    assert_eq!(hits[0].entry_id, "kyaw", "{hits:#?}");
    assert!(
        hits[0].reasons[0].contains("kyau ~ kyaw"),
        "{:?}",
        hits[0].reasons
    );
}

/// Screens `query` and checks every hit three ways, which must agree: the short list's score
/// (through the query's memory of parts and names), the hit's explained score and reasons, and
/// the entry scored on its own, with no memory; and the hits in the order of their scores.
fn assert_hits_agree(list: &Watchlist, query: &Person, top: usize, label: &str) -> Vec<Hit> {
    let hits = list.screen(query, top);
    let mut q = prepare(query);
    q.weights = q.name.parts.iter().map(|p| list.weight(p)).collect();
    let mut memo = QueryMemo::default();
    memo.start(list, &q);
    for (k, hit) in hits.iter().enumerate() {
        let e = list
            .entries
            .iter()
            .position(|e| e.id == hit.entry_id)
            .unwrap();
        let quick = list.quick_score(&q, e as u32, &mut memo);
        assert!(
            (quick - hit.score).abs() < 1e-9,
            "{label}: {hit:?} quick {quick}"
        );
        let (alone, reasons) = list.score(&q, &list.entries[e], true);
        assert!(
            (alone - hit.score).abs() < 1e-9,
            "{label}: {hit:?} alone {alone}"
        );
        assert_eq!(reasons, hit.reasons, "{label}");
        if k > 0 {
            assert!(hits[k - 1].score >= hit.score, "{label}: {hits:?}");
        }
    }
    hits
}

#[test]
fn the_short_list_is_ranked_by_the_same_score_the_hits_are_explained_with() {
    // The short list is scored through per-query memories of parts and names; the hits
    // returned are explained through them too. The entry scored alone must agree, or the
    // ranking would not be the one the reasons explain.
    let (list, entries) = watchlist();
    for written in [
        "Maxamed Warsame",
        "KARIMI Hassan",
        "Mohammed Aly",
        "Сергей Иванов",
        "Ali",
    ] {
        for dob in ["", entries[7].birth_date.as_str()] {
            let query = person("q", written, dob, "so", "");
            let hits = assert_hits_agree(&list, &query, 20, written);
            assert!(!hits.is_empty(), "{written}");
        }
    }
}

#[test]
fn an_entry_that_is_not_raised_can_still_be_asked_about() {
    let (list, entries) = watchlist();
    let target = find(&entries, "Sergey Ivanov");
    let query = person("q", "Olena Kovalenko", "", "", "");
    assert!(
        list.screen(&query, 10)
            .iter()
            .all(|h| h.entry_id != target.id)
    );
    let (score, reasons) = list.score_entry(&query, &target.id).unwrap();
    assert!(score < 0.3, "{score}");
    assert_eq!(reasons, ["name: no part in common"]);
    assert!(list.score_entry(&query, "no-such-entry").is_none());
}

#[test]
fn a_name_written_apart_meets_it_written_joined() {
    let entries = [
        person("e1", "Mohammadreza Ahmadi", "", "ir", ""),
        person("e2", "Anna Maria Rossi", "", "it", ""),
        person("e3", "Mohammad Ahmadi", "", "ir", ""),
        person("e4", "Reza Ahmadi", "", "ir", ""),
        person("e5", "Anna Rossi", "", "it", ""),
    ];
    let list = Watchlist::build(&entries);
    for (written, wanted) in [("Mohammad Reza Ahmadi", "e1"), ("Annamaria Rossi", "e2")] {
        let hits = list.screen(&person("q", written, "", "", ""), 5);
        let first = &hits[0];
        assert_eq!(first.entry_id, wanted, "{written}: {hits:?}");
        assert!(
            first.reasons[0].contains("written apart and joined"),
            "{written}: {:?}",
            first.reasons
        );
        // As close as the same name written alike, less the joining's own doubt at most.
        assert!(first.score >= 0.7, "{written}: {}", first.score);
    }
}

#[test]
fn among_many_holding_the_name_in_other_spellings_the_one_written_alike_is_raised() {
    // Hundreds (then thousands: lists too long to walk) hold both parts in some spelling,
    // and among them two write it as the query does, or nearly, after all the others: they
    // must not be cut from the short list by where they stand in the list.
    let spellings = [
        "Muhammad Jalloh",
        "Mohammed Diallo",
        "Mohamad Jallow",
        "Mouhamed Djallo",
        "Muhammed Jalo",
    ];
    for size in [300, 6_000] {
        let mut entries: Vec<Person> = (0..size)
            .map(|i| person(&format!("e{i}"), spellings[i % spellings.len()], "", "", ""))
            .collect();
        entries.push(person("exact", "Mohamed Jallow", "", "", ""));
        entries.push(person("reordered", "Jallow Mohamed", "", "", ""));
        let list = Watchlist::build(&entries);
        let hits = list.screen(&person("q", "Mohamed Jallow", "", "", ""), 10);
        let ids: Vec<&str> = hits.iter().map(|h| h.entry_id.as_str()).collect();
        assert_eq!(
            ids[..2]
                .iter()
                .filter(|id| ["exact", "reordered"].contains(id))
                .count(),
            2,
            "{size}: {ids:?}"
        );
    }
}

#[test]
fn a_query_leaving_out_a_listed_part_is_nearer_its_person_than_a_name_only_like_it() {
    // "Nada Shadi" is the listed "Nada Shadi Al-Basri" without the family name; "Nada Hadzic"
    // holds both of its parts, one of them only nearly. The parts held exactly win.
    let hits = screen_among(
        &[
            ("left-out", "Nada Shadi Al-Basri"),
            ("only-like", "Nada Hadzic"),
        ],
        "Nada Shadi",
    );
    assert_eq!(hits[0].entry_id, "left-out", "{hits:?}");
    assert!(
        hits[0].reasons[0].contains("shadi ~ shadi (same)"),
        "{:?}",
        hits[0].reasons
    );
}

#[test]
fn a_short_part_that_meets_the_one_before_does_not_make_every_holder_of_that_one_a_candidate() {
    // "Jahangir" + "Roy" joined reads jhngr + r; the r's meet and leave jhngr, Jahangir's own
    // consonants. Taken as one word written apart, that made every "Jahangir Hossain" (a
    // common family name adds little to its own total) hold both parts and cut "Jahangeer
    // Roy" from the short list.
    let given = ["Karim", "Rahim", "Salim", "Nasir", "Habib"];
    let mut entries: Vec<Person> = Vec::new();
    for i in 0..150 {
        entries.push(person(&format!("j{i}"), "Jahangir Hossain", "", "", ""));
        entries.push(person(
            &format!("r{i}"),
            &format!("{} Roy", given[i % 5]),
            "",
            "",
            "",
        ));
    }
    for i in 0..1500 {
        let name = format!("{} Hossain", given[i % 5]);
        entries.push(person(&format!("h{i}"), &name, "", "", ""));
    }
    entries.push(person("want", "Jahangeer Roy", "", "", ""));
    let list = Watchlist::build(&entries);
    let hits = list.screen(&person("q", "Jahangir Roy", "", "", ""), 10);
    assert_eq!(hits[0].entry_id, "want", "{hits:?}");
}

#[test]
fn a_part_no_key_finds_still_brings_its_entry_among_the_many_holders_of_the_other() {
    // "Jahid" shares no index key with "Zahid" (three consonants, the first changed); among
    // 512 "… Zakir" the count of parts found ties them all, and the one listed last would be
    // cut from the short list by where it stands. Its letter pairs (ah, hi, id) bring it in.
    let syllables = ["bor", "tul", "mev", "kes", "pon", "lur", "vek", "sot"];
    let mut entries: Vec<Person> = Vec::new();
    for a in syllables {
        for b in syllables {
            for c in syllables {
                let name = format!("{a}{b}{c} Zakir");
                entries.push(person(&format!("z{}", entries.len()), &name, "", "", ""));
            }
        }
    }
    entries.push(person("want", "Tovek Zakir", "", "", ""));
    let list = Watchlist::build(&entries);
    let hits = list.screen(&person("q", "Dovek Zakir", "", "", ""), 10);
    assert_eq!(hits[0].entry_id, "want", "{hits:?}");
}

#[test]
fn among_names_with_the_same_consonants_the_closer_spelling_comes_first() {
    // Musa, Mousa and Moussa share their consonants; "Mousa" is spelt nearer Moussa. Listed
    // first, Musa would win a tie.
    let hits = screen_among(
        &[("a-musa", "Musa Ndiaye"), ("b-moussa", "Moussa Ndiaye")],
        "Mousa Ndiaye",
    );
    assert_eq!(hits[0].entry_id, "b-moussa", "{hits:?}");
    assert!(hits[0].score > hits[1].score, "{hits:?}");
    // The reasons say what each spelling holds.
    let holds = |h: &Hit| {
        let r = &h.reasons[0];
        let at = r.find("holds ").expect("a graded match says what it holds") + 6;
        r[at..at + 4].parse::<f64>().unwrap()
    };
    assert!(holds(&hits[0]) > holds(&hits[1]), "{hits:?}");
}

#[test]
fn a_middle_name_left_out_costs_less_than_an_outer_one() {
    // "Selam Kidane" is "Selam Tesfay Kidane" without the father's name, or "Selam Kidane
    // Tesfay" without the grandfather's; the part left out between two that meet is the one a
    // name chain drops, and the explanation says so.
    let hits = screen_among(
        &[
            ("outer", "Selam Kidane Tesfay"),
            ("middle", "Selam Tesfay Kidane"),
        ],
        "Selam Kidane",
    );
    assert_eq!(hits[0].entry_id, "middle", "{hits:?}");
    assert!(hits[0].score > hits[1].score, "{hits:?}");
    assert!(
        hits[0].reasons[0].contains("tesfay (the entry's middle part"),
        "{:?}",
        hits[0].reasons
    );
}

#[test]
fn two_common_parts_written_as_the_query_writes_them_are_found_wherever_they_stand() {
    // Twenty-four thousand hold two Ahmads, in other spellings (more than are taken from the
    // meeting of two long lists); the one written "Ahmad Ahmed" is listed last.
    let mut entries: Vec<Person> = (0..24_000)
        .map(|i| {
            let name = if i % 2 == 0 {
                "Ahmed Ahmed"
            } else {
                "Ahmad Ahmad"
            };
            person(&format!("e{i}"), name, "", "", "")
        })
        .collect();
    entries.push(person("want", "Ahmad Ahmed", "", "", ""));
    let list = Watchlist::build(&entries);
    let hits = list.screen(&person("q", "Ahmed Ahmad", "", "", ""), 10);
    assert_eq!(hits[0].entry_id, "want", "{hits:?}");
}

#[test]
fn a_common_part_misspelt_outside_its_variant_group_still_meets_the_other() {
    // Thousands of Abduls and of Hussains (too many to walk); the one listed "Abdul Husssain"
    // has Hussain's consonants but a spelling no variant group lists.
    let mut entries: Vec<Person> = Vec::new();
    for i in 0..6_000 {
        entries.push(person(&format!("a{i}"), "Abdul Karim", "", "", ""));
        entries.push(person(&format!("h{i}"), "Hussain Omar", "", "", ""));
    }
    entries.push(person("want", "Abdul Husssain", "", "", ""));
    let list = Watchlist::build(&entries);
    let hits = list.screen(&person("q", "Hussain Abdul", "", "", ""), 10);
    assert_eq!(hits[0].entry_id, "want", "{hits:?}");
}

#[test]
fn holders_of_a_rare_part_are_numbered_side_by_side() {
    // Listed apart, the two Okonkwos and the two Zabarovs (each rarer than the given names
    // beside it) are numbered next to each other (a query for one reads its neighbours'
    // accumulators from the same memory), and every entry is still found under its own id.
    let entries: Vec<Person> = [
        "Ali Okonkwo",
        "Mohamed Zabarov",
        "Ali Hassan",
        "Omar Okonkwo",
        "Mohamed Hassan",
        "Omar Zabarov",
        "Ali Farah",
        "Mohamed Farah",
        "Omar Farah",
    ]
    .iter()
    .enumerate()
    .map(|(i, name)| person(&format!("e{i}"), name, "", "", ""))
    .collect();
    let list = Watchlist::build(&entries);
    for part in ["okonkwo", "zabarov"] {
        let numbers: Vec<u32> = (0..list.len() as u32)
            .filter(|&e| {
                let p = &list.entries[e as usize];
                p.name.parts.iter().any(|x| x.latin == part)
            })
            .collect();
        assert_eq!(numbers.len(), 2, "{part}");
        assert_eq!(numbers[1], numbers[0] + 1, "{part}: {numbers:?}");
    }
    for (i, name) in ["Omar Okonkwo", "Mohamed Zabarov"].iter().enumerate() {
        let hits = list.screen(&person("q", name, "", "", ""), 1);
        assert_eq!(hits[0].entry_id, ["e3", "e1"][i], "{name}");
    }
}

#[test]
fn the_same_parts_in_the_same_order_come_before_them_crossed() {
    // Listed first by id, the crossed name would win a tie; its reasons say what it lost.
    let hits = screen_among(
        &[
            ("a-crossed", "Tesfaye Worku"),
            ("b-same-order", "Worku Tesfaye"),
        ],
        "Worku Tesfaye",
    );
    assert_eq!(hits[0].entry_id, "b-same-order", "{hits:?}");
    assert!(hits[0].score > hits[1].score + 0.01, "{hits:?}");
    let said = hits[1].reasons.join("; ");
    assert!(said.contains("parts in another order"), "{said}");
    assert!(!hits[0].reasons.join("; ").contains("another order"));
}

#[test]
fn a_weaker_name_with_a_contradicting_birth_date_is_not_raised() {
    let entries = [
        person("same", "Yonas Haile Tesfaye", "1990-05-12", "", ""),
        person("other-year", "Yonas Tesfaye", "1970-03-03", "", ""),
        person("undated", "Yonas Tesfaye", "", "", ""),
        person("one-digit", "Yonas Tesfaye", "1990-05-13", "", ""),
        person("whole-name", "Yonas Haile Tesfaye", "1970-01-02", "", ""),
    ];
    let list = Watchlist::build(&entries);
    let ids = |dob: &str| -> Vec<String> {
        let query = person("q", "Yonas Haile Tesfaye", dob, "", "");
        list.screen(&query, 10)
            .into_iter()
            .map(|h| h.entry_id)
            .collect()
    };
    // By name alone every one of them is a hit.
    assert_eq!(ids("").len(), 5, "{:?}", ids(""));
    // With a birth date, the part-name born in another year is left out; the undated one, the
    // one a digit off and the whole name (whatever its date) stay.
    let dated = ids("1990-05-12");
    assert!(!dated.contains(&"other-year".to_string()), "{dated:?}");
    for id in ["same", "undated", "one-digit", "whole-name"] {
        assert!(
            dated.contains(&id.to_string()),
            "{id} missing from {dated:?}"
        );
    }
}

#[test]
fn a_part_the_query_leaves_out_costs_no_more_than_a_common_one() {
    // A thousand others, so that parts have rarities: Hailu is common, Tadesse held by five,
    // Assefa by one.
    let mut entries: Vec<Person> = (0..1000)
        .map(|i| {
            let family = if i % 200 == 0 { "Tadesse" } else { "Hailu" };
            person(
                &format!("f{i}"),
                &format!("Filler{} {family}", i % 500),
                "",
                "",
                "",
            )
        })
        .collect();
    for (id, name) in [
        ("unique-left-out", "Desta Girma Assefa"),
        ("rare-left-out", "Desta Girma Tadesse"),
        ("common-left-out", "Desta Girma Hailu"),
    ] {
        entries.push(person(id, name, "", "", ""));
    }
    let hits = Watchlist::build(&entries).screen(&person("q", "Desta Girma", "", "", ""), 10);
    let score = |id: &str| hits.iter().find(|h| h.entry_id == id).expect(id).score;
    // Whether a writer leaves a part out does not depend on its rarity: past a common part's
    // weight, a rarer part left out costs no more.
    assert!(
        (score("unique-left-out") - score("rare-left-out")).abs() < 1e-9,
        "{hits:?}"
    );
    assert!(
        score("common-left-out") > score("rare-left-out"),
        "{hits:?}"
    );
    // And the hit says which part the query did not have, and that it weighed less; a common
    // part left out is said plainly.
    let unique = hits
        .iter()
        .find(|h| h.entry_id == "unique-left-out")
        .unwrap();
    assert!(
        unique.reasons[0]
            .contains("assefa (the entry's, not in the other; rare, weighed as a common part)"),
        "{:?}",
        unique.reasons
    );
    let common = hits
        .iter()
        .find(|h| h.entry_id == "common-left-out")
        .unwrap();
    assert!(
        common.reasons[0].contains("hailu (the entry's, not in the other)"),
        "{:?}",
        common.reasons
    );
}

#[test]
fn two_letters_swapped_still_find_the_name() {
    let listed = [
        ("than", "Than Hlaing"),
        ("ali", "Ali Osman"),
        ("other", "Tun Hlaing"),
    ];
    // "Tahn" keeps no key of "Than" (th is one sound there), nor "Lai" of "Ali".
    for (query, want) in [("Tahn", "than"), ("Lai", "ali")] {
        let hits = screen_among(&listed, query);
        assert!(hits.iter().any(|h| h.entry_id == want), "{query}: {hits:?}");
    }
}

#[test]
fn a_name_found_by_its_rarer_part_is_weighed_with_its_common_ones_before_the_near_cut() {
    // Fifty-one thousand hold the query's two common parts, more than the candidates kept by
    // name alone; four thousand hold its rarer part. The one sought holds all three, the rarer
    // spelt otherwise: found by that part alone it weighs less than the crowd of common parts,
    // and was cut before its common parts were counted.
    let mut entries: Vec<Person> = (0..51_000)
        .map(|i| person(&format!("m{i}"), "Mohamed Mohamed", "", "", ""))
        .collect();
    entries.extend((0..4_000).map(|i| person(&format!("t{i}"), "Tahir Ali", "", "", "")));
    entries.push(person("want", "Mohamed Taheer Mohamed", "", "", ""));
    let list = Watchlist::build(&entries);
    let hits = list.screen(&person("q", "Mohamed Mohamed Tahir", "", "", ""), 10);
    assert_eq!(hits[0].entry_id, "want", "{:?}", &hits[..2]);
}

#[test]
fn a_name_found_by_its_rare_part_alone_is_checked_for_the_common_ones_below_the_floor() {
    // Six thousand hold the query's two common parts (too common to walk) and twenty thousand
    // others make them weigh; the one sought holds one of them and the rare part misspelt by a
    // consonant, so that part alone finds it, at less than the floor of the best. Counted for
    // the common part it holds, it rises above the crowd.
    let mut entries: Vec<Person> = (0..20_000)
        .map(|i| {
            person(
                &format!("f{i}"),
                &format!("Zq{i:05}a Zq{i:05}b"),
                "",
                "",
                "",
            )
        })
        .collect();
    entries.extend((0..6_000).map(|i| {
        person(
            &format!("c{i}"),
            &format!("Sayed Tarek Zx{i:05}"),
            "",
            "",
            "",
        )
    }));
    entries.push(person("best", "Hamdi Tarek Sayed", "", "", ""));
    entries.push(person("want", "Tarek Hamndi", "", "", ""));
    let list = Watchlist::build(&entries);
    let hits = list.screen(&person("q", "Tarek Hamdi Sayed", "", "", ""), 10);
    assert_eq!(hits[0].entry_id, "best", "{:?}", &hits[..2]);
    assert_eq!(hits[1].entry_id, "want", "{:?}", &hits[..3]);
}

#[test]
fn a_part_read_another_way_says_which_way() {
    let listed = [("jamila", "Jamila Hassan"), ("sadeqi", "Ali Sadeqi")];
    for (query, want, how) in [
        (
            "Gamila Hassan",
            "jamila",
            "gamila ~ jamila (same consonants, g read as j",
        ),
        (
            "Ali Sadeghi",
            "sadeqi",
            "sadeghi ~ sadeqi (same consonants, q read as gh",
        ),
    ] {
        let hits = screen_among(&listed, query);
        assert_eq!(hits[0].entry_id, want, "{query}: {hits:?}");
        assert!(hits[0].reasons[0].contains(how), "{:?}", hits[0].reasons);
    }
}

#[test]
fn a_part_written_in_latin_is_scored_as_latin_where_another_entry_transliterates_it() {
    // The list numbers its distinct parts; "حسن" transliterates to a Latin form ("hsn") an
    // entry may also be written in. Whichever entry brought that form first, each entry's part
    // must be scored as written (a spelling across scripts holds its letters' distance at
    // half weight), in the short list and in the explained hits alike.
    let arabic = names::prepare("حسن كريمي");
    let latin_form = arabic.parts[0].latin.clone();
    assert!(arabic.parts[0].transliterated);
    let written = format!("{latin_form} Karimi");
    assert!(!names::prepare(&written).parts[0].transliterated);
    for order in [[0, 1], [1, 0]] {
        let pair = [
            person("ar", "حسن كريمي", "", "", ""),
            person("la", &written, "", "", ""),
        ];
        let entries: Vec<Person> = order.iter().map(|&k| pair[k].clone()).collect();
        let list = Watchlist::build(&entries);
        let query = person("q", "Hassan Karimi", "", "", "");
        let hits = assert_hits_agree(&list, &query, 10, &format!("order {order:?}"));
        assert_eq!(hits.len(), 2, "{hits:?}");
    }
}

#[test]
fn an_e_read_as_c_still_finds_its_entry_past_a_common_part() {
    // "Yusuf" is too common to walk and "Toure" has two consonants, too few for misspelling
    // keys: "Yusuff Tourc" (an e read as c) was found by no key, and a hundred and fifty
    // holders of "Toure" kept the common part's holders from being scored one by one.
    let mut entries: Vec<Person> = (0..6_000)
        .map(|i| person(&format!("y{i}"), &format!("Yusuf Zq{i:04}"), "", "", ""))
        .collect();
    entries
        .extend((0..150).map(|i| person(&format!("t{i}"), &format!("Toure Bq{i:03}"), "", "", "")));
    entries.push(person("want", "Yusuff Tourc", "", "", ""));
    let list = Watchlist::build(&entries);
    for query in ["Yusuf Toure", "Yusuff Tourc"] {
        let hits = list.screen(&person("q", query, "", "", ""), 10);
        assert_eq!(hits[0].entry_id, "want", "{query}: {:?}", &hits[..2]);
    }
    // The other way round: the query's c read as e meets the entry's e.
    let listed = [("want", "Mustapha Faye"), ("other", "Mustapha Fall")];
    let hits = screen_among(&listed, "Mustapha Fayc");
    assert_eq!(hits[0].entry_id, "want", "{hits:?}");
}

#[test]
fn a_doubled_part_is_held_twice_only_by_names_that_hold_it_twice() {
    // Seven hundred "Kebede …" hold the query's part once; counted for both of the query's
    // Kebedes, each tied with the one who holds it twice, and a rarer part of theirs ranked
    // them above him before the short list.
    let mut entries: Vec<Person> = (0..700)
        .map(|i| person(&format!("k{i}"), &format!("Kebede Zq{i:03}"), "", "", ""))
        .collect();
    entries.push(person("want", "Kebede Kebede Worku", "", "", ""));
    let list = Watchlist::build(&entries);
    let hits = list.screen(&person("q", "Kebede Kebede", "", "", ""), 10);
    assert_eq!(hits[0].entry_id, "want", "{:?}", &hits[..2]);
    // Where no one holds it twice, the holders of it once are still found (by the first).
    let listed = [("once", "Kebede Worku"), ("other", "Abebe Worku")];
    let hits = screen_among(&listed, "Kebede Kebede");
    assert_eq!(hits[0].entry_id, "once", "{hits:?}");
}

#[test]
fn a_longer_list_is_walked_when_the_query_has_little_else_to_walk() {
    // Three thousand hold "Zakir", more than every query walks; the one sought is "Tovek
    // Zakir", whose given name no key of "Dovek" finds (three consonants, the first changed),
    // and a hundred and fifty "Dovek …" make the query's rarer part find enough that the lone
    // common part is not scored on its own. A two-part query is within its walk budget, so
    // the Zakirs are walked and the one whose letters are nearest the query's rises above
    // them; held back as a wall, it was never a candidate.
    let mut entries: Vec<Person> = (0..3_000)
        .map(|i| person(&format!("z{i}"), &format!("Zv{i:04}x Zakir"), "", "", ""))
        .collect();
    assert!(entries.len() > WALKED_ALWAYS && entries.len() < MAX_POSTINGS);
    for i in 0..150 {
        let name = format!("Dovek Qv{i:03}a Qv{i:03}b Qv{i:03}c");
        entries.push(person(&format!("j{i}"), &name, "", "", ""));
    }
    entries.push(person("want", "Tovek Zakir", "", "", ""));
    let list = Watchlist::build(&entries);
    let hits = list.screen(&person("q", "Dovek Zakir", "", "", ""), 10);
    assert_eq!(hits[0].entry_id, "want", "{:?}", &hits[..3]);
}
