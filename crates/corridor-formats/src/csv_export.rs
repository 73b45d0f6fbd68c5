//! Statements as CSV: one row per live statement, with its provenance, in the column order of
//! FollowTheMoney's statement files plus Corridor's own fields. Spreadsheet users and other
//! tools get every fact with where it came from.

use std::io::Write;

use corridor_model::entity::live_statements;
use corridor_model::statement::FTM_META_PROP;
use corridor_store::{Store, StoreError};

pub const COLUMNS: [&str; 13] = [
    "statement_id",
    "entity_id",
    "schema",
    "prop",
    "value",
    "original_value",
    "dataset",
    "recorded_by",
    "recorded_at",
    "handling",
    "purpose",
    "reliability",
    "grade",
];

/// Writes the live statements of every entity; returns how many rows were written.
/// `progress` is told the running count every few thousand rows.
pub fn export_statements_csv(
    store: &mut dyn Store,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
) -> Result<u64, StoreError> {
    let mut writer = csv::Writer::from_writer(out);
    // Write failures stay I/O errors, so a closed pipe is recognised as one.
    let fail = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(io) => StoreError::Io(io),
        other => StoreError::Visitor(format!("{other:?}")),
    };
    writer.write_record(COLUMNS).map_err(fail)?;
    let mut rows = 0;
    store.scan_entities(&mut |statements| {
        for s in live_statements(statements) {
            if s.prop == FTM_META_PROP {
                continue;
            }
            let p = &s.provenance;
            writer
                .write_record([
                    s.id.to_string().as_str(),
                    &s.entity_id,
                    &s.schema,
                    &s.prop,
                    &s.value,
                    s.original_value.as_deref().unwrap_or(""),
                    &p.dataset,
                    &p.recorded_by,
                    &p.recorded_at,
                    p.handling.as_str(),
                    p.purpose.as_str(),
                    p.reliability.as_str(),
                    p.grade.as_str(),
                ])
                .map_err(fail)?;
            rows += 1;
            if rows % 16384 == 0 {
                progress(rows);
            }
        }
        Ok(())
    })?;
    writer.flush()?;
    Ok(rows)
}
