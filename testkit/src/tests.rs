//! Tests of the generator (small corpora: they run in debug builds).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::approx::{Tracker, plain_text};
use super::dedup::Generator;
use super::rng::Rng;
use super::text::{Tok, body, render, topic};
use super::*;
use neardup::shingle::{jaccard, shingle_set};

/// Two sentences of a real Arabic news article (seeds/004).
const ARABIC_SAMPLE: &str = "موسكو 19 سبتمبر 2023 (شينخوا) قال وانغ يي، عضو المكتب السياسي للجنة المركزية للحزب الشيوعي الصيني ومدير مكتب لجنة الشؤون الخارجية للجنة المركزية للحزب الشيوعي الصيني، اليوم (الثلاثاء) إن الصين وروسيا ستعملان بشكل وثيق بشأن التعاون الأمني الاستراتيجي وستدافعان عن التعددية الحقيقية وستعززان تطوير نظام الحوكمة العالمية في اتجاه أكثر نزاهة وعقلانية.

شارك وانغ يي مع نيكولاي باتروشيف، سكرتير مجلس الأمن للاتحاد الروسي، اليوم (الثلاثاء) في رئاسة الجولة الـ18 من المشاورات الأمنية الاستراتيجية بين الصين وروسيا. وتبادل الجانبان وجهات النظر المتعمقة بشأن مجموعة واسعة من المسائل المتصلة بتعميق التعاون الاستراتيجي بين البلدين، وعززا التنسيق والثقة المتبادلة.";

fn spec(docs: usize, seed: u64) -> DedupSpec {
    DedupSpec {
        docs,
        seed,
        ..DedupSpec::default()
    }
}

/// The reference Jaccard: the crate's own shingle sets and formula.
fn reference_jaccard(a: &str, b: &str, k: usize) -> f64 {
    let n = Normalizer::new(NormalizeOptions::all());
    let sa = shingle_set(&n.normalize(a), k, SHINGLE_SEED);
    let sb = shingle_set(&n.normalize(b), k, SHINGLE_SEED);
    jaccard(&sa, &sb)
}

/// A 2,000-document corpus, generated once for several tests.
fn corpus() -> &'static [GenItem] {
    static CORPUS: OnceLock<Vec<GenItem>> = OnceLock::new();
    CORPUS.get_or_init(|| dedup_corpus(&spec(2_000, 7)).unwrap().collect())
}

fn script_of(text: &str) -> Script {
    let count = |f: fn(char) -> bool| text.chars().filter(|&c| f(c)).count();
    let counts = [
        (count(|c| c.is_ascii_alphabetic()), Script::Latin),
        (
            count(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
            Script::Arabic,
        ),
        (
            count(|c| ('\u{0400}'..='\u{04FF}').contains(&c)),
            Script::Cyrillic,
        ),
        (
            count(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)),
            Script::Cjk,
        ),
    ];
    counts.iter().max_by_key(|(n, _)| *n).unwrap().1
}

fn read(dir: &std::path::Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap()
}

#[test]
fn same_spec_same_bytes_other_seed_other_bytes() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let a = write_dedup_corpus(&spec(300, 1), dirs[0].path()).unwrap();
    let b = write_dedup_corpus(&spec(300, 1), dirs[1].path()).unwrap();
    write_dedup_corpus(&spec(300, 2), dirs[2].path()).unwrap();
    assert_eq!(a, b);
    for name in ["corpus.jsonl", "truth.jsonl", "planted.jsonl"] {
        assert_eq!(
            read(dirs[0].path(), name),
            read(dirs[1].path(), name),
            "{name}"
        );
    }
    assert_ne!(
        read(dirs[0].path(), "corpus.jsonl"),
        read(dirs[2].path(), "corpus.jsonl")
    );
    assert_eq!(
        a.corpus_bytes,
        read(dirs[0].path(), "corpus.jsonl").len() as u64
    );
}

#[test]
fn thread_count_does_not_matter() {
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| dedup_corpus(&spec(400, 3)).unwrap().collect::<Vec<_>>())
    };
    assert_eq!(run(1), run(3));
}

