//! FollowTheMoney entity JSON lines, in and out.
//!
//! One JSON object per line: `{"id": …, "schema": …, "properties": {prop: [values]}}`, as
//! Aleph, OpenSanctions and the `ftm` tool write them. Import checks the schema, every property
//! and value, and that a reference to an entity known in the file or the store points at an
//! entity of the right type (a reference to an entity that is nowhere is legal in FtM and kept).
//!
//! Round trip: export writes each value as the source wrote it and keeps any other top-level
//! fields (`datasets`, `referents`, `first_seen`, `caption`…) that came with the entity, so an
//! FtM file imported and exported again has the same entities, properties and values.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::Arc;

use corridor_model::id::check_entity_id;
use corridor_model::statement::FTM_META_PROP;
use corridor_model::{Entity, Model, PropertyType, Statement};
use corridor_store::{Store, StoreError};
use serde_json::{Map, Value};

use crate::csv_import::{
    CountingReader, check_entity_types, file_stem, finish_import, reject_or_fail,
};
use crate::error::ImportError;
use crate::options::{ImportOptions, ImportReport, ProvenanceDefaults};

const WRITE_BATCH: usize = 8192;
/// Ids looked up per query when checking references at the end.
const REFERENCE_CHUNK: usize = 1000;

/// A reference to check once the whole file is in: the line that made it, the property, the
/// type the target must be.
struct PendingReference {
    line: u64,
    entity: String,
    prop: String,
    range: String,
}

pub fn import_ftm(
    store: &mut dyn Store,
    model: &Model,
    file: &str,
    input: impl Read,
    options: &mut ImportOptions<'_>,
) -> Result<ImportReport, ImportError> {
    let counting = CountingReader::new(input);
    let bytes = counting.count.clone();
    let mut reader = BufReader::with_capacity(1 << 16, counting);
    let provenance = Arc::new(options.provenance(&file_stem(file), &ProvenanceDefaults::default()));
    let mut report = ImportReport::default();
    let mut references: HashMap<String, Vec<PendingReference>> = HashMap::new();
    // Each entity's first line, to check at the end that its schemata agree with each other
    // and with what the store already holds (a Person must not also be a Vessel).
    let mut entity_lines: HashMap<String, u64> = HashMap::new();
    let mut tx = store.begin()?;
    let mut pending: Vec<Statement> = Vec::new();
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        let n = read_line_limited(&mut reader, &mut buf, options.max_field_bytes).map_err(
            |source| ImportError::Read {
                file: file.to_string(),
                source,
            },
        )?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        report.records += 1;
        let parsed = if n > options.max_field_bytes {
            Err(format!(
                "line is longer than the limit of {} bytes",
                options.max_field_bytes
            ))
        } else {
            parse_entity(model, &buf, &provenance)
        };
        match parsed {
            Ok((statements, refs)) => {
                report.entities += 1;
                if let Some(first) = statements.first() {
                    entity_lines
                        .entry(first.entity_id.clone())
                        .or_insert(line_no);
                }
                for (entity, prop, range, target) in refs {
                    references
                        .entry(target)
                        .or_default()
                        .push(PendingReference {
                            line: line_no,
                            entity,
                            prop,
                            range,
                        });
                }
                pending.extend(statements);
                if pending.len() >= WRITE_BATCH {
                    options.note_written(&pending);
                    tx.write(&pending)?;
                    pending.clear();
                }
            }
            Err(message) => {
                let raw = String::from_utf8_lossy(&buf[..buf.len().min(4096)])
                    .trim_end()
                    .to_string();
                reject_or_fail(options, file, Some(line_no), None, &message, &raw)?;
                report.rejected += 1;
            }
        }
        if report.records % 4096 == 0 {
            options.report_progress(bytes.load(std::sync::atomic::Ordering::Relaxed));
        }
    }
    options.note_written(&pending);
    tx.write(&pending)?;
    check_entity_types(tx.as_mut(), model, file, &entity_lines)?;
    // References are checked against everything this import wrote and everything already
    // stored; targets found nowhere are kept as they are, as FtM allows.
    let targets: Vec<String> = references.keys().cloned().collect();
    for chunk in targets.chunks(REFERENCE_CHUNK) {
        let found = tx.schemata_of(chunk)?;
        for (target, schemata) in found {
            let actual = schemata
                .iter()
                .try_fold(schemata[0].as_str(), |acc, s| model.common_schema(acc, s));
            for r in &references[&target] {
                let fits = actual.is_some_and(|a| model.is_a(a, &r.range));
                if !fits {
                    let what = actual.map_or_else(|| schemata.join(" and "), String::from);
                    let message = format!(
                        "entity {}: property {} points at {target}, which is of type {what}; {} must point at an entity of type {}",
                        r.entity, r.prop, r.prop, r.range
                    );
                    // A wrong reference found at the end cannot be set aside row by row: the
                    // rows are written. Fail the whole import so the store stays as it was.
                    return Err(ImportError::input(
                        file,
                        Some(r.line),
                        Some(format!("property {:?}", r.prop)),
                        message,
                    ));
                }
            }
        }
    }
    finish_import(
        tx,
        options,
        bytes.load(std::sync::atomic::Ordering::Relaxed),
        report,
    )
}

/// Reads one line but keeps at most `limit + 1` bytes of it, so a gigantic line cannot
/// exhaust memory; returns the full length read.
fn read_line_limited(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<usize> {
    let mut total = 0;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(total);
        }
        let (chunk, done) = match available.iter().position(|b| *b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let keep = chunk.len().min((limit + 1).saturating_sub(buf.len()));
        buf.extend_from_slice(&chunk[..keep]);
        let used = chunk.len();
        total += used;
        reader.consume(used);
        if done {
            return Ok(total);
        }
    }
}

