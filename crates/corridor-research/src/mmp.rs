//! The Missing Migrants Project's incident files, in each shape they come in, recognised by
//! their header:
//!
//! - `iom-cleaned`: IOM's own cleaned extract (`date, month, type, route, geo, dead, cause,
//!   surv, nat, location, lon, lat`), where `dead` is dead and missing;
//! - `kaggle-19`: the older 19-column export (year and month name, no ids, coordinates as
//!   "lat, lon"), which writes 0 where the official file leaves a cell blank;
//! - `official`: the project's 25-column download (Main ID, Incident Date, Country of
//!   Incident, URL, Source Quality…), with the spellings its columns had over the years.
//!
//! Every row is checked; a file with a bad row is refused whole, each problem named by line
//! and column (up to 50 of them).

use std::collections::HashMap;

use corridor_model::types::{DatePrecision, PartialDate};
use serde::Serialize;

use crate::incident::{Count, Incident};
use crate::places::places;
use crate::routes::route;
use crate::{ResearchError, invalid};

/// The project's categories of cause of death.
pub const CAUSES: &[&str] = &[
    "Drowning",
    "Vehicle accident / death linked to hazardous transport",
    "Sickness / lack of access to adequate healthcare",
    "Harsh environmental conditions / lack of adequate shelter, food, water",
    "Violence",
    "Accidental death",
    "Mixed or unknown",
];

const KINDS: &[&str] = &["Incident", "Split Incident", "Cumulative Incident"];
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
/// The most problems listed before giving up on a file.
const MAX_PROBLEMS: usize = 50;

/// What an import read.
#[derive(Clone, Debug, Serialize)]
pub struct Parsed {
    pub shape: &'static str,
    pub incidents: Vec<Incident>,
    /// What the reader should know about this shape's data.
    pub caveats: Vec<String>,
}

/// A field of the named-column shapes, with every header spelling that means it.
const FIELDS: &[(&str, &[&str])] = &[
    ("id", &["main id", "web id"]),
    ("incident_id", &["incident id"]),
    ("type", &["incident type"]),
    ("region", &["region of incident", "region"]),
    ("date", &["incident date", "reported date"]),
    ("year", &["incident year", "reported year", "year"]),
    ("month", &["month", "reported month", "incident month"]),
    ("dead", &["number of dead", "number dead"]),
    (
        "missing",
        &[
            "minimum estimated number of missing",
            "minimum estimated number missing",
            "number missing",
        ],
    ),
    (
        "total",
        &["total number of dead and missing", "total dead and missing"],
    ),
    ("survivors", &["number of survivors", "number of survivor"]),
    ("females", &["number of females"]),
    ("males", &["number of males"]),
    ("children", &["number of children"]),
    ("origin", &["country of origin"]),
    ("region_origin", &["region of origin"]),
    ("cause", &["cause of death"]),
    ("country", &["country of incident"]),
    ("route", &["migration route", "migrant route"]),
    (
        "location",
        &[
            "location of incident",
            "location description",
            "location of death",
        ],
    ),
    ("coordinates", &["coordinates", "location coordinates"]),
    ("unsd", &["unsd geographical grouping"]),
    ("source", &["information source"]),
    ("url", &["url", "source url"]),
    ("quality", &["source quality"]),
];

