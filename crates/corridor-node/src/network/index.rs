//! The network index: every entity that links others (a call, a transfer, a crossing with
//! companions, a membership…) turned into edges by the rules of `network/network.yaml`, over
//! nodes that are entities, persons merged by entity resolution, and phones and vehicles merged
//! by their number. Each edge remembers the labels of the statements that make it, so one
//! index serves every user: a user's view keeps the edges whose labels they may read.

use std::collections::HashMap;

use corridor_graph::graph::BitSet;
use corridor_graph::{BuildOptions, EdgeData, Graph, GraphBuilder};
use corridor_model::{HandlingCode, Model, Purpose, Statement, entity::live_statements};
use corridor_store::Store;
use serde::Deserialize;

use crate::NodeError;
use crate::resolution::Resolver;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Settings {
    pub merge_by: HashMap<String, String>,
    /// Values that are nodes of their own, by property type: a phone number written on a
    /// person is the node of that number (the same as a PhoneNumber entity's).
    pub value_nodes: HashMap<String, String>,
    pub edges: Vec<EdgeRule>,
    pub co_travel: CoTravelSettings,
    pub findings: FindingsSettings,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EdgeRule {
    pub schema: String,
    pub kind: String,
    pub chain: Vec<String>,
    /// Only for entities of exactly this schema, not those that extend it (a Payment rule
    /// that a MoneyTransfer, with its own, must not also take).
    #[serde(default)]
    pub exact: bool,
    #[serde(default)]
    pub directed: bool,
    pub time: Option<String>,
    pub amount: Option<String>,
    pub currency: Option<String>,
    /// A property that says what the link is ("named as organiser", "brother").
    pub label: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CoTravelSettings {
    pub window_minutes: i64,
    pub min_times: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FindingsSettings {
    pub resolution: f64,
    pub min_size: usize,
    pub organisers: usize,
    pub brokers: usize,
}

impl Settings {
    pub(crate) fn builtin(model: &Model) -> Settings {
        let text = include_str!("../../network/network.yaml");
        let settings: Settings =
            serde_yaml_ng::from_str(text).unwrap_or_else(|e| panic!("network/network.yaml: {e}"));
        for rule in &settings.edges {
            let schema = model
                .schema(&rule.schema)
                .unwrap_or_else(|e| panic!("network/network.yaml: edge rule {}: {e}", rule.kind));
            for prop in rule
                .chain
                .iter()
                .chain(&rule.time)
                .chain(&rule.amount)
                .chain(&rule.currency)
                .chain(&rule.label)
            {
                assert!(
                    prop == "self" || schema.property(prop).is_some(),
                    "network/network.yaml: edge rule {}: {} has no property {prop}",
                    rule.kind,
                    rule.schema
                );
            }
            for prop in &rule.chain {
                if let Some(p) = schema.property(prop) {
                    let kind = p.type_.name();
                    assert!(
                        kind == "entity" || settings.value_nodes.contains_key(kind),
                        "network/network.yaml: edge rule {}: {prop} is a {kind}, which is not in value_nodes",
                        rule.kind
                    );
                }
            }
            assert!(
                rule.chain.len() >= 2,
                "network/network.yaml: edge rule {}: a chain needs two ends",
                rule.kind
            );
        }
        settings
    }
}

/// One of the 16 labels (handling code × purpose) as a bit.
pub(crate) fn label_bit(handling: HandlingCode, purpose: Purpose) -> u16 {
    let h = HandlingCode::ALL
        .iter()
        .position(|&x| x == handling)
        .unwrap_or(0);
    let p = Purpose::ALL.iter().position(|&x| x == purpose).unwrap_or(0);
    1 << (h * 4 + p)
}

fn bit_of(s: &Statement) -> u16 {
    label_bit(s.provenance.handling, s.provenance.purpose)
}

/// A record behind a node.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub id: String,
    pub schema: String,
    pub caption: String,
    /// The labels of the statements that name it: a user who may read none of them does not
    /// see the record.
    pub labels: u16,
    /// A record of the store; false for a value (a phone number written on a person).
    pub record: bool,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct NodeInfo {
    pub members: Vec<Member>,
}

#[derive(Debug, Clone)]
pub(crate) struct EdgeInfo {
    /// The entities that make the edge (a call, a transfer; for co-travel, the crossings).
    pub evidence: Vec<String>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    /// Labels a user must be able to read, all of them, to see the edge.
    pub required: u16,
    pub directed: bool,
    /// For co-travel: how many times the two crossed together.
    pub times: u32,
    /// What the source says the link is.
    pub label: Option<String>,
}

pub(crate) struct Index {
    pub graph: Graph,
    pub nodes: Vec<NodeInfo>,
    pub edges: Vec<EdgeInfo>,
    /// Graph node of each record.
    pub node_of: HashMap<String, u32>,
    /// The store's last statement when this was built.
    pub seq: i64,
    /// The resolver's version it was built on.
    pub resolution: u64,
}

struct PendingEdge {
    kind: String,
    from: String,
    to: String,
    time: Option<i64>,
    info: EdgeInfo,
}

struct CrossingSeen {
    id: String,
    traveller: String,
    point: String,
    time: i64,
    label: u16,
}

fn values_of<'a>(
    live: &'a [&'a Statement],
    prop: &'a str,
) -> impl Iterator<Item = &'a Statement> + 'a {
    live.iter().copied().filter(move |s| s.prop == prop)
}

fn parse_time(value: &str) -> Option<i64> {
    corridor_model::types::parse_unix_utc(value)
}

/// The leading number of an amount such as "1200", "1,200.50" or "1200 USD".
fn parse_amount(value: &str) -> Option<f64> {
    let number: String = value
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .filter(|c| *c != ',')
        .collect();
    number
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite() && *x >= 0.0)
}

