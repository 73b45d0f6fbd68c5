//! The cooperation benchmark (bench/coop.sh runs it): two nodes on 127.0.0.1, each serving its
//! API; packages signed, encrypted, sent over HTTP, verified and imported. Prints
//! `name=value` lines.
//!
//!   coop_bench exchange N      N requests from A to B, then 20 round trips (request → answer)
//!   coop_bench large BYTES     seal and open one package of BYTES through temporary files
//!                              (run in its own process, so its peak memory is its own)
//!   coop_bench attach BYTES    one file of BYTES sent with a request from node A to node B

use std::sync::Arc;
use std::time::Instant;

use corridor_coop::{Dissemination, Meta, NodeKeys, RequestType, State, Urgency};
use corridor_model::{
    HandlingCode, InformationGrade, Model, Provenance, Purpose, SourceReliability, Statement,
};
use corridor_node::Node;
use corridor_node::coop::{PartnerInput, RequestInput};
use corridor_policy::Subject;

/// The allocator the `corridor` binary uses, so that the figures are the product's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    values[((values.len() as f64 * p).ceil() as usize).clamp(1, values.len()) - 1]
}

struct Site {
    node: Arc<corridor_server::AppState>,
    url: String,
    _dir: tempfile::TempDir,
}

fn site(id: &str, runtime: &tokio::runtime::Runtime) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let model = Arc::new(Model::builtin().unwrap());
    let location = corridor_store::Location::Directory(dir.path().join("store"));
    let mut store = corridor_store::create(&location, model.clone()).unwrap();
    let provenance = Arc::new(Provenance {
        dataset: format!("{id}-cases"),
        recorded_by: "bench".into(),
        recorded_at: "2026-11-30T08:00:00Z".into(),
        handling: HandlingCode::Restricted,
        purpose: Purpose::LawEnforcement,
        reliability: SourceReliability::B,
        grade: InformationGrade::KnownToSource,
    });
    let mut tx = store.begin().unwrap();
    tx.write(&[Statement::assert(
        &format!("{id}-p1"),
        "Person",
        "name",
        "A Driver".into(),
        None,
        provenance,
    )])
    .unwrap();
    tx.commit().unwrap();
    drop(store);
    let node = Node::open(&location, &dir.path().join("node"), model, 4).unwrap();
    node.coop_init(id).unwrap();
    let app = Arc::new(corridor_server::AppState::new(node, None, false));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(corridor_server::serve_on(app.clone(), listener, None));
    Site {
        node: app,
        url,
        _dir: dir,
    }
}

fn authority() -> Subject {
    Subject {
        username: "ca".into(),
        roles: vec!["central_authority".into()],
        reason: None,
    }
}

fn introduce(to: &Site, other: &Site) {
    let (keys, fingerprint) = other.node.node.coop_identity().unwrap();
    to.node
        .node
        .add_partner(
            &authority(),
            PartnerInput {
                keys,
                name: "partner".into(),
                url: other.url.clone(),
                accepts: RequestType::ALL.to_vec(),
                fingerprint,
            },
        )
        .unwrap();
}

fn send(a: &Site, to: &str, reference: &str) -> String {
    let s = authority();
    let view = a
        .node
        .node
        .create_request(
            &s,
            RequestInput {
                reference: reference.into(),
                request_type: RequestType::PoliceInformation,
                urgency: Urgency::Urgent,
                requested: to.into(),
                legal_basis: vec!["untoc-27".into()],
                subjects: vec![],
                questions: vec!["Who drives the white truck?".into()],
                deadline: None,
                handling: Dissemination::H2,
                handling_note: None,
            },
        )
        .unwrap();
    a.node
        .node
        .request_step(&s, &view.request.id, State::Sent, None)
        .unwrap();
    view.request.id
}

fn deliver(from: &Site, courier: &corridor_sync::Courier) -> usize {
    let report = from
        .node
        .node
        .coop_deliver(&|url, path| courier.post(url, path))
        .unwrap();
    assert_eq!(report.failed, 0, "{:?}", report.deliveries);
    report.delivered
}

