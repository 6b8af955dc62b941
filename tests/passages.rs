//! Shared-passage quality on generated news corpora with planted reuse
//! (copied sentences and paragraphs with rewriting-desk edits, a wire story,
//! stock phrases, per-outlet boilerplate), scored character by character
//! against the planted truth. The bars are the acceptance bars.

use neardup_testkit::{NewsSpec, PassageQuality, Script, passage_quality, write_news_corpus};

use crate::util::*;

fn measure(script: Script) -> PassageQuality {
    let d = Dir::new();
    let spec = NewsSpec {
        docs: 3_000,
        seed: 1,
        script,
        ..NewsSpec::default()
    };
    let stats = write_news_corpus(&spec, &d.join("g")).unwrap();
    assert_eq!(stats.docs, 3_000);
    d.run(&[
        "analyze",
        "g/corpus.jsonl",
        "--out",
        "out",
        "--date-field",
        "date",
    ])
    .ok();
    passage_quality(&d.join("g"), &d.join("out")).unwrap()
}

fn check(script: Script) {
    let q = measure(script);
    let report = serde_json::to_string_pretty(&q).unwrap();
    assert_eq!(q.documents, 3_000, "{report}");
    assert!(q.relations >= 700 && q.paragraph_copies >= 300, "{report}");
    let bars = [
        ("character recall >= 0.95", q.recall >= 0.95),
        ("character precision >= 0.95", q.precision >= 0.95),
        ("paragraphs_as_one >= 0.95", q.paragraphs_as_one >= 0.95),
        ("wire_found == 1.0", q.wire_found == 1.0),
        ("stock_reported == 0", q.stock_reported == 0),
        ("boilerplate_reported == 0", q.boilerplate_reported == 0),
    ];
    let failed: Vec<&str> = bars.iter().filter(|b| !b.1).map(|b| b.0).collect();
    assert!(failed.is_empty(), "{script}: failed {failed:?}\n{report}");
}

#[test]
fn latin_passages_meet_the_bars() {
    check(Script::Latin);
}

#[test]
fn arabic_passages_meet_the_bars() {
    check(Script::Arabic);
}
