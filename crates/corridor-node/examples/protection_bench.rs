//! The protection benchmark (bench/protection.sh runs it): boats of 50 registered one after
//! another into a node that already holds earlier registrations, and how well earlier
//! registrations of the same persons are proposed when they come again under other spellings
//! and scripts. Prints `name=value` lines.
//!
//!   protection_bench PERSONS_BEFORE
//!
//! Every person is generated here with a seeded generator, so the truth is known: a
//! re-registration is of a person registered before (under a variant of their name, the same
//! birth date and citizenship), a new one is of nobody registered.

use std::sync::Arc;
use std::time::Instant;

use corridor_model::Model;
use corridor_node::Node;
use corridor_node::protection::{PersonInput, RegistrationInput};
use corridor_policy::Subject;
use corridor_store::Location;

const GIVEN: &[(&str, &str, &str)] = &[
    ("Mohammed", "Muhammad", "محمد"),
    ("Abdulrahman", "Abd al-Rahman", "عبد الرحمن"),
    ("Ahmed", "Ahmad", "أحمد"),
    ("Yusuf", "Yousef", "يوسف"),
    ("Ibrahim", "Ebrahim", "إبراهيم"),
    ("Omar", "Umar", "عمر"),
    ("Hassan", "Hasan", "حسن"),
    ("Khaled", "Khalid", "خالد"),
    ("Mustafa", "Moustafa", "مصطفى"),
    ("Fatima", "Fatma", "فاطمة"),
    ("Amina", "Aminah", "أمينة"),
    ("Mariam", "Maryam", "مريم"),
    ("Yonas", "Yohannes", "ዮናስ"),
    ("Tesfay", "Tesfaye", "ተስፋይ"),
    ("Hiwet", "Hiwot", "ሕይወት"),
    ("Selam", "Salam", "ሰላም"),
    ("Mamadou", "Mamadu", "Mamadou"),
    ("Fatou", "Fatu", "Fatou"),
];
const FAMILY: &[(&str, &str, &str)] = &[
    ("Al-Sayed", "Alsaid", "السيد"),
    ("Haddad", "Hadad", "حداد"),
    ("Hussein", "Husayn", "حسين"),
    ("Abdullah", "Abdallah", "عبد الله"),
    ("Osman", "Othman", "عثمان"),
    ("Mahmoud", "Mahmud", "محمود"),
    ("Salem", "Salim", "سالم"),
    ("Tesfamariam", "Tesfa Mariam", "ተስፋማርያም"),
    ("Haile", "Hayle", "ኃይሌ"),
    ("Berhe", "Berhane", "በርሀ"),
    ("Gebre", "Gebru", "ገብሬ"),
    ("Diallo", "Jallow", "Diallo"),
    ("Camara", "Kamara", "Camara"),
    ("Touré", "Toure", "Touré"),
];
const COUNTRIES: &[&str] = &["sy", "er", "so", "sd", "gn", "ml", "eg", "ly"];

/// A small seeded generator (xorshift): the same persons every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[derive(Clone)]
struct Truth {
    given: usize,
    family: usize,
    birth: String,
    country: &'static str,
}

