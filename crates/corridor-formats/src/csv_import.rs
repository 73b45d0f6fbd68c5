//! Streaming CSV import through a [`Mapping`].
//!
//! Rows are read as bytes, checked (field count, size, UTF-8), turned into statements and
//! written in batches inside one store transaction. The first bad row fails the whole import
//! and the store is left as it was — unless a reject file is given, in which case bad rows are
//! written there with their line and reason and every good row is imported.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use corridor_model::id::{check_entity_id, make_id};
use corridor_model::{CleanHints, Model, Provenance, Statement};
use corridor_store::Store;

use crate::error::ImportError;
use crate::mapping::{IdRule, Mapping, ValueSource};
use crate::options::{ImportOptions, ImportReport};

/// Statements buffered before they are handed to the store.
const WRITE_BATCH: usize = 65_536;

/// A reader that counts the bytes that pass through it, for progress.
pub(crate) struct CountingReader<R> {
    inner: R,
    pub(crate) count: Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> CountingReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        CountingReader {
            inner,
            count: Arc::default(),
        }
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Rows read, checked and cleaned by the parsing stage, ready for the store; or a read error.
type Batch = Result<CleanBatch, std::io::Error>;

#[derive(Default)]
struct CleanBatch {
    statements: Vec<Statement>,
    rejects: Vec<RejectedRow>,
    records: u64,
    entities: u64,
    /// Statements dropped because this import had already produced them (see [`SeenIds`]).
    repeated: u64,
    /// Source-supplied entity ids and the line each came from.
    source_ids: Vec<(String, u64)>,
}

/// Ids of statements this import has already sent to the store. Rows of a CSV repeat the same
/// entity (a traveller on each of their crossings); dropping the repeats here spares the store
/// the lookup that would find them. Bounded, so memory stays flat: when full it starts again,
/// and the store's own check catches what it forgets.
struct SeenIds {
    ids: std::collections::HashSet<corridor_model::StatementId, BuildIdHasher>,
}

const SEEN_LIMIT: usize = 2_000_000;

impl SeenIds {
    fn new() -> SeenIds {
        SeenIds {
            ids: std::collections::HashSet::with_hasher(BuildIdHasher),
        }
    }

    /// `true` the first time an id is offered.
    fn first_time(&mut self, id: corridor_model::StatementId) -> bool {
        if self.ids.len() >= SEEN_LIMIT {
            self.ids.clear();
        }
        self.ids.insert(id)
    }
}

/// Statement ids are SHA-1 digests, already uniformly spread: their first eight bytes serve as
/// the hash, which saves hashing sixteen bytes with SipHash on every row.
#[derive(Clone, Copy, Default)]
struct BuildIdHasher;

#[derive(Default)]
struct IdHasher(u64);

impl std::hash::BuildHasher for BuildIdHasher {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(0)
    }
}

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 ^= u64::from_le_bytes(word);
        }
    }
}

struct RejectedRow {
    line: Option<u64>,
    column: Option<String>,
    message: String,
    raw: String,
}

/// The parsing stage: reads rows and sends them on in batches until the input ends, the
/// writer stops listening (it failed), or reading fails.
fn parse_rows<R: Read>(
    model: &Model,
    bound: &Bound<'_>,
    header: &[String],
    reader: &mut csv::Reader<R>,
    max_field: usize,
    send: std::sync::mpsc::SyncSender<Batch>,
) {
    let mut record = csv::ByteRecord::new();
    let mut batch = CleanBatch::default();
    let mut memo = CleanMemo::default();
    let mut seen = SeenIds::new();
    loop {
        let more = match reader.read_byte_record(&mut record) {
            Ok(more) => more,
            Err(e) => {
                let line = e.position().map(|p| p.line());
                match e.into_kind() {
                    csv::ErrorKind::Io(source) => {
                        let _ = send.send(Err(source));
                        return;
                    }
                    other => batch.rejects.push(RejectedRow {
                        line,
                        column: None,
                        message: format!("unreadable CSV: {other:?}"),
                        raw: String::new(),
                    }),
                }
                continue;
            }
        };
        if !more {
            break;
        }
        batch.records += 1;
        match row_statements(model, bound, header, &record, max_field, &mut memo) {
            Ok(RowOutput {
                statements,
                entities,
                source_ids,
            }) => {
                batch.entities += entities;
                let line = record.position().map_or(0, |p| p.line());
                batch
                    .source_ids
                    .extend(source_ids.into_iter().map(|id| (id, line)));
                for s in statements {
                    if seen.first_time(s.id) {
                        batch.statements.push(s);
                    } else {
                        batch.repeated += 1;
                    }
                }
            }
            Err(e) => batch.rejects.push(RejectedRow {
                line: record.position().map(|p| p.line()),
                column: e.column,
                message: e.message,
                raw: raw_record(&record, max_field),
            }),
        }
        if (batch.statements.len() >= WRITE_BATCH || !batch.rejects.is_empty())
            && send.send(Ok(std::mem::take(&mut batch))).is_err()
        {
            return;
        }
    }
    let _ = send.send(Ok(batch));
}

