//! Edge lists from CSV: `source,target[,weight]` by position, or named columns when the first
//! row is a header (`source`, `target`, `weight`, `kind`, `time`, in any order).
//!
//! Handling, as documented to users: a self-loop is dropped and counted; parallel edges merge
//! (weights add) unless edges are kept; a weight must be a finite number of zero or more; a
//! time is seconds since 1970 or an ISO date (`2024-03-01`, `2024-03-01T14:05:00Z`). Any other
//! value stops the read with the file, line and column.

use std::io::Read;

use crate::GraphError;
use crate::graph::{BuildOptions, BuildReport, EdgeData, Graph, GraphBuilder, NodeNames};

/// Node keys longer than this are refused: no phone, account or person id is that long, and a
/// hostile file should not make the arena grow without bound.
pub const MAX_KEY_BYTES: usize = 512;

#[derive(Debug, Clone, Copy, Default)]
pub struct EdgeListOptions {
    pub build: BuildOptions,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EdgeListReport {
    pub rows: u64,
    pub had_header: bool,
    pub build: BuildReport,
}

#[derive(Debug, Clone, Copy)]
struct Columns {
    source: usize,
    target: usize,
    weight: Option<usize>,
    kind: Option<usize>,
    time: Option<usize>,
}

const NAMES: [&str; 5] = ["source", "target", "weight", "kind", "time"];

fn header_columns(record: &csv::ByteRecord) -> Option<Result<Columns, String>> {
    let fields: Vec<String> = record
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_ascii_lowercase())
        .collect();
    if !fields.iter().any(|f| NAMES.contains(&f.as_str())) {
        return None;
    }
    let find = |name: &str| fields.iter().position(|f| f == name);
    let (Some(source), Some(target)) = (find("source"), find("target")) else {
        return Some(Err(format!(
            "a header needs `source` and `target` columns (found: {})",
            fields.join(", ")
        )));
    };
    Some(Ok(Columns {
        source,
        target,
        weight: find("weight"),
        kind: find("kind"),
        time: find("time"),
    }))
}

/// One row's fields as the file has them, and its line number.
type RowFn<'a> = dyn FnMut(u64, &[&[u8]]) -> Result<(), GraphError> + 'a;

/// Calls `row` for every row. A file without quotes is split by hand (fields are slices of the
/// file, which the parallel interning below needs); anything else goes through the csv crate.
fn for_each_row(file: &str, bytes: &[u8], row: &mut RowFn<'_>) -> Result<(), GraphError> {
    if !bytes.contains(&b'"') {
        let mut fields: Vec<&[u8]> = Vec::with_capacity(8);
        for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            fields.clear();
            fields.extend(line.split(|&b| b == b','));
            row(i as u64 + 1, &fields)?;
        }
        return Ok(());
    }
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    loop {
        let more = csv
            .read_byte_record(&mut record)
            .map_err(|e| GraphError::Input {
                file: file.to_string(),
                line: e.position().map_or(0, |p| p.line()),
                column: "-".into(),
                message: format!("not readable as CSV: {e}"),
            })?;
        if !more {
            return Ok(());
        }
        let line = record.position().map_or(0, |p| p.line());
        let fields: Vec<&[u8]> = record.iter().collect();
        row(line, &fields)?;
    }
}

/// Edge lists at least this long are interned on two threads.
const PARALLEL_FROM: usize = 200_000;

