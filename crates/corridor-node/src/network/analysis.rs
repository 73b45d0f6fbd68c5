//! Findings over one user's view: networks (Leiden, CPM), their likely organisers and brokers
//! with the measures and the edges behind each, and money followed through transfers.

use std::collections::{BTreeMap, HashMap, HashSet};

use corridor_graph::paths::EdgeFilter;
use corridor_graph::{BetweennessOptions, LeidenOptions, Objective, PageRankOptions};
use serde::Serialize;

use super::index::{FindingsSettings, Index, View};
use super::{EdgeView, NodeView};
use crate::Node;

/// One person (or organisation) ranked within a network, and why.
#[derive(Debug, Clone, Serialize)]
pub struct RankedMember {
    pub node: NodeView,
    pub score: f64,
    pub measures: BTreeMap<String, f64>,
    pub reasons: Vec<String>,
    /// The edges that make the case (at most 12).
    pub edges: Vec<EdgeView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub network: u32,
    pub members: Vec<NodeView>,
    pub edges_inside: usize,
    /// Edges inside by kind.
    pub kinds: BTreeMap<String, usize>,
    /// Share of the possible links between members that exist.
    pub density: f64,
    pub organisers: Vec<RankedMember>,
    pub brokers: Vec<RankedMember>,
    /// Members recorded as smuggled persons or possible victims: never ranked as organisers
    /// or brokers (Smuggling Protocol art. 5), shown so that the analyst knows why.
    pub protected_members: Vec<NodeView>,
    pub summary: String,
}

pub(crate) struct Analysis {
    /// Network of each graph node, as numbered in the findings (u32::MAX: not shown).
    pub community: Vec<u32>,
    pub findings: Vec<Finding>,
}

/// Schemata that can organise or broker (a phone or a vehicle cannot).
fn is_actor(schema: &str) -> bool {
    matches!(
        schema,
        "Person" | "LegalEntity" | "Organization" | "Company" | "PublicBody" | ""
    )
}

const MONEY: [&str; 3] = ["transfer", "fee", "payment"];

/// A link's label that names someone as the one in charge, in the words sources use.
fn is_organiser_label(label: &str) -> bool {
    let l = label.to_lowercase();
    [
        "organiser",
        "organizer",
        "leader",
        "boss",
        "head of",
        "chief",
    ]
    .iter()
    .any(|w| l.contains(w))
}

