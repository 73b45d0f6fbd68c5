use std::collections::BTreeSet;
use std::io::Write;

use corridor_store::{StoreError, WriteTx};

use corridor_model::{HandlingCode, InformationGrade, Provenance, Purpose, SourceReliability};

/// How an import records what it brings in.
pub struct ImportOptions<'a> {
    /// Source dataset name; defaults chosen by the caller (the mapping's or the file's name).
    pub dataset: Option<String>,
    pub recorded_by: String,
    /// ISO 8601 UTC moment stamped on every statement of this import.
    pub recorded_at: String,
    pub handling: Option<HandlingCode>,
    pub purpose: Option<Purpose>,
    pub reliability: Option<SourceReliability>,
    pub grade: Option<InformationGrade>,
    /// Where bad rows go instead of failing the import; `None` = the first bad row fails it.
    pub rejects: Option<RejectSink<'a>>,
    /// Called now and then with the bytes read so far.
    pub progress: Option<&'a mut dyn FnMut(Progress)>,
    /// The longest field or line accepted, in bytes.
    pub max_field_bytes: usize,
    /// Called just before the import commits, with its transaction and the ids of every entity
    /// the file held: the caller writes what belongs with the import (a watchlist version) in
    /// the same transaction, or fails the whole import by returning an error.
    pub before_commit: Option<&'a mut BeforeCommit<'a>>,
    /// The entity ids written, collected only when `before_commit` is set.
    written: BTreeSet<String>,
}

pub type BeforeCommit<'a> =
    dyn FnMut(&mut dyn WriteTx, &BTreeSet<String>) -> Result<(), StoreError> + 'a;

impl<'a> ImportOptions<'a> {
    pub fn new(recorded_by: &str, recorded_at: &str) -> ImportOptions<'a> {
        ImportOptions {
            dataset: None,
            recorded_by: recorded_by.to_string(),
            recorded_at: recorded_at.to_string(),
            handling: None,
            purpose: None,
            reliability: None,
            grade: None,
            rejects: None,
            progress: None,
            max_field_bytes: corridor_model::types::MAX_LONG_VALUE,
            before_commit: None,
            written: BTreeSet::new(),
        }
    }

    /// Notes the entities of statements about to be written, for `before_commit`.
    pub(crate) fn note_written(&mut self, statements: &[corridor_model::Statement]) {
        if self.before_commit.is_some() {
            for s in statements {
                if !self.written.contains(&s.entity_id) {
                    self.written.insert(s.entity_id.clone());
                }
            }
        }
    }

    /// Runs `before_commit`, if any, in the import's transaction.
    pub(crate) fn run_before_commit(&mut self, tx: &mut dyn WriteTx) -> Result<(), StoreError> {
        match self.before_commit.as_mut() {
            Some(hook) => hook(tx, &self.written),
            None => Ok(()),
        }
    }

    /// The provenance of this import: explicit options first, then the source's own defaults,
    /// then restricted / law enforcement / unevaluated (X, 4).
    pub(crate) fn provenance(&self, dataset: &str, defaults: &ProvenanceDefaults) -> Provenance {
        Provenance {
            dataset: self.dataset.clone().unwrap_or_else(|| dataset.to_string()),
            recorded_by: self.recorded_by.clone(),
            recorded_at: self.recorded_at.clone(),
            handling: self
                .handling
                .or(defaults.handling)
                .unwrap_or(HandlingCode::Restricted),
            purpose: self
                .purpose
                .or(defaults.purpose)
                .unwrap_or(Purpose::LawEnforcement),
            reliability: self
                .reliability
                .or(defaults.reliability)
                .unwrap_or(SourceReliability::X),
            grade: self
                .grade
                .or(defaults.grade)
                .unwrap_or(InformationGrade::Unknown),
        }
    }

    pub(crate) fn report_progress(&mut self, bytes: u64) {
        if let Some(p) = self.progress.as_mut() {
            p(Progress { bytes_read: bytes });
        }
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct ProvenanceDefaults {
    pub handling: Option<HandlingCode>,
    pub purpose: Option<Purpose>,
    pub reliability: Option<SourceReliability>,
    pub grade: Option<InformationGrade>,
}

#[derive(Clone, Copy, Debug)]
pub struct Progress {
    pub bytes_read: u64,
}

/// A reject file: each bad record with its line and the reason, as CSV
/// (`line,column,error,record`), so a clerk can fix the rows and import them again.
pub struct RejectSink<'a> {
    pub name: String,
    writer: csv::Writer<Box<dyn Write + 'a>>,
    pub count: u64,
}

impl<'a> RejectSink<'a> {
    pub fn new(name: &str, out: Box<dyn Write + 'a>) -> RejectSink<'a> {
        let mut writer = csv::Writer::from_writer(out);
        let _ = writer.write_record(["line", "column", "error", "record"]);
        RejectSink {
            name: name.to_string(),
            writer,
            count: 0,
        }
    }

    pub(crate) fn reject(
        &mut self,
        line: Option<u64>,
        column: Option<&str>,
        error: &str,
        record: &str,
    ) -> std::io::Result<()> {
        self.count += 1;
        let line = line.map(|l| l.to_string()).unwrap_or_default();
        self.writer
            .write_record([line.as_str(), column.unwrap_or(""), error, record])
            .map_err(std::io::Error::other)
    }

    pub(crate) fn finish(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Records read (CSV rows without the header, or JSON lines).
    pub records: u64,
    pub entities: u64,
    pub statements_inserted: u64,
    pub statements_already_present: u64,
    pub rejected: u64,
}