#[test]
fn counts_add_up_and_planted_pairs_are_exact() {
    let items = corpus();
    let spec = spec(2_000, 7);
    assert_eq!(items.len(), spec.docs);
    let mut pos = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        assert_eq!(item.doc.id, format!("d{i:07}"));
        assert!(
            pos.insert(item.doc.id.as_str(), i).is_none(),
            "ids are unique"
        );
    }
    let mut copies = 0;
    let mut originals = HashSet::new();
    for item in items {
        let d = &item.doc;
        assert!(pos.contains_key(item.cluster.as_str()));
        let Some(p) = &item.planted else {
            assert_eq!(
                item.cluster, d.id,
                "originals and singletons are their own cluster"
            );
            continue;
        };
        copies += 1;
        originals.insert(p.a.as_str());
        assert_eq!(p.b, d.id);
        let a = &items[pos[p.a.as_str()]];
        assert!(a.planted.is_none(), "copies are made of originals");
        assert_eq!(
            p.jaccard,
            reference_jaccard(&a.doc.text, &d.text, spec.shingle)
        );
        assert_eq!(p.jaccard, exact_jaccard(&a.doc.text, &d.text, spec.shingle));
        let expected = if p.jaccard >= spec.threshold {
            &p.a
        } else {
            &p.b
        };
        assert_eq!(&item.cluster, expected);
        assert!(!p.edits.is_empty());
        assert!(
            (pos[p.a.as_str()] as i64 - pos[p.b.as_str()] as i64).abs() > 1,
            "not adjacent"
        );
        assert_eq!(d.title, a.doc.title);
        assert_ne!(d.outlet, a.doc.outlet);
        assert!(d.date >= a.doc.date);
    }
    let share = copies as f64 / items.len() as f64;
    assert!(
        (share - spec.dup_fraction).abs() < 0.01,
        "copy share {share}"
    );
    // Truth: every document once, clusters as described.
    let clusters: HashSet<&str> = items.iter().map(|i| i.cluster.as_str()).collect();
    assert!(clusters.len() < items.len() && clusters.len() > items.len() - copies);
    // Members of a family are never next to each other.
    let family = |i: &GenItem| i.planted.as_ref().map_or(i.doc.id.clone(), |p| p.a.clone());
    for w in items.windows(2) {
        assert_ne!(family(&w[0]), family(&w[1]));
    }
    assert!(originals.len() > 100);
}

#[test]
fn files_match_the_iterator() {
    let dir = tempfile::tempdir().unwrap();
    let spec = spec(250, 11);
    let stats = write_dedup_corpus(&spec, dir.path()).unwrap();
    let items: Vec<GenItem> = dedup_corpus(&spec).unwrap().collect();
    let lines = |name| String::from_utf8(read(dir.path(), name)).unwrap();
    let corpus = lines("corpus.jsonl");
    let truth = lines("truth.jsonl");
    let planted = lines("planted.jsonl");
    assert_eq!(corpus.lines().count(), 250);
    assert_eq!(truth.lines().count(), 250);
    for ((c, t), item) in corpus.lines().zip(truth.lines()).zip(&items) {
        let c: serde_json::Value = serde_json::from_str(c).unwrap();
        assert_eq!(c["id"], item.doc.id.as_str());
        assert_eq!(c["source"], item.doc.outlet.as_str());
        assert_eq!(c["date"], item.doc.date.as_str());
        assert_eq!(c["title"], item.doc.title.as_str());
        assert_eq!(c["text"], item.doc.text.as_str());
        let t: serde_json::Value = serde_json::from_str(t).unwrap();
        assert_eq!(t["id"], item.doc.id.as_str());
        assert_eq!(t["cluster"], item.cluster.as_str());
    }
    let pairs: Vec<serde_json::Value> = planted
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let from_items: Vec<&Planted> = items.iter().filter_map(|i| i.planted.as_ref()).collect();
    assert_eq!(pairs.len(), from_items.len());
    for (p, q) in pairs.iter().zip(&from_items) {
        assert_eq!(p["a"], q.a.as_str());
        assert_eq!(p["b"], q.b.as_str());
        // serde_json parses floats to within one ulp (no `float_roundtrip`).
        assert!((p["jaccard"].as_f64().unwrap() - q.jaccard).abs() < 1e-12);
        assert_eq!(p["edits"].as_array().unwrap().len(), q.edits.len());
    }
    assert_eq!(stats.docs, 250);
    assert_eq!(stats.copies, from_items.len() as u64);
    assert_eq!(
        stats.docs,
        stats.originals + stats.copies + stats.singletons
    );
    let originals: HashSet<&str> = from_items.iter().map(|p| p.a.as_str()).collect();
    assert_eq!(stats.originals, originals.len() as u64);
    let clustered = items
        .iter()
        .filter(|i| i.planted.is_some() && i.cluster != i.doc.id)
        .count();
    assert_eq!(stats.clustered_copies, clustered as u64);
    assert_eq!(stats.clusters, stats.docs - stats.clustered_copies);
}

