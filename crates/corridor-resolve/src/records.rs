//! Records as the engine holds them: read from tables and prepared once, identical ones
//! collapsed onto a representative, their names numbered so that name comparisons are
//! remembered, and term frequencies counted.

use std::collections::HashMap;

use crate::{MAX_VALUE_CHARS, ResolveError, Settings, Table, compare, names, settings::Kind};

pub(crate) struct Records {
    pub(crate) ids: Vec<String>,
    pub(crate) source: Vec<u8>,
    pub(crate) fields: Vec<Vec<compare::Prepared>>,
    /// Per comparison, its values laid out for the pair loop ([`columns`]).
    pub(crate) columns: Vec<Column>,
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
        columns: Vec::new(),
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
        columns: Vec::new(),
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

thread_local! {
    /// Parts already compared on this thread, by (part number, part number), and the run they
    /// belong to: worker threads outlive runs, and another run numbers parts anew.
    static PART_MATCHES: std::cell::RefCell<(u64, PartMatches)> =
        std::cell::RefCell::new((0, PartMatches::default()));
}

type PartMatches = crate::FastMap<(u32, u32), Option<names::PartMatch>>;

/// Part pairs remembered per thread, at most: a few hundred megabytes at worst.
const MAX_REMEMBERED_PART_PAIRS: usize = 2_000_000;

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

/// The level of comparison `c` for records `i` and `j`, from the comparison's column.
pub(crate) fn level_of(settings: &Settings, records: &Records, i: usize, j: usize, c: usize) -> u8 {
    match &records.columns[c] {
        Column::Values(values) => {
            let (x, y) = (values[i], values[j]);
            if x == 0 || y == 0 {
                0
            } else if x == y {
                1
            } else {
                2
            }
        }
        Column::Identifiers {
            raw,
            folded,
            folded_text,
        } => {
            let (x, y) = (raw[i], raw[j]);
            if x == 0 || y == 0 {
                0
            } else if x == y {
                1
            } else {
                let (fx, fy) = (folded[i], folded[j]);
                let close = fx == fy
                    || crate::similarity::within_one_edit(
                        &folded_text[fx as usize],
                        &folded_text[fy as usize],
                    );
                if close { 2 } else { 3 }
            }
        }
        Column::Dates(dates) => {
            crate::values::compare_dates(dates[i].as_ref(), dates[j].as_ref()) as u8
        }
        Column::Names(names) => names.level(records.run, i, j),
        Column::Fields => {
            let spec = &settings.comparisons[c];
            compare::compare(spec, &records.fields[i][c], &records.fields[j][c], false).0 as u8
        }
    }
}

/// One comparison's values over all records, laid out for the pair loop: it visits ninety
/// million pairs in random order, and numbers in flat arrays settle most comparisons without
/// following a pointer to another record's text.
pub(crate) enum Column {
    /// Exact comparisons: a number per distinct value, 0 for empty.
    Values(Vec<u32>),
    /// Identifiers: a number per distinct value (0 for empty) and per distinct OCR-folded
    /// value, with the folded texts by number for the one-edit test.
    Identifiers {
        raw: Vec<u32>,
        folded: Vec<u32>,
        folded_text: Vec<String>,
    },
    Dates(Vec<Option<crate::values::Date>>),
    Names(NameColumn),
    /// Anything else is compared from the prepared fields.
    Fields,
}

/// Names as numbers: each record's parts by number, and the distinct parts once. Names are
/// aligned by their parts' numbers (equal numbers, equal parts); the text of the few distinct
/// parts is read only where two differ, and what two parts make of each other is remembered.
pub(crate) struct NameColumn {
    /// Per record, where its parts start in `part_numbers` (one more entry than records).
    starts: Vec<u32>,
    part_numbers: Vec<u32>,
    /// Per record, a number for its parts' skeletons written together ([`names::Name::compact`]).
    compact: Vec<u32>,
    /// The distinct parts, by number.
    parts: Vec<names::Part>,
}

impl NameColumn {
    fn new(fields: &[Vec<compare::Prepared>], c: usize) -> NameColumn {
        let mut column = NameColumn {
            starts: Vec::with_capacity(fields.len() + 1),
            part_numbers: Vec::new(),
            compact: Vec::with_capacity(fields.len()),
            parts: Vec::new(),
        };
        let mut part_number: HashMap<&str, u32> = HashMap::new();
        let mut compact_number: HashMap<&str, u32> = HashMap::new();
        column.starts.push(0);
        for row in fields {
            if let compare::Prepared::Name(name) = &row[c] {
                for part in &name.parts {
                    let next = column.parts.len() as u32;
                    let number = *part_number.entry(part.latin.as_str()).or_insert_with(|| {
                        column.parts.push(part.clone());
                        next
                    });
                    column.part_numbers.push(number);
                }
                let next = compact_number.len() as u32;
                column
                    .compact
                    .push(*compact_number.entry(name.compact.as_str()).or_insert(next));
            } else {
                column.compact.push(u32::MAX);
            }
            column.starts.push(column.part_numbers.len() as u32);
        }
        column
    }

