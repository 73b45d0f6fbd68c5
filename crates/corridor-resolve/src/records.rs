//! Records as the engine holds them: read from tables and prepared once, identical ones
//! collapsed onto a representative, their names numbered so that name comparisons are
//! remembered, and term frequencies counted.

use std::collections::HashMap;

use crate::{MAX_VALUE_CHARS, ResolveError, Settings, Table, compare};

pub(crate) struct Records {
    pub(crate) ids: Vec<String>,
    pub(crate) source: Vec<u8>,
    pub(crate) fields: Vec<Vec<compare::Prepared>>,
    /// Every record's values as the pair loop reads them.
    pub(crate) rows: crate::rows::Rows,
    /// This run's number: name numbers mean something only within one run.
    pub(crate) run: u64,
}

/// Runs started in this process (see [`Records::run`]).
pub(crate) static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub(crate) fn load(settings: &Settings, tables: &[Table]) -> Result<Records, ResolveError> {
    let mut ids = Vec::new();
    let mut source = Vec::new();
    let mut fields = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (t, table) in tables.iter().enumerate() {
        settings.check(&table.columns).map_err(|e| match e {
            ResolveError::Settings(m) => ResolveError::Settings(format!("{}: {m}", table.name)),
            other => other,
        })?;
        if table.rows.is_empty() {
            return Err(ResolveError::Input(format!("{}: no records", table.name)));
        }
        let col = |name: &str| {
            table
                .columns
                .iter()
                .position(|c| c == name)
                .expect("checked")
        };
        let id_col = col(&settings.unique_id);
        let comparison_cols: Vec<Vec<usize>> = settings
            .comparisons
            .iter()
            .map(|c| c.columns.iter().map(|x| col(x)).collect())
            .collect();
        for (r, row) in table.rows.iter().enumerate() {
            // Line numbers as in the file: the header is line 1.
            let line = r + 2;
            let id = row.get(id_col).map(String::as_str).unwrap_or("").trim();
            if id.is_empty() {
                return Err(ResolveError::Input(format!(
                    "{} line {line}: column {}: empty id",
                    table.name, settings.unique_id
                )));
            }
            if !seen.insert((t, id.to_string())) {
                return Err(ResolveError::Input(format!(
                    "{} line {line}: column {}: id {id:?} appears twice",
                    table.name, settings.unique_id
                )));
            }
            let prepared = prepare_row(settings, &comparison_cols, row, |i, chars| {
                format!(
                    "{} line {line}: column {}: value of {chars} characters (at most {MAX_VALUE_CHARS})",
                    table.name, table.columns[i]
                )
            })?;
            ids.push(id.to_string());
            source.push(t as u8);
            fields.push(prepared);
        }
    }
    Ok(Records {
        ids,
        source,
        fields,
        rows: crate::rows::Rows::empty(),
        run: 0,
    })
}

/// One row's fields prepared for comparison: each comparison's columns (`cols`, indices into
/// `row`) joined with a space. A value longer than [`MAX_VALUE_CHARS`] is refused with the
/// message `too_long(column index, length)` makes.
pub(crate) fn prepare_row<S: AsRef<str>>(
    settings: &Settings,
    cols: &[Vec<usize>],
    row: &[S],
    too_long: impl Fn(usize, usize) -> String,
) -> Result<Vec<compare::Prepared>, ResolveError> {
    let mut prepared = Vec::with_capacity(cols.len());
    for (c, cols) in settings.comparisons.iter().zip(cols) {
        let mut raw = String::new();
        for &i in cols {
            let v = row.get(i).map(AsRef::as_ref).unwrap_or("");
            let chars = v.chars().count();
            if chars > MAX_VALUE_CHARS {
                return Err(ResolveError::Input(too_long(i, chars)));
            }
            if !v.trim().is_empty() {
                if !raw.is_empty() {
                    raw.push(' ');
                }
                raw.push_str(v.trim());
            }
        }
        prepared.push(compare::Prepared::new(c.kind, &raw));
    }
    Ok(prepared)
}

