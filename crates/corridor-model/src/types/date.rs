//! Dates with partial precision: a year, a month, a day, or a moment.
//!
//! Sources rarely agree on precision: a debriefing gives "2019", a crossing record a full
//! timestamp. A date is kept at the precision it was given (`2019`, `2019-03`, `2019-03-04`,
//! `2019-03-04T10:22:00`) and never padded with invented months or days. Moments with an offset
//! are converted to UTC so that all stored moments compare.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DatePrecision {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartialDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub precision: DatePrecision,
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DatePrecision::*;
        write!(f, "{:04}", self.year)?;
        if self.precision >= Month {
            write!(f, "-{:02}", self.month)?;
        }
        if self.precision >= Day {
            write!(f, "-{:02}", self.day)?;
        }
        match self.precision {
            Hour => write!(f, "T{:02}", self.hour),
            Minute => write!(f, "T{:02}:{:02}", self.hour, self.minute),
            Second => write!(f, "T{:02}:{:02}:{:02}", self.hour, self.minute, self.second),
            _ => Ok(()),
        }
    }
}

impl PartialDate {
    /// Parses the normal ISO 8601 forms: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, and a moment
    /// `YYYY-MM-DDTHH[:MM[:SS[.fff]]]` with an optional `Z` or `±HH:MM` (a space may stand for `T`).
    pub fn parse_iso(s: &str) -> Result<PartialDate, String> {
        let b = s.as_bytes();
        let num = |from: usize, len: usize| -> Result<u32, String> {
            let part = s.get(from..from + len).ok_or_else(|| expected(s))?;
            if part.bytes().all(|c| c.is_ascii_digit()) {
                Ok(part.parse().map_err(|_| expected(s))?)
            } else {
                Err(expected(s))
            }
        };
        let year = num(0, 4)? as i32;
        let mut d = PartialDate::year(year);
        if b.len() == 4 {
            return d.checked();
        }
        if b.get(4) != Some(&b'-') {
            return Err(expected(s));
        }
        d.month = num(5, 2)? as u8;
        d.precision = DatePrecision::Month;
        if b.len() == 7 {
            return d.checked();
        }
        if b.get(7) != Some(&b'-') {
            return Err(expected(s));
        }
        d.day = num(8, 2)? as u8;
        d.precision = DatePrecision::Day;
        if b.len() == 10 {
            return d.checked();
        }
        if !matches!(b.get(10), Some(b'T' | b' ')) {
            return Err(expected(s));
        }
        d.hour = num(11, 2)? as u8;
        d.precision = DatePrecision::Hour;
        let mut i = 13;
        if b.get(i) == Some(&b':') {
            d.minute = num(i + 1, 2)? as u8;
            d.precision = DatePrecision::Minute;
            i += 3;
            if b.get(i) == Some(&b':') {
                d.second = num(i + 1, 2)? as u8;
                d.precision = DatePrecision::Second;
                i += 3;
                if b.get(i) == Some(&b'.') {
                    i += 1;
                    while b.get(i).is_some_and(u8::is_ascii_digit) {
                        i += 1;
                    }
                }
            }
        }
        let offset_minutes: i32 = match &s[i..] {
            "" | "Z" | "z" => 0,
            rest if rest.len() == 6 && matches!(&rest[..1], "+" | "-") && &rest[3..4] == ":" => {
                let h = num(i + 1, 2)? as i32;
                let m = num(i + 4, 2)? as i32;
                let sign = if &rest[..1] == "-" { -1 } else { 1 };
                sign * (h * 60 + m)
            }
            _ => return Err(expected(s)),
        };
        let d = d.checked()?;
        Ok(if offset_minutes == 0 {
            d
        } else {
            d.shift_minutes(-offset_minutes)
        })
    }

    fn year(year: i32) -> PartialDate {
        PartialDate {
            year,
            month: 1,
            day: 1,
            hour: 0,
            minute: 0,
            second: 0,
            precision: DatePrecision::Year,
        }
    }

    fn checked(self) -> Result<PartialDate, String> {
        if !(1..=9999).contains(&self.year) {
            return Err(format!("year {} is out of range", self.year));
        }
        if !(1..=12).contains(&self.month) {
            return Err(format!("month {} does not exist", self.month));
        }
        let last = days_in_month(self.year, self.month);
        if self.day < 1 || self.day > last {
            return Err(format!(
                "{:04}-{:02} has no day {} (it has {last} days)",
                self.year, self.month, self.day
            ));
        }
        if self.hour > 23 || self.minute > 59 || self.second > 60 {
            return Err(format!(
                "time {:02}:{:02}:{:02} does not exist",
                self.hour, self.minute, self.second
            ));
        }
        Ok(self)
    }

