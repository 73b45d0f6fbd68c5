//! The engine commands that work on files alone: `resolve`, `mrz parse`, `screen`.

use std::process::{Command, Stdio};

use super::Node;

#[test]
fn resolve_deduplicates_a_csv_and_explains_each_pair() {
    let node = Node::new();
    let input = node.file(
        "people.csv",
        "id,full_name,dob,passport\n\
         a1,Mohammed Al-Sayed,1990-04-07,SY1234567\n\
         a2,محمد السيد,07.04.1990,\n\
         a3,SAYED Mohamed,1990-07-04,SYI234567\n\
         b1,Amina Tesfaye,1985-11-02,ER7654321\n\
         b2,Amina Tesfay,1985-11-02,ER7654321\n\
         c1,Yonas Haile,1979-01-01,\n\
         d1,Fatima Rahman,2001-03-15,BD1111111\n",
    );
    let out = node.dir.path().join("resolved");
    let run = node.run(&[
        "resolve",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("proposed from the columns"), "{stderr}");
    assert!(
        stderr.contains("name: Name comparison of full_name"),
        "{stderr}"
    );
    let clusters = std::fs::read_to_string(out.join("clusters.csv")).unwrap();
    assert!(clusters.starts_with("record_id,cluster_id\n"), "{clusters}");
    let cluster_of = |id: &str| {
        clusters
            .lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .and_then(|l| l.split(',').nth(1))
            .unwrap()
            .to_string()
    };
    assert_eq!(cluster_of("b1"), cluster_of("b2"));
    assert_ne!(cluster_of("b1"), cluster_of("c1"));
    let pairs = std::fs::read_to_string(out.join("pairs.csv")).unwrap();
    assert!(
        pairs.starts_with("left_id,right_id,probability,match_weight,name_level,name_bits"),
        "{pairs}"
    );
    let b = pairs
        .lines()
        .find(|l| l.starts_with("b1,b2,"))
        .expect("b1-b2 proposed");
    assert!(b.contains("explanation") || b.contains("name: "), "{b}");
    assert!(
        std::fs::read_to_string(out.join("model.yaml"))
            .unwrap()
            .contains("bits:")
    );
    assert!(
        std::fs::read_to_string(out.join("settings.yaml"))
            .unwrap()
            .contains("unique_id: id")
    );

    // --brief: levels by number (model.yaml names them), no explanation, same pairs.
    let brief_out = node.dir.path().join("brief");
    let run = node.run(&[
        "resolve",
        input.to_str().unwrap(),
        "--out",
        brief_out.to_str().unwrap(),
        "--brief",
        "--quiet",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let brief = std::fs::read_to_string(brief_out.join("pairs.csv")).unwrap();
    assert_eq!(brief.lines().count(), pairs.lines().count());
    let row: Vec<&str> = brief
        .lines()
        .find(|l| l.starts_with("b1,b2,"))
        .unwrap()
        .split(',')
        .collect();
    assert!(row[4].parse::<u8>().is_ok(), "{row:?}");
    assert!(!brief.contains("explanation"));
    let model = std::fs::read_to_string(brief_out.join("model.yaml")).unwrap();
    assert!(model.contains("level: 1, name: \"exact\""), "{model}");
}

#[test]
fn resolve_refuses_bad_input_by_name() {
    let node = Node::new();
    let out = node.dir.path().join("out");
    let err = |args: &[&str]| {
        let run = node.run(args);
        assert!(!run.status.success(), "{args:?} succeeded");
        String::from_utf8_lossy(&run.stderr).to_string()
    };
    let empty = node.file("empty.csv", "");
    let e = err(&[
        "resolve",
        empty.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(e.contains("empty.csv") && e.contains("empty"), "{e}");
    let no_rows = node.file("header.csv", "id,full_name\n");
    let e = err(&[
        "resolve",
        no_rows.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(e.contains("header.csv: no records"), "{e}");
    let latin1 = node.dir.path().join("latin1.csv");
    std::fs::write(&latin1, b"id,full_name\n1,Jos\xe9 P\xe9rez\n").unwrap();
    let e = err(&[
        "resolve",
        latin1.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        e.contains("latin1.csv") && e.contains("line 2") && e.contains("not valid UTF-8"),
        "{e}"
    );
    let long = node.file(
        "long.csv",
        &format!("id,full_name\n1,{}\n2,Amina\n", "x".repeat(10_000)),
    );
    let e = err(&[
        "resolve",
        long.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        e.contains("long.csv line 2: column full_name: value of 10000 characters"),
        "{e}"
    );
    let ok = node.file("ok.csv", "id,full_name\n1,Amina\n2,Amina\n");
    let settings = node.file(
        "s.yaml",
        "unique_id: id\ncomparisons:\n  - {name: name, kind: name, columns: [surname]}\nblocking:\n  - [name_part:name]\n",
    );
    let e = err(&[
        "resolve",
        "--settings",
        settings.to_str().unwrap(),
        ok.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        e.contains("comparison \"name\": the input has no column \"surname\""),
        "{e}"
    );
    let contradictory = node.file(
        "t.yaml",
        "unique_id: id\ncomparisons:\n  - {name: name, kind: name, columns: [full_name]}\nblocking:\n  - [birth_year:name]\n",
    );
    let e = err(&[
        "resolve",
        "--settings",
        contradictory.to_str().unwrap(),
        ok.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        e.contains("\"birth_year\" does not apply to a Name comparison"),
        "{e}"
    );
    let bad_judgement = node.file("bad.csv", "left_id,right_id,judgement\n1,2,maybe\n");
    let e = err(&[
        "resolve",
        "--judgements",
        bad_judgement.to_str().unwrap(),
        ok.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        e.contains("bad.csv line 2: judgement \"maybe\": use same, different or unsure"),
        "{e}"
    );
    let no_columns = node.file("cols.csv", "a,b\n1,2\n");
    let e = err(&[
        "resolve",
        "--judgements",
        no_columns.to_str().unwrap(),
        ok.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        e.contains("cols.csv: needs columns left_id,right_id,judgement"),
        "{e}"
    );
    // Records an analyst judged different never share a cluster, however alike.
    let judgements = node.file("j.csv", "left_id,right_id,judgement\n1,2,different\n");
    let run = node.run(&[
        "resolve",
        "--judgements",
        judgements.to_str().unwrap(),
        ok.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let clusters = std::fs::read_to_string(out.join("clusters.csv")).unwrap();
    assert_eq!(clusters, "record_id,cluster_id\n1,1\n2,2\n");
}

#[test]
fn mrz_parse_prints_the_fields_and_exits_by_validity() {
    let node = Node::new();
    let run = node.run(&[
        "mrz",
        "parse",
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        "--today",
        "2026-11-30",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(v["document_type"], "P");
    assert_eq!(v["surname"], "ERIKSSON");
    assert_eq!(v["given_names"], "ANNA MARIA");
    assert_eq!(v["birth_date"], "1974-08-12");
    assert_eq!(v["expiry_date"], "2012-04-15");
    assert_eq!(v["valid"], true);

    // From standard input, a TD1 card with a wrong composite: exit 1, the field named.
    let mut child = Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(["mrz", "parse"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        child.stdin.as_mut().unwrap(),
        b"I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<7\nERIKSSON<<ANNA<MARIA<<<<<<<<<<\n",
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["errors"][0]["field"], "composite");

    // A bad reading date is refused by name.
    let run = node.run(&["mrz", "parse", "x", "--today", "30/11/2026"]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("--today"));
}

#[test]
fn screen_writes_ranked_explained_hits_and_refuses_bad_files_by_line() {
    let node = Node::new();
    let list = node.file(
        "list.csv",
        "id,name,birth_date,nationality,document_number\n\
         w1,Mohamed Warsame,1980-03-12,so,P1234567\n\
         w2,Amina Tesfaye,1991-07-01,er,\n\
         w3,Sergey Ivanov,1975-11-30,ru,\n",
    );
    let queries = node.file(
        "queries.csv",
        "id,name,birth_date,nationality,document_number\n\
         q1,Maxamed Warsame,1980-12-03,so,\n\
         q2,Сергей Иванов,,,\n\
         q3,,,,P1234S67\n",
    );
    let run = node.run(&[
        "screen",
        "--watchlist",
        list.to_str().unwrap(),
        queries.to_str().unwrap(),
        "--top",
        "2",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let out = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(
        out.starts_with("query_id,entry_id,score,rank,reasons\n"),
        "{out}"
    );
    let first = |q: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{q},")) && l.contains(",1,"))
            .unwrap_or_else(|| panic!("no hit for {q}: {out}"))
            .to_string()
    };
    assert!(first("q1").starts_with("q1,w1,"), "{out}");
    assert!(
        first("q1").contains("birth date: day and month swapped"),
        "{out}"
    );
    assert!(first("q2").starts_with("q2,w3,"), "{out}");
    assert!(
        first("q3").starts_with("q3,w1,") && first("q3").contains("document number"),
        "{out}"
    );

    let bad = node.file("bad.csv", "id,name\nx1,Ali\n,Omar\n");
    let run = node.run(&[
        "screen",
        "--watchlist",
        list.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("bad.csv line 3: id: empty"), "{err}");
    let headless = node.file("headless.csv", "who,what\n1,2\n");
    let run = node.run(&[
        "screen",
        "--watchlist",
        headless.to_str().unwrap(),
        queries.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        !run.status.success() && err.contains("id and name"),
        "{err}"
    );
    // Text that is not UTF-8 is named by line, as in `corridor resolve`.
    let latin1 = node.dir.path().join("latin1.csv");
    std::fs::write(&latin1, b"id,name\nx1,Jos\xe9\n").unwrap();
    let run = node.run(&[
        "screen",
        "--watchlist",
        list.to_str().unwrap(),
        latin1.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        !run.status.success() && err.contains("line 2") && err.contains("UTF-8"),
        "{err}"
    );
    let long = node.file("long.csv", &format!("id,name\nx1,{}\n", "a".repeat(10_000)));
    let run = node.run(&[
        "screen",
        "--watchlist",
        list.to_str().unwrap(),
        long.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        !run.status.success() && err.contains("long.csv line 2: name"),
        "{err}"
    );
}
