//! Edge lists from CSV: `source,target[,weight]` by position, or named columns when the first
//! row is a header (`source`, `target`, `weight`, `kind`, `time`, in any order).
//!
//! Handling, as documented to users: a self-loop is dropped and counted; parallel edges merge
//! (weights add) unless edges are kept; a weight must be a finite number of zero or more; a
//! time is seconds since 1970 or an ISO date (`2024-03-01`, `2024-03-01T14:05:00Z`). Any other
//! value stops the read with the file, line and column.

use std::io::Read;

use crate::GraphError;
use crate::graph::{BuildOptions, BuildReport, EdgeData, Graph, GraphBuilder};

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

pub fn read_edge_list(
    file: &str,
    reader: impl Read,
    options: EdgeListOptions,
) -> Result<(Graph, EdgeListReport), GraphError> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut builder = GraphBuilder::new(options.build);
    let mut record = csv::ByteRecord::new();
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
    let mut first = true;
    loop {
        let more = csv.read_byte_record(&mut record).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            match e.kind() {
                csv::ErrorKind::Io(io) => GraphError::Io {
                    file: file.to_string(),
                    source: std::io::Error::new(io.kind(), io.to_string()),
                },
                _ => error(line, "-", format!("not readable as CSV: {e}")),
            }
        })?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, |p| p.line());
        if first {
            first = false;
            if let Some(found) = header_columns(&record) {
                columns = found.map_err(|m| error(line, "header", m))?;
                report.had_header = true;
                continue;
            }
        }
        if record.len() == 1 && record[0].trim_ascii().is_empty() {
            continue; // a blank line
        }
        report.rows += 1;
        let field = |index: usize, name: &str| -> Result<&str, GraphError> {
            let bytes = record.get(index).unwrap_or(b"");
            std::str::from_utf8(bytes)
                .map(str::trim)
                .map_err(|_| error(line, name, "is not UTF-8 text".into()))
        };
        let key = |index: usize, name: &str| -> Result<&str, GraphError> {
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
            None | Some("") => 1.0,
            Some(text) => match text.parse::<f32>() {
                Ok(w) if w.is_finite() && w >= 0.0 => w,
                Ok(w) => {
                    return Err(error(
                        line,
                        "weight",
                        format!("{w} is not a finite number of zero or more"),
                    ));
                }
                Err(_) => return Err(error(line, "weight", format!("`{text}` is not a number"))),
            },
        };
        let kind = match columns.kind.map(|i| field(i, "kind")).transpose()? {
            None | Some("") => 0,
            Some(name) => builder
                .kind(name)
                .map_err(|e| error(line, "kind", e.to_string()))?,
        };
        let time = match columns.time.map(|i| field(i, "time")).transpose()? {
            None | Some("") => None,
            Some(text) => Some(parse_time(text).ok_or_else(|| {
                error(line, "time", format!("`{text}` is neither seconds since 1970 nor a date like 2024-03-01T14:05:00Z"))
            })?),
        };
        let s = builder
            .node(source)
            .map_err(|e| error(line, "source", e.to_string()))?;
        let t = builder
            .node(target)
            .map_err(|e| error(line, "target", e.to_string()))?;
        builder
            .edge(s, t, EdgeData { weight, kind, time })
            .map_err(|e| error(line, "-", e.to_string()))?;
    }
    let (graph, build) = builder.build();
    report.build = build;
    Ok((graph, report))
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
}
