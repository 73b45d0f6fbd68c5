//! A static HTML report a ministry or an information campaign can publish as is: one file, no
//! script, no font, no tile server — its charts and its map are drawn here as SVG, the map on
//! the bundled land ([`crate::geo`]). It shows only what a release already made safe: totals,
//! a table with its small cells hidden, grid cells of enough incidents, and the manifest.

use std::fmt::Write as _;

/// A count table as released: `None` where a cell is hidden.
pub struct Table {
    pub row_label: String,
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    pub cells: Vec<Vec<Option<u64>>>,
    pub row_totals: Vec<u64>,
}

/// Incidents in one cell of the map's grid.
pub struct MapCell {
    /// The cell's centre.
    pub lon: f64,
    pub lat: f64,
    pub incidents: u64,
    pub dead_and_missing: u64,
}

pub struct Report {
    pub title: String,
    pub subtitle: String,
    pub attribution: String,
    /// (year, incidents, dead and missing)
    pub years: Vec<(String, u64, u64)>,
    /// (route label, dead and missing), largest first.
    pub routes: Vec<(String, u64)>,
    pub table: Table,
    pub table_note: String,
    pub map_cells: Vec<MapCell>,
    pub map_note: String,
    pub manifest_json: String,
}

/// Text made safe for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Thousands separated by commas, as the report writes its numbers.
pub fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:62rem;padding:0 1rem;color:#1b1f24}\
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem}.muted{color:#57606a}\
table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #d0d7de;padding:.2rem .5rem;text-align:right}\
th:first-child,td:first-child{text-align:left}svg{max-width:100%;height:auto}.bar{fill:#0b6bb5}\
.land{fill:#e6e3dc;stroke:#b9b4a8;stroke-width:.3}.dot{fill:#c4540f;fill-opacity:.55;stroke:#7a3309;stroke-width:.4}\
pre{background:#f6f8fa;padding:1rem;overflow:auto;font-size:12px}";

/// The whole report as one HTML document.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
<title>{}</title><style>{STYLE}</style></head><body><h1>{}</h1><p class=\"muted\">{}</p>",
        escape(&report.title),
        escape(&report.title),
        escape(&report.subtitle)
    );
    let incidents: u64 = report.years.iter().map(|y| y.1).sum();
    let dead: u64 = report.years.iter().map(|y| y.2).sum();
    let _ = write!(
        out,
        "<p><strong>{}</strong> dead and missing in <strong>{}</strong> incidents, {}–{}.</p>",
        number(dead),
        number(incidents),
        escape(report.years.first().map_or("", |y| y.0.as_str())),
        escape(report.years.last().map_or("", |y| y.0.as_str()))
    );
    out.push_str("<h2>Dead and missing per year</h2>");
    out.push_str(&column_chart(&report.years));
    out.push_str("<h2>Dead and missing per route</h2>");
    out.push_str(&bar_chart(&report.routes));
    out.push_str("<h2>Where the incidents happened</h2>");
    out.push_str(&map(&report.map_cells));
    let _ = write!(out, "<p class=\"muted\">{}</p>", escape(&report.map_note));
    let _ = write!(
        out,
        "<h2>Incidents per {} and year</h2>",
        escape(&report.table.row_label)
    );
    out.push_str(&table(&report.table));
    let _ = write!(out, "<p class=\"muted\">{}</p>", escape(&report.table_note));
    let _ = writeln!(
        out,
        "<h2>How this report was made</h2><p class=\"muted\">{}</p><details><summary>Manifest</summary><pre>{}</pre></details></body></html>",
        escape(&report.attribution),
        escape(&report.manifest_json)
    );
    out
}

fn column_chart(years: &[(String, u64, u64)]) -> String {
    let (w, h, left, bottom) = (720.0, 260.0, 50.0, 24.0);
    let max = years.iter().map(|y| y.2).max().unwrap_or(1).max(1) as f64;
    let step = (w - left) / years.len().max(1) as f64;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Dead and missing per year\">"
    );
    for (i, (year, incidents, dead)) in years.iter().enumerate() {
        let height = (h - bottom - 16.0) * *dead as f64 / max;
        let x = left + i as f64 * step + step * 0.15;
        let _ = write!(
            svg,
            "<rect class=\"bar\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{height:.1}\"><title>{}: {} dead and missing, {} incidents</title></rect>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            h - bottom - height,
            step * 0.7,
            escape(year),
            number(*dead),
            number(*incidents),
            x + step * 0.35,
            h - 8.0,
            escape(year),
            x + step * 0.35,
            h - bottom - height - 3.0,
            number(*dead)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn bar_chart(bars: &[(String, u64)]) -> String {
    let (w, label, row) = (720.0, 400.0, 22.0);
    let h = row * bars.len() as f64 + 8.0;
    let max = bars.iter().map(|b| b.1).max().unwrap_or(1).max(1) as f64;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Dead and missing per route\">"
    );
    for (i, (name, value)) in bars.iter().enumerate() {
        let y = i as f64 * row + 4.0;
        let width = (w - label - 70.0) * *value as f64 / max;
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>\
<rect class=\"bar\" x=\"{label}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{:.1}\"><title>{}: {}</title></rect>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{}</text>",
            label - 6.0,
            y + row * 0.65,
            escape(name),
            row - 6.0,
            escape(name),
            number(*value),
            label + width + 4.0,
            y + row * 0.65,
            number(*value)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Equirectangular: the whole world, land drawn, one circle per grid cell sized by its dead
/// and missing (area proportional).
fn map(cells: &[MapCell]) -> String {
    // From 60°S to 85°N: where people migrate, without Antarctica.
    let (w, h) = (720.0, 290.0);
    let x = |lon: f64| (lon + 180.0) / 360.0 * w;
    let y = |lat: f64| (85.0 - lat) / 145.0 * h;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Incidents on a map of the world\"><rect width=\"{w}\" height=\"{h}\" fill=\"#f3f7fa\"/><path class=\"land\" d=\""
    );
    for ring in crate::geo::land_rings() {
        // Antarctica: no incidents, and its ring runs along the map's edge.
        if ring.iter().all(|&(_, lat)| lat < -60.0) {
            continue;
        }
        let mut previous: Option<f64> = None;
        for &(lon, lat) in ring {
            // A ring cut at the antimeridian jumps across the map: move, do not draw the jump.
            let jump = previous.is_none_or(|p| (p - lon).abs() > 180.0);
            let _ = write!(
                svg,
                "{}{:.1},{:.1}",
                if jump { "M" } else { "L" },
                x(lon),
                y(lat)
            );
            previous = Some(lon);
        }
        svg.push('Z');
    }
    svg.push_str("\"/>");
    let max = cells
        .iter()
        .map(|c| c.dead_and_missing)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    for c in cells {
        let r = 1.5 + 12.0 * (c.dead_and_missing as f64 / max).sqrt();
        let _ = write!(
            svg,
            "<circle class=\"dot\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r:.1}\"><title>{} incidents, {} dead and missing</title></circle>",
            x(c.lon),
            y(c.lat),
            number(c.incidents),
            number(c.dead_and_missing)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn table(t: &Table) -> String {
    let mut out = format!("<table><thead><tr><th>{}</th>", escape(&t.row_label));
    for c in &t.columns {
        let _ = write!(out, "<th>{}</th>", escape(c));
    }
    out.push_str("<th>Total</th></tr></thead><tbody>");
    for (i, row) in t.rows.iter().enumerate() {
        let _ = write!(out, "<tr><td>{}</td>", escape(row));
        for cell in &t.cells[i] {
            match cell {
                Some(v) => {
                    let _ = write!(out, "<td>{}</td>", number(*v));
                }
                None => out.push_str("<td title=\"hidden: a small count\">x</td>"),
            }
        }
        let _ = write!(out, "<td>{}</td></tr>", number(t.row_totals[i]));
    }
    out.push_str("</tbody></table>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            title: "Deaths <on> routes".into(),
            subtitle: "test".into(),
            attribution: "IOM Missing Migrants Project (CC BY 4.0)".into(),
            years: vec![("2023".into(), 10, 1234), ("2024".into(), 5, 99)],
            routes: vec![("Central Mediterranean".into(), 1300)],
            table: Table {
                row_label: "route".into(),
                rows: vec!["Central Mediterranean".into()],
                columns: vec!["2023".into(), "2024".into()],
                cells: vec![vec![Some(10), None]],
                row_totals: vec![15],
            },
            table_note: "x: hidden".into(),
            map_cells: vec![MapCell {
                lon: 13.0,
                lat: 35.0,
                incidents: 15,
                dead_and_missing: 1333,
            }],
            map_note: "cells of 2°".into(),
            manifest_json: "{\"input_sha256\": \"ab\"}".into(),
        }
    }

    #[test]
    fn one_self_contained_document_with_its_figures_escaped() {
        let html = render(&report());
        assert!(html.starts_with("<!doctype html>"));
        assert!(
            html.contains("<h1>Deaths &lt;on&gt; routes</h1>"),
            "title not escaped"
        );
        assert!(html.contains("<strong>1,333</strong> dead and missing in <strong>15</strong>"));
        assert!(html.contains(">x</td>"), "the hidden cell is not marked");
        assert!(html.contains("class=\"land\" d=\"M"), "no land drawn");
        assert_eq!(html.matches("<circle").count(), 1);
        assert!(
            html.contains("&quot;input_sha256&quot;"),
            "manifest missing"
        );
        // Nothing fetched: no script, no external reference.
        for forbidden in ["<script", "http://", "https://", "src=", "@import"] {
            assert!(!html.contains(forbidden), "{forbidden} in the report");
        }
        assert_eq!(number(1234567), "1,234,567");
    }
}