    /// Moves a moment by whole minutes, carrying into days, months and years.
    fn shift_minutes(self, minutes: i32) -> PartialDate {
        let days = days_from_civil(self.year, self.month, self.day);
        let total = days * 1440 + self.hour as i64 * 60 + self.minute as i64 + minutes as i64;
        let (day_count, minute_of_day) = (total.div_euclid(1440), total.rem_euclid(1440));
        let (year, month, day) = civil_from_days(day_count);
        PartialDate {
            year,
            month,
            day,
            hour: (minute_of_day / 60) as u8,
            minute: (minute_of_day % 60) as u8,
            ..self
        }
    }
}

fn expected(s: &str) -> String {
    format!(
        "{s:?} is not a date; expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS \
         (or give the source format in the mapping, e.g. format: \"%d.%m.%Y\")"
    )
}

pub(crate) fn clean_date(s: &str, format: Option<&str>) -> Result<String, String> {
    let date = match format {
        Some(format) => parse_date_with_format(s, format)?,
        None => PartialDate::parse_iso(s)?,
    };
    Ok(date.to_string())
}

/// Parses a date written in a source's own layout. Understands `%Y` (four-digit year), `%y`
/// (two-digit year, 00–68 → 2000s), `%m`, `%d`, `%H`, `%M`, `%S`; other characters must match.
/// The precision is the finest field present.
pub fn parse_date_with_format(s: &str, format: &str) -> Result<PartialDate, String> {
    let mut d = PartialDate::year(0);
    let mut precision = None;
    let mut input = s;
    let mut chars = format.chars();
    let fail = || format!("{s:?} does not match the date format {format:?}");
    while let Some(c) = chars.next() {
        if c != '%' {
            input = input.strip_prefix(c).ok_or_else(fail)?;
            continue;
        }
        let spec = chars
            .next()
            .ok_or_else(|| format!("date format {format:?} ends with %"))?;
        let width = if spec == 'Y' { 4 } else { 2 };
        let digits: String = input
            .chars()
            .take(width)
            .take_while(char::is_ascii_digit)
            .collect();
        if digits.is_empty() || (spec == 'Y' && digits.len() != 4) {
            return Err(fail());
        }
        input = &input[digits.len()..];
        let v: u32 = digits.parse().map_err(|_| fail())?;
        let p = match spec {
            'Y' => {
                d.year = v as i32;
                DatePrecision::Year
            }
            'y' => {
                d.year = if v <= 68 {
                    2000 + v as i32
                } else {
                    1900 + v as i32
                };
                DatePrecision::Year
            }
            'm' => {
                d.month = v as u8;
                DatePrecision::Month
            }
            'd' => {
                d.day = v as u8;
                DatePrecision::Day
            }
            'H' => {
                d.hour = v as u8;
                DatePrecision::Hour
            }
            'M' => {
                d.minute = v as u8;
                DatePrecision::Minute
            }
            'S' => {
                d.second = v as u8;
                DatePrecision::Second
            }
            other => return Err(format!("date format {format:?}: unknown field %{other}")),
        };
        precision = Some(precision.map_or(p, |q: DatePrecision| q.max(p)));
    }
    if !input.is_empty() {
        return Err(fail());
    }
    d.precision = precision.ok_or_else(|| format!("date format {format:?} has no fields"))?;
    d.checked()
}

/// The moment `unix_seconds` after 1970-01-01T00:00:00Z as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_unix_utc(unix_seconds: i64) -> String {
    let (days, secs) = (
        unix_seconds.div_euclid(86_400),
        unix_seconds.rem_euclid(86_400),
    );
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Seconds since the Unix epoch of the earliest moment a date in normal form
/// (`YYYY[-MM[-DD[THH[:MM[:SS]]]]]`, UTC) can mean; `None` when it is not one.
pub fn parse_unix_utc(s: &str) -> Option<i64> {
    let s = s.trim_end_matches('Z');
    let (date, time) = s.split_once('T').unwrap_or((s, ""));
    let mut d = date.split('-');
    let y: i32 = d.next()?.parse().ok()?;
    let m: u8 = d.next().map_or(Some(1), |v| v.parse().ok())?;
    let day: u8 = d.next().map_or(Some(1), |v| v.parse().ok())?;
    if !(1..=12).contains(&m) || day == 0 || day > days_in_month(y, m) {
        return None;
    }
    let mut secs = 0i64;
    for (part, unit, max) in time
        .split(':')
        .filter(|p| !p.is_empty())
        .zip([(3600, 23), (60, 59), (1, 59)])
        .map(|(p, (u, m))| (p, u, m))
    {
        let v: i64 = part.split('.').next()?.parse().ok()?;
        if v > max {
            return None;
        }
        secs += v * unit;
    }
    Some(days_from_civil(y, m, day) * 86_400 + secs)
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = (yoe + era * 400 + if m <= 2 { 1 } else { 0 }) as i32;
    (y, m, d)
}
