//! Network analysis in the node: who is linked to whom, through what, and who holds a network
//! together — over the records a user may read, nothing else.
//!
//! One index of the whole store ([`index`]) is shared; each user gets a view of it cut by the
//! labels (handling code × purpose) they may read, so protection data never shapes what an
//! enforcement user sees: not a node, not an edge, not a community, not a path. Every query is
//! audited. Findings (networks with their likely organisers and brokers) carry the measures and
//! the edges that make them so.

mod analysis;
mod export;
pub(crate) mod index;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use corridor_graph::paths::{self, EdgeFilter, Limits, Scratch};
use corridor_policy::{Action, Label, Object, Subject};
use serde::Serialize;

pub use analysis::{Finding, MoneyFlow, MoneyTrace, RankedMember};
pub use export::ExportFormat;

use crate::{Node, NodeError};
use index::{Index, Settings, View};

/// The node's network: the index, rebuilt when the store has moved on, and per-user views.
pub struct Network {
    settings: Settings,
    index: RwLock<Option<Arc<Index>>>,
    rebuilding: Mutex<()>,
    /// Keyed by the index's statement sequence and resolver version and the user's labels.
    views: Mutex<HashMap<(i64, u64, u16), Arc<ViewCache>>>,
}

pub(crate) struct ViewCache {
    pub view: View,
    pub analysis: std::sync::OnceLock<Arc<analysis::Analysis>>,
}

