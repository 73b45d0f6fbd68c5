//! Generalisation hierarchies: for a quasi-identifier, its value at each level, level 0 being
//! the value as given and the last level `*` (nothing said). Category sets come from public
//! code lists (UN M49 through the CLDR), never from the data.

use corridor_model::types::m49_area;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hierarchy {
    /// Whole years: exact, 5-year bands, 10-year bands, child / adult / older, `*`.
    Age,
    /// A date (YYYY[-MM[-DD]]): as given, month, quarter, year, `*`.
    Date,
    /// ISO 3166 alpha-2: country, M49 sub-region, M49 region, `*`.
    Country,
    /// "lat,lon": 0.1°, 1°, 5° grid cells, `*` (exact coordinates never leave).
    Point,
    /// Any category: the value, `*`.
    Category,
}

impl Hierarchy {
    /// How many levels, `*` included.
    pub fn levels(self) -> usize {
        match self {
            Hierarchy::Age | Hierarchy::Date => 5,
            Hierarchy::Country | Hierarchy::Point => 4,
            Hierarchy::Category => 2,
        }
    }

    /// The value at `level`; a blank or unreadable value is `unknown` below `*`. Point values
    /// are never given exact: level 0 is already a 0.1° cell.
    pub fn generalise(self, value: &str, level: usize) -> String {
        let v = value.trim();
        if level + 1 >= self.levels() {
            return "*".into();
        }
        if v.is_empty() {
            return "unknown".into();
        }
        match self {
            Hierarchy::Category => v.to_string(),
            Hierarchy::Age => match v.parse::<u32>() {
                Ok(a) => match level {
                    0 => a.to_string(),
                    1 => format!("{}-{}", a / 5 * 5, a / 5 * 5 + 4),
                    2 => format!("{}-{}", a / 10 * 10, a / 10 * 10 + 9),
                    _ if a < 18 => "0-17".into(),
                    _ if a < 60 => "18-59".into(),
                    _ => "60+".into(),
                },
                Err(_) => "unknown".into(),
            },
            Hierarchy::Date => {
                let year = v.get(..4).filter(|y| y.chars().all(|c| c.is_ascii_digit()));
                let month = v.get(5..7).and_then(|m| m.parse::<u8>().ok());
                match (level, year, month) {
                    (_, None, _) => "unknown".into(),
                    (0, Some(_), _) => v.to_string(),
                    (1, Some(y), Some(m)) => format!("{y}-{m:02}"),
                    (2, Some(y), Some(m)) => format!("{y}-Q{}", (m - 1) / 3 + 1),
                    (_, Some(y), _) => y.to_string(),
                }
            }
            Hierarchy::Country => {
                let code = v.to_lowercase();
                match (level, m49_area(&code)) {
                    (0, _) => code,
                    (1, Some(area)) => area.subregion.clone(),
                    (2, Some(area)) => area.region.clone(),
                    _ => "unknown".into(),
                }
            }
            Hierarchy::Point => {
                let cell = |lat: f64, lon: f64, size: f64| {
                    let snap = |x: f64| (x / size).floor() * size;
                    format!("{:.1},{:.1}", snap(lat), snap(lon))
                };
                match v
                    .split_once(',')
                    .map(|(a, o)| (a.trim().parse::<f64>(), o.trim().parse::<f64>()))
                {
                    Some((Ok(lat), Ok(lon))) => match level {
                        0 => cell(lat, lon, 0.1),
                        1 => cell(lat, lon, 1.0),
                        _ => cell(lat, lon, 5.0),
                    },
                    _ => "unknown".into(),
                }
            }
        }
    }

    /// The M49 region of a country (for tables by region).
    pub fn region_of(country: &str) -> Option<&'static str> {
        m49_area(country).map(|a| a.region.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_hierarchy_generalises_level_by_level_to_nothing() {
        let age: Vec<String> = (0..5).map(|l| Hierarchy::Age.generalise("23", l)).collect();
        assert_eq!(age, ["23", "20-24", "20-29", "18-59", "*"]);
        let date: Vec<String> = (0..5)
            .map(|l| Hierarchy::Date.generalise("2024-08-17", l))
            .collect();
        assert_eq!(date, ["2024-08-17", "2024-08", "2024-Q3", "2024", "*"]);
        let country: Vec<String> = (0..4)
            .map(|l| Hierarchy::Country.generalise("ER", l))
            .collect();
        assert_eq!(country, ["er", "Eastern Africa", "Africa", "*"]);
        assert_eq!(Hierarchy::Country.generalise("SY", 2), "Asia");
        let point: Vec<String> = (0..4)
            .map(|l| Hierarchy::Point.generalise("35.512,12.618", l))
            .collect();
        assert_eq!(point, ["35.5,12.6", "35.0,12.0", "35.0,10.0", "*"]);
        assert_eq!(Hierarchy::Age.generalise("", 1), "unknown");
        assert_eq!(Hierarchy::Category.generalise("female", 1), "*");
        assert_eq!(Hierarchy::region_of("MX"), Some("Americas"));
    }
}
