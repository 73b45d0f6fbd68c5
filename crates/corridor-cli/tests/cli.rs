//! End-to-end stories through the real `corridor` binary: the documented command forms, exit
//! statuses and messages that scripts rely on, and an import killed mid-way.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The engine commands that work on files: resolve, mrz, screen.
#[path = "cli/engines.rs"]
mod engines;

/// Network analysis on edge lists.
#[path = "cli/graph.rs"]
mod graph;

/// Three central authorities' nodes exchanging requests and answers.
#[path = "cli/coop.rs"]
mod coop;

/// A border post and its national node as two processes.
#[path = "cli/border.rs"]
mod border;

/// Research data: incidents imported and summarised.
#[path = "cli/incidents.rs"]
mod incidents;

/// A protection field node and its national node as two processes.
#[path = "cli/protection.rs"]
mod protection;

/// Risk rules checked, facts evaluated, a change approved by a second user.
#[path = "cli/risk.rs"]
mod risk;

struct Node {
    dir: tempfile::TempDir,
}

impl Node {
    fn new() -> Node {
        Node {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("node")
    }

    fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_corridor"));
        cmd.arg("--data")
            .arg(self.data())
            .args(args)
            .env("CORRIDOR_USER", "tester")
            .env_remove("CORRIDOR_DATA")
            .env_remove("CORRIDOR_NODE_DIR");
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "corridor {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command that must fail; returns its stderr.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "corridor {args:?} should have failed"
        );
        assert!(
            out.stdout.is_empty() || !String::from_utf8_lossy(&out.stdout).contains("imported")
        );
        String::from_utf8(out.stderr).unwrap()
    }

    fn statements(&self) -> u64 {
        let stats = self.ok(&["stats"]);
        stats
            .split(": ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    }
}

/// The documented form `corridor import --format csv --mapping MAPPING FILE`.
fn csv_import<'a>(mapping: &'a str, file: &'a str) -> [&'a str; 6] {
    ["import", "--format", "csv", "--mapping", mapping, file]
}

const MAPPING: &str = "dataset: checkpoint\nentities:\n  p:\n    schema: Person\n    keys: [doc]\n    properties:\n      name: {column: name}\n      nationality: {column: nat}\n";
const CSV: &str = "doc,name,nat\nA1,Selam Tesfaye,ERI\nA2,Олена Коваленко,UKR\n";

