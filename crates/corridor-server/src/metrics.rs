//! Prometheus metrics: requests and their latency by route template and status. No labels
//! carry ids, names or query strings.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: &[f64] = &[0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; 9],
}

#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let mut map = self.series.lock().expect("no panics while held");
        let s = map
            .entry((route.to_string(), method.to_string(), status))
            .or_default();
        s.count += 1;
        s.sum += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                s.buckets[i] += 1;
            }
        }
    }

    pub fn render(&self) -> String {
        let map = self.series.lock().expect("no panics while held");
        let mut out = String::new();
        out.push_str(
            "# HELP corridor_http_requests_total HTTP requests by route, method and status.\n",
        );
        out.push_str("# TYPE corridor_http_requests_total counter\n");
        for ((route, method, status), s) in map.iter() {
            let _ = writeln!(
                out,
                "corridor_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        out.push_str("# HELP corridor_http_request_seconds Request latency by route.\n");
        out.push_str("# TYPE corridor_http_request_seconds histogram\n");
        let mut by_route: BTreeMap<(&str, &str), (u64, f64, [u64; 9])> = BTreeMap::new();
        for ((route, method, _), s) in map.iter() {
            let e = by_route.entry((route, method)).or_insert((0, 0.0, [0; 9]));
            e.0 += s.count;
            e.1 += s.sum;
            for i in 0..BUCKETS.len() {
                e.2[i] += s.buckets[i];
            }
        }
        for ((route, method), (count, sum, buckets)) in by_route {
            let labels = format!("route=\"{route}\",method=\"{method}\"");
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "corridor_http_request_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                    buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "corridor_http_request_seconds_bucket{{{labels},le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(out, "corridor_http_request_seconds_sum{{{labels}}} {sum}");
            let _ = writeln!(
                out,
                "corridor_http_request_seconds_count{{{labels}}} {count}"
            );
        }
        out
    }
}
