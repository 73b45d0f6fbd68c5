//! A small smuggling world written as statements of different labels: calls and transfers
//! (law enforcement), crossings (border management), a family link of a protected child
//! (protection). The analyses must find the ring and its broker, follow the money through the
//! hawala brokers, link those who cross together repeatedly — and never let protection data
//! shape what an enforcement analyst sees.

use std::sync::Arc;

use corridor_model::{
    HandlingCode, InformationGrade, Model, Provenance, Purpose, SourceReliability, Statement,
};
use corridor_policy::Subject;
use corridor_store::Location;

use super::{ExportFormat, Filter, PathMode, PathQuery};
use crate::{Node, NodeError};

fn label(handling: HandlingCode, purpose: Purpose) -> Arc<Provenance> {
    Arc::new(Provenance {
        dataset: format!("{handling}-{purpose}"),
        recorded_by: "loader".into(),
        recorded_at: "2026-11-30T08:00:00Z".into(),
        handling,
        purpose,
        reliability: SourceReliability::B,
        grade: InformationGrade::KnownToSource,
    })
}

struct World {
    statements: Vec<Statement>,
    n: usize,
}

impl World {
    fn put(
        &mut self,
        id: &str,
        schema: &str,
        props: &[(&str, &str)],
        provenance: &Arc<Provenance>,
    ) {
        for (prop, value) in props {
            self.statements.push(Statement::assert(
                id,
                schema,
                prop,
                value.to_string(),
                None,
                provenance.clone(),
            ));
        }
    }

    fn link(
        &mut self,
        schema: &str,
        props: &[(&str, &str)],
        provenance: &Arc<Provenance>,
    ) -> String {
        self.n += 1;
        let id = format!("{}-{}", schema.to_lowercase(), self.n);
        self.put(&id, schema, props, provenance);
        id
    }
}

