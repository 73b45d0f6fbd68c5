//! How old a person may be on a given day. Birth dates come at any precision (`1990`,
//! `1990-04`, `1990-04-01`), so an age is a range: the youngest and the oldest the person can
//! be. Decisions that protect (is this a child?) take the benefit of the doubt: a person who
//! may be under 18 is treated as a child until an age assessment says otherwise.

use corridor_model::types::{DatePrecision, PartialDate};
use serde::Serialize;

use crate::ProtectionError;

/// The oldest age the node takes without question.
pub const MAX_AGE: u32 = 120;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AgeRange {
    pub min: u32,
    pub max: u32,
}

impl AgeRange {
    pub fn exact(age: u32) -> AgeRange {
        AgeRange { min: age, max: age }
    }

    /// May be under 18.
    pub fn may_be_child(&self) -> bool {
        self.min < 18
    }

    /// Surely 60 or over.
    pub fn older_person(&self) -> bool {
        self.min >= 60
    }

    pub fn describe(&self) -> String {
        if self.min == self.max {
            format!("{}", self.min)
        } else {
            format!("{}–{}", self.min, self.max)
        }
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn age_on(birth: (i32, u8, u8), on: (i32, u8, u8)) -> i64 {
    let mut age = i64::from(on.0) - i64::from(birth.0);
    if (on.1, on.2) < (birth.1, birth.2) {
        age -= 1;
    }
    age
}

/// A date of birth and the day it is judged on (`YYYY-MM-DD…`): the age range, or why the
/// birth date is impossible (after that day, or more than [`MAX_AGE`] years before it).
pub fn age_range(birth_date: &str, on: &str) -> Result<AgeRange, ProtectionError> {
    let birth = PartialDate::parse_iso(birth_date.trim())
        .map_err(|e| ProtectionError::Invalid(format!("birth_date: {e}")))?;
    let today = PartialDate::parse_iso(on.get(..10).unwrap_or(on))
        .map_err(|e| ProtectionError::Invalid(format!("date: {e}")))?;
    let on = (today.year, today.month, today.day);
    // The earliest and the latest day the person can have been born on.
    let (first_month, last_month) = if birth.precision >= DatePrecision::Month {
        (birth.month, birth.month)
    } else {
        (1, 12)
    };
    let earliest = (
        birth.year,
        first_month,
        if birth.precision >= DatePrecision::Day {
            birth.day
        } else {
            1
        },
    );
    let latest = (
        birth.year,
        last_month,
        if birth.precision >= DatePrecision::Day {
            birth.day
        } else {
            days_in_month(birth.year, last_month)
        },
    );
    if earliest > on {
        return Err(ProtectionError::Invalid(format!(
            "birth_date: {birth_date} is after {:04}-{:02}-{:02}",
            on.0, on.1, on.2
        )));
    }
    let max = age_on(earliest, on);
    let min = age_on(latest, on).max(0);
    if min > i64::from(MAX_AGE) {
        return Err(ProtectionError::Invalid(format!(
            "birth_date: {birth_date} would make the person {min} years old"
        )));
    }
    Ok(AgeRange {
        min: min as u32,
        max: max.min(i64::from(MAX_AGE)) as u32,
    })
}

/// A claimed age: 0 to [`MAX_AGE`].
pub fn check_claimed(age: u32) -> Result<AgeRange, ProtectionError> {
    if age > MAX_AGE {
        return Err(ProtectionError::Invalid(format!(
            "age_claimed: {age} is not a possible age (0 to {MAX_AGE})"
        )));
    }
    Ok(AgeRange::exact(age))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_birth_dates_give_ranges_and_the_benefit_of_the_doubt() {
        assert_eq!(
            age_range("2008-12-01", "2026-11-30").unwrap(),
            AgeRange::exact(17)
        );
        assert_eq!(
            age_range("2008-11-30", "2026-11-30").unwrap(),
            AgeRange::exact(18)
        );
        let year_only = age_range("2008", "2026-11-30").unwrap();
        assert_eq!(year_only, AgeRange { min: 17, max: 18 });
        assert!(year_only.may_be_child());
        assert_eq!(
            age_range("2008-11", "2026-11-30").unwrap(),
            AgeRange { min: 18, max: 18 }
        );
        assert!(
            age_range("1960-01-01", "2026-11-30")
                .unwrap()
                .older_person()
        );
        assert_eq!(age_range("2000-02-29", "2026-02-28").unwrap().min, 25);
    }

    #[test]
    fn impossible_dates_are_refused_by_name() {
        let e = |b: &str| age_range(b, "2026-11-30").unwrap_err().to_string();
        assert!(e("2027-01-01").contains("is after 2026-11-30"));
        assert!(e("1890").contains("years old"));
        assert!(e("2026-13-01").starts_with("birth_date:"));
        assert!(e("yesterday").starts_with("birth_date:"));
        assert!(check_claimed(150).is_err());
        assert_eq!(check_claimed(15).unwrap(), AgeRange::exact(15));
    }
}