type Reference = (String, String, String, String);

/// Parses one line into statements plus the references it makes.
fn parse_entity(
    model: &Model,
    line: &[u8],
    provenance: &Arc<corridor_model::Provenance>,
) -> Result<(Vec<Statement>, Vec<Reference>), String> {
    let text = std::str::from_utf8(line)
        .map_err(|e| format!("not valid UTF-8 (bad byte at offset {})", e.valid_up_to()))?;
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let Value::Object(mut object) = value else {
        return Err(format!(
            "expected a JSON object (an FtM entity), found {}",
            json_kind(&value)
        ));
    };
    let id = match object.shift_remove("id") {
        Some(Value::String(id)) => id,
        Some(other) => {
            return Err(format!(
                "\"id\" must be a string, found {}",
                json_kind(&other)
            ));
        }
        None => return Err("entity has no \"id\"".into()),
    };
    check_entity_id(&id)?;
    let schema_name = match object.shift_remove("schema") {
        Some(Value::String(s)) => s,
        _ => return Err(format!("entity {id} has no \"schema\" string")),
    };
    let schema = model
        .schema(&schema_name)
        .map_err(|e| format!("entity {id}: {e}"))?;
    if schema.is_abstract {
        return Err(format!(
            "entity {id}: {schema_name} is an abstract type and cannot have entities"
        ));
    }
    let properties = match object.shift_remove("properties") {
        Some(Value::Object(p)) => p,
        None => Map::new(),
        Some(other) => {
            return Err(format!(
                "entity {id}: \"properties\" must be an object, found {}",
                json_kind(&other)
            ));
        }
    };
    let mut statements = Vec::new();
    let mut references = Vec::new();
    for (prop_name, values) in properties {
        let prop = schema.property(&prop_name).ok_or_else(|| {
            format!("entity {id}: {prop_name:?} is not a property of {schema_name}")
        })?;
        let values = match values {
            Value::Array(items) => items,
            single @ Value::String(_) => vec![single],
            Value::Null => vec![],
            other => {
                return Err(format!(
                    "entity {id}: property {prop_name} must be a list of strings, found {}",
                    json_kind(&other)
                ));
            }
        };
        for v in values {
            let Value::String(raw) = v else {
                return Err(format!(
                    "entity {id}: property {prop_name} has {} where a string belongs",
                    json_kind(&v)
                ));
            };
            if raw.trim().is_empty() {
                continue;
            }
            let clean = prop
                .clean(&raw, Default::default())
                .map_err(|e| format!("entity {id}: property {prop_name}: {e}"))?;
            if prop.type_ == PropertyType::Entity {
                let range = prop.range.clone().unwrap_or_default();
                references.push((id.clone(), prop_name.clone(), range, clean.clone()));
            }
            let original = (clean != raw).then_some(raw);
            statements.push(Statement::assert(
                &id,
                &schema.name,
                &prop_name,
                clean,
                original,
                provenance.clone(),
            ));
        }
    }
    if !object.is_empty() {
        let meta = Value::Object(object).to_string();
        statements.push(Statement::assert(
            &id,
            &schema.name,
            FTM_META_PROP,
            meta,
            None,
            provenance.clone(),
        ));
    }
    if statements.is_empty() {
        // An entity with no values still exists in FtM; keep it with an empty meta record.
        statements.push(Statement::assert(
            &id,
            &schema.name,
            FTM_META_PROP,
            "{}".into(),
            None,
            provenance.clone(),
        ));
    }
    Ok((statements, references))
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// One entity as an FtM JSON object: values as the source wrote them, in recording order.
pub fn entity_to_ftm(entity: &Entity) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), Value::String(entity.id.clone()));
    out.insert("schema".into(), Value::String(entity.schema.clone()));
    let mut properties: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut extras = Map::new();
    for (prop, statements) in &entity.properties {
        if prop == FTM_META_PROP {
            for s in statements {
                if let Ok(Value::Object(meta)) = serde_json::from_str::<Value>(&s.value) {
                    extras.extend(meta);
                }
            }
            continue;
        }
        let values = properties.entry(prop.as_str()).or_default();
        for s in statements {
            let v = Value::String(s.source_value().to_string());
            if !values.contains(&v) {
                values.push(v);
            }
        }
    }
    let properties: Map<String, Value> = properties
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::Array(v)))
        .collect();
    out.insert("properties".into(), Value::Object(properties));
    for (k, v) in extras {
        out.entry(k).or_insert(v);
    }
    Value::Object(out)
}

/// Writes every entity in the store as FtM JSON lines; returns how many were written.
/// `progress` is told the running count every few thousand entities.
pub fn export_ftm(
    store: &mut dyn Store,
    model: &Model,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
) -> Result<u64, StoreError> {
    let mut count = 0;
    store.scan_entities(&mut |statements| {
        let entity = Entity::fold(model, statements).map_err(StoreError::Corrupt)?;
        if let Some(entity) = entity {
            serde_json::to_writer(&mut *out, &entity_to_ftm(&entity))
                .map_err(|e| StoreError::Io(e.into()))?;
            out.write_all(b"\n").map_err(StoreError::Io)?;
            count += 1;
            if count % 4096 == 0 {
                progress(count);
            }
        }
        Ok(())
    })?;
    out.flush()?;
    Ok(count)
}