/// Identical records (same source, same comparable values) collapsed into one representative:
/// a border system's hundred crossings of one driver are one record to compare, not a
/// hundred. Returns the representatives and, per representative, its records.
pub(crate) fn collapse(
    all: &mut Records,
    keep_apart: &std::collections::HashSet<&str>,
) -> (Records, Vec<Vec<u32>>) {
    let mut by_signature: HashMap<String, usize> = HashMap::new();
    let mut reps = Records {
        ids: Vec::new(),
        source: Vec::new(),
        fields: Vec::new(),
        rows: crate::rows::Rows::empty(),
        run: 0,
    };
    let mut members: Vec<Vec<u32>> = Vec::new();
    // The fields move to the representatives: a million records' names are not kept twice.
    let fields_of_all = std::mem::take(&mut all.fields);
    for (i, fields) in fields_of_all.into_iter().enumerate() {
        let signature = if keep_apart.contains(all.ids[i].as_str()) {
            format!("\u{1}{i}")
        } else {
            let mut s = format!("{}", all.source[i]);
            for f in &fields {
                s.push('\u{1f}');
                s.push_str(&f.signature());
            }
            s
        };
        match by_signature.get(&signature) {
            Some(&r) => members[r].push(i as u32),
            None => {
                by_signature.insert(signature, members.len());
                members.push(vec![i as u32]);
                reps.ids.push(all.ids[i].clone());
                reps.source.push(all.source[i]);
                reps.fields.push(fields);
            }
        }
    }
    (reps, members)
}

/// Candidate pairs over every record: each pair of representatives for all their records, and
/// identical records with each other.
pub(crate) fn expand_candidates(
    candidates: &[Vec<u32>],
    members: &[Vec<u32>],
    n: usize,
) -> Vec<Vec<u32>> {
    let mut out: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (r, list) in candidates.iter().enumerate() {
        for &x in &members[r] {
            for &q in list {
                out[x as usize].extend(members[q as usize].iter().copied());
            }
        }
    }
    for list in members {
        for (k, &x) in list.iter().enumerate() {
            out[x as usize].extend(list[k + 1..].iter().copied());
        }
    }
    out
}

/// Levels are packed four bits each (every comparison kind has fewer than 16 levels), by
/// [`packed_levels_of`]; this reads them back.
pub(crate) fn unpack(packed: u64, comparisons: usize) -> Vec<u8> {
    (0..comparisons)
        .map(|c| ((packed >> (4 * c)) & 0xf) as u8)
        .collect()
}

pub(crate) fn levels_of(settings: &Settings, records: &Records, i: usize, j: usize) -> Vec<u8> {
    (0..settings.comparisons.len())
        .map(|c| level_of(settings, records, i, j, c))
        .collect()
}

/// The levels of a pair packed as [`pack`] packs them, without a vector in between (this runs
/// for every candidate pair).
pub(crate) fn packed_levels_of(settings: &Settings, records: &Records, i: usize, j: usize) -> u64 {
    (0..settings.comparisons.len()).fold(0u64, |acc, c| {
        acc | (u64::from(level_of(settings, records, i, j, c)) << (4 * c))
    })
}

/// The level of comparison `c` for records `i` and `j`: from their rows, or for comparisons
/// the rows do not hold, from the prepared fields.
pub(crate) fn level_of(settings: &Settings, records: &Records, i: usize, j: usize, c: usize) -> u8 {
    records.rows.level(records.run, c, i, j).unwrap_or_else(|| {
        let spec = &settings.comparisons[c];
        compare::compare(spec, &records.fields[i][c], &records.fields[j][c], false).0 as u8
    })
}

/// Term frequencies of each comparison's values (where the comparison uses them).
pub(crate) fn term_frequencies(
    settings: &Settings,
    fields: &[Vec<compare::Prepared>],
) -> Vec<HashMap<String, f64>> {
    let n = fields.len() as f64;
    settings
        .comparisons
        .iter()
        .enumerate()
        .map(|(c, spec)| {
            let mut counts: HashMap<String, f64> = HashMap::new();
            if spec.uses_term_frequency() {
                for f in fields {
                    if let Some(v) = f[c].tf_value() {
                        *counts.entry(v).or_default() += 1.0;
                    }
                }
                for v in counts.values_mut() {
                    *v /= n;
                }
            }
            counts
        })
        .collect()
}
