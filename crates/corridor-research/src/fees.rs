//! What smugglers are paid, by route, leg or service: median and interquartile range per
//! person, and the trend of the yearly medians. A group of fewer payments than the threshold
//! shows only its count: a median of three payments says too much about each.

use std::collections::BTreeMap;

use serde::Serialize;

/// One payment, per person, in US dollars.
#[derive(Clone, Debug, PartialEq)]
pub struct Fee {
    pub route: Option<&'static str>,
    pub leg: String,
    pub service: String,
    pub year: i32,
    pub usd: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FeeRow {
    pub key: String,
    pub payments: usize,
    /// None when the group has fewer payments than the threshold.
    pub median: Option<f64>,
    pub q1: Option<f64>,
    pub q3: Option<f64>,
    /// (year, median, payments) for each year with enough payments.
    pub by_year: Vec<(i32, f64, usize)>,
    /// US dollars per year, by least squares over the yearly medians (two years or more).
    pub trend_usd_per_year: Option<f64>,
}

/// The q-quantile by linear interpolation between order statistics (R's type 7).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Fees grouped by `route`, `leg` or `service`; groups under `min_payments` keep their count.
pub fn summarise(fees: &[Fee], by: &str, min_payments: usize) -> Result<Vec<FeeRow>, String> {
    let key = |f: &Fee| -> Result<String, String> {
        Ok(match by {
            "route" => f.route.unwrap_or("undefined").to_string(),
            "leg" => f.leg.clone(),
            "service" => f.service.clone(),
            other => return Err(format!("{other:?} is not one of route, leg, service")),
        })
    };
    let mut groups: BTreeMap<String, Vec<&Fee>> = BTreeMap::new();
    for f in fees {
        groups.entry(key(f)?).or_default().push(f);
    }
    Ok(groups
        .into_iter()
        .map(|(key, group)| {
            let mut all: Vec<f64> = group.iter().map(|f| f.usd).collect();
            all.sort_by(f64::total_cmp);
            let enough = all.len() >= min_payments;
            let mut years: BTreeMap<i32, Vec<f64>> = BTreeMap::new();
            for f in &group {
                years.entry(f.year).or_default().push(f.usd);
            }
            let by_year: Vec<(i32, f64, usize)> = years
                .into_iter()
                .filter(|(_, v)| v.len() >= min_payments)
                .map(|(y, mut v)| {
                    v.sort_by(f64::total_cmp);
                    (y, quantile(&v, 0.5), v.len())
                })
                .collect();
            let trend = (by_year.len() >= 2).then(|| {
                let n = by_year.len() as f64;
                let mx = by_year.iter().map(|(y, _, _)| f64::from(*y)).sum::<f64>() / n;
                let my = by_year.iter().map(|(_, m, _)| m).sum::<f64>() / n;
                let sxy: f64 = by_year
                    .iter()
                    .map(|(y, m, _)| (f64::from(*y) - mx) * (m - my))
                    .sum();
                let sxx: f64 = by_year
                    .iter()
                    .map(|(y, _, _)| (f64::from(*y) - mx).powi(2))
                    .sum();
                sxy / sxx
            });
            FeeRow {
                payments: all.len(),
                median: enough.then(|| quantile(&all, 0.5)),
                q1: enough.then(|| quantile(&all, 0.25)),
                q3: enough.then(|| quantile(&all, 0.75)),
                by_year,
                trend_usd_per_year: trend.filter(|t| t.is_finite()),
                key,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fee(route: &'static str, year: i32, usd: f64) -> Fee {
        Fee {
            route: Some(route),
            leg: "Sabha → Tripoli".into(),
            service: "leg".into(),
            year,
            usd,
        }
    }

    #[test]
    fn medians_quartiles_and_trend_and_small_groups_keep_only_their_count() {
        let mut fees: Vec<Fee> = (0..20)
            .map(|i| fee("central-mediterranean", 2023, 1000.0 + f64::from(i) * 10.0))
            .collect();
        fees.extend(
            (0..20).map(|i| fee("central-mediterranean", 2024, 1500.0 + f64::from(i) * 10.0)),
        );
        fees.extend((0..3).map(|i| fee("eastern-mediterranean", 2024, 800.0 + f64::from(i))));
        let rows = summarise(&fees, "route", 11).unwrap();
        let med = &rows[0];
        assert_eq!(
            (med.key.as_str(), med.payments),
            ("central-mediterranean", 40)
        );
        assert_eq!(med.median, Some(1345.0));
        assert_eq!(med.by_year, [(2023, 1095.0, 20), (2024, 1595.0, 20)]);
        assert_eq!(med.trend_usd_per_year, Some(500.0));
        let small = &rows[1];
        assert_eq!((small.payments, small.median, small.q1), (3, None, None));
        assert!(summarise(&fees, "colour", 11).is_err());
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.25), 1.75);
    }
}