pub(crate) fn build(
    store: &mut dyn Store,
    model: &Model,
    settings: &Settings,
    resolver: &Resolver,
) -> Result<Index, NodeError> {
    let seq = store.last_statement_seq()?;
    let resolution = resolver.version();
    let mut members: HashMap<String, (Member, Option<String>)> = HashMap::new();
    let mut pending: Vec<PendingEdge> = Vec::new();
    let mut crossings: Vec<CrossingSeen> = Vec::new();
    store.scan_entities(&mut |statements: &[Statement]| {
        let live = live_statements(statements);
        let Some(first) = live.first() else {
            return Ok(());
        };
        let id = first.entity_id.clone();
        let Ok(schema) = model.schema(&first.schema) else {
            return Ok(());
        };
        let caption = schema
            .caption
            .iter()
            .find_map(|p| values_of(&live, p).next())
            .or_else(|| values_of(&live, "name").next())
            .map(|s| s.value.clone())
            .unwrap_or_else(|| id.clone());
        let mut labels = schema
            .caption
            .iter()
            .flat_map(|p| values_of(&live, p))
            .fold(0u16, |acc, s| acc | bit_of(s));
        if labels == 0 {
            labels = live.iter().fold(0u16, |acc, s| acc | bit_of(s));
        }
        let merge_value = settings
            .merge_by
            .get(&schema.name)
            .and_then(|p| values_of(&live, p).next())
            .map(|s| format!("{}:{}", schema.name, s.value));
        members.insert(
            id.clone(),
            (
                Member {
                    id: id.clone(),
                    schema: schema.name.clone(),
                    caption,
                    labels,
                    record: true,
                },
                merge_value,
            ),
        );

        // Every rule of the entity's schema and of the schemata it extends, but an `exact`
        // rule only for its own schema.
        let rules: Vec<&EdgeRule> = settings
            .edges
            .iter()
            .filter(|r| {
                if r.exact {
                    r.schema == schema.name
                } else {
                    schema.is_a(&r.schema)
                }
            })
            .collect();
        for rule in rules {
            let time_statement = rule
                .time
                .as_deref()
                .and_then(|p| values_of(&live, p).next());
            let time = time_statement.and_then(|s| parse_time(&s.value));
            let amount_statement = rule
                .amount
                .as_deref()
                .and_then(|p| values_of(&live, p).next());
            let currency_statement = rule
                .currency
                .as_deref()
                .and_then(|p| values_of(&live, p).next());
            let label_statement = rule
                .label
                .as_deref()
                .and_then(|p| values_of(&live, p).next());
            // The ends present, in chain order; each end's statements' labels are required.
            let mut ends: Vec<(String, u16)> = Vec::new();
            for prop in &rule.chain {
                if prop == "self" {
                    ends.push((id.clone(), 0));
                    continue;
                }
                // A property with several values (companions) gives one edge per value from
                // the previous end; only the first continues the chain.
                let found: Vec<&Statement> = values_of(&live, prop).collect();
                if found.is_empty() {
                    continue;
                }
                // A value that is a node of its own (a phone number): named by its schema.
                let value_schema = schema
                    .property(prop)
                    .map(|p| p.type_.name())
                    .filter(|t| *t != "entity")
                    .and_then(|t| settings.value_nodes.get(t));
                let node_id = |s: &Statement| match value_schema {
                    Some(node_schema) => format!("{node_schema}:{}", s.value),
                    None => s.value.clone(),
                };
                if found.len() > 1
                    && let Some((prev, prev_label)) = ends.last().cloned()
                {
                    for extra in &found[1..] {
                        pending.push(PendingEdge {
                            kind: rule.kind.clone(),
                            from: prev.clone(),
                            to: node_id(extra),
                            time,
                            info: EdgeInfo {
                                evidence: vec![id.clone()],
                                amount: None,
                                currency: None,
                                required: prev_label | bit_of(extra),
                                directed: rule.directed,
                                times: 1,
                                label: label_statement.map(|s| s.value.clone()),
                            },
                        });
                    }
                }
                ends.push((node_id(found[0]), bit_of(found[0])));
            }
            let extra_labels = [
                time_statement,
                amount_statement,
                currency_statement,
                label_statement,
            ]
            .into_iter()
            .flatten()
            .fold(0u16, |acc, s| acc | bit_of(s));
            for pair in ends.windows(2) {
                let ((from, a), (to, b)) = (&pair[0], &pair[1]);
                pending.push(PendingEdge {
                    kind: rule.kind.clone(),
                    from: from.clone(),
                    to: to.clone(),
                    time,
                    info: EdgeInfo {
                        evidence: vec![id.clone()],
                        amount: amount_statement.and_then(|s| parse_amount(&s.value)),
                        currency: currency_statement.map(|s| s.value.clone()).or_else(|| {
                            amount_statement
                                .and_then(|s| s.value.split_whitespace().nth(1).map(str::to_string))
                        }),
                        required: a | b | extra_labels,
                        directed: rule.directed,
                        times: 1,
                        label: label_statement.map(|s| s.value.clone()),
                    },
                });
            }
        }
        if schema.is_a("Crossing")
            && let (Some(traveller), Some(point), Some(date)) = (
                values_of(&live, "traveller").next(),
                values_of(&live, "point").next(),
                values_of(&live, "date").next(),
            )
            && let Some(time) = parse_time(&date.value)
        {
            crossings.push(CrossingSeen {
                id: id.clone(),
                traveller: traveller.value.clone(),
                point: point.value.clone(),
                time,
                label: bit_of(traveller) | bit_of(point) | bit_of(date),
            });
        }
        Ok(())
    })?;

    // Node keys: a record resolved with others is their cluster; a phone or a vehicle is its
    // number; anything else is itself.
    let key_of = |id: &str| -> String {
        if let Some((_, Some(merge))) = members.get(id) {
            return merge.clone();
        }
        match resolver.cluster_name(id) {
            Some(cluster) => format!("cluster:{cluster}"),
            None => id.to_string(),
        }
    };
    let mut builder = GraphBuilder::new(BuildOptions {
        directed: true,
        keep_edges: true,
    });
    let mut nodes: Vec<NodeInfo> = Vec::new();
    let mut node_of: HashMap<String, u32> = HashMap::new();
    let mut intern = |builder: &mut GraphBuilder,
                      nodes: &mut Vec<NodeInfo>,
                      id: &str,
                      fallback_label: u16|
     -> Result<u32, NodeError> {
        if let Some(&v) = node_of.get(id) {
            return Ok(v);
        }
        let key = key_of(id);
        let v = builder
            .node(&key)
            .map_err(|e| NodeError::Invalid(e.to_string()))?;
        if v as usize == nodes.len() {
            nodes.push(NodeInfo::default());
        }
        let member = members.get(id).map(|(m, _)| m.clone()).unwrap_or_else(|| {
            // A value node ("PhoneNumber:+218…"), or a reference to a record this node
            // does not hold: shown with the labels of the statement that names it.
            let value = settings.value_nodes.values().find_map(|schema| {
                id.strip_prefix(schema.as_str())
                    .and_then(|r| r.strip_prefix(':'))
                    .map(|v| (schema, v))
            });
            match value {
                Some((schema, value)) => Member {
                    id: id.to_string(),
                    schema: schema.clone(),
                    caption: value.to_string(),
                    labels: fallback_label,
                    record: false,
                },
                None => Member {
                    id: id.to_string(),
                    schema: String::new(),
                    caption: id.to_string(),
                    labels: fallback_label,
                    record: true,
                },
            }
        });
        nodes[v as usize].members.push(member);
        node_of.insert(id.to_string(), v);
        Ok(v)
    };
    let mut edges: Vec<EdgeInfo> = Vec::new();
    for edge in pending {
        let a = intern(&mut builder, &mut nodes, &edge.from, edge.info.required)?;
        let b = intern(&mut builder, &mut nodes, &edge.to, edge.info.required)?;
        if a == b {
            continue; // two records of one person linked to each other
        }
        let kind = builder
            .kind(&edge.kind)
            .map_err(|e| NodeError::Invalid(e.to_string()))?;
        builder
            .edge(
                a,
                b,
                EdgeData {
                    weight: 1.0,
                    kind,
                    time: edge.time,
                },
            )
            .map_err(|e| NodeError::Invalid(e.to_string()))?;
        edges.push(edge.info);
    }
    // Co-travel: crossings at one point sorted by time; pairs within the window, counted.
    crossings.sort_by(|x, y| (&x.point, x.time).cmp(&(&y.point, y.time)));
    let window = settings.co_travel.window_minutes * 60;
    let mut together: HashMap<(String, String), (Vec<String>, u16, i64)> = HashMap::new();
    for (i, x) in crossings.iter().enumerate() {
        for y in crossings[i + 1..]
            .iter()
            .take_while(|y| y.point == x.point && y.time - x.time <= window)
        {
            let (kx, ky) = (key_of(&x.traveller), key_of(&y.traveller));
            if kx == ky {
                continue;
            }
            let pair = if kx < ky {
                (x.traveller.clone(), y.traveller.clone())
            } else {
                (y.traveller.clone(), x.traveller.clone())
            };
            let entry = together
                .entry(pair)
                .or_insert_with(|| (Vec::new(), 0, x.time));
            entry.0.push(x.id.clone());
            entry.0.push(y.id.clone());
            entry.1 |= x.label | y.label;
        }
    }
    let co_travel = builder
        .kind("co_travel")
        .map_err(|e| NodeError::Invalid(e.to_string()))?;
    let mut pairs: Vec<_> = together.into_iter().collect();
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    for ((a, b), (evidence, required, first)) in pairs {
        let times = evidence.len() / 2;
        if times < settings.co_travel.min_times {
            continue;
        }
        let (va, vb) = (
            intern(&mut builder, &mut nodes, &a, required)?,
            intern(&mut builder, &mut nodes, &b, required)?,
        );
        builder
            .edge(
                va,
                vb,
                EdgeData {
                    weight: times as f32,
                    kind: co_travel,
                    time: Some(first),
                },
            )
            .map_err(|e| NodeError::Invalid(e.to_string()))?;
        edges.push(EdgeInfo {
            evidence,
            amount: None,
            currency: None,
            required,
            directed: false,
            times: times as u32,
            label: None,
        });
    }
    // Records resolved into a node with others but linked by no edge still belong to it, so
    // that an entity page's id finds its node.
    let key_nodes: HashMap<String, u32> = node_of.iter().map(|(id, &v)| (key_of(id), v)).collect();
    let mut unlinked: Vec<&String> = members
        .keys()
        .filter(|id| !node_of.contains_key(*id))
        .collect();
    unlinked.sort();
    for id in unlinked {
        if let Some(&v) = key_nodes.get(&key_of(id)) {
            nodes[v as usize].members.push(members[id].0.clone());
            node_of.insert(id.clone(), v);
        }
    }
    let (graph, _) = builder.build();
    Ok(Index {
        graph,
        nodes,
        edges,
        node_of,
        seq,
        resolution,
    })
}

