use crate::util::*;

#[test]
fn seeds_are_five_separate_articles() {
    let d = Dir::new();
    let seeds = seeds();
    d.run(&["analyze", seeds.to_str().unwrap(), "--out", "out"])
        .ok();
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    assert_eq!(docs.len(), 5);
    for doc in &docs {
        assert_eq!(doc["status"], "ok");
        assert_eq!(doc["cluster"], doc["id"], "{doc}");
        assert_eq!(doc["duplicate_of"], serde_json::Value::Null);
    }
    let ids: Vec<&str> = docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "000_a6270511e6b8fb87",
            "001_c29349fac5246de1",
            "002_8cef7475aeed4c23",
            "003_75a2d3ca4480b169",
            "004_e5f77110d2edc0ef"
        ]
    );
    let summary = read_json(&d.join("out/summary.json"));
    assert_eq!(summary["counts"]["clusters"], 5);
    assert_eq!(summary["parameters"]["num_perm"], 128);
    assert!(summary["timings"].as_array().unwrap().len() >= 3);
    assert_eq!(summary["version"], env!("CARGO_PKG_VERSION"));
}

/// Two copies of an article among unrelated ones, as JSONL.
fn small_feed() -> String {
    let base = "The port authority said on Tuesday that the strike by dock workers had ended after \
                two weeks of talks, and that ships waiting outside the harbour would be unloaded \
                over the weekend. Union leaders said members had accepted a pay rise of six per cent.";
    let mut s = String::new();
    s += &serde_json::json!({"id": "a", "text": base, "source": "Daily", "date": "2024-03-05"})
        .to_string();
    s += "\n";
    s += &line(
        "u1",
        "Football: the home side won the cup final three goals to one in front of a record crowd.",
    );
    s += &serde_json::json!({"id": "b", "text": format!("SHARE THIS: {base} Related articles."), "url": "https://www.wire.example/x", "date": "2024-03-04"}).to_string();
    s += "\n";
    s += &line(
        "u2",
        "Weather: heavy rain is expected across the north of the country from Thursday night.",
    );
    s += &serde_json::json!({"id": "c", "text": format!("{base} (Reporting by staff.)"), "outlet": "Courier"}).to_string();
    s += "\n";
    s
}

#[test]
fn near_duplicates_cluster_with_keep_policies() {
    let d = Dir::new();
    d.write("feed.jsonl", small_feed());
    for (keep, kept) in [("first", "a"), ("earliest", "b"), ("longest", "b")] {
        d.run(&["analyze", "feed.jsonl", "--out", keep, "--keep", keep])
            .ok();
        let docs = read_jsonl(&d.join(keep).join("documents.jsonl"));
        let by_id = |id: &str| docs.iter().find(|d| d["id"] == id).unwrap().clone();
        for id in ["a", "b", "c"] {
            assert_eq!(by_id(id)["cluster"], kept, "--keep {keep}: {id}");
        }
        assert_eq!(by_id(kept)["duplicate_of"], serde_json::Value::Null);
        assert_eq!(by_id(kept)["similarity"], 1.0);
        for u in ["u1", "u2"] {
            assert_eq!(by_id(u)["cluster"], u);
        }
        assert_eq!(
            by_id("b")["story"],
            "a",
            "story = first document in input order"
        );
    }
    let docs = read_jsonl(&d.join("first/documents.jsonl"));
    assert_eq!(docs[0]["outlet"], "Daily");
    assert_eq!(
        docs[2]["outlet"], "wire.example",
        "outlet from the url's host"
    );
    assert_eq!(
        docs[4]["outlet"], "Courier",
        "outlet from the `outlet` field"
    );
    assert_eq!(docs[1]["outlet"], serde_json::Value::Null);
    assert_eq!(
        docs[2]["location"],
        serde_json::json!({"file": "feed.jsonl", "line": 3})
    );
    let pairs = read_jsonl(&d.join("first/pairs.jsonl"));
    assert!(!pairs.is_empty());
    for p in &pairs {
        assert_eq!(p["level"], "duplicate");
        assert!(p["jaccard"].as_f64().unwrap() >= 0.7);
    }
}