pub fn read_edge_list(
    file: &str,
    mut reader: impl Read,
    options: EdgeListOptions,
) -> Result<(Graph, EdgeListReport), GraphError> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|source| GraphError::Io {
            file: file.to_string(),
            source,
        })?;
    let mut builder = GraphBuilder::new(options.build);
    let mut columns = Columns {
        source: 0,
        target: 1,
        weight: Some(2),
        kind: None,
        time: None,
    };
    let mut report = EdgeListReport::default();
    let error = |line: u64, column: &str, message: String| GraphError::Input {
        file: file.to_string(),
        line,
        column: column.to_string(),
        message,
    };
    // Ends as offsets into the file when it was split by hand, interned later in parallel;
    // otherwise interned at once.
    let by_hand = !bytes.contains(&b'"');
    let mut ends: Vec<(u32, u32)> = Vec::new();
    // Kept only once an edge has a weight, kind or time: a plain list needs none.
    let mut edge_data: Vec<EdgeData> = Vec::new();
    let mut plain_rows = 0usize;
    let base = bytes.as_ptr() as usize;
    let mut first = true;
    for_each_row(file, &bytes, &mut |line, fields| {
        if first {
            first = false;
            let record = csv::ByteRecord::from(fields.to_vec());
            if let Some(found) = header_columns(&record) {
                columns = found.map_err(|m| error(line, "header", m))?;
                report.had_header = true;
                return Ok(());
            }
        }
        if fields.len() == 1 && fields[0].trim_ascii().is_empty() {
            return Ok(()); // a blank line
        }
        report.rows += 1;
        let field = |index: usize, name: &str| -> Result<&[u8], GraphError> {
            let value = fields.get(index).copied().unwrap_or(b"").trim_ascii();
            std::str::from_utf8(value)
                .map_err(|_| error(line, name, "is not UTF-8 text".into()))?;
            Ok(value)
        };
        let text = |value: &[u8]| {
            std::str::from_utf8(value)
                .expect("checked by field()")
                .to_string()
        };
        let key = |index: usize, name: &str| -> Result<&[u8], GraphError> {
            let value = field(index, name)?;
            if value.is_empty() {
                return Err(error(
                    line,
                    name,
                    "is empty: every edge needs both ends".into(),
                ));
            }
            if value.len() > MAX_KEY_BYTES {
                return Err(error(
                    line,
                    name,
                    format!(
                        "is {} bytes long, more than the {MAX_KEY_BYTES} a node id may have",
                        value.len()
                    ),
                ));
            }
            Ok(value)
        };
        let source = key(columns.source, "source")?;
        let target = key(columns.target, "target")?;
        let weight = match columns.weight.map(|i| field(i, "weight")).transpose()? {
            None | Some(b"") => 1.0,
            Some(value) => {
                let value = text(value);
                match value.parse::<f32>() {
                    Ok(w) if w.is_finite() && w >= 0.0 => w,
                    Ok(w) => {
                        return Err(error(
                            line,
                            "weight",
                            format!("{w} is not a finite number of zero or more"),
                        ));
                    }
                    Err(_) => {
                        return Err(error(line, "weight", format!("`{value}` is not a number")));
                    }
                }
            }
        };
        let kind = match columns.kind.map(|i| field(i, "kind")).transpose()? {
            None | Some(b"") => 0,
            Some(name) => builder
                .kind(&text(name))
                .map_err(|e| error(line, "kind", e.to_string()))?,
        };
        let time = match columns.time.map(|i| field(i, "time")).transpose()? {
            None | Some(b"") => None,
            Some(value) => {
                let value = text(value);
                Some(parse_time(&value).ok_or_else(|| {
                    error(line, "time", format!("`{value}` is neither seconds since 1970 nor a date like 2024-03-01T14:05:00Z"))
                })?)
            }
        };
        let data = EdgeData { weight, kind, time };
        if by_hand {
            let span = |v: &[u8]| ((v.as_ptr() as usize - base) as u32, v.len() as u32);
            ends.push(span(source));
            ends.push(span(target));
            if data == EdgeData::default() && edge_data.is_empty() {
                plain_rows += 1;
            } else {
                if edge_data.is_empty() {
                    edge_data.resize(plain_rows, EdgeData::default());
                }
                edge_data.push(data);
            }
            if bytes.len() > u32::MAX as usize {
                return Err(GraphError::TooLarge("bytes in one edge list"));
            }
            return Ok(());
        }
        let s = builder
            .node(&text(source))
            .map_err(|e| error(line, "source", e.to_string()))?;
        let t = builder
            .node(&text(target))
            .map_err(|e| error(line, "target", e.to_string()))?;
        builder
            .edge(s, t, data)
            .map_err(|e| error(line, "-", e.to_string()))
    })?;
    if by_hand {
        let ids = if ends.len() >= 2 * PARALLEL_FROM {
            let (names, ids) = intern_in_two(&bytes, &ends)?;
            builder.set_names(names);
            ids
        } else {
            ends.iter()
                .map(|&e| builder.node(key_at(&bytes, e)))
                .collect::<Result<Vec<u32>, _>>()?
        };
        drop(ends);
        for (k, pair) in ids.chunks_exact(2).enumerate() {
            builder.edge(
                pair[0],
                pair[1],
                edge_data.get(k).copied().unwrap_or_default(),
            )?;
        }
    }
    let (graph, build) = builder.build();
    report.build = build;
    Ok((graph, report))
}

