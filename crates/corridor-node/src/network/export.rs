//! The network as files other tools open: GraphML (yEd, Gephi, igraph, networkx, Neo4j), GEXF
//! 1.3 (Gephi, with each edge's time so its timeline can replay calls and transfers) and i2
//! Analyst's Notebook's exchange format (ANX, a chart opened without an import
//! specification). Written by hand: three small XML shapes, every text escaped.

use std::fmt::Write;

use super::index::{Index, View};
use crate::Node;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    GraphMl,
    Gexf,
    Anx,
}

impl ExportFormat {
    pub fn parse(text: &str) -> Result<ExportFormat, crate::NodeError> {
        match text {
            "graphml" => Ok(ExportFormat::GraphMl),
            "gexf" => Ok(ExportFormat::Gexf),
            "anx" => Ok(ExportFormat::Anx),
            other => Err(crate::NodeError::Invalid(format!(
                "format: `{other}` is not one of graphml, gexf, anx"
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::GraphMl => "graphml",
            ExportFormat::Gexf => "gexf",
            ExportFormat::Anx => "anx",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            ExportFormat::GraphMl => "application/graphml+xml",
            ExportFormat::Gexf => "application/gexf+xml",
            ExportFormat::Anx => "application/xml",
        }
    }
}

pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// i2's standard icon for a schema.
fn i2_icon(schema: &str) -> &'static str {
    match schema {
        "Person" => "Person",
        "Organization" | "Company" | "LegalEntity" | "PublicBody" => "Organisation",
        "PhoneNumber" => "Mobile Phone",
        "Vehicle" => "Car",
        "BankAccount" => "Bank Account",
        "Address" => "Location",
        _ => "Unknown",
    }
}

pub(crate) fn write(
    index: &Index,
    view: &View,
    community: &[u32],
    nodes: &[u32],
    format: ExportFormat,
) -> String {
    let shown: std::collections::HashSet<u32> = nodes.iter().copied().collect();
    let table = index.graph.edges.as_ref().expect("kept edges");
    let edges: Vec<u32> = (0..table.src.len() as u32)
        .filter(|&e| {
            view.edges.contains(e as usize)
                && shown.contains(&table.src[e as usize])
                && shown.contains(&table.dst[e as usize])
        })
        .collect();
    let node_views: Vec<_> = nodes
        .iter()
        .map(|&v| Node::node_view(index, view, Some(community), v))
        .collect();
    let edge_views: Vec<_> = edges
        .iter()
        .map(|&e| Node::edge_view(index, view, e))
        .collect();
    let community_text = |c: Option<u32>| {
        c.filter(|&c| c != u32::MAX)
            .map_or(String::new(), |c| c.to_string())
    };
    let mut out = String::new();
    match format {
        ExportFormat::GraphMl => {
            out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n");
            for (id, on, name) in [
                ("label", "node", "label"),
                ("schema", "node", "schema"),
                ("network", "node", "network"),
                ("kind", "edge", "kind"),
                ("time", "edge", "time"),
                ("amount", "edge", "amount"),
                ("evidence", "edge", "evidence"),
            ] {
                let kind = if id == "amount" { "double" } else { "string" };
                let _ = writeln!(
                    out,
                    "  <key id=\"{id}\" for=\"{on}\" attr.name=\"{name}\" attr.type=\"{kind}\"/>"
                );
            }
            out.push_str("  <graph id=\"corridor\" edgedefault=\"undirected\">\n");
            for n in &node_views {
                let _ = writeln!(
                    out,
                    "    <node id=\"{}\"><data key=\"label\">{}</data><data key=\"schema\">{}</data><data key=\"network\">{}</data></node>",
                    escape(&n.id),
                    escape(&n.caption),
                    escape(&n.schema),
                    community_text(n.community)
                );
            }
            for (i, e) in edge_views.iter().enumerate() {
                let _ = write!(
                    out,
                    "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\" directed=\"{}\"><data key=\"kind\">{}</data>",
                    escape(&e.source),
                    escape(&e.target),
                    e.directed,
                    escape(&e.kind)
                );
                if let Some(t) = &e.time {
                    let _ = write!(out, "<data key=\"time\">{}</data>", escape(t));
                }
                if let Some(a) = e.amount {
                    let _ = write!(out, "<data key=\"amount\">{a}</data>");
                }
                let _ = writeln!(
                    out,
                    "<data key=\"evidence\">{}</data></edge>",
                    escape(&e.evidence.join(" "))
                );
            }
            out.push_str("  </graph>\n</graphml>\n");
        }
        ExportFormat::Gexf => {
            out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gexf xmlns=\"http://gexf.net/1.3\" version=\"1.3\">\n");
            out.push_str("  <meta><creator>Corridor</creator></meta>\n");
            out.push_str("  <graph defaultedgetype=\"undirected\" mode=\"dynamic\" timeformat=\"datetime\">\n");
            out.push_str("    <attributes class=\"node\"><attribute id=\"0\" title=\"schema\" type=\"string\"/><attribute id=\"1\" title=\"network\" type=\"string\"/></attributes>\n");
            out.push_str("    <attributes class=\"edge\"><attribute id=\"0\" title=\"kind\" type=\"string\"/><attribute id=\"1\" title=\"amount\" type=\"double\"/><attribute id=\"2\" title=\"evidence\" type=\"string\"/></attributes>\n");
            out.push_str("    <nodes>\n");
            for n in &node_views {
                let _ = writeln!(
                    out,
                    "      <node id=\"{}\" label=\"{}\"><attvalues><attvalue for=\"0\" value=\"{}\"/><attvalue for=\"1\" value=\"{}\"/></attvalues></node>",
                    escape(&n.id),
                    escape(&n.caption),
                    escape(&n.schema),
                    community_text(n.community)
                );
            }
            out.push_str("    </nodes>\n    <edges>\n");
            for (i, e) in edge_views.iter().enumerate() {
                let time = e.time.as_deref().map_or(String::new(), |t| {
                    format!(" start=\"{}\"", escape(t.trim_end_matches('Z')))
                });
                let _ = writeln!(
                    out,
                    "      <edge id=\"{i}\" source=\"{}\" target=\"{}\" type=\"{}\" label=\"{}\"{time}><attvalues><attvalue for=\"0\" value=\"{}\"/>{}<attvalue for=\"2\" value=\"{}\"/></attvalues></edge>",
                    escape(&e.source),
                    escape(&e.target),
                    if e.directed { "directed" } else { "undirected" },
                    escape(&e.kind),
                    escape(&e.kind),
                    e.amount.map_or(String::new(), |a| format!(
                        "<attvalue for=\"1\" value=\"{a}\"/>"
                    )),
                    escape(&e.evidence.join(" "))
                );
            }
            out.push_str("    </edges>\n  </graph>\n</gexf>\n");
        }
        ExportFormat::Anx => {
            out.push_str(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Chart>\n  <ChartItemCollection>\n",
            );
            for n in &node_views {
                let _ = writeln!(
                    out,
                    "    <ChartItem Label=\"{}\" Description=\"{} {}\"><End><Entity EntityId=\"{}\" Identity=\"{}\"><Icon><IconStyle Type=\"{}\"/></Icon></Entity></End></ChartItem>",
                    escape(&n.caption),
                    escape(&n.schema),
                    escape(&n.id),
                    escape(&n.id),
                    escape(&n.id),
                    i2_icon(&n.schema)
                );
            }
            for e in &edge_views {
                let date = e.time.as_deref().map_or(String::new(), |t| {
                    format!(
                        " DateSet=\"true\" DateTime=\"{}\"",
                        escape(t.trim_end_matches('Z'))
                    )
                });
                let label = match e.amount {
                    Some(a) => format!(
                        "{} {a}{}",
                        e.kind,
                        e.currency
                            .as_deref()
                            .map_or(String::new(), |c| format!(" {c}"))
                    ),
                    None => e.kind.clone(),
                };
                let _ = writeln!(
                    out,
                    "    <ChartItem Label=\"{}\" Description=\"{}\"{date}><Link End1Id=\"{}\" End2Id=\"{}\"><LinkStyle Type=\"{}\" ArrowStyle=\"{}\"/></Link></ChartItem>",
                    escape(&label),
                    escape(&e.evidence.join(" ")),
                    escape(&e.source),
                    escape(&e.target),
                    escape(&e.kind),
                    if e.directed {
                        "ArrowOnHead"
                    } else {
                        "ArrowNone"
                    }
                );
            }
            out.push_str("  </ChartItemCollection>\n</Chart>\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(
            super::escape("Al-<Sayed> & \"Co\"\u{1}"),
            "Al-&lt;Sayed&gt; &amp; &quot;Co&quot; "
        );
    }
}
