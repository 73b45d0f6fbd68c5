//! The disclosure-control benchmark's Corridor half (bench/sdc.sh runs it): N simulated
//! migrant records with five quasi-identifiers (age, sex, nationality, registration date,
//! place) and a sensitive referral, written to CSV for the Python baseline, then k-anonymised
//! (k = 11, l = 2, at most 10% suppressed). Then differentially private counts per second.
//! Prints `name=value` lines.
//!
//!   kanon_bench N OUT.csv

use std::io::Write;
use std::time::Instant;

use corridor_sdc::spec::ReleaseSpec;

/// Nationalities as they arrive on the Central Mediterranean, weighted (invented shares).
const NATIONALITIES: &[(&str, u64)] = &[
    ("BD", 18),
    ("TN", 14),
    ("EG", 10),
    ("GN", 9),
    ("SY", 8),
    ("CI", 7),
    ("PK", 6),
    ("ER", 5),
    ("SD", 5),
    ("ML", 4),
    ("NG", 3),
    ("GM", 3),
    ("SN", 2),
    ("AF", 2),
    ("SO", 2),
    ("CM", 1),
    ("BF", 1),
];
const PLACES: &[&str] = &[
    "Lampedusa",
    "Pozzallo",
    "Augusta",
    "Crotone",
    "Roccella Ionica",
    "Reggio Calabria",
];
const SERVICES: &[&str] = &[
    "asylum",
    "medical",
    "shelter",
    "legal_aid",
    "child_protection",
    "avrr",
    "none",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let out = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| "kanon-input.csv".into());
    let mut rng = Rng(0x00c0_ffee_d00d_f00d);
    let weights: u64 = NATIONALITIES.iter().map(|(_, w)| w).sum();
    let header: Vec<String> = [
        "person_id",
        "age",
        "sex",
        "nationality",
        "date",
        "place",
        "service",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        // Ages: mostly young adults, some children, few older.
        let age = match rng.below(100) {
            0..=11 => 10 + rng.below(8),
            12..=89 => 18 + rng.below(20),
            _ => 38 + rng.below(35),
        };
        let mut pick = rng.below(weights);
        let nat = NATIONALITIES
            .iter()
            .find(|(_, w)| {
                if pick < *w {
                    true
                } else {
                    pick -= w;
                    false
                }
            })
            .map(|(c, _)| *c)
            .unwrap_or("BD");
        rows.push(vec![
            format!("p{i}"),
            age.to_string(),
            if rng.below(100) < 78 {
                "male"
            } else {
                "female"
            }
            .to_string(),
            nat.to_string(),
            format!(
                "{}-{:02}-{:02}",
                2023 + rng.below(2),
                1 + rng.below(12),
                1 + rng.below(28)
            ),
            PLACES[rng.below(PLACES.len() as u64) as usize].to_string(),
            SERVICES[rng.below(SERVICES.len() as u64) as usize].to_string(),
        ]);
    }
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&out).expect("the output file"));
        writeln!(f, "{}", header.join(",")).unwrap();
        for r in &rows {
            writeln!(f, "{}", r.join(",")).unwrap();
        }
    }
    let spec = ReleaseSpec::parse(
        "bench",
        "dataset: bench\ncolumns:\n  person_id: person\n  age: {quasi_identifier: age}\n  sex: {quasi_identifier: category}\n  nationality: {quasi_identifier: country}\n  date: {quasi_identifier: date}\n  place: {quasi_identifier: category}\n  service: sensitive\nk: 11\nl: 2\nmax_suppression: 0.1\n",
    )
    .unwrap();
    let plan = spec.plan(&header, &rows).unwrap();
    let started = Instant::now();
    let r = corridor_sdc::kanon::anonymise(&plan, &rows, 11, 2, 0.1).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    println!("records={n}");
    println!("corridor_kanon_seconds={seconds:.2}");
    println!(
        "corridor_levels={}",
        r.levels
            .iter()
            .map(|(c, l)| format!("{c}:{l}"))
            .collect::<Vec<_>>()
            .join(";")
    );
    println!(
        "corridor_suppressed_share={:.4}",
        r.suppressed_persons as f64 / r.persons as f64
    );
    println!("corridor_generalisation_loss={:.4}", r.generalisation_loss);
    println!("corridor_information_loss={:.4}", r.information_loss);
    println!("corridor_classes={}", r.classes);
    println!(
        "corridor_evaluated_nodes={}/{}",
        r.evaluated_nodes, r.lattice_nodes
    );
    // Differentially private counts per second (each drawing from the operating system).
    let started = Instant::now();
    let queries = 200_000;
    let mut sink = 0.0;
    for i in 0..queries {
        sink += corridor_sdc::dp::count(i as u64 % 1000, 0.5).unwrap().value;
    }
    let qps = queries as f64 / started.elapsed().as_secs_f64();
    println!("dp_counts_per_second={qps:.0}");
    if sink.is_nan() {
        println!("unreachable");
    }
}