#[test]
fn windows_hold_whole_families() {
    let spec = spec(700, 5);
    let mut g = Generator::with_window(&spec, 150);
    let mut items = vec![];
    while let Some(chunk) = g.next_chunk() {
        assert!(chunk.len() <= 150);
        let ids: HashSet<String> = chunk.iter().map(|i| i.doc.id.clone()).collect();
        for p in chunk.iter().filter_map(|i| i.planted.as_ref()) {
            assert!(ids.contains(&p.a), "original in the same window");
        }
        items.extend(chunk);
    }
    assert_eq!(items.len(), 700);
    for (i, item) in items.iter().enumerate() {
        assert_eq!(item.doc.id, format!("d{i:07}"));
    }
    let copies = items.iter().filter(|i| i.planted.is_some()).count();
    assert!((copies as f64 / 700.0 - 0.3).abs() < 0.02);
}

#[test]
fn planted_jaccard_covers_the_range() {
    let js: Vec<f64> = corpus()
        .iter()
        .filter_map(|i| i.planted.as_ref().map(|p| p.jaccard))
        .collect();
    let n = js.len() as f64;
    for b in 3..10 {
        let (lo, hi) = (b as f64 / 10.0, (b + 1) as f64 / 10.0);
        let share = js
            .iter()
            .filter(|&&j| j >= lo && (j < hi || b == 9))
            .count() as f64
            / n;
        assert!(share >= 0.05, "bucket [{lo}, {hi}): {share}");
    }
    assert!(js.iter().all(|&j| j > 0.2 && j <= 1.0));
    let below = js.iter().filter(|&&j| j < 0.3).count() as f64 / n;
    assert!(below < 0.02, "{below}");
}

#[test]
fn unrelated_documents_share_little() {
    let items = corpus();
    let singles: Vec<&GenDoc> = items
        .iter()
        .filter(|i| i.planted.is_none() && i.cluster == i.doc.id)
        .map(|i| &i.doc)
        .collect();
    let normalizer = Normalizer::new(NormalizeOptions::all());
    let mut by_script: HashMap<Script, Vec<HashSet<u64>>> = HashMap::new();
    for d in singles.iter().take(600) {
        let set = shingle_set(&normalizer.normalize(&d.text), 5, SHINGLE_SEED);
        by_script.entry(script_of(&d.text)).or_default().push(set);
    }
    let mut rng = Rng::new(1);
    let (mut pairs, mut high, mut max) = (0, 0, 0.0f64);
    for sets in by_script.values() {
        for _ in 0..200 {
            let (a, b) = (rng.below(sets.len()), rng.below(sets.len()));
            if a == b {
                continue;
            }
            let j = jaccard(&sets[a], &sets[b]);
            pairs += 1;
            high += usize::from(j >= 0.2);
            max = max.max(j);
        }
    }
    assert!(pairs > 500);
    assert!(
        high * 100 <= pairs,
        "{high} of {pairs} pairs at 0.2 or more (max {max})"
    );
}