/// Reads an MMP file of any shape.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Parsed, ResearchError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ResearchError::Invalid(format!("{file}: not UTF-8 (byte {})", e.valid_up_to()))
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| ResearchError::Invalid(format!("{file}: line 1: {e}")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let has = |name: &str| header.iter().any(|h| h == name);
    if ["date", "geo", "dead", "nat", "lon", "lat"]
        .iter()
        .all(|c| has(c))
    {
        return cleaned(file, &mut reader, &header);
    }
    let mut columns: HashMap<&str, usize> = HashMap::new();
    for (field, names) in FIELDS {
        if let Some(i) = header.iter().position(|h| names.contains(&h.as_str())) {
            columns.insert(field, i);
        }
    }
    let needed = ["type", "year", "total", "route"];
    let missing: Vec<&str> = needed
        .iter()
        .filter(|f| !columns.contains_key(*f))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(ResearchError::Invalid(format!(
            "{file}: line 1: not a Missing Migrants Project file: no column for {} (the header has: {})",
            missing.join(", "),
            header.join(", ")
        )));
    }
    let unknown: Vec<&String> = header
        .iter()
        .enumerate()
        .filter(|(i, _)| !columns.values().any(|c| c == i))
        .map(|(_, h)| h)
        .collect();
    if !unknown.is_empty() {
        return Err(ResearchError::Invalid(format!(
            "{file}: line 1: columns not understood: {} (every column is mapped or the file is refused)",
            unknown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let shape = if columns.contains_key("id") {
        "official"
    } else {
        "kaggle-19"
    };
    named(file, shape, &mut reader, &columns)
}

/// Collects problems across rows; stops at [`MAX_PROBLEMS`].
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, e: ResearchError) {
        let ResearchError::Invalid(m) = e;
        if self.0.len() < MAX_PROBLEMS {
            self.0.push(m);
        }
    }

    fn done<T>(self, file: &str, value: T) -> Result<T, ResearchError> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            let more = if self.0.len() == MAX_PROBLEMS {
                format!(" (the first {MAX_PROBLEMS})")
            } else {
                String::new()
            };
            Err(ResearchError::Invalid(format!(
                "{file}: {} problem(s){more}, nothing imported: {}",
                self.0.len(),
                self.0.join("; ")
            )))
        }
    }
}

/// A count cell: blank is unknown; a negative number is a source's sentinel for unknown
/// (-1, -99), read as unknown and noted; anything else not a whole number is refused.
fn count(
    file: &str,
    line: usize,
    column: &str,
    raw: &str,
    notes: &mut Vec<String>,
) -> Result<Count, ResearchError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let n: f64 = v
        .parse()
        .map_err(|_| invalid(file, line, column, format!("{v:?} is not a count")))?;
    if n < 0.0 && n.fract() == 0.0 {
        notes.push(format!("line {line}: {column}: {v} read as unknown"));
        return Ok(None);
    }
    if n.fract() != 0.0 || n > 1_000_000.0 {
        return Err(invalid(
            file,
            line,
            column,
            format!("{v:?} is not a count (a whole number, 0 or more)"),
        ));
    }
    Ok(Some(n as u32))
}

fn causes(file: &str, line: usize, column: &str, raw: &str) -> Result<Vec<String>, ResearchError> {
    // Categories contain commas themselves: match them, not the commas.
    let mut rest = raw.trim();
    let mut out = Vec::new();
    while !rest.is_empty() {
        let Some(c) = CAUSES.iter().find(|c| rest.starts_with(**c)) else {
            return Err(invalid(
                file,
                line,
                column,
                format!(
                    "{rest:?} is not one of the project's causes ({})",
                    CAUSES.join("; ")
                ),
            ));
        };
        out.push(c.to_string());
        rest = rest[c.len()..].trim_start_matches(',').trim_start();
    }
    Ok(out)
}

fn kinds(file: &str, line: usize, column: &str, raw: &str) -> Result<Vec<String>, ResearchError> {
    raw.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| {
            KINDS
                .iter()
                .find(|x| x.eq_ignore_ascii_case(k))
                .map(|x| x.to_string())
                .ok_or_else(|| {
                    invalid(
                        file,
                        line,
                        column,
                        format!("{k:?} is not one of {}", KINDS.join(", ")),
                    )
                })
        })
        .collect()
}

