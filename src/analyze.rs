//! `neardup analyze`: the whole analysis of a corpus, written to a folder.
//!
//! Stages: read and sign, near-duplicates, shared passages (with per-outlet
//! boilerplate and stock phrases), stories, then one more read of the
//! documents with passages for their text. Files written (formats in
//! [`crate::report`], [`crate::report::passages`] and
//! [`crate::report::outlets`], [`crate::report::model`]): `documents.jsonl`,
//! `pairs.jsonl`, `shared.jsonl`, `outlets.csv`, `boilerplate.jsonl`,
//! `report.html`, `errors.jsonl` and `summary.json`, the last one last. A leftover `summary.json` of an earlier
//! run is removed first, so the folder never looks complete while this run is
//! writing.

use std::fs;
use std::path::Path;
use std::time::Instant;

use crate::config::Config;
use crate::document::{DocId, Status};
use crate::error::{Error, Result};
use crate::input::Inputs;
use crate::passages::{self, PassageStats, Passages};
use crate::pipeline::{Corpus, Duplicates, ReadStats, Timings, find_duplicates, read_and_sign};
use crate::progress::{Progress, Unit};
use crate::report::html;
use crate::report::model::{self, embedded_rows};
use crate::report::outlets::{outlet_rows, write_outlets};
use crate::report::passages::{Snippets, wanted_spans, write_boilerplate, write_shared};
use crate::report::{AtomicFile, json, round4, write_line, write_notice};
use crate::story::{self, Stories};

/// What `summary.json` holds.
#[derive(Debug, serde::Serialize)]
pub struct Summary {
    /// Always "neardup".
    pub tool: &'static str,
    /// Version of the tool.
    pub version: &'static str,
    /// The counts.
    pub counts: Counts,
    /// Details of the reading stage.
    pub input: ReadStats,
    /// Details of the passage stage.
    pub passage_stage: PassageStats,
    /// Story links dropped by the guards against chaining.
    pub story_guard: StoryGuard,
    /// Every parameter actually used.
    pub parameters: Parameters,
    /// Wall time per stage, in seconds, in order.
    pub timings: Vec<StageTime>,
}

/// How often the story guards acted.
#[derive(Debug, Default, serde::Serialize)]
pub struct StoryGuard {
    /// Links dropped because the story would have grown past `--max-story`.
    pub dropped_by_size: u64,
    /// Links dropped because the documents' dates are further apart than `--window`.
    pub dropped_by_window: u64,
    /// Links dropped because too few documents of the two stories are linked.
    pub dropped_by_density: u64,
}

/// Counts of `summary.json`.
#[derive(Debug, Default, serde::Serialize)]
pub struct Counts {
    /// Records read.
    pub read: u64,
    /// Records signed.
    pub ok: u64,
    /// Records with empty text.
    pub empty: u64,
    /// Records rejected.
    pub rejected: u64,
    /// Near-duplicate clusters among ok records (singletons included).
    pub clusters: u64,
    /// Ok records that are duplicates of a kept one.
    pub duplicates: u64,
    /// Size of the largest near-duplicate cluster.
    pub largest_cluster: u64,
    /// Candidate pairs from LSH.
    pub candidate_pairs: u64,
    /// Verified near-duplicate pairs.
    pub duplicate_pairs: u64,
    /// Candidate pairs decided on the finer signatures.
    pub refined_pairs: u64,
    /// Verified story pairs (not near-duplicates).
    pub story_pairs: u64,
    /// Stories (ok and empty records; a document alone is its own story).
    pub stories: u64,
    /// Size of the largest story.
    pub largest_story: u64,
    /// Shared passages.
    pub passages: u64,
    /// Boilerplate sentences found (all outlets).
    pub boilerplate: u64,
}

/// The parameters block of `summary.json`.
#[derive(Debug, serde::Serialize)]
pub struct Parameters {
    /// The configuration.
    #[serde(flatten)]
    pub config: Config,
    /// Bands actually used.
    pub bands: usize,
    /// Rows per band actually used.
    pub rows: usize,
    /// Worker threads.
    pub threads: usize,
}

/// One stage's wall time.
#[derive(Debug, serde::Serialize)]
pub struct StageTime {
    /// Stage name.
    pub stage: String,
    /// Seconds.
    pub seconds: f64,
}