#[test]
fn every_script_writes_its_own_text() {
    for script in Script::ALL {
        let spec = DedupSpec {
            docs: 60,
            seed: 2,
            scripts: vec![script],
            ..DedupSpec::default()
        };
        let items: Vec<GenItem> = dedup_corpus(&spec).unwrap().collect();
        for item in &items {
            let text = &item.doc.text;
            let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
            let own = letters
                .iter()
                .filter(|&&c| script_of(&c.to_string()) == script)
                .count();
            assert!(
                own * 10 >= letters.len() * 9,
                "{script}: {own} of {} letters",
                letters.len()
            );
            assert_eq!(script_of(&item.doc.title), script);
            let words = if script == Script::Cjk {
                text.chars()
                    .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
                    .count()
                    / 2
            } else {
                text.split_whitespace().count()
            };
            assert!((35..=3_200).contains(&words), "{script}: {words} words");
        }
        let mean = items.iter().map(|i| i.doc.text.len()).sum::<usize>() / items.len();
        assert!(
            (1_200..=3_600).contains(&mean),
            "{script}: mean {mean} bytes"
        );
    }
    // Sentences: CJK without spaces, ending with 。; Arabic with its comma.
    let mut rng = Rng::new(9);
    let t = topic(Script::Cjk, &mut rng);
    let mut text = String::new();
    render(
        Script::Cjk,
        &body(Script::Cjk, &t, &mut rng, 2_000),
        &mut text,
    );
    assert!(!text.contains(' '));
    for para in text.split("\n\n") {
        assert!(
            para.ends_with('。') || para.ends_with('？') || para.ends_with('”'),
            "{para}"
        );
    }
    let t = topic(Script::Arabic, &mut rng);
    text.clear();
    render(
        Script::Arabic,
        &body(Script::Arabic, &t, &mut rng, 3_000),
        &mut text,
    );
    assert!(text.contains('،') && !text.contains(','));
    let t = topic(Script::Latin, &mut rng);
    text.clear();
    let toks = body(Script::Latin, &t, &mut rng, 3_000);
    render(Script::Latin, &toks, &mut text);
    let sentences = toks
        .iter()
        .filter(|t| t.flags & super::text::END != 0)
        .count();
    let paragraphs = text.split("\n\n").count();
    assert!(sentences >= 2 * paragraphs && sentences <= 6 * paragraphs);
    assert!(text.starts_with(|c: char| c.is_ascii_uppercase() || c == '“' || c.is_ascii_digit()));
}

#[test]
fn alter_arabic_keeps_normalized_text_close() {
    let altered = alter_arabic(ARABIC_SAMPLE, 42, 5);
    assert_eq!(altered, alter_arabic(ARABIC_SAMPLE, 42, 5));
    assert_ne!(altered, alter_arabic(ARABIC_SAMPLE, 43, 5));
    let j = reference_jaccard(ARABIC_SAMPLE, &altered, 5);
    assert!(j > 0.6, "normalized Jaccard {j}");
    // The raw texts differ a lot: diacritics, Arabic-Indic digits, another
    // header and footer.
    let raw = |s: &str| shingle_set(s, 5, 0);
    let raw_j = jaccard(&raw(ARABIC_SAMPLE), &raw(&altered));
    assert!(raw_j < 0.5, "raw Jaccard {raw_j}");
    assert!(
        altered
            .chars()
            .any(|c| ('\u{064B}'..='\u{0652}').contains(&c))
    );
    assert!(altered.contains('١') && altered.contains('٢') && !altered.contains("2023"));
    assert!(altered.len() > ARABIC_SAMPLE.len() + 40);
    let first = altered.split("\n\n").next().unwrap();
    assert!(!ARABIC_SAMPLE.contains(first.trim_end_matches(':')));
    // No words changed: only normalization edits and boilerplate.
    let j0 = reference_jaccard(ARABIC_SAMPLE, &alter_arabic(ARABIC_SAMPLE, 42, 0), 5);
    assert!(j0 > j, "{j0} vs {j}");
    // Works on any text, even without Arabic.
    assert!(!alter_arabic("plain ASCII, 12 words.", 1, 3).is_empty());
}