fn exchange(n: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (a, b) = (site("it", &runtime), site("ly", &runtime));
    introduce(&a, &b);
    introduce(&b, &a);
    let courier = corridor_sync::Courier::new(None).unwrap();
    let say = |k: &str, v: String| println!("{k}={v}");

    let t = Instant::now();
    for i in 0..n {
        send(&a, "ly", &format!("IT-{i}"));
    }
    let sealed = t.elapsed().as_secs_f64();
    let t = Instant::now();
    assert_eq!(deliver(&a, &courier), n);
    let delivered = t.elapsed().as_secs_f64();
    let received = b.node.node.coop_requests(&authority()).unwrap().len();
    assert_eq!(received, n);
    say("packages", n.to_string());
    say("seal_s", format!("{sealed:.3}"));
    say("deliver_s", format!("{delivered:.3}"));
    say(
        "packages_per_second",
        format!("{:.0}", n as f64 / (sealed + delivered)),
    );

    // Round trips: A asks, B answers with a fact, A has the answer imported.
    let s = authority();
    let mut trips = Vec::new();
    for i in 0..20 {
        let t = Instant::now();
        let id = send(&a, "ly", &format!("RT-{i}"));
        deliver(&a, &courier);
        b.node
            .node
            .answer_request(&s, &id, false, None, &["ly-p1".to_string()])
            .unwrap();
        deliver(&b, &courier);
        assert_eq!(
            a.node.node.coop_request(&s, &id).unwrap().state,
            State::Answered
        );
        trips.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    say(
        "round_trip_p50_ms",
        format!("{:.1}", percentile(&mut trips, 0.5)),
    );
    say(
        "round_trip_p95_ms",
        format!("{:.1}", percentile(&mut trips, 0.95)),
    );
    say("exchange_peak_rss_mb", format!("{:.0}", peak_rss_mb()));
}

/// One file of `bytes` attached to a request at A and delivered to B over HTTP, through both
/// nodes' temporary files: the node-level path, not only the package format.
fn attach(bytes: u64) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (a, b) = (site("it", &runtime), site("ly", &runtime));
    introduce(&a, &b);
    introduce(&b, &a);
    let courier = corridor_sync::Courier::new(None).unwrap();
    let id = send(&a, "ly", "FILE-1");
    deliver(&a, &courier);
    let before = peak_rss_mb();
    let t = Instant::now();
    let mut body = std::io::Read::take(std::io::repeat(7), bytes);
    let file = a
        .node
        .node
        .attach_to_request(&authority(), &id, "evidence.bin", &mut body)
        .unwrap();
    let sealed = t.elapsed().as_secs_f64();
    let t = Instant::now();
    assert_eq!(deliver(&a, &courier), 1);
    let delivered = t.elapsed().as_secs_f64();
    let view = b.node.node.coop_request(&authority(), &id).unwrap();
    assert_eq!(view.files[0].sha256, file.sha256);
    let mb = bytes as f64 / 1_048_576.0;
    println!("node_{mb:.0}mb_attach_s={sealed:.3}");
    println!("node_{mb:.0}mb_deliver_s={delivered:.3}");
    println!("node_{mb:.0}mb_peak_rss_mb={:.0}", peak_rss_mb());
    println!("node_{mb:.0}mb_rss_growth_mb={:.0}", peak_rss_mb() - before);
}

fn large(bytes: u64) {
    let a = NodeKeys::generate("a").unwrap();
    let b = NodeKeys::generate("b").unwrap();
    let meta = Meta {
        kind: "attachment".into(),
        created_at: corridor_node::now(),
        expires_at: "2099-01-01T00:00:00Z".into(),
        in_reply_to: None,
        handling: Dissemination::H2,
    };
    let before = peak_rss_mb();
    let t = Instant::now();
    let mut scratch = tempfile::tempfile().unwrap();
    let mut package = tempfile::tempfile().unwrap();
    let mut body = std::io::Read::take(std::io::repeat(7), bytes);
    corridor_coop::seal(
        &a,
        &b.public(),
        &meta,
        &mut body,
        &mut scratch,
        &mut package,
    )
    .unwrap();
    let sealed = t.elapsed().as_secs_f64();
    use std::io::Seek;
    package.seek(std::io::SeekFrom::Start(0)).unwrap();
    let t = Instant::now();
    let mut input = std::io::BufReader::new(package);
    let header = corridor_coop::read_header(&mut input).unwrap();
    let mut out = tempfile::tempfile().unwrap();
    let opened = corridor_coop::open(
        &b,
        &header,
        &a.public(),
        &|_| false,
        &corridor_node::now(),
        &mut input,
        &mut out,
    )
    .unwrap();
    let opened_s = t.elapsed().as_secs_f64();
    assert_eq!(opened.body_bytes, bytes);
    let mb = bytes as f64 / 1_048_576.0;
    println!("large_{mb:.0}mb_seal_s={sealed:.3}");
    println!("large_{mb:.0}mb_open_s={opened_s:.3}");
    println!("large_{mb:.0}mb_mb_per_s={:.0}", mb / (sealed + opened_s));
    println!("large_{mb:.0}mb_peak_rss_mb={:.0}", peak_rss_mb());
    println!(
        "large_{mb:.0}mb_rss_growth_mb={:.0}",
        peak_rss_mb() - before
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("exchange") => exchange(args.get(2).and_then(|n| n.parse().ok()).unwrap_or(200)),
        Some("large") => large(args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1 << 20)),
        Some("attach") => attach(args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1 << 20)),
        _ => {
            eprintln!("usage: coop_bench exchange N | coop_bench large BYTES");
            std::process::exit(2);
        }
    }
}
