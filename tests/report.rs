//! report.html in a real browser: headless Chromium driven by
//! `tests/browser/check_report.mjs` (playwright-core). Without Chromium or
//! the Node modules the test says it was skipped; with
//! `NEARDUP_REQUIRE_BROWSER=1` (set by `.ci/run`) their absence is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::*;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Runs the check script and asserts the view made no network request and
/// no script error; `None` when the browser is unavailable.
fn check(report: &Path, extra: &[&str]) -> Option<Value> {
    let required = std::env::var_os("NEARDUP_REQUIRE_BROWSER").is_some_and(|v| v == "1");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let ready = Path::new(&chromium).exists()
        && browser_dir().join("node_modules/playwright-core").exists()
        && Command::new("node").arg("--version").output().is_ok();
    if !ready {
        assert!(
            !required,
            "NEARDUP_REQUIRE_BROWSER=1 but Chromium ({chromium}), node or tests/browser/node_modules is missing"
        );
        eprintln!("SKIPPED: no Chromium/node/playwright-core (run .ci/run to install them)");
        return None;
    }
    let out = Command::new("node")
        .arg(browser_dir().join("check_report.mjs"))
        .arg(report)
        .args(extra)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("running node");
    assert!(
        out.status.success(),
        "check_report failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("check_report prints JSON");
    // Every view is checked for network requests and script errors.
    no_network_no_errors(&v);
    Some(v)
}

fn no_network_no_errors(v: &Value) {
    assert_eq!(
        v["requests"],
        serde_json::json!([]),
        "network requests: {}",
        v["requests"]
    );
    assert_eq!(
        v["errors"],
        serde_json::json!([]),
        "console errors: {}",
        v["errors"]
    );
    assert_eq!(
        v["dialogs"],
        serde_json::json!([]),
        "dialogs: {}",
        v["dialogs"]
    );
}

#[test]
fn seeds_story_shows_both_passages_right_to_left() {
    let d = Dir::new();
    let seeds = seeds();
    d.run(&["analyze", seeds.to_str().unwrap(), "--out", "out"])
        .ok();
    let page = std::fs::read_to_string(d.join("out/report.html")).unwrap();
    assert!(page.contains("default-src 'none'"), "strict CSP");
    let Some(v) = check(
        &d.join("out/report.html"),
        &["--story", "000_a6270511e6b8fb87"],
    ) else {
        return;
    };
    let marks = v["marks"].as_array().unwrap();
    // Both shared passages, highlighted on both documents of the story.
    for side in ["a", "b"] {
        let ids: std::collections::BTreeSet<&str> = marks
            .iter()
            .filter(|m| m["side"] == side)
            .map(|m| m["passage"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 2, "side {side}: {marks:?}");
    }
    assert!(marks.iter().all(|m| m["dir"] == "rtl"), "{marks:?}");
    assert!(marks.iter().any(|m| {
        m["text"]
            .as_str()
            .unwrap()
            .contains("في غاية الأهمية وتأتي في التوقيت المناسب في ظل الوضع الدولي المتقلب")
    }));
    let blocks = v["textBlocks"].as_array().unwrap();
    assert!(!blocks.is_empty());
    assert!(
        blocks
            .iter()
            .all(|b| b["dir_attr"] == "auto" && b["computed"] == "rtl"),
        "{blocks:?}"
    );
}

#[test]
fn hostile_text_is_shown_as_text_and_ltr_sits_beside_rtl() {
    let d = Dir::new();
    let hostile = "Breaking: <script>alert(1)</script> and <img src=x onerror=alert(2)> were found \
                   in the parliament building on Monday, the speaker of the house told reporters \
                   after a long session about the budget and the new taxes.";
    let mut feed = String::new();
    feed += &serde_json::json!({"id": "x1", "source": "one", "text": hostile}).to_string();
    feed += "\n";
    feed +=
        &serde_json::json!({"id": "x2", "source": "two", "text": format!("{hostile} More later.")})
            .to_string();
    feed += "\n";
    let mut paths: Vec<_> = std::fs::read_dir(seeds())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for (i, path) in paths.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        feed +=
            &serde_json::json!({"id": format!("ar{i}"), "source": format!("o{i}"), "text": text})
                .to_string();
        feed += "\n";
    }
    d.write("feed.jsonl", feed);
    d.run(&["analyze", "feed.jsonl", "--out", "out"]).ok();
    let page = std::fs::read_to_string(d.join("out/report.html")).unwrap();
    assert!(
        !page.contains("<script>alert(1)</script>"),
        "data is escaped in the page source"
    );
    let Some(v) = check(&d.join("out/report.html"), &["--hash", "cluster=x1"]) else {
        return;
    };
    let blocks = v["textBlocks"].as_array().unwrap();
    assert!(
        blocks.iter().any(|b| b["text"]
            .as_str()
            .unwrap()
            .contains("<script>alert(1)</script>")),
        "the markup is displayed as text: {blocks:?}"
    );
    assert!(blocks.iter().any(|b| b["computed"] == "ltr"));
    // The Arabic story (seeds 000 and 002) in the same report is right to left.
    let Some(v) = check(&d.join("out/report.html"), &["--hash", "story=ar0"]) else {
        return;
    };
    let marks = v["marks"].as_array().unwrap();
    assert!(
        !marks.is_empty() && marks.iter().all(|m| m["dir"] == "rtl"),
        "{marks:?}"
    );
}

#[test]
fn a_story_without_embedded_texts_shows_its_true_passage_count() {
    let d = Dir::new();
    let seeds = seeds();
    d.run(&[
        "analyze",
        seeds.to_str().unwrap(),
        "--out",
        "out",
        "--report-max-docs",
        "0",
    ])
    .ok();
    let passages = read_jsonl(&d.join("out/shared.jsonl")).len();
    assert_eq!(passages, 2);
    let Some(v) = check(
        &d.join("out/report.html"),
        &["--story", "000_a6270511e6b8fb87"],
    ) else {
        return;
    };
    let text = v["viewText"].as_str().unwrap_or_default();
    assert!(
        text.contains("Text not embedded") && text.contains("2 shared passages"),
        "{text}"
    );
    assert!(!text.contains("0 shared passages"), "{text}");
    // The side-by-side view does not claim there is no passage.
    let Some(v) = check(
        &d.join("out/report.html"),
        &[
            "--hash",
            "compare=000_a6270511e6b8fb87,002_8cef7475aeed4c23",
        ],
    ) else {
        return;
    };
    assert_eq!(v["view"], "compare", "{v}");
    let text = v["viewText"].as_str().unwrap_or_default();
    assert!(
        text.contains("Text not embedded") && !text.contains("No shared passage"),
        "{text}"
    );
}

#[test]
fn the_heatmap_stays_readable_with_300_outlets() {
    let d = Dir::new();
    // 300 outlets; outlet k reprints a paragraph of outlet k+1's article.
    let paragraph = |k: usize| {
        (0..40)
            .map(|w| format!("w{k}x{w}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut body = String::new();
    for k in 0..300 {
        let text = format!("{} . {} .", paragraph(k), paragraph(k + 1));
        body += &serde_json::json!({"id": format!("d{k}"), "source": format!("outlet {k:03}"), "text": text})
            .to_string();
        body.push('\n');
    }
    d.write("many.jsonl", body);
    d.run(&["analyze", "many.jsonl", "--out", "out"]).ok();
    let Some(v) = check(&d.join("out/report.html"), &[]) else {
        return;
    };
    let h = &v["heatmap"];
    assert!(h.is_object(), "{v}");
    // 30 outlets, not 300: it fits a screen and its cells can be read.
    assert!(h["width"].as_f64().unwrap() <= 1400.0, "{h}");
    let note = h["note"].as_str().unwrap();
    assert!(
        note.contains("30 outlets") && note.contains("270 others"),
        "{note}"
    );
}

#[test]
fn a_story_page_draws_its_timeline() {
    // One wire text run by three outlets over three days: one story.
    let wire = words(21, 120).join(" ");
    let record = |id: &str, outlet: &str, date: &str| {
        serde_json::json!({"id": id, "outlet": outlet, "date": date, "text": format!("{} {wire}", words(id.len() as u64 * 7 + 3, 10).join(" ")) })
            .to_string()
            + "\n"
    };
    let mut body = record("w1", "Alpha", "2021-05-01");
    body += &record("w22", "Beta", "2021-05-02");
    body += &record("w333", "Gamma", "2021-05-03");
    for i in 0..4 {
        body += &record(&format!("x{i}"), "Delta", "2021-05-09")
            .replace(&wire, &words(300 + i, 120).join(" "));
    }
    let d = Dir::new();
    d.write("w.jsonl", body);
    d.run(&["analyze", "w.jsonl", "--out", "out"]).ok();
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    assert_eq!(docs[0]["story"], docs[2]["story"], "{docs:?}");
    let Some(v) = check(&d.join("out/report.html"), &["--story", "w1"]) else {
        return;
    };
    let tl = &v["timeline"];
    assert_eq!(
        tl["rows"],
        serde_json::json!(["Alpha", "Beta", "Gamma"]),
        "{v}"
    );
    assert_eq!(tl["dots"], 3, "{v}");
    let axis = tl["axis"].as_str().unwrap_or_default();
    assert!(
        axis.contains("2021-05-01") && axis.contains("2021-05-03"),
        "{axis}"
    );
}