fn point(
    file: &str,
    line: usize,
    column: &str,
    lat: &str,
    lon: &str,
) -> Result<Option<(f64, f64)>, ResearchError> {
    if lat.trim().is_empty() && lon.trim().is_empty() {
        return Ok(None);
    }
    let parse = |v: &str| v.trim().parse::<f64>().ok();
    match (parse(lat), parse(lon)) {
        (Some(a), Some(o)) if (-90.0..=90.0).contains(&a) && (-180.0..=180.0).contains(&o) => {
            Ok(Some((a, o)))
        }
        _ => Err(invalid(
            file,
            line,
            column,
            format!("{lat:?}, {lon:?} is not a latitude and longitude"),
        )),
    }
}

fn route_of(
    file: &str,
    line: usize,
    column: &str,
    raw: &str,
) -> Result<Option<&'static str>, ResearchError> {
    // A multi-valued route cell ("Central Mediterranean,Sahara Desert crossing") counts under
    // its first route; the name is kept whole.
    let first = raw.split(',').next().unwrap_or("").trim();
    if first.is_empty() {
        return Ok(None);
    }
    route(first).map(|r| Some(r.code.as_str())).ok_or_else(|| {
        invalid(
            file,
            line,
            column,
            format!("{first:?} is not a route in routes.yaml"),
        )
    })
}

fn cleaned(
    file: &str,
    reader: &mut csv::Reader<&[u8]>,
    header: &[String],
) -> Result<Parsed, ResearchError> {
    let col = |name: &str| header.iter().position(|h| h == name);
    let at = |name: &str| col(name).unwrap_or(usize::MAX);
    let mut problems = Problems(Vec::new());
    let mut out = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = match row {
            Ok(r) => r,
            Err(e) => return Err(ResearchError::Invalid(format!("{file}: line {line}: {e}"))),
        };
        let get = |name: &str| row.get(at(name)).unwrap_or("");
        let result = (|| -> Result<Incident, ResearchError> {
            let date = PartialDate::parse_iso(get("date").trim())
                .map_err(|e| invalid(file, line, "date", e))?;
            if date.precision < DatePrecision::Day {
                return Err(invalid(file, line, "date", "a day, YYYY-MM-DD"));
            }
            let (origins, origin_unknown) =
                places(get("nat")).map_err(|e| invalid(file, line, "nat", e))?;
            let (country, _) = places(get("geo")).map_err(|e| invalid(file, line, "geo", e))?;
            Ok(Incident {
                source_id: format!("{file}:{line}"),
                shape: "iom-cleaned",
                date: date.to_string(),
                year: date.year,
                month: date.month,
                kinds: kinds(file, line, "type", get("type"))?,
                route: route_of(file, line, "route", get("route"))?,
                route_name: get("route").trim().to_string(),
                country: country.into_iter().next(),
                // In this shape `dead` is dead and missing together.
                dead_and_missing: count(file, line, "dead", get("dead"), &mut notes)?,
                survivors: count(file, line, "surv", get("surv"), &mut notes)?,
                causes: causes(file, line, "cause", get("cause"))?,
                origins,
                origin_unknown,
                point: point(file, line, "lat/lon", get("lat"), get("lon"))?,
                location: get("location").trim().to_string(),
                ..Default::default()
            })
        })();
        match result {
            Ok(incident) => out.push(incident),
            Err(e) => problems.add(e),
        }
    }
    problems.done(
        file,
        Parsed {
            shape: "iom-cleaned",
            incidents: out,
            caveats: caveats(
                vec![
                    "dead and missing are given together; survivors are blank when unknown".into(),
                ],
                notes,
            ),
        },
    )
}