#[test]
fn output_does_not_depend_on_thread_count() {
    let d = Dir::new();
    let mut feed = String::new();
    for i in 0..3000 {
        let base = format!(
            "story {} about item {} and some shared words of the corpus",
            i % 700,
            i % 700 * 13
        );
        feed += &line(
            &format!("d{i}"),
            &format!("{base} {}", if i % 3 == 0 { "" } else { "extra" }),
        );
    }
    d.write("feed.jsonl", &feed);
    d.run(&["analyze", "feed.jsonl", "--out", "t1", "-j", "1"])
        .ok();
    d.run(&["analyze", "feed.jsonl", "--out", "t2", "-j", "2"])
        .ok();
    for f in ["documents.jsonl", "pairs.jsonl", "errors.jsonl"] {
        let a = std::fs::read(d.join("t1").join(f)).unwrap();
        let b = std::fs::read(d.join("t2").join(f)).unwrap();
        assert!(a == b, "{f} differs between 1 and 2 threads");
    }
    let r1 = d.run(&["dedup", "feed.jsonl", "-j", "1", "--duplicates", "d1.jsonl"]);
    let r2 = d.run(&["dedup", "feed.jsonl", "-j", "2", "--duplicates", "d2.jsonl"]);
    assert_eq!(r1.ok().stdout(), r2.ok().stdout());
    assert_eq!(
        std::fs::read(d.join("d1.jsonl")).unwrap(),
        std::fs::read(d.join("d2.jsonl")).unwrap()
    );
}

#[test]
fn text_folders_and_outlet_from() {
    let d = Dir::new();
    d.write(
        "c/bbc/one.txt",
        "\u{feff}An article from one outlet about the elections.",
    );
    d.write("c/bbc/notes.pdf", "ignored");
    d.write(
        "c/cnn/two.md",
        "Another article, from a second outlet, about the budget.",
    );
    d.run(&["analyze", "c", "--out", "dir", "--outlet-from", "dir"])
        .ok();
    let docs = read_jsonl(&d.join("dir/documents.jsonl"));
    let got: Vec<(&str, &str)> = docs
        .iter()
        .map(|d| (d["id"].as_str().unwrap(), d["outlet"].as_str().unwrap()))
        .collect();
    assert_eq!(got, [("bbc/one", "bbc"), ("cnn/two", "cnn")]);
    assert_eq!(
        read_json(&d.join("dir/summary.json"))["input"]["ignored_files"],
        1
    );
    d.write("s/reuters_001.txt", "text one");
    d.run(&["analyze", "s", "--out", "stem", "--outlet-from", "stem"])
        .ok();
    assert_eq!(
        read_jsonl(&d.join("stem/documents.jsonl"))[0]["outlet"],
        "reuters"
    );
}

#[test]
fn stdin_zstd_and_custom_fields() {
    let d = Dir::new();
    let feed =
        "{\"uid\":1,\"body\":\"first\",\"site\":\"x\"}\n{\"uid\":2,\"body\":\"second one\"}\n";
    d.write("f.jsonl.zst", zstd::encode_all(feed.as_bytes(), 3).unwrap());
    let args = [
        "--id-field",
        "uid",
        "--text-field",
        "body",
        "--outlet-field",
        "site",
    ];
    let mut a = vec!["analyze", "f.jsonl.zst", "--out", "z"];
    a.extend_from_slice(&args);
    d.run(&a).ok();
    let mut b = vec!["analyze", "-", "--out", "s"];
    b.extend_from_slice(&args);
    d.run_with_stdin(&b, Some(feed.as_bytes())).ok();
    let z = read_jsonl(&d.join("z/documents.jsonl"));
    let s = read_jsonl(&d.join("s/documents.jsonl"));
    assert_eq!(z[0]["id"], "1");
    assert_eq!(z[0]["outlet"], "x");
    assert_eq!(
        s[1]["location"],
        serde_json::json!({"file": "-", "line": 2})
    );
    assert_eq!(z.len(), s.len());
}