pub(crate) fn analyse(
    index: &Index,
    view: &View,
    settings: &FindingsSettings,
    protected: &HashSet<u32>,
) -> Analysis {
    let sub = index
        .graph
        .simple_subgraph(|e, _| view.edges.contains(e as usize));
    let n = sub.node_count();
    // Only persons and organisations count towards a network's size: a phone, an address or
    // a vehicle links people without making a network less dense.
    let sizes: Vec<f64> = (0..n as u32)
        .map(|v| {
            if is_actor(&Node::node_view(index, view, None, v).schema) {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    let communities = corridor_graph::leiden_sized(
        &sub.csr,
        LeidenOptions {
            objective: Objective::Cpm,
            resolution: settings.resolution,
            ..Default::default()
        },
        Some(&sizes),
    );
    let pagerank = corridor_graph::pagerank(&sub, PageRankOptions::default()).scores;
    let exact = n <= 5_000;
    let betweenness = corridor_graph::betweenness(
        &sub,
        BetweennessOptions {
            samples: (!exact).then_some(512),
            seed: 42,
        },
    )
    .values;
    let table = index.graph.edges.as_ref().expect("kept edges");

    // Networks worth reporting: enough visible members; numbered by size.
    let mut members_of: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for v in 0..n as u32 {
        if view.nodes.contains(v as usize) && sub.csr.degree(v) > 0 {
            members_of
                .entry(communities.membership[v as usize])
                .or_default()
                .push(v);
        }
    }
    let mut groups: Vec<Vec<u32>> = members_of
        .into_values()
        .filter(|m| m.len() >= settings.min_size)
        .collect();
    groups.sort_by_key(|m| (std::cmp::Reverse(m.len()), m[0]));
    let mut community = vec![u32::MAX; n];
    for (i, group) in groups.iter().enumerate() {
        for &v in group {
            community[v as usize] = i as u32;
        }
    }
    // Visible edges by node, kept edges (with kinds and times) for the explanations.
    let mut incident: Vec<Vec<u32>> = vec![Vec::new(); n];
    for e in 0..table.src.len() {
        if view.edges.contains(e) {
            incident[table.src[e] as usize].push(e as u32);
            incident[table.dst[e] as usize].push(e as u32);
        }
    }
    let other = |e: u32, v: u32| {
        if table.src[e as usize] == v {
            table.dst[e as usize]
        } else {
            table.src[e as usize]
        }
    };
    let kind = |e: u32| index.graph.kinds[table.data[e as usize].kind as usize].as_str();

    // What others say a node is: for each label of a link into it ("named as organiser"),
    // the distinct nodes that say so.
    let named_as = |v: u32| -> BTreeMap<String, HashSet<u32>> {
        let mut out: BTreeMap<String, HashSet<u32>> = BTreeMap::new();
        for &e in &incident[v as usize] {
            if table.dst[e as usize] == v
                && let Some(label) = &index.edges[e as usize].label
            {
                out.entry(label.clone())
                    .or_default()
                    .insert(table.src[e as usize]);
            }
        }
        out
    };
    let mut findings = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        let network = i as u32;
        let inside: HashSet<u32> = group.iter().copied().collect();
        let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
        let mut edges_inside = 0;
        for &v in group {
            for &e in &incident[v as usize] {
                if table.src[e as usize] == v && inside.contains(&other(e, v)) {
                    edges_inside += 1;
                    *kinds.entry(kind(e).to_string()).or_default() += 1;
                }
            }
        }
        let k = group.len() as f64;
        let density = if k > 1.0 {
            2.0 * edges_inside as f64 / (k * (k - 1.0))
        } else {
            0.0
        };
        let actors: Vec<u32> = group
            .iter()
            .copied()
            .filter(|&v| {
                !protected.contains(&v) && is_actor(&Node::node_view(index, view, None, v).schema)
            })
            .collect();
        let protected_members: Vec<NodeView> = group
            .iter()
            .filter(|v| protected.contains(v))
            .map(|&v| Node::node_view(index, view, None, v))
            .collect();

        // Organisers: named as such by others (a debriefed migrant: "the organiser"), most
        // linked inside the network, paid by the most people.
        let mut organisers: Vec<RankedMember> = actors
            .iter()
            .map(|&v| {
                let inside_edges: Vec<u32> = incident[v as usize]
                    .iter()
                    .copied()
                    .filter(|&e| inside.contains(&other(e, v)))
                    .collect();
                // People, not the phones and addresses between them.
                let partners: HashSet<u32> = inside_edges
                    .iter()
                    .map(|&e| other(e, v))
                    .filter(|&u| sizes[u as usize] > 0.0)
                    .collect();
                let payers: HashSet<u32> = incident[v as usize]
                    .iter()
                    .copied()
                    .filter(|&e| table.dst[e as usize] == v && MONEY.contains(&kind(e)))
                    .map(|e| table.src[e as usize])
                    .collect();
                let named = named_as(v);
                let named_organiser: HashSet<u32> = named
                    .iter()
                    .filter(|(label, _)| is_organiser_label(label))
                    .flat_map(|(_, who)| who.iter().copied())
                    .collect();
                // Being named as the one in charge outweighs any count of links: a driver who
                // collects every fee is central, not the organiser. The counts saturate.
                let score = 10.0 * named_organiser.len() as f64
                    + (partners.len() as f64).ln_1p()
                    + (payers.len() as f64).ln_1p()
                    + (pagerank[v as usize] * n as f64).ln_1p();
                let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
                for &e in &inside_edges {
                    *by_kind.entry(kind(e)).or_default() += 1;
                }
                let mut reasons: Vec<String> = named
                    .iter()
                    .map(|(label, who)| format!("{label} by {} person(s)", who.len()))
                    .take(3)
                    .collect();
                reasons.push(format!(
                    "linked with {} of the network's {} members ({})",
                    partners.len(),
                    group.len() - 1,
                    by_kind
                        .iter()
                        .map(|(k, c)| format!("{c} {k}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                if !payers.is_empty() {
                    reasons.push(format!("received money from {} payer(s)", payers.len()));
                }
                reasons.push(format!(
                    "PageRank {:.4} ({:.1}× the average)",
                    pagerank[v as usize],
                    pagerank[v as usize] * n as f64
                ));
                // The naming links first: they say the most.
                let mut evidence: Vec<u32> = incident[v as usize]
                    .iter()
                    .copied()
                    .filter(|&e| {
                        table.dst[e as usize] == v && index.edges[e as usize].label.is_some()
                    })
                    .collect();
                evidence.extend(inside_edges.iter().copied());
                evidence.extend(
                    incident[v as usize]
                        .iter()
                        .copied()
                        .filter(|&e| table.dst[e as usize] == v && MONEY.contains(&kind(e))),
                );
                let mut seen = HashSet::new();
                evidence.retain(|e| seen.insert(*e));
                evidence.truncate(12);
                RankedMember {
                    node: Node::node_view(index, view, Some(&community), v),
                    score,
                    measures: BTreeMap::from([
                        ("named_organiser".into(), named_organiser.len() as f64),
                        ("partners_inside".into(), partners.len() as f64),
                        ("payers".into(), payers.len() as f64),
                        ("pagerank".into(), pagerank[v as usize]),
                    ]),
                    reasons,
                    edges: evidence
                        .into_iter()
                        .map(|e| Node::edge_view(index, view, e))
                        .collect(),
                }
            })
            .collect();
        organisers.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.node.id.cmp(&b.node.id))
        });
        organisers.truncate(settings.organisers);

        // Brokers: those who pass money on (paid by some, paying others, as a hawaladar does),
        // and those on the most shortest paths, with what they link this network to.
        let top_betweenness = actors
            .iter()
            .map(|&v| betweenness[v as usize])
            .fold(0.0f64, f64::max);
        let mut brokers: Vec<RankedMember> = actors
            .iter()
            .map(|&v| {
                let money_in: HashSet<u32> = incident[v as usize]
                    .iter()
                    .copied()
                    .filter(|&e| table.dst[e as usize] == v && MONEY.contains(&kind(e)))
                    .map(|e| table.src[e as usize])
                    .collect();
                let money_out: HashSet<u32> = incident[v as usize]
                    .iter()
                    .copied()
                    .filter(|&e| table.src[e as usize] == v && MONEY.contains(&kind(e)))
                    .map(|e| table.dst[e as usize])
                    .collect();
                let passes = (money_in.len() * money_out.len()) as f64;
                let outside_edges: Vec<u32> = incident[v as usize]
                    .iter()
                    .copied()
                    .filter(|&e| !inside.contains(&other(e, v)))
                    .collect();
                let networks: BTreeMap<u32, usize> =
                    outside_edges.iter().fold(BTreeMap::new(), |mut acc, &e| {
                        let c = community[other(e, v) as usize];
                        if c != u32::MAX {
                            *acc.entry(c).or_default() += 1;
                        }
                        acc
                    });
                let mut reasons = Vec::new();
                if passes > 0.0 {
                    reasons.push(format!(
                        "passed money on: received from {} and paid {}",
                        money_in.len(),
                        money_out.len()
                    ));
                }
                reasons.push(format!(
                    "on {:.0} shortest paths between others{}",
                    betweenness[v as usize],
                    if exact {
                        ""
                    } else {
                        " (estimated from 512 sampled sources)"
                    }
                ));
                if !networks.is_empty() {
                    reasons.push(format!(
                        "links this network to network(s) {}",
                        networks
                            .keys()
                            .map(|c| format!("#{}", c + 1))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                let mut evidence: Vec<u32> = incident[v as usize]
                    .iter()
                    .copied()
                    .filter(|&e| MONEY.contains(&kind(e)))
                    .take(8)
                    .collect();
                evidence.extend(outside_edges.iter().copied().take(4));
                let mut seen = HashSet::new();
                evidence.retain(|e| seen.insert(*e));
                RankedMember {
                    node: Node::node_view(index, view, Some(&community), v),
                    // Passing money on first; betweenness (scaled below 1) orders the rest.
                    score: passes + betweenness[v as usize] / (top_betweenness + 1.0),
                    measures: BTreeMap::from([
                        ("betweenness".into(), betweenness[v as usize]),
                        ("money_in_from".into(), money_in.len() as f64),
                        ("money_out_to".into(), money_out.len() as f64),
                        ("other_networks".into(), networks.len() as f64),
                    ]),
                    reasons,
                    edges: evidence
                        .into_iter()
                        .map(|e| Node::edge_view(index, view, e))
                        .collect(),
                }
            })
            .filter(|b| b.score > 0.0)
            .collect();
        brokers.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.node.id.cmp(&b.node.id))
        });
        brokers.truncate(settings.brokers);

        let members: Vec<NodeView> = group
            .iter()
            .map(|&v| Node::node_view(index, view, Some(&community), v))
            .collect();
        let persons = members.iter().filter(|m| is_actor(&m.schema)).count();
        let summary = format!(
            "{} members ({} persons or organisations), {} links inside ({}); density {:.2}{}",
            members.len(),
            persons,
            edges_inside,
            kinds
                .iter()
                .map(|(k, c)| format!("{c} {k}"))
                .collect::<Vec<_>>()
                .join(", "),
            density,
            organisers.first().map_or(String::new(), |o| format!(
                "; most central: {}",
                o.node.caption
            )),
        ) + &if protected_members.is_empty() {
            String::new()
        } else {
            format!(
                "; {} recorded as smuggled or possible victims, not ranked (non-criminalisation)",
                protected_members.len()
            )
        };
        findings.push(Finding {
            network,
            members,
            edges_inside,
            kinds,
            density,
            organisers,
            brokers,
            protected_members,
            summary,
        });
    }
    Analysis {
        community,
        findings,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MoneyFlow {
    pub node: NodeView,
    /// How much of the traced money reached it (forwards) or came from it (backwards).
    pub amount: f64,
    pub hops: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct MoneyTrace {
    pub start: NodeView,
    pub backwards: bool,
    /// Where the money went (or came from), most first: where it concentrates.
    pub flows: Vec<MoneyFlow>,
    /// The transfers used, with the amount of traced money each carried.
    pub transfers: Vec<TracedTransfer>,
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TracedTransfer {
    pub edge: EdgeView,
    pub traced: f64,
}

/// Follows money in time order. Forwards: the start's transfers carry their amount; a node
/// that received traced money passes it on in its later transfers, up to what it received.
/// Backwards is the mirror, from the latest transfer into the start back in time.
pub(crate) fn trace_money(
    index: &Index,
    view: &View,
    filter: &EdgeFilter,
    start: u32,
    backwards: bool,
    max_hops: u32,
) -> MoneyTrace {
    let table = index.graph.edges.as_ref().expect("kept edges");
    let money_kinds: Vec<u16> = index
        .graph
        .kinds
        .iter()
        .enumerate()
        .filter(|(_, k)| MONEY.contains(&k.as_str()))
        .map(|(i, _)| i as u16)
        .collect();
    let mut events: Vec<(i64, u32)> = (0..table.src.len() as u32)
        .filter(|&e| view.edges.contains(e as usize))
        .filter(|&e| {
            let d = &table.data[e as usize];
            money_kinds.contains(&d.kind)
                && (filter.kinds.is_empty() || filter.kinds.contains(&d.kind))
                && index.edges[e as usize].amount.is_some()
        })
        .filter_map(|e| {
            let t = table.data[e as usize].time?;
            let inside = filter.from.is_none_or(|f| t >= f) && filter.until.is_none_or(|u| t <= u);
            inside.then_some((t, e))
        })
        .collect();
    events.sort();
    if backwards {
        events.reverse();
    }
    let mut holding: HashMap<u32, f64> = HashMap::new();
    let mut reached: HashMap<u32, (f64, u32)> = HashMap::new();
    let mut hops: HashMap<u32, u32> = HashMap::from([(start, 0)]);
    let mut used = Vec::new();
    for (_, e) in events {
        let (from, to) = if backwards {
            (table.dst[e as usize], table.src[e as usize])
        } else {
            (table.src[e as usize], table.dst[e as usize])
        };
        let Some(&h) = hops.get(&from) else { continue };
        if h >= max_hops {
            continue;
        }
        let amount = index.edges[e as usize].amount.unwrap_or(0.0);
        let moved = if from == start {
            amount
        } else {
            amount.min(*holding.get(&from).unwrap_or(&0.0))
        };
        if moved <= 0.0 {
            continue;
        }
        if from != start {
            *holding.entry(from).or_default() -= moved;
        }
        *holding.entry(to).or_default() += moved;
        let entry = reached.entry(to).or_insert((0.0, h + 1));
        entry.0 += moved;
        entry.1 = entry.1.min(h + 1);
        let next = hops.entry(to).or_insert(h + 1);
        *next = (*next).min(h + 1);
        used.push(TracedTransfer {
            edge: Node::edge_view(index, view, e),
            traced: moved,
        });
    }
    reached.remove(&start);
    let mut flows: Vec<MoneyFlow> = reached
        .into_iter()
        .map(|(v, (amount, hops))| MoneyFlow {
            node: Node::node_view(index, view, None, v),
            amount,
            hops,
        })
        .collect();
    flows.sort_by(|a, b| {
        b.amount
            .total_cmp(&a.amount)
            .then_with(|| a.node.id.cmp(&b.node.id))
    });
    let start_view = Node::node_view(index, view, None, start);
    let explanation = match flows.first() {
        None => format!(
            "no transfer {} {} in the period",
            if backwards { "into" } else { "from" },
            start_view.caption
        ),
        Some(top) => format!(
            "{} transfers followed in time order ({} hops at most); most money {} {} ({:.0}, {} hop(s) away)",
            used.len(),
            max_hops,
            if backwards { "came from" } else { "reached" },
            top.node.caption,
            top.amount,
            top.hops
        ),
    };
    MoneyTrace {
        start: start_view,
        backwards,
        flows,
        transfers: used,
        explanation,
    }
}