fn world() -> (Node, tempfile::TempDir) {
    let le = label(HandlingCode::Confidential, Purpose::LawEnforcement);
    let border = label(HandlingCode::Restricted, Purpose::BorderManagement);
    let protection = label(HandlingCode::Protection, Purpose::Protection);
    let mut w = World {
        statements: Vec::new(),
        n: 0,
    };
    for (id, name) in [
        ("boss", "Abu Karim"),
        ("samir", "Samir Haddad"),
        ("yusuf", "Yusuf Driver"),
        ("omar", "Omar Recruiter"),
        ("ali", "Ali Hawaladar"),
        ("petros", "Petros Tesfay"),
        ("dawit", "Dawit Kidane"),
        ("tesfay", "Tesfay Gebre"),
        ("payer", "Migrant Payer"),
        ("hawala-2", "Paying Broker"),
        ("offshore", "Offshore Account Holder"),
    ] {
        w.put(id, "Person", &[("name", name)], &le);
    }
    // Ring one: everyone calls the boss, and a little each other.
    let ring_one = [
        ("boss", "samir"),
        ("boss", "yusuf"),
        ("boss", "omar"),
        ("samir", "yusuf"),
        ("omar", "samir"),
        ("boss", "ali"),
    ];
    for (i, (a, b)) in ring_one.iter().enumerate() {
        let date = format!("2024-03-0{}T10:00:00", i + 1);
        w.link(
            "Call",
            &[("caller", a), ("receiver", b), ("date", &date)],
            &le,
        );
    }
    // Ring two, joined to ring one only through Ali.
    for (a, b) in [
        ("petros", "dawit"),
        ("dawit", "tesfay"),
        ("tesfay", "petros"),
        ("ali", "petros"),
    ] {
        w.link(
            "Call",
            &[
                ("caller", a),
                ("receiver", b),
                ("date", "2024-03-10T09:00:00"),
            ],
            &le,
        );
    }
    // Money: the payer pays through two hawala brokers to the boss, who sends part offshore
    // later; an earlier transfer offshore cannot carry the payer's money.
    w.link(
        "MoneyTransfer",
        &[
            ("payer", "payer"),
            ("senderBroker", "ali"),
            ("receiverBroker", "hawala-2"),
            ("beneficiary", "boss"),
            ("amount", "3000"),
            ("currency", "USD"),
            ("date", "2024-04-01"),
        ],
        &le,
    );
    w.link(
        "MoneyTransfer",
        &[
            ("payer", "boss"),
            ("beneficiary", "offshore"),
            ("amount", "500"),
            ("currency", "USD"),
            ("date", "2024-03-15"),
        ],
        &le,
    );
    w.link(
        "MoneyTransfer",
        &[
            ("payer", "boss"),
            ("beneficiary", "offshore"),
            ("amount", "2000"),
            ("currency", "USD"),
            ("date", "2024-04-03"),
        ],
        &le,
    );
    // A debriefed migrant names the boss.
    w.link(
        "UnknownLink",
        &[
            ("subject", "payer"),
            ("object", "boss"),
            ("role", "named as organiser"),
            ("date", "2024-05-02"),
        ],
        &le,
    );
    // Crossings: t1 and t2 cross together twice (co-travel); t1 and t3 only once.
    w.put(
        "point-1",
        "BorderCrossingPoint",
        &[("name", "Post One")],
        &border,
    );
    for (id, name) in [
        ("t1", "Traveller One"),
        ("t2", "Traveller Two"),
        ("t3", "Traveller Three"),
    ] {
        w.put(id, "Person", &[("name", name)], &border);
    }
    for (traveller, date) in [
        ("t1", "2024-05-01T10:00:00"),
        ("t2", "2024-05-01T10:04:00"),
        ("t1", "2024-06-01T08:00:00"),
        ("t2", "2024-06-01T08:09:00"),
        ("t3", "2024-06-01T08:07:00"),
        ("t3", "2024-07-01T08:00:00"),
    ] {
        w.link(
            "Crossing",
            &[
                ("traveller", traveller),
                ("point", "point-1"),
                ("direction", "entry"),
                ("date", date),
            ],
            &border,
        );
    }
    // One number on a debriefed person's record and in a seized phone's contacts.
    w.put(
        "x1",
        "Person",
        &[("name", "Karim Phone"), ("phone", "+218911111111")],
        &le,
    );
    w.put("x2", "Person", &[("name", "Contact Two")], &le);
    w.put(
        "ph-9",
        "PhoneNumber",
        &[("number", "+218911111111"), ("user", "x2")],
        &le,
    );
    // Protection data: a child in Yusuf's care, recorded by a protection officer.
    w.put(
        "child",
        "Person",
        &[("name", "Protected Child")],
        &protection,
    );
    w.link(
        "Family",
        &[
            ("person", "yusuf"),
            ("relative", "child"),
            ("relationship", "ward"),
        ],
        &protection,
    );

    let dir = tempfile::tempdir().unwrap();
    let model = Arc::new(Model::builtin().unwrap());
    let location = Location::Directory(dir.path().join("store"));
    let mut store = corridor_store::create(&location, model.clone()).unwrap();
    let mut tx = store.begin().unwrap();
    tx.write(&w.statements).unwrap();
    tx.commit().unwrap();
    drop(store);
    let node = Node::open(&location, &dir.path().join("node"), model, 2).unwrap();
    (node, dir)
}

fn analyst() -> Subject {
    Subject {
        username: "ana".into(),
        roles: vec!["analyst".into()],
        reason: Some("case 7/2026".into()),
    }
}