/// Remembers cleaned phone numbers: parsing one against the numbering plans is the costliest
/// check there is, and the same number recurs across the rows of one person.
#[derive(Default)]
struct CleanMemo {
    phones: HashMap<(String, Option<String>), Result<String, corridor_model::ValueError>>,
}

const MEMO_LIMIT: usize = 100_000;

impl CleanMemo {
    fn clean(
        &mut self,
        prop: &corridor_model::Property,
        raw: &str,
        hints: CleanHints<'_>,
    ) -> Result<String, corridor_model::ValueError> {
        if prop.type_ != corridor_model::PropertyType::Phone {
            return prop.clean(raw, hints);
        }
        let key = (raw.to_string(), hints.country.map(str::to_string));
        if let Some(hit) = self.phones.get(&key) {
            return hit.clone();
        }
        if self.phones.len() >= MEMO_LIMIT {
            self.phones.clear();
        }
        let result = prop.clean(raw, hints);
        self.phones.insert(key, result.clone());
        result
    }
}

/// A problem with one row: which column, and what is wrong.
struct RowError {
    column: Option<String>,
    message: String,
}

/// The mapping bound to a file's header: column names resolved to positions.
struct Bound<'m> {
    mapping: &'m Mapping,
    index: HashMap<&'m str, usize>,
    provenance: Vec<Arc<Provenance>>,
}

pub fn import_csv(
    store: &mut dyn Store,
    model: &Model,
    mapping: &Mapping,
    file: &str,
    input: impl Read + Send,
    options: &mut ImportOptions<'_>,
) -> Result<ImportReport, ImportError> {
    let counting = CountingReader::new(input);
    let bytes = counting.count.clone();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(counting);
    let mut record = csv::ByteRecord::new();
    let read_err = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(source) => ImportError::Read {
            file: file.to_string(),
            source,
        },
        other => ImportError::input(file, None, None, format!("{other:?}")),
    };
    if !reader.read_byte_record(&mut record).map_err(read_err)? {
        return Err(ImportError::input(
            file,
            Some(1),
            None,
            "the file is empty: expected a header row",
        ));
    }
    let header = header_names(file, &record)?;
    let dataset_default = mapping.dataset.clone().unwrap_or_else(|| file_stem(file));
    let bound = bind(mapping, &header, options, &dataset_default)?;
    let max_field = options.max_field_bytes;
    let mut report = ImportReport::default();
    let mut tx = store.begin()?;
    // Two stages on two cores: this thread writes to the store while a second one reads,
    // checks and cleans the next rows. The bounded channel keeps memory flat.
    let (send, receive) = std::sync::mpsc::sync_channel::<Batch>(4);
    // Ids the file supplies itself (`id_column`) may already belong to an entity of another
    // type; derived ids cannot, as their seed is the type's name. Kept only for the former.
    let mut source_ids: HashMap<String, u64> = HashMap::new();
    std::thread::scope(|scope| -> Result<(), ImportError> {
        let bound = &bound;
        let header = &header;
        scope.spawn(move || parse_rows(model, bound, header, &mut reader, max_field, send));
        for batch in receive {
            let batch = batch.map_err(|source| ImportError::Read {
                file: file.to_string(),
                source,
            })?;
            report.records += batch.records;
            report.entities += batch.entities;
            report.statements_already_present += batch.repeated;
            for (id, line) in batch.source_ids {
                source_ids.entry(id).or_insert(line);
            }
            for r in &batch.rejects {
                reject_or_fail(
                    options,
                    file,
                    r.line,
                    r.column.as_deref(),
                    &r.message,
                    &r.raw,
                )?;
                report.rejected += 1;
            }
            options.note_written(&batch.statements);
            tx.write(&batch.statements)?;
            options.report_progress(bytes.load(std::sync::atomic::Ordering::Relaxed));
        }
        Ok(())
    })?;
    check_entity_types(tx.as_mut(), model, file, &source_ids)?;
    finish_import(
        tx,
        options,
        bytes.load(std::sync::atomic::Ordering::Relaxed),
        report,
    )
}