/// A key of a file split by hand, from its offset and length (checked UTF-8 as it was read).
fn key_at(bytes: &[u8], span: (u32, u32)) -> &str {
    std::str::from_utf8(span_at(bytes, span)).expect("checked as rows were read")
}

fn span_at(bytes: &[u8], (start, len): (u32, u32)) -> &[u8] {
    &bytes[start as usize..(start + len) as usize]
}

/// Interns keys on two threads: each key belongs to one of two halves by its hash, each half
/// has its own table, and the halves are joined at the end (the first half's ids first), so
/// the ids do not depend on the machine's thread count. Random lookups in a table of a
/// million keys wait on memory; two threads wait at the same time.
fn intern_in_two(bytes: &[u8], ends: &[(u32, u32)]) -> Result<(NodeNames, Vec<u32>), GraphError> {
    const BLOCK: usize = 1 << 16;
    /// Marks, until the halves are joined, an id of the second half.
    const SECOND: u32 = 1 << 31;
    let mut halves = [NodeNames::default(), NodeNames::default()];
    let mut ids = vec![0u32; ends.len()];
    for (block, ids) in ends.chunks(BLOCK).zip(ids.chunks_mut(BLOCK)) {
        let [first_half, second_half] = &mut halves;
        let (a, b) = rayon::join(
            || first_half.intern_half(block.iter().map(|&e| span_at(bytes, e)), 0),
            || second_half.intern_half(block.iter().map(|&e| span_at(bytes, e)), 1),
        );
        let (a, b) = (a?, b?);
        if first_half.len() as u32 >= SECOND || second_half.len() as u32 >= SECOND {
            return Err(GraphError::TooLarge("nodes"));
        }
        for (i, id) in ids.iter_mut().enumerate() {
            *id = if a[i] != u32::MAX {
                a[i]
            } else {
                b[i] | SECOND
            };
        }
    }
    let [first_half, second_half] = halves;
    let offset = first_half.len() as u32;
    for id in ids.iter_mut() {
        if *id & SECOND != 0 {
            *id = (*id & !SECOND) + offset;
        }
    }
    Ok((NodeNames::joined(first_half, second_half)?, ids))
}