#[test]
fn the_ring_its_broker_and_the_money_are_found_with_their_evidence() {
    let (node, _dir) = world();
    let s = analyst();
    let findings = node.network_findings(&s, 10).unwrap();
    let ring_of = |id: &str| {
        findings.iter().position(|f| {
            f.members
                .iter()
                .any(|m| m.records.contains(&id.to_string()))
        })
    };
    let one = ring_of("samir").expect("ring one found");
    assert_eq!(ring_of("yusuf"), Some(one));
    assert_eq!(ring_of("omar"), Some(one));
    let two = ring_of("dawit").expect("ring two found");
    assert_ne!(one, two);
    let ring = &findings[one];
    assert_eq!(ring.organisers[0].node.id, "boss", "{:#?}", ring.organisers);
    assert!(
        ring.organisers[0]
            .reasons
            .iter()
            .any(|r| r.contains("received money")),
        "{:?}",
        ring.organisers[0].reasons
    );
    assert!(!ring.organisers[0].edges.is_empty());
    assert!(
        ring.organisers[0]
            .reasons
            .iter()
            .any(|r| r == "named as organiser by 1 person(s)"),
        "{:?}",
        ring.organisers[0].reasons
    );
    assert_eq!(
        ring.organisers[0].edges[0].label.as_deref(),
        Some("named as organiser")
    );
    // Ali joins the rings: a broker of his network, with the edges across as evidence.
    let ali = findings
        .iter()
        .flat_map(|f| &f.brokers)
        .find(|b| b.node.id == "ali")
        .expect("Ali is a broker");
    assert!(
        ali.reasons
            .iter()
            .any(|r| r.contains("links this network to network")),
        "{:?}",
        ali.reasons
    );
    assert!(
        ali.edges
            .iter()
            .any(|e| e.source == "ali" && e.target == "petros"
                || e.source == "boss" && e.target == "ali")
    );
    assert!(ali.measures["betweenness"] > 10.0, "{:?}", ali.measures);

    // Follow the money from the payer: through Ali and the paying broker to the boss, then
    // only the later offshore transfer carries it.
    let trace = node
        .money_trace(&s, "payer", false, &Filter::default(), 6)
        .unwrap();
    let reached = |id: &str| {
        trace
            .flows
            .iter()
            .find(|f| f.node.id == id)
            .map(|f| f.amount)
    };
    assert_eq!(reached("ali"), Some(3000.0));
    assert_eq!(reached("boss"), Some(3000.0));
    assert_eq!(reached("offshore"), Some(2000.0), "{:#?}", trace.transfers);
    assert_eq!(
        trace
            .flows
            .iter()
            .find(|f| f.node.id == "offshore")
            .unwrap()
            .hops,
        4
    );
    // Backwards from the offshore account: the money came from the boss and, before, the payer.
    let back = node
        .money_trace(&s, "offshore", true, &Filter::default(), 6)
        .unwrap();
    assert!(
        back.flows.iter().any(|f| f.node.id == "payer"),
        "{}",
        back.explanation
    );

    // A path in time: payer → ali → hawala-2 → boss → offshore uses the April transfer.
    let paths = node
        .network_paths(
            &s,
            "payer",
            "offshore",
            PathQuery {
                mode: PathMode::InTime,
                max_hops: 6,
                limit: 10,
            },
            &Filter::default(),
        )
        .unwrap();
    assert_eq!(paths.paths.len(), 1);
    let last = paths.paths[0].edges.last().unwrap();
    assert_eq!(
        (last.kind.as_str(), last.time.as_deref()),
        ("transfer", Some("2024-04-03T00:00:00Z"))
    );
    let shortest = node
        .network_paths(
            &s,
            "samir",
            "dawit",
            PathQuery {
                mode: PathMode::AllShortest,
                max_hops: 6,
                limit: 10,
            },
            &Filter::default(),
        )
        .unwrap();
    assert!(
        shortest
            .paths
            .iter()
            .all(|p| p.nodes.iter().any(|n| n.id == "ali"))
    );
}

#[test]
fn persons_crossing_together_repeatedly_are_linked_with_the_crossings() {
    let (node, _dir) = world();
    let s = analyst();
    let hood = node
        .network_neighbourhood(
            &s,
            "t1",
            1,
            &Filter {
                kinds: vec!["co_travel".into()],
                ..Default::default()
            },
            100,
        )
        .unwrap();
    let ids: Vec<&str> = hood.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["t1", "t2"], "t3 crossed with t1 once only");
    let edge = &hood.edges[0];
    assert_eq!((edge.kind.as_str(), edge.times), ("co_travel", 2));
    assert_eq!(edge.evidence.len(), 4, "both crossings of both travellers");
    // The timeline of the two: the co-travel link dated by their first crossing together.
    let timeline = node
        .network_timeline(&s, &["t1".into(), "t2".into()])
        .unwrap();
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].time.as_deref(), Some("2024-05-01T10:00:00Z"));
}