/// Fails when any of `ids` (with the line that introduced it) would be recorded under types
/// that no single type satisfies, counting what the store already holds and this import.
pub(crate) fn check_entity_types(
    tx: &mut dyn corridor_store::WriteTx,
    model: &Model,
    file: &str,
    ids: &HashMap<String, u64>,
) -> Result<(), ImportError> {
    let all: Vec<String> = ids.keys().cloned().collect();
    for chunk in all.chunks(1000) {
        for (id, schemata) in tx.schemata_of(chunk)? {
            let agreed = schemata
                .iter()
                .try_fold(schemata[0].as_str(), |acc, s| model.common_schema(acc, s));
            if agreed.is_none() {
                let message = format!(
                    "entity {id} would be recorded as {}, which are unrelated types; use another id or the same type",
                    schemata.join(" and ")
                );
                return Err(ImportError::input(file, Some(ids[&id]), None, message));
            }
        }
    }
    Ok(())
}

/// Commits an import's transaction and completes its report and reject file.
pub(crate) fn finish_import(
    tx: Box<dyn corridor_store::WriteTx + '_>,
    options: &mut ImportOptions<'_>,
    bytes_read: u64,
    mut report: ImportReport,
) -> Result<ImportReport, ImportError> {
    let mut tx = tx;
    options.run_before_commit(tx.as_mut())?;
    let summary = tx.commit()?;
    if let Some(rejects) = options.rejects.as_mut() {
        rejects.finish().map_err(|source| ImportError::Rejects {
            file: rejects.name.clone(),
            source,
        })?;
    }
    options.report_progress(bytes_read);
    report.statements_inserted = summary.inserted;
    report.statements_already_present += summary.already_present;
    Ok(report)
}

pub(crate) fn file_stem(file: &str) -> String {
    std::path::Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty() && s != "-")
        .unwrap_or_else(|| "stdin".into())
}

pub(crate) fn reject_or_fail(
    options: &mut ImportOptions<'_>,
    file: &str,
    line: Option<u64>,
    column: Option<&str>,
    message: &str,
    raw: &str,
) -> Result<(), ImportError> {
    match options.rejects.as_mut() {
        Some(sink) => {
            sink.reject(line, column, message, raw)
                .map_err(|source| ImportError::Rejects {
                    file: sink.name.clone(),
                    source,
                })
        }
        None => Err(ImportError::input(
            file,
            line,
            column.map(|c| format!("column {c:?}")),
            message,
        )),
    }
}

fn header_names(file: &str, record: &csv::ByteRecord) -> Result<Vec<String>, ImportError> {
    let mut names = Vec::new();
    for (i, field) in record.iter().enumerate() {
        let field = if i == 0 {
            field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field)
        } else {
            field
        };
        let name = std::str::from_utf8(field).map_err(|e| {
            ImportError::input(
                file,
                Some(1),
                Some(format!("header field {}", i + 1)),
                format!("not valid UTF-8 ({e})"),
            )
        })?;
        names.push(name.trim().to_string());
    }
    Ok(names)
}

fn bind<'m>(
    mapping: &'m Mapping,
    header: &[String],
    options: &ImportOptions<'_>,
    dataset: &str,
) -> Result<Bound<'m>, ImportError> {
    let mut index = HashMap::new();
    for column in mapping.columns() {
        match header.iter().position(|h| h == column) {
            Some(i) => {
                index.insert(column, i);
            }
            None => {
                return Err(ImportError::Mapping {
                    file: mapping.file.clone(),
                    message: format!(
                        "column {column:?} is not in the file's header (it has: {})",
                        header.join(", ")
                    ),
                });
            }
        }
    }
    let provenance = mapping
        .entities
        .iter()
        .map(|e| {
            let mut defaults = mapping.defaults.clone();
            defaults.handling = e.handling.or(defaults.handling);
            defaults.purpose = e.purpose.or(defaults.purpose);
            Arc::new(options.provenance(dataset, &defaults))
        })
        .collect();
    Ok(Bound {
        mapping,
        index,
        provenance,
    })
}

/// The raw record as one CSV line, for the reject file (shortened if huge).
fn raw_record(record: &csv::ByteRecord, max: usize) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let fields: Vec<String> = record
        .iter()
        .map(|f| String::from_utf8_lossy(&f[..f.len().min(max)]).into_owned())
        .collect();
    let _ = w.write_record(&fields);
    String::from_utf8_lossy(&w.into_inner().unwrap_or_default())
        .trim_end()
        .to_string()
}