/// Runs the analysis of `inputs` and writes its files to `out_dir`.
pub fn analyze(
    config: &Config,
    inputs: Inputs,
    out_dir: &Path,
    progress: &dyn Progress,
) -> Result<Summary> {
    config.validate()?;
    fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
    let summary_path = out_dir.join("summary.json");
    if summary_path.exists() {
        fs::remove_file(&summary_path).map_err(|e| Error::io(&summary_path, e))?;
    }
    let mut timings = Timings::default();
    let mut errors = AtomicFile::create(out_dir.join("errors.jsonl"))?;
    let start = Instant::now();
    let corpus = read_and_sign(config, inputs, true, progress, &mut |n| {
        write_notice(&mut errors, &n)
    })?;
    timings.add("read + sign", start.elapsed());
    let dups = find_duplicates(&corpus, config, progress, &mut timings)?;
    let passages = passages::find(
        &corpus,
        &dups,
        config,
        &config.passages,
        progress,
        &mut timings,
    )?;
    let stories = timings.time("stories", || {
        story::build(
            &corpus,
            &dups,
            &passage_pairs(&passages),
            &passages.aligned,
            &doc_words(&passages),
            &config.stories,
        )
    });
    let embed = embedded_rows(&dups, &stories, config.report_max_docs);
    let snippets = timings.time("passages: text", || {
        Snippets::collect(&corpus, config, wanted_spans(&passages), &|r| {
            embed[r as usize]
        })
    })?;

    let stats = corpus.stats.clone();
    let counts = Counts {
        read: stats.read,
        ok: stats.ok,
        empty: stats.empty,
        rejected: stats.rejected,
        clusters: dups.clusters.count as u64,
        duplicates: stats.ok - dups.clusters.count as u64,
        largest_cluster: dups.clusters.largest as u64,
        candidate_pairs: dups.candidates,
        duplicate_pairs: dups.pairs.len() as u64,
        refined_pairs: dups.refined,
        story_pairs: stories.links.len() as u64,
        stories: stories.count as u64 + stats.empty,
        largest_story: stories.largest as u64,
        passages: passages.passages.len() as u64,
        boilerplate: passages.boilerplate.len() as u64,
    };

    let start = Instant::now();
    progress.begin("write", Some(corpus.docs.len() as u64), Unit::Items);
    write_documents(&corpus, &dups, &stories, out_dir)?;
    write_pairs(&corpus, &dups, &stories, out_dir)?;
    let mut f = AtomicFile::create(out_dir.join("shared.jsonl"))?;
    write_shared(&corpus, &passages, &snippets, &mut f)?;
    f.commit()?;
    let rows = outlet_rows(&corpus, &dups, &stories, &passages, &snippets);
    let mut f = AtomicFile::create(out_dir.join("outlets.csv"))?;
    write_outlets(&rows, &mut f)?;
    f.commit()?;
    let mut f = AtomicFile::create(out_dir.join("boilerplate.jsonl"))?;
    write_boilerplate(&corpus, &passages, &snippets, &mut f)?;
    f.commit()?;
    let data = model::build(
        &corpus,
        config,
        &serde_json::to_value(&counts).map_err(|e| Error::other(e.to_string()))?,
        &dups,
        &stories,
        &passages,
        &snippets,
        &rows,
        &embed,
        config.report_max_docs,
    );
    let mut f = AtomicFile::create(out_dir.join("report.html"))?;
    f.write(html::render(&html::escape_json_for_script(&data)).as_bytes())?;
    f.commit()?;
    errors.commit()?;
    progress.end();
    timings.add("write", start.elapsed());

    let lsh = dups.lsh;
    let summary = Summary {
        tool: "neardup",
        version: env!("CARGO_PKG_VERSION"),
        counts,
        input: stats,
        passage_stage: passages.stats.clone(),
        story_guard: StoryGuard {
            dropped_by_size: stories.dropped_by_size,
            dropped_by_window: stories.dropped_by_window,
            dropped_by_density: stories.dropped_by_density,
        },
        parameters: Parameters {
            config: config.clone(),
            bands: lsh.bands,
            rows: lsh.rows,
            threads: rayon::current_num_threads(),
        },
        timings: timings
            .0
            .iter()
            .map(|(stage, d)| StageTime {
                stage: stage.clone(),
                seconds: (d.as_secs_f64() * 1000.0).round() / 1000.0,
            })
            .collect(),
    };
    let mut f = AtomicFile::create(&summary_path)?;
    let text = serde_json::to_vec_pretty(&summary).map_err(|e| Error::other(e.to_string()))?;
    f.write(&text)?;
    f.write(b"\n")?;
    f.commit()?;
    Ok(summary)
}