#[test]
fn protection_data_never_shapes_what_enforcement_sees() {
    let (node, _dir) = world();
    let s = analyst();
    // The child and the family link are invisible on every path.
    let hood = node
        .network_neighbourhood(&s, "yusuf", 3, &Filter::default(), 500)
        .unwrap();
    assert!(hood.nodes.iter().all(|n| n.id != "child"));
    assert!(hood.edges.iter().all(|e| e.kind != "family"));
    assert!(!hood.kinds.contains(&"family".to_string()));
    match node.network_paths(
        &s,
        "yusuf",
        "child",
        PathQuery {
            mode: PathMode::Shortest,
            max_hops: 6,
            limit: 10,
        },
        &Filter::default(),
    ) {
        Err(NodeError::NotFound(m)) => assert!(m.contains("child")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        node.network_timeline(&s, &["child".into()]),
        Err(NodeError::NotFound(_))
    ));
    assert!(matches!(
        node.money_trace(&s, "child", false, &Filter::default(), 3),
        Err(NodeError::NotFound(_))
    ));
    let findings = node.network_findings(&s, 50).unwrap();
    assert!(
        findings
            .iter()
            .flat_map(|f| &f.members)
            .all(|m| m.id != "child")
    );
    for format in [ExportFormat::GraphMl, ExportFormat::Gexf, ExportFormat::Anx] {
        let text = node.network_export(&s, format, None).unwrap();
        assert!(
            !text.contains("Protected Child") && !text.contains("\"child\""),
            "{format:?}"
        );
        assert!(text.contains("Abu Karim"), "{format:?}");
        let mut reader = quick_xml::Reader::from_str(&text);
        let mut elements = 0;
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::Start(_) | quick_xml::events::Event::Empty(_)) => {
                    elements += 1
                }
                Ok(_) => {}
                Err(e) => panic!("{format:?} is not well-formed XML: {e}"),
            }
        }
        assert!(elements > 20, "{format:?}: {elements} elements");
    }
    // Without a reason, law-enforcement facts are not readable: the rings disappear too.
    let no_reason = Subject {
        reason: None,
        ..analyst()
    };
    assert!(matches!(
        node.network_neighbourhood(&no_reason, "boss", 1, &Filter::default(), 10),
        Err(NodeError::NotFound(_))
    ));
    // Roles without network analysis are refused, protection officers included.
    for role in ["border_officer", "protection_officer", "researcher"] {
        let other = Subject {
            username: role.into(),
            roles: vec![role.into()],
            reason: Some("curious".into()),
        };
        assert!(
            matches!(
                node.network_findings(&other, 5),
                Err(NodeError::Forbidden(_))
            ),
            "{role}"
        );
    }
    // Every query is in the audit log with its reason.
    let log = node
        .audit_recent(
            &Subject {
                username: "admin".into(),
                roles: vec!["administrator".into()],
                reason: None,
            },
            None,
            100,
        )
        .unwrap();
    assert!(log.iter().any(|r| r.action == "network"
        && r.object.starts_with("neighbourhood yusuf")
        && r.reason.as_deref() == Some("case 7/2026")));
}

