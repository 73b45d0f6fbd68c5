//! How migrants are smuggled, counted: the modus operandi of smuggling incidents (UNODC's
//! reporting categories) per route or leg, with each one's share of the group's incidents and
//! the migrants it moved.

use std::collections::BTreeMap;

use serde::Serialize;

/// One smuggling incident as far as the count needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct Smuggling {
    pub route: Option<&'static str>,
    pub leg: String,
    /// Every modus operandi recorded (an incident may combine several).
    pub modus: Vec<String>,
    /// Blank when the source did not count.
    pub migrants: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModusRow {
    pub key: String,
    pub modus_operandi: String,
    pub incidents: usize,
    /// Migrants moved this way, over the incidents that counted them.
    pub migrants: u64,
    /// Incidents of this modus operandi over the group's incidents (0 to 1).
    pub share: f64,
}

/// Frequencies by `route`, `leg` or `all`, most frequent first within each group. An incident
/// with no modus recorded counts as `unknown`, so the shares of a group stay honest.
pub fn frequencies(incidents: &[Smuggling], by: &str) -> Result<Vec<ModusRow>, String> {
    let key = |s: &Smuggling| -> Result<String, String> {
        Ok(match by {
            "route" => s.route.unwrap_or("undefined").to_string(),
            "leg" => s.leg.clone(),
            "all" => "all".to_string(),
            other => return Err(format!("{other:?} is not one of route, leg, all")),
        })
    };
    // Per group: its incidents, and per modus operandi the incidents and migrants.
    type Counts = BTreeMap<String, (usize, u64)>;
    let mut groups: BTreeMap<String, (usize, Counts)> = BTreeMap::new();
    for s in incidents {
        let (total, counts) = groups.entry(key(s)?).or_default();
        *total += 1;
        let unknown = ["unknown".to_string()];
        let modus = if s.modus.is_empty() {
            &unknown[..]
        } else {
            &s.modus[..]
        };
        for m in modus {
            let entry = counts.entry(m.clone()).or_default();
            entry.0 += 1;
            entry.1 += s.migrants.unwrap_or(0);
        }
    }
    let mut rows = Vec::new();
    for (key, (total, counts)) in groups {
        let mut group: Vec<ModusRow> = counts
            .into_iter()
            .map(|(modus_operandi, (n, migrants))| ModusRow {
                key: key.clone(),
                modus_operandi,
                incidents: n,
                migrants,
                share: n as f64 / total as f64,
            })
            .collect();
        group.sort_by(|a, b| {
            b.incidents
                .cmp(&a.incidents)
                .then(a.modus_operandi.cmp(&b.modus_operandi))
        });
        rows.extend(group);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(route: &'static str, modus: &[&str], migrants: Option<u64>) -> Smuggling {
        Smuggling {
            route: Some(route),
            leg: "Zuwara → Lampedusa".into(),
            modus: modus.iter().map(|m| m.to_string()).collect(),
            migrants,
        }
    }

    #[test]
    fn shares_within_each_route_most_frequent_first() {
        let incidents = [
            incident("central-mediterranean", &["boat_unseaworthy"], Some(40)),
            incident("central-mediterranean", &["boat_unseaworthy"], None),
            incident(
                "central-mediterranean",
                &["boat_seaworthy", "corruption"],
                Some(12),
            ),
            incident("central-mediterranean", &[], Some(3)),
            incident("western-balkans", &["on_foot_guided"], Some(7)),
        ];
        let rows = frequencies(&incidents, "route").unwrap();
        let central: Vec<(&str, usize, u64, f64)> = rows
            .iter()
            .filter(|r| r.key == "central-mediterranean")
            .map(|r| (r.modus_operandi.as_str(), r.incidents, r.migrants, r.share))
            .collect();
        assert_eq!(
            central,
            [
                ("boat_unseaworthy", 2, 40, 0.5),
                ("boat_seaworthy", 1, 12, 0.25),
                ("corruption", 1, 12, 0.25),
                ("unknown", 1, 3, 0.25),
            ]
        );
        assert_eq!(rows.last().unwrap().key, "western-balkans");
        let all = frequencies(&incidents, "all").unwrap();
        assert_eq!(all[0].incidents, 2);
        assert!((all[0].share - 0.4).abs() < 1e-12);
        assert!(frequencies(&incidents, "colour").is_err());
    }
}