/// Turns one row into statements, or says what is wrong with it.
fn row_statements(
    model: &Model,
    bound: &Bound<'_>,
    header: &[String],
    record: &csv::ByteRecord,
    max_field: usize,
    memo: &mut CleanMemo,
) -> Result<RowOutput, RowError> {
    if record.len() != header.len() {
        return Err(RowError {
            column: None,
            message: format!(
                "row has {} fields but the header has {} (a stray delimiter, or an unclosed quote that swallowed the lines after it)",
                record.len(),
                header.len()
            ),
        });
    }
    let field = |column: &str| -> Result<&str, RowError> {
        let i = bound.index[column];
        let bytes = &record[i];
        if bytes.len() > max_field {
            return Err(RowError {
                column: Some(column.to_string()),
                message: format!(
                    "field is {} bytes long; the limit is {max_field} bytes",
                    bytes.len()
                ),
            });
        }
        std::str::from_utf8(bytes).map_err(|e| RowError {
            column: Some(column.to_string()),
            message: format!(
                "not valid UTF-8 (bad byte at offset {} of the field)",
                e.valid_up_to()
            ),
        })
    };
    let mapping = bound.mapping;
    let mut ids: HashMap<&str, String> = HashMap::new();
    let mut source_ids = Vec::new();
    for e in &mapping.entities {
        let id = match &e.id {
            IdRule::Keys { seed, columns } => {
                let mut parts = vec![seed.as_str()];
                for c in columns {
                    parts.push(field(c)?.trim());
                }
                // Every key must have a value: a blank key would merge unrelated rows (all
                // travellers of one nationality without a passport number, say) into one entity.
                (parts[1..].iter().all(|p| !p.is_empty())).then(|| make_id(None, &parts))
            }
            IdRule::Column(c) => {
                let v = field(c)?.trim();
                if v.is_empty() {
                    None
                } else {
                    check_entity_id(v).map_err(|m| RowError {
                        column: Some(c.clone()),
                        message: m,
                    })?;
                    Some(v.to_string())
                }
            }
        };
        if let Some(id) = id {
            if matches!(e.id, IdRule::Column(_)) {
                source_ids.push(id.clone());
            }
            ids.insert(e.name.as_str(), id);
        }
    }
    let mut out = Vec::new();
    let mut entities = 0;
    for (e, provenance) in mapping.entities.iter().zip(&bound.provenance) {
        let Some(id) = ids.get(e.name.as_str()) else {
            continue;
        };
        let schema = model
            .get(&e.schema)
            .expect("mapping was checked against the model");
        let first = out.len();
        for p in &e.properties {
            let prop = schema
                .property(&p.prop)
                .expect("mapping was checked against the model");
            let country_hint = match &p.country_column {
                Some(c) => Some(field(c)?.trim()).filter(|s| !s.is_empty()),
                None => p.country.as_deref(),
            };
            let hints = CleanHints {
                country: country_hint,
                date_format: p.format.as_deref(),
            };
            let mut emit = |raw: &str, column: Option<&str>| -> Result<(), RowError> {
                let raw = raw.trim();
                if raw.is_empty() {
                    return Ok(());
                }
                let value = memo.clean(prop, raw, hints).map_err(|err| RowError {
                    column: column.map(String::from),
                    message: format!("{}: {err}", p.prop),
                })?;
                let original = (value != raw).then(|| raw.to_string());
                out.push(Statement::assert(
                    id,
                    &schema.name,
                    &p.prop,
                    value,
                    original,
                    provenance.clone(),
                ));
                Ok(())
            };
            match &p.source {
                ValueSource::Literal(lit) => emit(lit, None)?,
                ValueSource::Entity(target) => {
                    if let Some(target_id) = ids.get(target.as_str()) {
                        emit(target_id, None)?;
                    }
                }
                ValueSource::Columns(columns) => {
                    for c in columns {
                        let text = field(c)?;
                        match &p.split {
                            Some(sep) => {
                                for part in text.split(sep.as_str()) {
                                    emit(part, Some(c))?;
                                }
                            }
                            None => emit(text, Some(c))?,
                        }
                    }
                }
            }
        }
        for required in &schema.required {
            if !out[first..].iter().any(|s| &s.prop == required) {
                let column =
                    e.properties
                        .iter()
                        .find(|p| &p.prop == required)
                        .and_then(|p| match &p.source {
                            ValueSource::Columns(c) => c.first().cloned(),
                            _ => None,
                        });
                return Err(RowError {
                    column,
                    message: format!(
                        "{} {} needs a {required}, and this row has none",
                        e.name, schema.name
                    ),
                });
            }
        }
        if out.len() > first {
            entities += 1;
        }
    }
    Ok(RowOutput {
        statements: out,
        entities,
        source_ids,
    })
}

/// What one row became.
struct RowOutput {
    statements: Vec<Statement>,
    entities: u64,
    /// Ids taken verbatim from the file (`id_column`), to check against the store's types.
    source_ids: Vec<String>,
}