#[test]
fn a_newcomer_story_init_import_search_get_export() {
    let node = Node::new();
    assert!(node.ok(&["init"]).contains("created a Corridor node store"));
    let mapping = node.file("m.yaml", MAPPING);
    let csv = node.file("people.csv", CSV);
    let out = node.ok(&csv_import(
        mapping.to_str().unwrap(),
        csv.to_str().unwrap(),
    ));
    assert!(
        out.contains("2 records, 2 entities, 4 statements new, 0 already present, 0 rejected"),
        "{out}"
    );
    let found = node.ok(&["search", "КОВАЛЕНКО"]);
    assert!(
        found.contains("Person") && found.contains("Олена Коваленко"),
        "{found}"
    );
    let id = found.split_whitespace().nth(1).unwrap().to_string();
    let shown = node.ok(&["get", &id]);
    assert!(
        shown.contains("Nationality")
            && shown.contains("ua")
            && shown.contains("checkpoint · tester ·"),
        "{shown}"
    );
    let history = node.ok(&["history", &id]);
    assert_eq!(history.lines().count(), 2);
    assert!(history.lines().all(|l| l.starts_with("+ ")), "{history}");
    let stats = node.ok(&["stats"]);
    assert!(
        stats.contains("Person") && stats.contains("checkpoint"),
        "{stats}"
    );
    // FtM out to stdout, into a second node from stdin, and out again: the same entities.
    let exported = node.ok(&["export", "--format", "ftm"]);
    assert_eq!(exported.lines().count(), 2);
    let other = Node::new();
    other.ok(&["init"]);
    let mut child = other
        .cmd(&["import", "--format", "ftm", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), exported.as_bytes()).unwrap();
    let done = child.wait_with_output().unwrap();
    assert!(done.status.success());
    assert_eq!(other.ok(&["export", "--format", "ftm"]), exported);
    // CSV out to a file.
    let out_file = node.dir.path().join("statements.csv");
    node.ok(&[
        "export",
        "--format",
        "csv",
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(
        std::fs::read_to_string(&out_file).unwrap().lines().count(),
        5
    );
}

#[test]
fn errors_go_to_stderr_with_a_non_zero_status() {
    let node = Node::new();
    assert!(node.fails(&["stats"]).contains("no Corridor store at"));
    node.ok(&["init"]);
    assert!(node.fails(&["init"]).contains("already exists"));
    let csv = node.file("people.csv", CSV);
    let csv = csv.to_str().unwrap();
    assert!(
        node.fails(&["import", "--format", "csv", csv])
            .contains("--format csv needs --mapping")
    );
    let bad_mapping = node.file("bad.yaml", &MAPPING.replace("nationality", "colour"));
    let err = node.fails(&csv_import(bad_mapping.to_str().unwrap(), csv));
    assert!(
        err.contains("bad.yaml") && err.contains("\"colour\" is not a property of Person"),
        "{err}"
    );
    let mapping = node.file("m.yaml", MAPPING);
    let bad_csv = node.file("bad.csv", "doc,name,nat\nA1,Someone,Atlantis\n");
    let err = node.fails(&csv_import(
        mapping.to_str().unwrap(),
        bad_csv.to_str().unwrap(),
    ));
    assert!(
        err.contains("bad.csv, line 2, column \"nat\": nationality: invalid country \"Atlantis\""),
        "{err}"
    );
    let err = node.fails(&csv_import(mapping.to_str().unwrap(), "/no/such/file.csv"));
    assert!(err.contains("cannot open /no/such/file.csv"), "{err}");
    let err = node.fails(&["import", "--format", "ftm", "--purpose", "smuggling", csv]);
    assert!(err.contains("\"smuggling\" is not a Purpose"), "{err}");
    assert!(
        node.fails(&["get", "nobody"])
            .contains("no entity \"nobody\"")
    );
    assert_eq!(node.statements(), 0);
}

#[test]
fn rejects_option_imports_good_rows_and_lists_bad_ones() {
    let node = Node::new();
    node.ok(&["init"]);
    let mapping = node.file("m.yaml", MAPPING);
    let csv = node.file(
        "mixed.csv",
        "doc,name,nat\nA1,Good One,ERI\nA2,Bad One,Atlantis\nA3,Good Two,SDN\n",
    );
    let rejects = node.dir.path().join("rejects.csv");
    let out = node.ok(&[
        "import",
        "--format",
        "csv",
        "--mapping",
        mapping.to_str().unwrap(),
        "--rejects",
        rejects.to_str().unwrap(),
        csv.to_str().unwrap(),
    ]);
    assert!(
        out.contains("1 rejected") && out.contains("rejected records written to"),
        "{out}"
    );
    let listed = std::fs::read_to_string(&rejects).unwrap();
    assert!(
        listed.contains("3,nat,") && listed.contains("A2,Bad One,Atlantis"),
        "{listed}"
    );
    assert_eq!(node.statements(), 4);
}

/// Writes a CSV big enough that an import takes a while.
fn big_csv(path: &Path, rows: usize) {
    let mut text = String::from("doc,name,nat\n");
    for i in 0..rows {
        text.push_str(&format!(
            "D{i},Traveller Number {i},{}\n",
            ["SYR", "AFG", "ERI", "NGA"][i % 4]
        ));
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn an_import_killed_mid_way_leaves_the_store_intact_and_can_be_rerun() {
    let node = Node::new();
    node.ok(&["init"]);
    let mapping = node.file("m.yaml", MAPPING);
    let small = node.file("first.csv", CSV);
    node.ok(&csv_import(
        mapping.to_str().unwrap(),
        small.to_str().unwrap(),
    ));
    let before = node.statements();
    let big = node.dir.path().join("big.csv");
    big_csv(&big, 200_000);
    let args = [
        "import",
        "--format",
        "csv",
        "--mapping",
        mapping.to_str().unwrap(),
        big.to_str().unwrap(),
    ];
    let mut child = node
        .cmd(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the import is visibly writing (its WAL grows), then kill it without warning.
    let wal = node.data().join("corridor.db-wal");
    let start = std::time::Instant::now();
    while std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) < 2_000_000 {
        assert!(
            start.elapsed().as_secs() < 120,
            "import never started writing"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "import finished before it could be killed; make the file bigger"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        node.statements(),
        before,
        "nothing of the killed import is visible"
    );
    let out = node.ok(&args);
    assert!(
        out.contains("200000 records, 200000 entities, 400000 statements new, 0 already present"),
        "{out}"
    );
    assert_eq!(node.statements(), before + 400_000);
}

#[test]
fn corrections_retract_and_history_shows_both() {
    let node = Node::new();
    node.ok(&["init"]);
    let line = r#"{"id": "p1", "schema": "Person", "properties": {"name": ["Amina"], "birthDate": ["1990"]}}"#;
    let file = node.file("p.json", line);
    node.ok(&["import", "--format", "ftm", file.to_str().unwrap()]);
    let history = node.ok(&["history", "p1"]);
    let birth = history.lines().find(|l| l.contains("birthDate")).unwrap();
    let statement_id = birth.split_whitespace().nth(2).unwrap();
    let err = node.fails(&["correct", "p1", statement_id, "1990-02-30"]);
    assert!(err.contains("invalid date"), "{err}");
    let out = node.ok(&["correct", "p1", statement_id, "1991-05-04"]);
    assert!(
        out.contains("corrected birthDate of p1: \"1990\" -> \"1991-05-04\""),
        "{out}"
    );
    let shown = node.ok(&["get", "p1"]);
    assert!(
        shown.contains("1991-05-04") && !shown.contains("1990"),
        "{shown}"
    );
    let history = node.ok(&["history", "p1"]);
    assert_eq!(history.lines().count(), 4, "{history}");
    assert!(
        history
            .lines()
            .any(|l| l.starts_with("~ ") && l.contains("\"1990\"")),
        "{history}"
    );
    assert!(
        history
            .lines()
            .any(|l| l.starts_with("- ") && l.contains("tester")),
        "{history}"
    );
    // The old view is still there for anyone who asks what was known before.
    let before = node.ok(&["history", "p1", "--as-of", "2000-01-01T00:00:00Z"]);
    assert!(before.is_empty());
    assert_eq!(
        node.ok(&["history", "p1", "--as-of", "9999"])
            .lines()
            .count(),
        4
    );
    assert!(
        node.fails(&["history", "p1", "--as-of", "yesterday"])
            .contains("--as-of")
    );
    let err = node.fails(&["retract", "p1", statement_id]);
    assert!(err.contains("has no live statement"), "{err}");
}

/// The same forms with a `postgres://` URL in `--data`, against the test server when there is
/// one (scripts/test.sh always provides it).
#[test]
fn the_same_commands_work_on_postgresql() {
    let Ok(admin) = std::env::var("CORRIDOR_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CORRIDOR_REQUIRE_POSTGRES").is_none(),
            "PostgreSQL required but not configured"
        );
        return;
    };
    let name = format!("corridor_cli_{}", std::process::id());
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    let node = Node::new();
    let pg = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_corridor"))
            .env("CORRIDOR_DATA", &url)
            .env("CORRIDOR_USER", "tester")
            .env("CORRIDOR_NODE_DIR", node.dir.path().join("node-dir"))
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, _, err) = pg(&["stats"]);
    assert!(!ok && err.contains("no Corridor store at"), "{err}");
    assert!(!err.contains("password"), "{err}");
    assert!(pg(&["init"]).0);
    let mapping = node.file("m.yaml", MAPPING);
    let csv = node.file("people.csv", CSV);
    let (ok, out, err) = pg(&csv_import(
        mapping.to_str().unwrap(),
        csv.to_str().unwrap(),
    ));
    assert!(ok && out.contains("4 statements new"), "{out}{err}");
    let (_, found, _) = pg(&["search", "selam"]);
    assert!(found.contains("Selam Tesfaye"), "{found}");
    let (ok, exported, _) = pg(&["export", "--format", "ftm"]);
    assert!(ok && exported.lines().count() == 2, "{exported}");
    // The import was audited in the database, its head signed in the node directory.
    let (ok, verified, err) = pg(&["audit", "verify"]);
    assert!(
        ok && verified.contains("audit log intact: 1 entries"),
        "{verified}{err}"
    );
}

#[test]
fn help_never_prints_the_store_url_from_the_environment() {
    let out = Command::new(env!("CARGO_BIN_EXE_corridor"))
        .env(
            "CORRIDOR_DATA",
            "postgres://corridor:s3cret@db.example/node",
        )
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("CORRIDOR_DATA") && !text.contains("s3cret"),
        "{text}"
    );
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // `corridor export | head -1`: the pipe closes while the export is still writing.
    let node = Node::new();
    node.ok(&["init"]);
    let mapping = node.file("m.yaml", MAPPING);
    let big = node.dir.path().join("big.csv");
    big_csv(&big, 5_000);
    node.ok(&csv_import(
        mapping.to_str().unwrap(),
        big.to_str().unwrap(),
    ));
    for format in ["ftm", "csv"] {
        let mut child = node
            .cmd(&["export", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut first,
        )
        .unwrap();
        assert!(!first.is_empty());
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_data_path_that_is_a_file_gets_a_clear_message() {
    let node = Node::new();
    std::fs::write(node.data(), "not a directory").unwrap();
    let err = node.fails(&["init"]);
    assert_eq!(
        err.trim(),
        format!(
            "corridor: cannot create the data directory {}: File exists (os error 17)",
            node.data().display()
        )
    );
}

#[test]
fn simulate_writes_a_world_that_loads_and_refuses_bad_settings() {
    let node = Node::new();
    let out = node.dir.path().join("world");
    let out = out.to_str().unwrap();
    assert!(
        node.fails(&["simulate", "--scale", "huge", "--out", out])
            .contains("unknown scale \"huge\" (known: demo, large, medium, small)")
    );
    let bad = node.file(
        "bad.yaml",
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../corridor-sim/settings/default.yaml"
        ))
        .unwrap()
        .replace("max_attempts: 3", "max_attempts: 0"),
    );
    let err = node.fails(&[
        "simulate",
        "--settings",
        bad.to_str().unwrap(),
        "--out",
        out,
    ]);
    assert!(
        err.contains("bad.yaml: groups.max_attempts must be at least 1"),
        "{err}"
    );
    // --into creates the node and loads every FtM file; the border system's CSV loads through
    // the mapping written beside it.
    let made = node.ok(&["simulate", "--seed", "3", "--out", out, "--into"]);
    assert!(
        made.contains("simulated") && made.matches("0 rejected").count() >= 5,
        "{made}"
    );
    let mapping = format!("{out}/sources/border-crossings.mapping.yaml");
    let csv = format!("{out}/sources/border-crossings.csv");
    let loaded = node.ok(&csv_import(&mapping, &csv));
    assert!(loaded.contains(" 0 rejected"), "{loaded}");
    assert!(node.ok(&["stats"]).contains("sim-border-crossings"));
    // Same seed, same bytes.
    let again = node.dir.path().join("again");
    node.ok(&["simulate", "--seed", "3", "--out", again.to_str().unwrap()]);
    for file in [
        "ftm/border-crossings.ftm.json",
        "truth/records.csv",
        "sources/border-crossings.csv",
    ] {
        assert_eq!(
            std::fs::read(format!("{out}/{file}")).unwrap(),
            std::fs::read(again.join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn users_and_the_audit_log_are_managed_from_the_command_line() {
    let node = Node::new();
    node.ok(&["init"]);
    let out = node.ok(&[
        "users",
        "add",
        "amina",
        "--role",
        "administrator,analyst",
        "--display-name",
        "Amina K.",
    ]);
    assert!(
        out.contains("created user amina with roles administrator, analyst"),
        "{out}"
    );
    assert!(out.contains("password (shown once): "), "{out}");
    let out = node.run(&["users", "add", "bilal", "--role", "spy"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown role \"spy\""));
    let mut add = node.cmd(&[
        "users",
        "add",
        "bilal",
        "--role",
        "researcher",
        "--password-stdin",
    ]);
    add.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = add.spawn().unwrap();
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success(), "a short password is refused");
    let list = node.ok(&["users", "list"]);
    assert!(
        list.contains("amina") && list.contains("administrator,analyst") && !list.contains("bilal"),
        "{list}"
    );
    let mapping = node.file("m.yaml", MAPPING);
    let csv = node.file("people.csv", CSV);
    node.ok(&csv_import(
        mapping.to_str().unwrap(),
        csv.to_str().unwrap(),
    ));
    let log = node.ok(&["audit", "log"]);
    assert!(
        log.contains("import") && log.contains("create user"),
        "{log}"
    );
    assert!(
        node.ok(&["audit", "verify"])
            .contains("audit log intact: 2 entries")
    );
    // Cut the last entry off behind the node's back: the signed head still names it.
    let db = rusqlite::Connection::open(node.data().join("corridor.db")).unwrap();
    assert!(
        db.execute("DELETE FROM audit WHERE seq = 2", []).is_err(),
        "append-only"
    );
    db.execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2;")
        .unwrap();
    let out = node.run(&["audit", "verify"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("audit log broken at entry 2") && err.contains("cut off"),
        "{err}"
    );
}

#[test]
fn serve_names_certificate_files_it_cannot_use() {
    let node = Node::new();
    node.ok(&["init"]);
    let missing = node.dir.path().join("missing.pem");
    let garbage = node.file("key.pem", "not a key");
    let out = node.run(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--tls-cert",
        missing.to_str().unwrap(),
        "--tls-key",
        garbage.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("TLS: cannot use") && err.contains("missing.pem"),
        "{err}"
    );
    // A certificate without its key is refused before anything starts.
    let out = node.run(&["serve", "--tls-cert", missing.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tls-key"));
}

#[test]
fn serve_prints_its_address_and_answers() {
    let node = Node::new();
    node.ok(&["init"]);
    let mut child = node
        .cmd(&["serve", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    use std::io::{Read as _, Write as _};
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(
        reply.starts_with("HTTP/1.1 200") && reply.contains("{\"status\":\"ok\"}"),
        "{reply}"
    );
}