#[test]
fn bad_queries_are_refused_by_name() {
    let (node, _dir) = world();
    let s = analyst();
    let cases: Vec<(Result<(), NodeError>, &str)> = vec![
        (
            node.network_neighbourhood(&s, "boss", 0, &Filter::default(), 10)
                .map(|_| ()),
            "hops: 1 to 6",
        ),
        (
            node.network_neighbourhood(&s, "boss", 2, &Filter::default(), 0)
                .map(|_| ()),
            "limit: 1 to 2000",
        ),
        (
            node.network_neighbourhood(
                &s,
                "boss",
                2,
                &Filter {
                    kinds: vec!["telepathy".into()],
                    ..Default::default()
                },
                10,
            )
            .map(|_| ()),
            "kinds: `telepathy` is not an edge kind",
        ),
        (
            node.network_neighbourhood(
                &s,
                "boss",
                2,
                &Filter {
                    since: Some("last spring".into()),
                    ..Default::default()
                },
                10,
            )
            .map(|_| ()),
            "since: `last spring` is not a date",
        ),
        (
            node.network_paths(
                &s,
                "boss",
                "nobody",
                PathQuery {
                    mode: PathMode::Shortest,
                    max_hops: 3,
                    limit: 10,
                },
                &Filter::default(),
            )
            .map(|_| ()),
            "no entity nobody",
        ),
        (
            node.network_paths(
                &s,
                "boss",
                "ali",
                PathQuery {
                    mode: PathMode::Shortest,
                    max_hops: 9,
                    limit: 10,
                },
                &Filter::default(),
            )
            .map(|_| ()),
            "max_hops: 1 to 6",
        ),
        (node.network_timeline(&s, &[]).map(|_| ()), "ids: 1 to 50"),
    ];
    for (result, expected) in cases {
        let message = result.unwrap_err().to_string();
        assert!(message.contains(expected), "{message} / {expected}");
    }
    assert!(
        PathMode::parse("wormhole")
            .unwrap_err()
            .to_string()
            .contains("shortest, all_shortest")
    );
    assert!(
        ExportFormat::parse("pdf")
            .unwrap_err()
            .to_string()
            .contains("graphml, gexf, anx")
    );
}

#[test]
fn a_phone_number_written_on_a_record_is_the_node_of_that_number() {
    let (node, _dir) = world();
    let s = analyst();
    let hood = node
        .network_neighbourhood(&s, "x1", 2, &Filter::default(), 50)
        .unwrap();
    let phone = hood
        .nodes
        .iter()
        .find(|n| n.schema == "PhoneNumber")
        .expect("the number is a node");
    assert_eq!(
        (phone.id.as_str(), phone.records.as_slice()),
        ("ph-9", &["ph-9".to_string()][..])
    );
    assert!(hood.nodes.iter().any(|n| n.id == "x2"), "{:?}", hood.nodes);
    assert!(hood.edges.iter().all(|e| e.kind == "phone"));
}

#[test]
fn a_person_recorded_as_smuggled_is_never_proposed_as_organiser_or_broker() {
    let (node, _dir) = world();
    let investigator = Subject {
        username: "inv".into(),
        roles: vec!["investigator".into()],
        reason: Some("case 12".into()),
    };
    let status = |status: &str, reason: &str| crate::protection::PersonStatusInput {
        status: status.into(),
        reason: reason.into(),
    };
    let ranked = |node: &Node| -> Vec<String> {
        node.network_findings(&analyst(), 10)
            .unwrap()
            .iter()
            .flat_map(|f| f.organisers.iter().chain(&f.brokers))
            .map(|m| m.node.id.clone())
            .collect()
    };
    assert!(ranked(&node).contains(&"ali".to_string()));
    node.set_person_status(
        &investigator,
        "ali",
        status(
            "possible_victim_of_trafficking",
            "held money for the group under threat, says witness 4",
        ),
    )
    .unwrap();
    assert!(!ranked(&node).contains(&"ali".to_string()));
    let findings = node.network_findings(&analyst(), 10).unwrap();
    let holding = findings
        .iter()
        .find(|f| f.protected_members.iter().any(|m| m.id == "ali"))
        .expect("ali is listed as protected in his network");
    assert!(
        holding.summary.contains("not ranked (non-criminalisation)"),
        "{}",
        holding.summary
    );
    // Designated a suspect, by name and with a reason: ranked again.
    node.set_person_status(
        &investigator,
        "ali",
        status(
            "suspect",
            "ran the hawala shop and chose the routes (ledger seized 3 May)",
        ),
    )
    .unwrap();
    assert!(ranked(&node).contains(&"ali".to_string()));
}
