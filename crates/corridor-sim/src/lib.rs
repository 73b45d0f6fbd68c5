//! Corridor's scenario simulator: seeded smuggling worlds with ground truth.
//!
//! No real operational data may be used, yet every engine must be measured on data that looks
//! real. The simulator draws corridors from real geography (`data/corridors.yaml`), people with
//! names in their own scripts (`data/names.yaml`), smuggling networks with roles, migrants in
//! groups and their journeys, and renders each person the way each source would write them
//! (transliteration, dropped parts, typos, 1 January dates). Beside the records it writes the
//! truth: which record is which real person, who belongs to which network in which role, which
//! crossings were one group travelling together, and the real path of every payment.
//!
//! Same seed, same bytes: the generator is the crate's own ([`rng`]), and every part of the
//! world draws from its own fork of it.

pub mod data;
pub mod mrz;
pub mod render;
pub mod rng;
pub mod settings;
pub mod world;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub use world::{Output, Size, TRUTH_TABLES};

pub use settings::Settings;

/// A named size from the built-in settings. `demo` takes well under a second; `large` makes
/// about 200,000 smuggled persons, 10 million crossings and over a million persons.
pub fn scale(name: &str) -> Option<Size> {
    Settings::default().scale(name).ok()
}

/// What a run made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub smuggled_persons: u64,
    pub entities: u64,
}

/// Counts entities on their way to another output.
struct Counting<'a, O: Output> {
    inner: &'a mut O,
    entities: u64,
}

impl<O: Output> Output for Counting<'_, O> {
    fn entity(&mut self, dataset: &str, entity: serde_json::Value) -> std::io::Result<()> {
        self.entities += 1;
        self.inner.entity(dataset, entity)
    }
    fn source_row(&mut self, file: &str, header: &[&str], row: &[&str]) -> std::io::Result<()> {
        self.inner.source_row(file, header, row)
    }
    fn truth(&mut self, table: &str, row: &[&str]) -> std::io::Result<()> {
        self.inner.truth(table, row)
    }
}

/// Builds the world for `seed` at `size` into `out`, with the built-in settings.
pub fn simulate(seed: u64, size: &Size, out: &mut impl Output) -> std::io::Result<Summary> {
    simulate_with(seed, size, &Settings::default(), out, &mut |_, _| {})
}

/// Builds the world with `settings`; `progress` hears each corridor as it is done, with the
/// number of entities written so far.
pub fn simulate_with(
    seed: u64,
    size: &Size,
    settings: &Settings,
    out: &mut impl Output,
    progress: &mut dyn FnMut(&str, u64),
) -> std::io::Result<Summary> {
    let corridors = data::corridors();
    let names = data::names();
    let mut root = rng::Rng::new(seed);
    let mut counting = Counting {
        inner: out,
        entities: 0,
    };
    let mut smuggled = 0;
    let mut counter = 0;
    let chosen: Vec<&data::Corridor> = corridors
        .corridors
        .iter()
        .filter(|c| settings.corridors.is_empty() || settings.corridors.contains(&c.id))
        .collect();
    let per_corridor = size.migrant_groups.div_ceil(chosen.len() as u64);
    for corridor in chosen {
        let rng = root.fork(&corridor.id);
        let mut world = world::World {
            unsettled: Vec::new(),
            rng,
            settings,
            names: &names,
            out: &mut counting,
            counter,
        };
        let here = world.corridor(corridor, size, per_corridor)?;
        world.background(corridor, here * size.background_per_migrant)?;
        counter = world.counter;
        progress(&corridor.id, counting.entities);
        smuggled += here;
    }
    Ok(Summary {
        smuggled_persons: smuggled,
        entities: counting.entities,
    })
}

/// The mappings that load the agencies' own exports in `sources/`, by file name.
pub const SOURCE_MAPPINGS: &[(&str, &str)] = &[
    (
        "border-crossings.mapping.yaml",
        include_str!("../settings/border-crossings.mapping.yaml"),
    ),
    (
        "interception-reports.mapping.yaml",
        include_str!("../settings/interception-reports.mapping.yaml"),
    ),
    (
        "mto-transfers.mapping.yaml",
        include_str!("../settings/mto-transfers.mapping.yaml"),
    ),
];

/// How each simulated source's records are held: who may see them and what for, and how far
/// the source is trusted (Europol 4×4). A node loading the world (`--into`) records this
/// provenance on every statement, so protection data stays protection data.
pub struct Source {
    /// The dataset, which is also the name of its FtM file in `ftm/`.
    pub dataset: &'static str,
    pub handling: &'static str,
    pub purpose: &'static str,
    pub reliability: &'static str,
    pub grade: &'static str,
}