impl Network {
    pub fn new(model: &corridor_model::Model) -> Network {
        Network {
            settings: Settings::builtin(model),
            index: RwLock::new(None),
            rebuilding: Mutex::new(()),
            views: Mutex::new(HashMap::new()),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NodeView {
    /// The record to open for this node (the first the user may see).
    pub id: String,
    pub schema: String,
    pub caption: String,
    /// Every record behind the node the user may see (several when resolved as one person).
    pub records: Vec<String>,
    /// The network (community) the node belongs to, numbered as in the findings.
    pub community: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<u32>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EdgeView {
    pub source: String,
    pub target: String,
    pub kind: String,
    pub directed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The records that make the edge: a call, a transfer, the crossings made together.
    pub evidence: Vec<String>,
    /// Co-travel: how many times the two crossed together.
    #[serde(skip_serializing_if = "is_one")]
    pub times: u32,
    /// What the source says the link is ("named as organiser", "brother").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

#[derive(Debug, Clone, Serialize)]
pub struct GraphView {
    pub nodes: Vec<NodeView>,
    pub edges: Vec<EdgeView>,
    /// The neighbourhood was larger than the limit.
    pub truncated: bool,
    /// Edge kinds present in the whole network, for filters.
    pub kinds: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PathView {
    pub nodes: Vec<NodeView>,
    pub edges: Vec<EdgeView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PathsView {
    pub paths: Vec<PathView>,
    pub truncated: bool,
}

/// Filters a user sets on a network query.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub kinds: Vec<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

/// What paths to look for, how long, how many.
#[derive(Debug, Clone, Copy)]
pub struct PathQuery {
    pub mode: PathMode,
    pub max_hops: u32,
    pub limit: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathMode {
    Shortest,
    AllShortest,
    /// Every simple path up to the hop limit.
    Simple,
    /// Simple paths whose edges follow each other in time.
    InTime,
}

impl PathMode {
    pub fn parse(text: &str) -> Result<PathMode, NodeError> {
        Ok(match text {
            "shortest" => PathMode::Shortest,
            "all_shortest" => PathMode::AllShortest,
            "simple" => PathMode::Simple,
            "in_time" => PathMode::InTime,
            other => {
                return Err(NodeError::Invalid(format!(
                    "mode: `{other}` is not one of shortest, all_shortest, simple, in_time"
                )));
            }
        })
    }
}

/// The most nodes a neighbourhood may return, and hops and paths a query may ask for.
pub const MAX_NODES: usize = 2_000;
pub const MAX_HOPS: u32 = 6;
pub const MAX_PATHS: usize = 200;

fn format_time(t: i64) -> String {
    corridor_model::types::format_unix_utc(t)
}

impl Node {
    /// The labels `subject` may read, as a bit set over handling code × purpose.
    fn readable_labels(&self, subject: &Subject) -> u16 {
        let mut allowed = 0u16;
        for &handling in corridor_model::HandlingCode::ALL {
            for &purpose in corridor_model::Purpose::ALL {
                let d = self.policy.decide(
                    subject,
                    Action::Read,
                    Object::Fact(Label { handling, purpose }),
                );
                if d.allowed {
                    allowed |= index::label_bit(handling, purpose);
                }
            }
        }
        allowed
    }

    /// The index as of now: rebuilt first when the store has new statements.
    fn network_index(&self) -> Result<Arc<Index>, NodeError> {
        let mut store = self.store();
        let seq = store.last_statement_seq()?;
        if let Some(index) = self
            .network
            .index
            .read()
            .expect("no panics while held")
            .as_ref()
            && index.seq == seq
        {
            return Ok(index.clone());
        }
        let _one_at_a_time = self
            .network
            .rebuilding
            .lock()
            .expect("no panics while held");
        if let Some(index) = self
            .network
            .index
            .read()
            .expect("no panics while held")
            .as_ref()
            && index.seq == seq
        {
            return Ok(index.clone());
        }
        let built = Arc::new(index::build(
            &mut **store,
            &self.model,
            &self.network.settings,
            &self.resolver,
        )?);
        *self.network.index.write().expect("no panics while held") = Some(built.clone());
        self.network
            .views
            .lock()
            .expect("no panics while held")
            .retain(|(s, r, _), _| *s == built.seq && *r == built.resolution);
        Ok(built)
    }

    /// The index and this user's view of it; refuses users who may not analyse networks.
    fn network_for(&self, subject: &Subject) -> Result<(Arc<Index>, Arc<ViewCache>), NodeError> {
        self.require(subject, Action::AnalyseNetwork)?;
        if let Some(r) = subject.reason.as_deref()
            && r.chars().count() > 500
        {
            return Err(NodeError::Invalid("reason: at most 500 characters".into()));
        }
        let index = self.network_index()?;
        let allowed = self.readable_labels(subject);
        let mut views = self.network.views.lock().expect("no panics while held");
        let cache = views
            .entry((index.seq, index.resolution, allowed))
            .or_insert_with(|| {
                Arc::new(ViewCache {
                    view: index.view(allowed),
                    analysis: Default::default(),
                })
            })
            .clone();
        Ok((index, cache))
    }

    fn audit_network(
        &self,
        subject: &Subject,
        object: &str,
        outcome: &str,
    ) -> Result<(), NodeError> {
        let mut store = self.store();
        self.audit(
            &mut **store,
            &subject.username,
            "network",
            object,
            subject.reason.as_deref(),
            outcome,
        )?;
        Ok(())
    }

    /// The graph node of a record the user may see; NotFound otherwise (the same answer as
    /// for a record that does not exist).
    fn visible_node(index: &Index, view: &View, id: &str) -> Result<u32, NodeError> {
        let not_found =
            || NodeError::NotFound(format!("no entity {id} in the network you may see"));
        let &v = index.node_of.get(id.trim()).ok_or_else(not_found)?;
        let member_visible = index.nodes[v as usize]
            .members
            .iter()
            .any(|m| m.id == id.trim() && m.labels & view.allowed != 0);
        if member_visible {
            Ok(v)
        } else {
            Err(not_found())
        }
    }

    pub(crate) fn node_view(
        index: &Index,
        view: &View,
        community: Option<&[u32]>,
        v: u32,
    ) -> NodeView {
        let members: Vec<&index::Member> = index.nodes[v as usize]
            .members
            .iter()
            .filter(|m| m.labels & view.allowed != 0)
            .collect();
        // A record to open if there is one; a value node (a phone number) otherwise.
        let first = members
            .iter()
            .find(|m| m.record)
            .or(members.first())
            .copied();
        NodeView {
            id: first.map_or_else(String::new, |m| m.id.clone()),
            schema: first.map_or_else(String::new, |m| m.schema.clone()),
            caption: first.map_or_else(String::new, |m| m.caption.clone()),
            records: members
                .iter()
                .filter(|m| m.record)
                .map(|m| m.id.clone())
                .collect(),
            community: community.map(|c| c[v as usize]),
            depth: None,
        }
    }

    pub(crate) fn edge_view(index: &Index, view: &View, e: u32) -> EdgeView {
        let table = index
            .graph
            .edges
            .as_ref()
            .expect("the network keeps its edges");
        let data = &table.data[e as usize];
        let info = &index.edges[e as usize];
        let id = |v: u32| Self::node_view(index, view, None, v).id;
        EdgeView {
            source: id(table.src[e as usize]),
            target: id(table.dst[e as usize]),
            kind: index.graph.kinds[data.kind as usize].clone(),
            directed: info.directed,
            time: data.time.map(format_time),
            amount: info.amount,
            currency: info.currency.clone(),
            evidence: info.evidence.clone(),
            times: info.times,
            label: info.label.clone(),
        }
    }

    fn edge_filter(index: &Index, view: &View, filter: &Filter) -> Result<EdgeFilter, NodeError> {
        let mut kinds = Vec::new();
        for name in &filter.kinds {
            match index.graph.kinds.iter().position(|k| k == name.trim()) {
                Some(i) => kinds.push(i as u16),
                None => {
                    return Err(NodeError::Invalid(format!(
                        "kinds: `{name}` is not an edge kind (known: {})",
                        index
                            .graph
                            .kinds
                            .iter()
                            .filter(|k| !k.is_empty())
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
        }
        let time = |field: &str, value: &Option<String>| -> Result<Option<i64>, NodeError> {
            value
                .as_deref()
                .filter(|v| !v.trim().is_empty())
                .map(|v| {
                    corridor_model::types::parse_unix_utc(v.trim()).ok_or_else(|| {
                        NodeError::Invalid(format!(
                            "{field}: `{v}` is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)"
                        ))
                    })
                })
                .transpose()
        };
        Ok(EdgeFilter {
            kinds,
            from: time("since", &filter.since)?,
            until: time("until", &filter.until)?,
            follow_direction: false,
            edges: Some(view.edges.clone()),
        })
    }

    /// The nodes within `hops` of an entity and the edges between them, with each node's
    /// network (community) for colouring.
    pub fn network_neighbourhood(
        &self,
        subject: &Subject,
        id: &str,
        hops: u32,
        filter: &Filter,
        limit: usize,
    ) -> Result<GraphView, NodeError> {
        if hops == 0 || hops > MAX_HOPS {
            return Err(NodeError::Invalid(format!("hops: 1 to {MAX_HOPS}")));
        }
        if limit == 0 || limit > MAX_NODES {
            return Err(NodeError::Invalid(format!("limit: 1 to {MAX_NODES}")));
        }
        let (index, cache) = self.network_for(subject)?;
        let view = &cache.view;
        let edge_filter = Self::edge_filter(&index, view, filter)?;
        let start = Self::visible_node(&index, view, id)?;
        let analysis = self.analysis(&index, &cache);
        let mut scratch = Scratch::new(&index.graph);
        let found = paths::neighbourhood(
            &index.graph,
            &mut scratch,
            &[start],
            &edge_filter,
            hops,
            limit,
        );
        let inside: HashMap<u32, u32> = found.nodes.iter().copied().collect();
        let mut nodes: Vec<NodeView> = found
            .nodes
            .iter()
            .map(|&(v, depth)| NodeView {
                depth: Some(depth),
                ..Self::node_view(&index, view, Some(&analysis.community), v)
            })
            .collect();
        nodes.sort_by_key(|n| n.depth);
        let mut edges = Vec::new();
        let graph = &index.graph;
        let table = graph.edges.as_ref().expect("kept edges");
        for &(v, _) in &found.nodes {
            for s in graph.csr.slots(v) {
                let (e, _) = graph.edge_at(s).expect("kept edges");
                // Each edge once: from its source's slot.
                if table.src[e as usize] != v || !inside.contains_key(&graph.csr.targets[s]) {
                    continue;
                }
                if edge_filter_passes(&edge_filter, graph, s) {
                    edges.push(Self::edge_view(&index, view, e));
                }
            }
        }
        self.audit_network(
            subject,
            &format!("neighbourhood {id} hops {hops}"),
            &format!("{} nodes", nodes.len()),
        )?;
        Ok(GraphView {
            nodes,
            edges,
            truncated: found.truncated,
            kinds: visible_kinds(&index, view),
        })
    }

    /// Paths between two entities: the shortest, all shortest, every simple path up to
    /// `max_hops`, or those whose edges follow each other in time.
    pub fn network_paths(
        &self,
        subject: &Subject,
        from: &str,
        to: &str,
        query: PathQuery,
        filter: &Filter,
    ) -> Result<PathsView, NodeError> {
        let PathQuery {
            mode,
            max_hops,
            limit,
        } = query;
        if max_hops == 0 || max_hops > MAX_HOPS {
            return Err(NodeError::Invalid(format!("max_hops: 1 to {MAX_HOPS}")));
        }
        if limit == 0 || limit > MAX_PATHS {
            return Err(NodeError::Invalid(format!("limit: 1 to {MAX_PATHS}")));
        }
        let (index, cache) = self.network_for(subject)?;
        let view = &cache.view;
        let mut edge_filter = Self::edge_filter(&index, view, filter)?;
        let (a, b) = (
            Self::visible_node(&index, view, from)?,
            Self::visible_node(&index, view, to)?,
        );
        let graph = &index.graph;
        let mut scratch = Scratch::new(graph);
        let limits = Limits {
            max_hops,
            cap: limit,
        };
        let found = match mode {
            PathMode::Shortest => paths::Paths {
                paths: paths::shortest_path(graph, &mut scratch, a, b, &edge_filter, max_hops)
                    .into_iter()
                    .collect(),
                truncated: false,
            },
            PathMode::AllShortest => {
                paths::all_shortest_paths(graph, &mut scratch, a, b, &edge_filter, limits)
            }
            PathMode::Simple => {
                paths::simple_paths(graph, &mut scratch, a, b, &edge_filter, limits, false)
            }
            PathMode::InTime => {
                // Money and calls move forwards: a path in time follows the edges' direction.
                edge_filter.follow_direction = true;
                paths::simple_paths(graph, &mut scratch, a, b, &edge_filter, limits, true)
            }
        };
        let paths: Vec<PathView> = found
            .paths
            .iter()
            .map(|p| PathView {
                nodes: p
                    .nodes()
                    .iter()
                    .map(|&v| Self::node_view(&index, view, None, v))
                    .collect(),
                edges: p
                    .hops
                    .iter()
                    .map(|h| {
                        Self::edge_view(&index, view, graph.edge_at(h.slot).expect("kept edges").0)
                    })
                    .collect(),
            })
            .collect();
        self.audit_network(
            subject,
            &format!("paths {from} {to}"),
            &format!("{} paths", paths.len()),
        )?;
        Ok(PathsView {
            paths,
            truncated: found.truncated,
        })
    }

    /// The events (edges with a time) between the selected entities, oldest first.
    pub fn network_timeline(
        &self,
        subject: &Subject,
        ids: &[String],
    ) -> Result<Vec<EdgeView>, NodeError> {
        if ids.is_empty() || ids.len() > 50 {
            return Err(NodeError::Invalid("ids: 1 to 50 entities".into()));
        }
        let (index, cache) = self.network_for(subject)?;
        let view = &cache.view;
        let mut selected = std::collections::HashSet::new();
        for id in ids {
            selected.insert(Self::visible_node(&index, view, id)?);
        }
        let table = index.graph.edges.as_ref().expect("kept edges");
        let mut events: Vec<(i64, u32)> = (0..table.src.len() as u32)
            .filter(|&e| view.edges.contains(e as usize))
            .filter(|&e| {
                let (a, b) = (table.src[e as usize], table.dst[e as usize]);
                // Between two selected entities; with one selected, everything it did.
                (selected.contains(&a) && selected.contains(&b))
                    || (selected.len() == 1 && (selected.contains(&a) || selected.contains(&b)))
            })
            .filter_map(|e| table.data[e as usize].time.map(|t| (t, e)))
            .collect();
        events.sort();
        let out: Vec<EdgeView> = events
            .into_iter()
            .map(|(_, e)| Self::edge_view(&index, view, e))
            .collect();
        self.audit_network(
            subject,
            &format!("timeline {}", ids.join(" ")),
            &format!("{} events", out.len()),
        )?;
        Ok(out)
    }

    /// Networks found in what the user may see: members, likely organisers and brokers, each
    /// with the measures and edges that make them so.
    pub fn network_findings(
        &self,
        subject: &Subject,
        limit: usize,
    ) -> Result<Vec<Finding>, NodeError> {
        let (index, cache) = self.network_for(subject)?;
        let analysis = self.analysis(&index, &cache);
        let findings: Vec<Finding> = analysis
            .findings
            .iter()
            .take(limit.clamp(1, 500))
            .cloned()
            .collect();
        self.audit_network(subject, "findings", &format!("{} networks", findings.len()))?;
        Ok(findings)
    }

    /// Money followed from an entity forwards (where it went) or backwards (where it came
    /// from) through transfers, fees and payments, each later than the one before.
    pub fn money_trace(
        &self,
        subject: &Subject,
        id: &str,
        backwards: bool,
        filter: &Filter,
        max_hops: u32,
    ) -> Result<MoneyTrace, NodeError> {
        if max_hops == 0 || max_hops > MAX_HOPS {
            return Err(NodeError::Invalid(format!("max_hops: 1 to {MAX_HOPS}")));
        }
        let (index, cache) = self.network_for(subject)?;
        let view = &cache.view;
        let edge_filter = Self::edge_filter(&index, view, filter)?;
        let start = Self::visible_node(&index, view, id)?;
        let trace = analysis::trace_money(&index, view, &edge_filter, start, backwards, max_hops);
        self.audit_network(
            subject,
            &format!("money {} {id}", if backwards { "from" } else { "to" }),
            &format!("{} accounts reached", trace.flows.len()),
        )?;
        Ok(trace)
    }

    /// Everything the user may see, in a format Gephi, yEd or i2 Analyst's Notebook reads;
    /// around one entity when `around` is given.
    pub fn network_export(
        &self,
        subject: &Subject,
        format: ExportFormat,
        around: Option<(&str, u32)>,
    ) -> Result<String, NodeError> {
        self.require(subject, Action::Export)?;
        let (index, cache) = self.network_for(subject)?;
        let view = &cache.view;
        let analysis = self.analysis(&index, &cache);
        let nodes: Vec<u32> = match around {
            Some((id, hops)) => {
                if hops == 0 || hops > MAX_HOPS {
                    return Err(NodeError::Invalid(format!("hops: 1 to {MAX_HOPS}")));
                }
                let start = Self::visible_node(&index, view, id)?;
                let filter = EdgeFilter {
                    edges: Some(view.edges.clone()),
                    ..Default::default()
                };
                let mut scratch = Scratch::new(&index.graph);
                paths::neighbourhood(
                    &index.graph,
                    &mut scratch,
                    &[start],
                    &filter,
                    hops,
                    MAX_NODES * 10,
                )
                .nodes
                .into_iter()
                .map(|(v, _)| v)
                .collect()
            }
            None => (0..index.nodes.len() as u32)
                .filter(|&v| view.nodes.contains(v as usize))
                .collect(),
        };
        let text = export::write(&index, view, &analysis.community, &nodes, format);
        self.audit_network(
            subject,
            &format!(
                "export {} {}",
                format.as_str(),
                around.map_or("all".to_string(), |(id, h)| format!("{id} hops {h}"))
            ),
            &format!("{} nodes", nodes.len()),
        )?;
        Ok(text)
    }

    fn analysis(&self, index: &Index, cache: &ViewCache) -> Arc<analysis::Analysis> {
        cache
            .analysis
            .get_or_init(|| {
                // Persons recorded as smuggled (or possible victims) are never proposed to
                // enforcement as organisers or brokers: non-criminalisation, whoever asks.
                let protected: std::collections::HashSet<u32> = self
                    .protected_persons()
                    .unwrap_or_default()
                    .keys()
                    .filter_map(|id| index.node_of.get(id).copied())
                    .collect();
                Arc::new(analysis::analyse(
                    index,
                    &cache.view,
                    &self.network.settings.findings,
                    &protected,
                ))
            })
            .clone()
    }
}

fn edge_filter_passes(filter: &EdgeFilter, graph: &corridor_graph::Graph, slot: usize) -> bool {
    // The neighbourhood walk used the same filter; an edge between two found nodes must pass it
    // too (a call between two persons reached through transfers is shown only if calls are).
    let (e, data) = graph.edge_at(slot).expect("kept edges");
    filter
        .edges
        .as_ref()
        .is_none_or(|set| set.contains(e as usize))
        && (filter.kinds.is_empty() || filter.kinds.contains(&data.kind))
        && data.time.is_none_or(|t| {
            filter.from.is_none_or(|f| t >= f) && filter.until.is_none_or(|u| t <= u)
        })
}

fn visible_kinds(index: &Index, view: &View) -> Vec<String> {
    let Some(table) = index.graph.edges.as_ref() else {
        return Vec::new();
    };
    let mut seen = vec![false; index.graph.kinds.len()];
    for (e, data) in table.data.iter().enumerate() {
        if view.edges.contains(e) {
            seen[data.kind as usize] = true;
        }
    }
    index
        .graph
        .kinds
        .iter()
        .zip(seen)
        .filter(|(k, s)| *s && !k.is_empty())
        .map(|(k, _)| k.clone())
        .collect()
}