/// Seconds since 1970 from an integer or an ISO 8601 date and time in UTC.
pub fn parse_time(text: &str) -> Option<i64> {
    if let Ok(seconds) = text.parse::<i64>() {
        return Some(seconds);
    }
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    if !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day) {
        return None;
    }
    let mut seconds = days_from_civil(year, month, day) * 86_400;
    let rest = &text[10..];
    if rest.is_empty() {
        return Some(seconds);
    }
    let rest = rest.strip_prefix(['T', ' '])?;
    let rest = rest.strip_suffix('Z').unwrap_or(rest);
    let parts: Vec<&str> = rest.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (h, m) = (parts[0].parse::<i64>().ok()?, parts[1].parse::<i64>().ok()?);
    let s = parts.get(2).map_or(Some(0), |p| p.parse::<i64>().ok())?;
    if h > 23 || m > 59 || s > 59 {
        return None;
    }
    seconds += h * 3600 + m * 60 + s;
    Some(seconds)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<(Graph, EdgeListReport), GraphError> {
        read_edge_list("edges.csv", text.as_bytes(), EdgeListOptions::default())
    }

    #[test]
    fn positional_and_named_columns() {
        let (g, r) = read("a,b\nb,c,2.5\n\nc,a\n").unwrap();
        assert_eq!(
            (g.node_count(), g.edge_count(), r.rows, r.had_header),
            (3, 3, 3, false)
        );
        let (g, r) = read("weight,target,source\n2,b,a\n1,a,b\n").unwrap();
        assert!(r.had_header);
        assert_eq!(g.edge_count(), 1);
        assert_eq!(r.build.parallel_edges_merged, 1);
        assert_eq!(g.csr.weighted_degree(g.node("a").unwrap()), 3.0);
    }

    #[test]
    fn bad_rows_name_their_line_and_column() {
        let cases = [
            ("a,b\nb,,1\n", "line 2, column target: is empty"),
            (
                "a,b,1\nb,c,-2\n",
                "line 2, column weight: -2 is not a finite number",
            ),
            (
                "a,b,NaN\n",
                "line 1, column weight: NaN is not a finite number",
            ),
            (
                "a,b,heavy\n",
                "line 1, column weight: `heavy` is not a number",
            ),
            (
                "source,weight\na,1\n",
                "line 1, column header: a header needs `source` and `target`",
            ),
            (
                "source,target,time\na,b,yesterday\n",
                "line 2, column time: `yesterday` is neither",
            ),
        ];
        for (text, expected) in cases {
            let message = read(text).unwrap_err().to_string();
            assert!(message.contains(expected), "{text:?}: {message}");
            assert!(message.starts_with("edges.csv, "), "{message}");
        }
        let long = format!("{},b\n", "x".repeat(MAX_KEY_BYTES + 1));
        assert!(
            read(&long)
                .unwrap_err()
                .to_string()
                .contains("more than the 512")
        );
        let invalid =
            read_edge_list("e.csv", &b"a,\xff\xfe\n"[..], EdgeListOptions::default()).unwrap_err();
        assert!(invalid.to_string().contains("not UTF-8"), "{invalid}");
    }

    #[test]
    fn self_loops_are_counted_and_an_empty_file_is_an_empty_graph() {
        let (g, r) = read("a,a\na,b\n").unwrap();
        assert_eq!((g.edge_count(), r.build.self_loops_dropped), (1, 1));
        let (g, r) = read("").unwrap();
        assert_eq!((g.node_count(), r.rows), (0, 0));
    }

    #[test]
    fn times_parse_as_seconds_or_dates() {
        assert_eq!(parse_time("0"), Some(0));
        assert_eq!(parse_time("1970-01-02"), Some(86_400));
        assert_eq!(parse_time("2024-03-01T14:05:00Z"), Some(1_709_301_900));
        assert_eq!(parse_time("2024-02-29 00:00"), Some(1_709_164_800));
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-03-01T25:00",
            "2024-3-1",
            "soon",
            "2024-03-01T14",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        let (g, _) = read_edge_list(
            "t.csv",
            "source,target,kind,time\na,b,call,2024-03-01\n".as_bytes(),
            EdgeListOptions {
                build: BuildOptions {
                    directed: true,
                    keep_edges: true,
                },
            },
        )
        .unwrap();
        let (_, edge) = g.edge_at(0).unwrap();
        assert_eq!(
            (g.kinds[edge.kind as usize].as_str(), edge.time),
            ("call", Some(1_709_251_200))
        );
    }

    #[test]
    fn a_long_list_interned_on_two_threads_is_the_same_graph() {
        // Long enough for the parallel path; the same rows with one quoted field take the
        // csv crate's path and intern one by one.
        let mut text = String::new();
        for i in 0..(PARALLEL_FROM + 1000) {
            text.push_str(&format!(
                "n{},+2189{:07},{}\n",
                i % 50_000,
                (i * 7) % 90_000,
                1 + i % 3
            ));
        }
        let (fast, _) = read(&text).unwrap();
        let rest = text.split_once('\n').unwrap().1;
        let quoted = format!("\"n0\",+21890000000,1\n{rest}");
        let (slow, _) = read(&quoted).unwrap();
        assert_eq!(fast.node_count(), slow.node_count());
        assert_eq!(fast.edge_count(), slow.edge_count());
        for key in ["n0", "n49999", "+21890000000", "+21890089999"] {
            let (a, b) = (fast.node(key), slow.node(key));
            assert!(a.is_some() && b.is_some(), "{key}");
            assert_eq!(fast.name(a.unwrap()), key);
            assert_eq!(
                fast.csr.weighted_degree(a.unwrap()),
                slow.csr.weighted_degree(b.unwrap()),
                "{key}"
            );
        }
    }

    #[test]
    fn hostile_bytes_give_errors_not_panics() {
        let mut rng = crate::rng::SplitMix64::new(11);
        let alphabet = b"ab,\n\r\"1.-e\xff \t;";
        for _ in 0..2_000 {
            let len = rng.below(60);
            let bytes: Vec<u8> = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            let _ = read_edge_list("fuzz.csv", &bytes[..], EdgeListOptions::default());
        }
    }
}