pub const SOURCES: &[Source] = &[
    Source {
        dataset: "border-crossings",
        handling: "restricted",
        purpose: "border_management",
        reliability: "A",
        grade: "1",
    },
    Source {
        dataset: "interceptions",
        handling: "restricted",
        purpose: "law_enforcement",
        reliability: "B",
        grade: "2",
    },
    Source {
        dataset: "debriefings",
        handling: "confidential",
        purpose: "law_enforcement",
        reliability: "C",
        grade: "3",
    },
    Source {
        dataset: "money-transfers",
        handling: "confidential",
        purpose: "law_enforcement",
        reliability: "B",
        grade: "2",
    },
    Source {
        dataset: "watchlist",
        handling: "confidential",
        purpose: "law_enforcement",
        reliability: "B",
        grade: "2",
    },
    Source {
        dataset: "phone-extracts",
        handling: "confidential",
        purpose: "law_enforcement",
        reliability: "A",
        grade: "2",
    },
    Source {
        dataset: "incidents",
        handling: "public",
        purpose: "research",
        reliability: "B",
        grade: "2",
    },
    Source {
        dataset: "protection",
        handling: "protection",
        purpose: "protection",
        reliability: "A",
        grade: "1",
    },
];

pub fn source(dataset: &str) -> Option<&'static Source> {
    SOURCES.iter().find(|s| s.dataset == dataset)
}

/// Writes a world to a directory: `ftm/<source>.ftm.json` (FtM entity JSON lines, one file per
/// source agency) and `truth/<table>.csv`, with a README that documents both.
pub struct DirOutput {
    dir: PathBuf,
    ftm: BTreeMap<String, BufWriter<File>>,
    sources: BTreeMap<String, BufWriter<File>>,
    truth: BTreeMap<String, BufWriter<File>>,
}

impl DirOutput {
    pub fn create(dir: &Path) -> std::io::Result<DirOutput> {
        std::fs::create_dir_all(dir.join("ftm"))?;
        std::fs::create_dir_all(dir.join("truth"))?;
        std::fs::create_dir_all(dir.join("sources"))?;
        for (name, text) in SOURCE_MAPPINGS {
            std::fs::write(dir.join("sources").join(name), text)?;
        }
        std::fs::write(dir.join("README.md"), include_str!("../OUTPUT.md"))?;
        let mut truth = BTreeMap::new();
        for (table, header) in TRUTH_TABLES {
            let mut w = BufWriter::new(File::create(
                dir.join("truth").join(format!("{table}.csv")),
            )?);
            writeln!(w, "{header}")?;
            truth.insert(table.to_string(), w);
        }
        Ok(DirOutput {
            dir: dir.to_path_buf(),
            ftm: BTreeMap::new(),
            sources: BTreeMap::new(),
            truth,
        })
    }

    /// The FtM files written, in name order.
    pub fn ftm_files(&self) -> Vec<PathBuf> {
        self.ftm
            .keys()
            .map(|d| self.dir.join("ftm").join(format!("{d}.ftm.json")))
            .collect()
    }

    pub fn finish(&mut self) -> std::io::Result<()> {
        for w in self
            .ftm
            .values_mut()
            .chain(self.truth.values_mut())
            .chain(self.sources.values_mut())
        {
            w.flush()?;
        }
        Ok(())
    }
}

impl Output for DirOutput {
    fn entity(&mut self, dataset: &str, entity: serde_json::Value) -> std::io::Result<()> {
        if !self.ftm.contains_key(dataset) {
            let path = self.dir.join("ftm").join(format!("{dataset}.ftm.json"));
            self.ftm
                .insert(dataset.to_string(), BufWriter::new(File::create(path)?));
        }
        let w = self.ftm.get_mut(dataset).expect("inserted above");
        serde_json::to_writer(&mut *w, &entity)?;
        w.write_all(b"\n")
    }

    fn source_row(&mut self, file: &str, header: &[&str], row: &[&str]) -> std::io::Result<()> {
        if !self.sources.contains_key(file) {
            let mut w = BufWriter::new(File::create(self.dir.join("sources").join(file))?);
            writeln!(w, "{}", csv_line(header))?;
            self.sources.insert(file.to_string(), w);
        }
        let w = self.sources.get_mut(file).expect("inserted above");
        writeln!(w, "{}", csv_line(row))
    }

    fn truth(&mut self, table: &str, row: &[&str]) -> std::io::Result<()> {
        let w = self
            .truth
            .get_mut(table)
            .ok_or_else(|| std::io::Error::other(format!("no truth table {table}")))?;
        writeln!(w, "{}", csv_line(row))
    }
}

/// One CSV line (RFC 4180 quoting where a field needs it).
fn csv_line(fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests;