/// What one user may see of the index.
pub(crate) struct View {
    pub allowed: u16,
    pub nodes: BitSet,
    pub edges: std::sync::Arc<BitSet>,
}

impl Index {
    pub(crate) fn view(&self, allowed: u16) -> View {
        let mut nodes = BitSet::new(self.nodes.len());
        for (v, info) in self.nodes.iter().enumerate() {
            if info.members.iter().any(|m| m.labels & allowed != 0) {
                nodes.insert(v);
            }
        }
        let mut edges = BitSet::new(self.edges.len());
        if let Some(table) = &self.graph.edges {
            for (e, info) in self.edges.iter().enumerate() {
                if info.required & !allowed == 0
                    && nodes.contains(table.src[e] as usize)
                    && nodes.contains(table.dst[e] as usize)
                {
                    edges.insert(e);
                }
            }
        }
        View {
            allowed,
            nodes,
            edges: std::sync::Arc::new(edges),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_times_parse_as_sources_write_them() {
        assert_eq!(parse_amount("1200 USD"), Some(1200.0));
        assert_eq!(parse_amount("1,250.50"), Some(1250.5));
        assert_eq!(parse_amount("USD"), None);
        assert_eq!(parse_time("2024-03-01"), Some(1_709_251_200));
        assert_eq!(parse_time("2024-03-01T10:05:00"), Some(1_709_287_500));
    }

    #[test]
    fn the_shipped_rules_name_real_properties() {
        let model = Model::builtin().unwrap();
        let settings = Settings::builtin(&model);
        assert!(settings.edges.iter().any(|r| r.kind == "transfer"));
        assert_eq!(
            label_bit(HandlingCode::Public, Purpose::BorderManagement),
            1
        );
        assert_eq!(
            label_bit(HandlingCode::Protection, Purpose::Research),
            1 << 15
        );
    }
}