#[test]
fn tracker_follows_edits_exactly() {
    use super::edit::{can_delete, delete, insert, substitute};
    for script in Script::ALL {
        let mut rng = Rng::new(4);
        let t = topic(script, &mut rng);
        let toks: Vec<Tok> = body(script, &t, &mut rng, 1_500);
        let mut buf = String::new();
        plain_text(script, &toks, None, None, &mut buf);
        let mut tracker = Tracker::new(script, 5, &buf);
        let mut copy = toks.clone();
        let start = tracker.rebuild(&copy, None, None);
        assert_eq!(start, 1.0);
        for step in 0..300 {
            let n = copy.len();
            let i = rng.below(n);
            let lo = i.saturating_sub(1);
            match step % 3 {
                0 => {
                    tracker.uncount(&copy, lo, (i + 2).min(n));
                    substitute(script, &mut copy, i, &mut rng);
                    tracker.count(&copy, lo, (i + 2).min(n));
                }
                1 => {
                    tracker.uncount(&copy, lo, (i + 2).min(n));
                    insert(script, &mut copy, i, &mut rng);
                    tracker.count(&copy, lo, (i + 3).min(n + 1));
                }
                _ if can_delete(&copy, i) => {
                    tracker.uncount(&copy, lo, (i + 2).min(n));
                    delete(&mut copy, i);
                    tracker.count(&copy, lo, (i + 1).min(n - 1));
                }
                _ => {}
            }
            if step % 50 == 49 {
                let incremental = tracker.jaccard();
                let mut fresh = Tracker::new(script, 5, &buf);
                assert_eq!(
                    incremental,
                    fresh.rebuild(&copy, None, None),
                    "{script} step {step}"
                );
            }
        }
        assert!(tracker.jaccard() < 0.9);
    }
}

#[test]
fn exact_jaccard_matches_the_crate() {
    let items = corpus();
    let mut rng = Rng::new(3);
    for _ in 0..20 {
        let (a, b) = (
            &items[rng.below(items.len())].doc.text,
            &items[rng.below(items.len())].doc.text,
        );
        assert_eq!(exact_jaccard(a, b, 5), reference_jaccard(a, b, 5));
        assert_eq!(exact_jaccard(a, b, 3), reference_jaccard(a, b, 3));
    }
    assert_eq!(exact_jaccard("", "", 5), 1.0);
    assert_eq!(exact_jaccard("abc", "", 5), 0.0);
}

#[test]
fn specs_and_scripts_parse_and_validate() {
    assert_eq!(
        Script::parse_list("latin, ARABIC").unwrap(),
        vec![Script::Latin, Script::Arabic]
    );
    assert_eq!(Script::parse_list("all").unwrap(), Script::ALL.to_vec());
    assert!(Script::parse_list("klingon").is_err());
    assert!(Script::parse_list("").is_err());
    for s in Script::ALL {
        assert_eq!(s.name().parse::<Script>().unwrap(), s);
        assert_eq!(s.to_string(), s.name());
    }
    assert!(DedupSpec::default().validate().is_ok());
    for bad in [
        DedupSpec {
            dup_fraction: 0.9,
            ..DedupSpec::default()
        },
        DedupSpec {
            scripts: vec![],
            ..DedupSpec::default()
        },
        DedupSpec {
            shingle: 0,
            ..DedupSpec::default()
        },
        DedupSpec {
            threshold: 1.5,
            ..DedupSpec::default()
        },
    ] {
        assert!(bad.validate().is_err());
        assert!(dedup_corpus(&bad).is_err());
    }
    assert_eq!(dedup_corpus(&spec(0, 1)).unwrap().count(), 0);
    let one: Vec<GenItem> = dedup_corpus(&spec(1, 1)).unwrap().collect();
    assert_eq!(one.len(), 1);
    let none = DedupSpec {
        docs: 50,
        dup_fraction: 0.0,
        ..DedupSpec::default()
    };
    assert!(dedup_corpus(&none).unwrap().all(|i| i.planted.is_none()));
}