fn named(
    file: &str,
    shape: &'static str,
    reader: &mut csv::Reader<&[u8]>,
    columns: &HashMap<&str, usize>,
) -> Result<Parsed, ResearchError> {
    let mut problems = Problems(Vec::new());
    let mut out = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = match row {
            Ok(r) => r,
            Err(e) => return Err(ResearchError::Invalid(format!("{file}: line {line}: {e}"))),
        };
        let get = |field: &str| columns.get(field).and_then(|&c| row.get(c)).unwrap_or("");
        let result = (|| -> Result<Incident, ResearchError> {
            let (year, month, date) = date_of(file, line, get("date"), get("year"), get("month"))?;
            let (origins, origin_unknown) =
                places(get("origin")).map_err(|e| invalid(file, line, "Country of Origin", e))?;
            let (country, _) = places(get("country"))
                .map_err(|e| invalid(file, line, "Country of Incident", e))?;
            let point = match get("coordinates").split_once(',') {
                Some((lat, lon)) => point(file, line, "Coordinates", lat, lon)?,
                None if get("coordinates").trim().is_empty() => None,
                None => {
                    return Err(invalid(
                        file,
                        line,
                        "Coordinates",
                        format!("{:?} is not \"latitude, longitude\"", get("coordinates")),
                    ));
                }
            };
            let quality = match get("quality").trim() {
                "" => None,
                q => Some(
                    q.parse::<u8>()
                        .ok()
                        .filter(|n| (1..=5).contains(n))
                        .ok_or_else(|| {
                            invalid(file, line, "Source Quality", format!("{q:?} is not 1 to 5"))
                        })?,
                ),
            };
            Ok(Incident {
                source_id: match get("id").trim() {
                    "" => format!("{file}:{line}"),
                    id => format!("mmp-{id}"),
                },
                shape,
                date,
                year,
                month,
                kinds: kinds(file, line, "Incident Type", get("type"))?,
                route: route_of(file, line, "Migration Route", get("route"))?,
                route_name: get("route").trim().to_string(),
                country: country.into_iter().next(),
                region_of_incident: get("region").trim().to_string(),
                dead: count(file, line, "Number of Dead", get("dead"), &mut notes)?,
                missing: count(
                    file,
                    line,
                    "Minimum Estimated Number of Missing",
                    get("missing"),
                    &mut notes,
                )?,
                dead_and_missing: count(
                    file,
                    line,
                    "Total Number of Dead and Missing",
                    get("total"),
                    &mut notes,
                )?,
                survivors: count(
                    file,
                    line,
                    "Number of Survivors",
                    get("survivors"),
                    &mut notes,
                )?,
                females: count(file, line, "Number of Females", get("females"), &mut notes)?,
                males: count(file, line, "Number of Males", get("males"), &mut notes)?,
                children: count(
                    file,
                    line,
                    "Number of Children",
                    get("children"),
                    &mut notes,
                )?,
                causes: causes(file, line, "Cause of Death", get("cause"))?,
                origins,
                origin_unknown,
                point,
                location: get("location").trim().to_string(),
                source: get("source").trim().to_string(),
                url: get("url").trim().to_string(),
                source_quality: quality,
            })
        })();
        match result {
            Ok(incident) => out.push(incident),
            Err(e) => problems.add(e),
        }
    }
    let caveats = caveats(
        if shape == "kaggle-19" {
            vec!["this export writes 0 where the official file leaves a cell blank: a 0 among survivors, females, males or children may mean unknown".into()]
        } else {
            vec![]
        },
        notes,
    );
    problems.done(
        file,
        Parsed {
            shape,
            incidents: out,
            caveats,
        },
    )
}

/// The shape's caveats, then the sentinels read as unknown (how many, and the first lines).
fn caveats(mut out: Vec<String>, notes: Vec<String>) -> Vec<String> {
    if !notes.is_empty() {
        out.push(format!(
            "{} negative count(s) read as unknown: {}{}",
            notes.len(),
            notes
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join("; "),
            if notes.len() > 10 { "; …" } else { "" }
        ));
    }
    out
}