/// Passage words and passages shared by each pair of rows:
/// `(a, b, words, passages)`, sorted.
fn passage_pairs(passages: &Passages) -> Vec<(u32, u32, u32, u32)> {
    let mut out: Vec<(u32, u32, u32, u32)> = Vec::new();
    for p in &passages.passages {
        match out.last_mut() {
            Some(last) if last.0 == p.a && last.1 == p.b => {
                last.2 += p.words;
                last.3 += 1;
            }
            _ => out.push((p.a, p.b, p.words, 1)),
        }
    }
    out
}

/// Words of every signed document.
fn doc_words(passages: &Passages) -> Vec<u32> {
    (0..passages.words.docs() as u32)
        .map(|r| passages.words.words_of(r).len() as u32)
        .collect()
}

/// The first document of `d`'s story (`None` for a rejected record).
fn story_of(corpus: &Corpus, stories: &Stories, d: DocId) -> Option<DocId> {
    match corpus.docs.status(d) {
        Status::Ok => {
            let r = corpus.docs.sig_row(d)?;
            Some(corpus.doc_of_row(stories.first[r as usize]))
        }
        Status::Empty => Some(d),
        Status::Rejected => None,
    }
}

fn write_documents(
    corpus: &Corpus,
    dups: &Duplicates,
    stories: &Stories,
    out_dir: &Path,
) -> Result<()> {
    let docs = &corpus.docs;
    let mut out = AtomicFile::create(out_dir.join("documents.jsonl"))?;
    for d in docs.doc_ids() {
        let status = docs.status(d);
        let id = docs.id(d);
        let kept = dups.kept_of(corpus, d);
        let (cluster, duplicate_of, similarity) = match (status, kept) {
            (Status::Ok, Some(k)) if k == d => (Some(id), None, Some(1.0)),
            (Status::Ok, Some(k)) => {
                let j = corpus
                    .sigs
                    .jaccard(docs.sig_row(d).unwrap_or(0), docs.sig_row(k).unwrap_or(0));
                (Some(docs.id(k)), Some(docs.id(k)), Some(round4(j)))
            }
            (Status::Empty, _) => (Some(id), None, None),
            _ => (None, None, None),
        };
        let line = json::DocumentLine {
            id,
            outlet: docs.outlet(d),
            location: json::Location {
                file: &corpus.sources[docs.source(d) as usize].name,
                line: docs.line(d),
            },
            status: status.as_str(),
            cluster,
            duplicate_of,
            similarity,
            story: story_of(corpus, stories, d).map(|s| docs.id(s)),
        };
        write_line(&mut out, &line)?;
    }
    out.commit()
}

/// Writes duplicate and story pairs, merged in `(a, b)` order.
fn write_pairs(
    corpus: &Corpus,
    dups: &Duplicates,
    stories: &Stories,
    out_dir: &Path,
) -> Result<()> {
    let mut out = AtomicFile::create(out_dir.join("pairs.jsonl"))?;
    let mut all: Vec<(u32, u32, f32, &str)> = dups
        .pairs
        .iter()
        .map(|p| (p.a, p.b, p.jaccard, "duplicate"))
        .chain(stories.links.iter().map(|l| (l.a, l.b, l.jaccard, "story")))
        .collect();
    all.sort_by_key(|x| (x.0, x.1));
    for (a, b, j, level) in all {
        let line = json::PairLine {
            a: corpus.docs.id(corpus.doc_of_row(a)),
            b: corpus.docs.id(corpus.doc_of_row(b)),
            level,
            jaccard: round4(f64::from(j)),
        };
        write_line(&mut out, &line)?;
    }
    out.commit()
}