fn person(t: &Truth, variant: usize) -> PersonInput {
    let g = GIVEN[t.given];
    let f = FAMILY[t.family];
    let (first, second, other) = match variant {
        0 => (g.0, f.0, None),
        1 => (g.1, f.1, None),
        _ => (g.1, f.0, Some(format!("{} {}", g.2, f.2))),
    };
    PersonInput {
        first_name: first.into(),
        second_name: second.into(),
        other_names: other.into_iter().collect(),
        birthdate: t.birth.clone(),
        gender: "Masculine".into(),
        citizenship: vec![t.country.into()],
        agreement_to_manage_personal_data: Some("yes".into()),
        ..Default::default()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let before: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let model = Arc::new(Model::builtin().expect("model"));
    let location = Location::Directory(dir.path().join("store"));
    corridor_store::create(&location, model.clone()).expect("store");
    let node = Node::open(&location, &dir.path().join("node"), model, 2).expect("node");
    let officer = Subject {
        username: "bench".into(),
        roles: vec!["protection_officer".into()],
        reason: Some("benchmark".into()),
    };
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut truths = Vec::new();
    let mut ids = Vec::new();
    let boat = |persons: Vec<PersonInput>, node: &Node| {
        let started = Instant::now();
        let result = node
            .register_migrants(
                &officer,
                RegistrationInput {
                    place: "Lampedusa".into(),
                    date: None,
                    event: None,
                    persons,
                },
            )
            .expect("a registration");
        (started.elapsed().as_secs_f64(), result)
    };
    // The earlier registrations, by boats of 50.
    let mut timings = Vec::new();
    while truths.len() < before {
        let group: Vec<Truth> = (0..50)
            .map(|_| Truth {
                given: rng.below(GIVEN.len()),
                family: rng.below(FAMILY.len()),
                birth: format!(
                    "19{:02}-{:02}-{:02}",
                    60 + rng.below(40),
                    1 + rng.below(12),
                    1 + rng.below(28)
                ),
                country: COUNTRIES[rng.below(COUNTRIES.len())],
            })
            .collect();
        let (secs, result) = boat(group.iter().map(|t| person(t, 0)).collect(), &node);
        timings.push(secs);
        ids.extend(result.persons.into_iter().map(|p| p.person_id));
        truths.extend(group);
    }
    // A boat of 50: 25 persons registered before (other spellings, some in their own script)
    // and 25 newcomers.
    let mut persons = Vec::new();
    let mut expected: Vec<Option<String>> = Vec::new();
    for i in 0..50 {
        if i % 2 == 0 {
            let k = rng.below(truths.len());
            let mut again = person(&truths[k], 1 + rng.below(2));
            // Some remember only the year.
            if rng.below(3) == 0 {
                again.birthdate = again.birthdate[..4].to_string();
            }
            persons.push(again);
            expected.push(Some(ids[k].clone()));
        } else {
            let t = Truth {
                given: rng.below(GIVEN.len()),
                family: rng.below(FAMILY.len()),
                birth: format!(
                    "19{:02}-{:02}-{:02}",
                    60 + rng.below(40),
                    1 + rng.below(12),
                    1 + rng.below(28)
                ),
                country: COUNTRIES[rng.below(COUNTRIES.len())],
            };
            persons.push(person(&t, 0));
            expected.push(None);
        }
    }
    let started = Instant::now();
    let candidates = node
        .registration_candidates(&officer, "Lampedusa", &persons)
        .expect("candidates");
    let check_secs = started.elapsed().as_secs_f64();
    let (last_secs, _) = boat(persons, &node);
    let (mut found, mut returning, mut false_new, mut top1) = (0, 0, 0, 0);
    for (proposed, truth) in candidates.iter().zip(&expected) {
        match truth {
            Some(id) => {
                returning += 1;
                found += usize::from(proposed.iter().any(|m| &m.person_id == id));
                top1 += usize::from(proposed.first().is_some_and(|m| &m.person_id == id));
            }
            None => false_new += usize::from(!proposed.is_empty()),
        }
    }
    timings.sort_by(f64::total_cmp);
    let p = |q: f64| timings[((timings.len() - 1) as f64 * q) as usize];
    println!("persons_before={}", truths.len());
    println!("boat_of_50_seconds_p50={:.3}", p(0.5));
    println!("boat_of_50_seconds_p95={:.3}", p(0.95));
    println!("boat_of_50_seconds_last={last_secs:.3}");
    println!("check_50_seconds={check_secs:.3}");
    println!(
        "returning_found_recall={:.3}",
        found as f64 / returning as f64
    );
    println!(
        "returning_found_first={:.3}",
        top1 as f64 / returning as f64
    );
    println!(
        "newcomers_with_a_proposal={:.3}",
        false_new as f64 / (50 - returning) as f64
    );
}