/// Year, month and date from a date cell (ISO, or the older "Sat, 01/04/2014 - 12:00" form,
/// month first) or from year and month cells.
fn date_of(
    file: &str,
    line: usize,
    date: &str,
    year: &str,
    month: &str,
) -> Result<(i32, u8, String), ResearchError> {
    let date = date.trim();
    if !date.is_empty() {
        if let Ok(d) = PartialDate::parse_iso(date)
            && d.precision >= DatePrecision::Day
        {
            return Ok((
                d.year,
                d.month,
                format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
            ));
        }
        let us = date
            .split_once(", ")
            .map(|(_, rest)| rest)
            .unwrap_or(date)
            .split(' ')
            .next()
            .unwrap_or("");
        let parts: Vec<&str> = us.split('/').collect();
        if let [m, d, y] = parts[..]
            && let (Ok(m), Ok(d), Ok(y)) = (m.parse::<u8>(), d.parse::<u8>(), y.parse::<i32>())
            && (1..=12).contains(&m)
            && (1..=31).contains(&d)
        {
            return Ok((y, m, format!("{y:04}-{m:02}-{d:02}")));
        }
        return Err(invalid(
            file,
            line,
            "Incident Date",
            format!("{date:?} is not a date (YYYY-MM-DD or MM/DD/YYYY)"),
        ));
    }
    let y: i32 = year
        .trim()
        .parse()
        .ok()
        .filter(|y| (1990..=2100).contains(y))
        .ok_or_else(|| {
            invalid(
                file,
                line,
                "Incident Year",
                format!("{year:?} is not a year"),
            )
        })?;
    let m = month.trim().to_lowercase();
    let month = MONTHS
        .iter()
        .position(|n| *n == m || n[..3] == m)
        .map(|i| i as u8 + 1)
        .or_else(|| m.parse::<u8>().ok().filter(|n| (1..=12).contains(n)))
        .ok_or_else(|| {
            invalid(
                file,
                line,
                "Reported Month",
                format!("{month:?} is not a month"),
            )
        })?;
    Ok((y, month, format!("{y:04}-{month:02}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLEANED: &str = "date,month,type,route,geo,dead,cause,surv,nat,location,lon,lat
2014-01-06,2014-01-01,Incident,Central American Route,USA,1,Mixed or unknown,,GTM,\"Pima County, Arizona\",-110.366453,31.650259
2015-04-19,2015-04-01,Incident,Central Mediterranean Route,LBY,750,\"Drowning,Harsh environmental conditions / lack of adequate shelter, food, water\",28,\"ERI,SOM\",off Libya,12.5,33.6
";

    const KAGGLE: &str = "\u{feff}Incident Type,Incident year,Reported Month,Region of Origin,Region of Incident,Country of Origin,Number of Dead,Minimum Estimated Number of Missing,Total Number of Dead and Missing,Number of Survivors,Number of Females,Number of Males,Number of Children,Cause of Death,Migration route,Location of death,Information Source,Coordinates,UNSD Geographical Grouping
Incident,2014,January,Central America,North America,Guatemala,1,0,1,0,0,1,0,Mixed or unknown,US-Mexico border crossing,\"Pima County, Arizona\",PCOME,\"31.650259, -110.366453\",Northern America
Split Incident,2016,June,Mixed,Mediterranean,\"Afghanistan,Syrian Arab Republic\",3,10,13,40,1,2,0,Drowning,Eastern Mediterranean,Aegean Sea,Hellenic Coast Guard,\"37.1, 26.5\",Uncategorized
";

    #[test]
    fn each_shape_is_recognised_and_read_with_blanks_kept_apart_from_zeros() {
        let cleaned = parse("iom.csv", CLEANED.as_bytes()).unwrap();
        assert_eq!(cleaned.shape, "iom-cleaned");
        let a = &cleaned.incidents[0];
        assert_eq!((a.year, a.month, a.date.as_str()), (2014, 1, "2014-01-06"));
        assert_eq!(a.route, Some("central-american"));
        assert_eq!(a.country.as_deref(), Some("us"));
        assert_eq!(a.dead_and_missing(), Some(1));
        assert_eq!(a.survivors, None, "a blank is unknown, not zero");
        assert_eq!(a.point, Some((31.650259, -110.366453)));
        let b = &cleaned.incidents[1];
        assert_eq!(b.causes.len(), 2, "a cause with commas inside is one cause");
        assert_eq!(b.origins, ["er", "so"]);
        assert_eq!(b.survivors, Some(28));
        // A negative count is the source's sentinel for unknown: read so, and said.
        let sentinel = CLEANED.replace(",28,", ",-1,");
        let s = parse("iom.csv", sentinel.as_bytes()).unwrap();
        assert_eq!(s.incidents[1].survivors, None);
        assert!(
            s.caveats
                .iter()
                .any(|c| c.contains("line 3: surv: -1 read as unknown")),
            "{:?}",
            s.caveats
        );

        let kaggle = parse("kaggle.csv", KAGGLE.as_bytes()).unwrap();
        assert_eq!(kaggle.shape, "kaggle-19");
        assert!(kaggle.caveats[0].contains("writes 0"));
        let k = &kaggle.incidents[1];
        assert_eq!((k.year, k.month, k.date.as_str()), (2016, 6, "2016-06"));
        assert_eq!(k.kinds, ["Split Incident"]);
        assert_eq!(
            (k.dead, k.missing, k.dead_and_missing()),
            (Some(3), Some(10), Some(13))
        );
        assert_eq!(k.origins, ["af", "sy"]);
        assert_eq!(k.route, Some("eastern-mediterranean"));
        assert_eq!(k.point, Some((37.1, 26.5)));

        let official = "Main ID,Incident ID,Incident Type,Region of Incident,Incident Date,Incident Year,Month,Number of Dead,Minimum Estimated Number of Missing,Total Number of Dead and Missing,Number of Survivors,Number of Females,Number of Males,Number of Children,Country of Origin,Region of Origin,Cause of Death,Country of Incident,Migration Route,Location of Incident,Coordinates,UNSD Geographical Grouping,Information Source,URL,Source Quality
2014.MMP00001,2014.MMP00001,Incident,North America,2014-01-06,2014,January,1,,1,,,1,,Guatemala,Central America,Mixed or unknown,United States of America,US-Mexico border crossing,Arizona,\"31.65, -110.37\",Northern America,PCOME,https://example.org/1,5
";
        let o = parse("official.csv", official.as_bytes()).unwrap();
        assert_eq!(o.shape, "official");
        let i = &o.incidents[0];
        assert_eq!(i.source_id, "mmp-2014.MMP00001");
        assert_eq!(i.missing, None);
        assert_eq!(i.survivors, None);
        assert_eq!(i.country.as_deref(), Some("us"));
        assert_eq!(i.source_quality, Some(5));
        assert_eq!(i.url, "https://example.org/1");
    }

    #[test]
    fn bad_rows_are_named_by_line_and_column_and_refuse_the_file() {
        let bad = CLEANED
            .replace("2015-04-19", "2015-13-40")
            .replace("\"ERI,SOM\"", "Atlantis")
            + "2016-01-01,2016-01-01,Incident,Moon Route,LBY,-3,Drowning,,ERI,x,200,95\n";
        let e = parse("iom.csv", bad.as_bytes()).unwrap_err().to_string();
        for expected in [
            "iom.csv: 2 problem(s)",
            "line 3: date:",
            "line 4: route: \"Moon Route\" is not a route",
        ] {
            assert!(e.contains(expected), "{expected} not in {e}");
        }
        let e = parse("x.csv", b"name,age\nA,3\n").unwrap_err().to_string();
        assert!(
            e.contains("line 1: not a Missing Migrants Project file"),
            "{e}"
        );
        let extra = KAGGLE.replacen(
            "UNSD Geographical Grouping",
            "UNSD Geographical Grouping,Colour",
            1,
        );
        let e = parse("k.csv", extra.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("line 1"), "{e}");
        let e = parse("k.csv", &[0xff, 0xfe]).unwrap_err().to_string();
        assert!(e.contains("not UTF-8"), "{e}");
    }
}
