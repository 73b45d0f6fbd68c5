//! Counts of crossings or detections by route, nationality and month, as agencies publish
//! them: Frontex's detections of irregular border crossings (`route, type, nat, month, n`) and
//! Panama's counts of transits through the Darién (`date, quarter, nat|demog, n`). They are
//! counts of events, not persons: one person detected twice counts twice.

use serde::Serialize;

use crate::places::{Place, place};
use crate::routes::route;
use crate::{ResearchError, invalid};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Detection {
    /// frontex or darien.
    pub source: &'static str,
    pub route: &'static str,
    /// sea or land, when given.
    pub kind: Option<String>,
    /// ISO alpha-2; None for unknown or stateless (see `group`).
    pub nationality: Option<String>,
    /// For counts by demographic group (men, women, boys, girls), or "stateless".
    pub group: Option<String>,
    /// `YYYY-MM`, or `YYYY` for a count of a whole year.
    pub month: String,
    pub count: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ParsedDetections {
    pub format: &'static str,
    pub detections: Vec<Detection>,
}

const GROUPS: &[&str] = &["men", "women", "boys", "girls"];

/// Reads a Frontex or Darién file, recognised by its header.
pub fn parse(file: &str, bytes: &[u8]) -> Result<ParsedDetections, ResearchError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ResearchError::Invalid(format!("{file}: not UTF-8 (byte {})", e.valid_up_to()))
    })?;
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| ResearchError::Invalid(format!("{file}: line 1: {e}")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let cols: Vec<&str> = header.iter().map(String::as_str).collect();
    let format = match cols[..] {
        ["route", "type", "nat", "month", "n"] => "frontex",
        ["date", "quarter", "nat", "n"] => "darien-nationality",
        ["date", "quarter", "demog", "n"] => "darien-demographic",
        _ => {
            return Err(ResearchError::Invalid(format!(
                "{file}: line 1: not a detections file (route,type,nat,month,n or date,quarter,nat|demog,n); the header has {}",
                header.join(",")
            )));
        }
    };
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = row.map_err(|e| ResearchError::Invalid(format!("{file}: line {line}: {e}")))?;
        let result = (|| -> Result<Detection, ResearchError> {
            let month_col = if format == "frontex" { 3 } else { 0 };
            let month = row.get(month_col).unwrap_or("").trim();
            let ok = month.len() >= 7
                && month[..4].parse::<i32>().is_ok()
                && month[5..7]
                    .parse::<u8>()
                    .is_ok_and(|m| (1..=12).contains(&m));
            if !ok {
                return Err(invalid(
                    file,
                    line,
                    header[month_col].as_str(),
                    format!("{month:?} is not a month"),
                ));
            }
            let n_col = header.len() - 1;
            let count: u64 =
                row.get(n_col).unwrap_or("").trim().parse().map_err(|_| {
                    invalid(file, line, "n", "not a count (a whole number, 0 or more)")
                })?;
            let (nationality, group) = if format == "darien-demographic" {
                let g = row.get(2).unwrap_or("").trim().to_lowercase();
                if !GROUPS.contains(&g.as_str()) {
                    return Err(invalid(
                        file,
                        line,
                        "demog",
                        format!("{g:?} is not one of {}", GROUPS.join(", ")),
                    ));
                }
                (None, Some(g))
            } else {
                let raw = row.get(2).unwrap_or("");
                match place(raw).map_err(|e| invalid(file, line, "nat", e))? {
                    Place::Country(c) => (Some(c), None),
                    Place::Stateless => (None, Some("stateless".to_string())),
                    Place::Other(label) => (None, Some(label.to_string())),
                    // Kept apart by what the source said: "other" is not "not specified".
                    Place::Unknown => (
                        None,
                        Some(
                            match raw.trim().to_lowercase().as_str() {
                                "ooo" => "other nationality",
                                "oos" => "nationality not specified",
                                _ => "unknown",
                            }
                            .to_string(),
                        ),
                    ),
                }
            };
            let (route_code, kind) = if format == "frontex" {
                let name = row.get(0).unwrap_or("").trim();
                let r = route(name).ok_or_else(|| {
                    invalid(
                        file,
                        line,
                        "route",
                        format!("{name:?} is not a route in routes.yaml"),
                    )
                })?;
                let kind = row.get(1).unwrap_or("").trim().to_lowercase();
                if !["sea", "land"].contains(&kind.as_str()) {
                    return Err(invalid(
                        file,
                        line,
                        "type",
                        format!("{kind:?} is not sea or land"),
                    ));
                }
                (r.code.as_str(), Some(kind))
            } else {
                ("central-american", None)
            };
            // Panama's counts by nationality are annual until 2019 (dated 1 January), then
            // monthly: an annual count keeps its year only, never posing as January's.
            let period = if format == "darien-nationality" && &month[..4] < "2020" {
                month[..4].to_string()
            } else {
                month[..7].to_string()
            };
            Ok(Detection {
                source: if format == "frontex" {
                    "frontex"
                } else {
                    "darien"
                },
                route: route_code,
                kind,
                nationality,
                group,
                month: period,
                count,
            })
        })();
        match result {
            Ok(d) => out.push(d),
            Err(ResearchError::Invalid(m)) => {
                if problems.len() < 50 {
                    problems.push(m);
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(ResearchError::Invalid(format!(
            "{file}: {} problem(s), nothing imported: {}",
            problems.len(),
            problems.join("; ")
        )));
    }
    Ok(ParsedDetections {
        format,
        detections: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontex_and_darien_files_are_read_and_bad_rows_named() {
        let f = parse(
            "frontex.csv",
            b"route,type,nat,month,n\nCentral Mediterranean Route,Sea,BGD,2009-01-01,41\nEastern Borders Route,Land,STL,2010-02-01,3\n",
        )
        .unwrap();
        assert_eq!(f.format, "frontex");
        assert_eq!(f.detections[0].route, "central-mediterranean");
        assert_eq!(f.detections[0].nationality.as_deref(), Some("bd"));
        assert_eq!(f.detections[0].month, "2009-01");
        assert_eq!(f.detections[1].group.as_deref(), Some("stateless"));
        let d = parse(
            "darien.csv",
            b"date,quarter,demog,n\n2021-01-01,2021-01-01,men,687\n",
        )
        .unwrap();
        assert_eq!(d.detections[0].group.as_deref(), Some("men"));
        let n = parse(
            "darien.csv",
            b"date,quarter,nat,n\n2015-01-01,2015-01-01,CUB,5026\n2021-03-01,2021-01-01,HTI,40\n",
        )
        .unwrap();
        assert_eq!(
            n.detections[0].month, "2015",
            "an annual count is not January's"
        );
        assert_eq!(n.detections[1].month, "2021-03");
        let e = parse(
            "frontex.csv",
            b"route,type,nat,month,n\nMoon Route,Sea,BGD,2009-01-01,41\nCentral Mediterranean Route,Air,BGD,2009-13-01,x\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("line 2: route") && e.contains("line 3: month"),
            "{e}"
        );
        assert!(
            parse("x.csv", b"a,b\n1,2\n")
                .unwrap_err()
                .to_string()
                .contains("line 1")
        );
    }
}