#[test]
fn failed_rerun_keeps_the_previous_run() {
    let d = Dir::new();
    d.write("a.jsonl", line("a", "text"));
    d.run(&["analyze", "a.jsonl", "--out", "out"]).ok();
    d.write("a.jsonl", "{bad\n");
    d.run(&["analyze", "a.jsonl", "--out", "out"])
        .expect_code(1);
    // Nothing of the failed run is renamed into place: the previous complete
    // run stays (tests/outputs.rs compares every byte).
    assert!(d.join("out/summary.json").exists());
    let leftovers: Vec<_> = std::fs::read_dir(d.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn outlet_aliases_merge_outlets_filed_under_two_names() {
    let d = Dir::new();
    let text = "The committee said on Monday that the new rules for the harbour \
        would take effect in the spring after a long public consultation ended. \
        Officials expect the changes to cut waiting times for ships by half.";
    let lines = [
        serde_json::json!({"id": "x", "source": "Carol Costello", "text": format!("Intro one. {text}")}),
        serde_json::json!({"id": "y", "source": "CNN", "text": format!("{text} Another ending here.")}),
    ];
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    d.write("in.jsonl", body);
    d.write("aliases.csv", "alias,outlet\nCarol Costello,CNN\n");
    d.run(&["analyze", "in.jsonl", "--out", "plain"]).ok();
    assert!(!read_jsonl(&d.join("plain/shared.jsonl")).is_empty());
    d.run(&[
        "analyze",
        "in.jsonl",
        "--out",
        "merged",
        "--outlet-alias",
        "aliases.csv",
    ])
    .ok();
    // One outlet now: its own two articles share no passage across outlets.
    assert!(read_jsonl(&d.join("merged/shared.jsonl")).is_empty());
    let docs = read_jsonl(&d.join("merged/documents.jsonl"));
    assert!(docs.iter().all(|x| x["outlet"] == "CNN"), "{docs:?}");
    // A bad alias file is refused, naming the file and line.
    d.write("bad.csv", "alias,outlet\nonly-one-field\n");
    let r = d.run(&[
        "analyze",
        "in.jsonl",
        "--out",
        "bad",
        "--outlet-alias",
        "bad.csv",
    ]);
    r.expect_stderr(2, &["bad.csv:2"]);
}

#[test]
fn background_below_the_leads_links_no_story_but_a_long_passage_does() {
    // Day one: outlet A's report (a 90-word lead, then a 45-word background
    // paragraph); outlet B rewrites it the same day from the top (its lead
    // is A's lead). Day two: outlet C reports another event (a new
    // 150-word lead) and closes with A's background paragraph.
    let (lead, background) = (words(11, 90), words(12, 45));
    let (other_lead, filler) = (words(13, 150), words(14, 60));
    let join = |parts: &[&[String]]| parts.concat().join(" ");
    let record = |id: &str, outlet: &str, date: &str, text: String| {
        serde_json::json!({"id": id, "outlet": outlet, "date": date, "text": text}).to_string()
            + "\n"
    };
    let mut body = record("a", "A", "2020-01-01", join(&[&lead, &background]));
    body += &record("b", "B", "2020-01-01", join(&[&lead[..60], &filler]));
    body += &record("c", "C", "2020-01-02", join(&[&other_lead, &background]));
    // Two independent reports of one event, each with its own lead, quoting
    // the same 70-word statement further down: long enough to count.
    let statement = words(16, 70);
    body += &record("p", "P", "2020-01-05", join(&[&words(17, 150), &statement]));
    body += &record("q", "Q", "2020-01-05", join(&[&words(18, 150), &statement]));
    for i in 0..6 {
        body += &record(
            &format!("x{i}"),
            "X",
            "2020-01-03",
            words(200 + i, 150).join(" "),
        );
    }
    let d = Dir::new();
    d.write("f.jsonl", body);
    d.run(&["analyze", "f.jsonl", "--out", "out"]).ok();
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    let story = |id: &str| docs.iter().find(|x| x["id"] == id).unwrap()["story"].clone();
    // The rewrite shares A's lead: one story.
    assert_eq!(story("a"), story("b"), "{docs:?}");
    // The follow-up shares only background, far below both leads.
    assert_ne!(story("a"), story("c"), "{docs:?}");
    assert_eq!(story("p"), story("q"), "{docs:?}");
    // The shared background is still reported as a passage.
    let shared = read_jsonl(&d.join("out/shared.jsonl"));
    assert!(
        shared
            .iter()
            .any(|p| p["a"]["id"] == "a" && p["b"]["id"] == "c"),
        "{shared:?}"
    );
}