    fn parts_of(&self, i: usize) -> &[u32] {
        &self.part_numbers[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// The level of records `i` and `j`'s names, as [`compare::compare`] gives it.
    fn level(&self, run: u64, i: usize, j: usize) -> u8 {
        let (a, b) = (self.parts_of(i), self.parts_of(j));
        if a.is_empty() || b.is_empty() {
            return 0;
        }
        let aligned = PART_MATCHES.with(|memory| {
            let mut memory = memory.borrow_mut();
            let (memory_run, memory) = &mut *memory;
            if *memory_run != run {
                *memory_run = run;
                memory.clear();
            }
            names::align_by(
                a.len(),
                b.len(),
                |x, y| a[x] == b[y],
                |x, y| {
                    let key = (a[x], b[y]);
                    if let Some(found) = memory.get(&key) {
                        return *found;
                    }
                    if memory.len() >= MAX_REMEMBERED_PART_PAIRS {
                        memory.clear();
                    }
                    let found = names::compare_parts(
                        &self.parts[a[x] as usize],
                        &self.parts[b[y] as usize],
                    );
                    memory.insert(key, found);
                    found
                },
            )
        });
        compare::name_level(a.len(), b.len(), &aligned, self.compact[i] == self.compact[j]) as u8
    }
}

/// Numbers the values of each comparison (see [`Column`]).
pub(crate) fn columns(settings: &Settings, fields: &[Vec<compare::Prepared>]) -> Vec<Column> {
    fn number<'a>(seen: &mut HashMap<&'a str, u32>, value: &'a str) -> u32 {
        if value.is_empty() {
            return 0;
        }
        let next = seen.len() as u32 + 1;
        *seen.entry(value).or_insert(next)
    }
    settings
        .comparisons
        .iter()
        .enumerate()
        .map(|(c, spec)| {
            fn text_of(row: &[compare::Prepared], c: usize) -> &str {
                match &row[c] {
                    compare::Prepared::Text(t) => t.as_str(),
                    _ => "",
                }
            }
            let text = |row| text_of(row, c);
            match spec.kind {
                Kind::Exact => {
                    let mut seen = HashMap::new();
                    Column::Values(fields.iter().map(|r| number(&mut seen, text(r))).collect())
                }
                Kind::Identifier => {
                    let mut seen = HashMap::new();
                    let raw = fields.iter().map(|r| number(&mut seen, text(r))).collect();
                    let mut folded_seen: HashMap<String, u32> = HashMap::new();
                    let mut folded_text = vec![String::new()];
                    let folded = fields
                        .iter()
                        .map(|r| {
                            let f = crate::values::ocr_fold(text(r));
                            *folded_seen.entry(f).or_insert_with_key(|f| {
                                folded_text.push(f.clone());
                                folded_text.len() as u32 - 1
                            })
                        })
                        .collect();
                    Column::Identifiers {
                        raw,
                        folded,
                        folded_text,
                    }
                }
                Kind::Date => Column::Dates(
                    fields
                        .iter()
                        .map(|r| match &r[c] {
                            compare::Prepared::Date(d) => *d,
                            _ => None,
                        })
                        .collect(),
                ),
                Kind::Name => Column::Names(NameColumn::new(fields, c)),
                Kind::Text => Column::Fields,
            }
        })
        .collect()
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
