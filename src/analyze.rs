//! `neardup analyze`: the whole analysis of a corpus, written to a folder.
//!
//! Stages, in order ([`crate`] docs have the map of modules):
//!
//! 1. read and sign every record, keeping its words
//!    ([`crate::pipeline::read_sign_and_keep_words`]);
//! 2. near-duplicate clusters ([`crate::pipeline::find_duplicates`]);
//! 3. shared passages, with per-outlet boilerplate and stock phrases
//!    ([`crate::passages::find`]), within a share of `--memory-limit`;
//! 4. stories ([`crate::story::build`]);
//! 5. the text of passages and of the documents the report embeds
//!    ([`Snippets::collect`], a second read);
//! 6. the files: `documents.jsonl`, `pairs.jsonl`, `shared.jsonl`,
//!    `outlets.csv`, `boilerplate.jsonl`, `report.html`, `errors.jsonl` and
//!    `summary.json`, the last one last (formats in [`crate::report`]).
//!
//! What a folder of outputs guarantees:
//!
//! - analyze never reads its own output folder: inputs inside it are dropped
//!   (counted as ignored files), and if nothing else is left that is a usage
//!   error; no output may be an input ([`crate::report::paths`]);
//! - every file is written to its temporary file first ([`AtomicFile`]); only
//!   when all are written and on disk is the previous run's `summary.json`
//!   removed, the others renamed into place and `summary.json` renamed last.
//!   A run that fails before that (bad data, a full disk) leaves a previous
//!   complete run as it was; one killed during the renames leaves a folder
//!   without `summary.json`, which marks an interrupted run.
//!
//! The run is described by one [`Summary`], which `summary.json` and
//! `report.html` both serialize.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::blob::Blob;
use crate::cluster::{Duplicates, Pair};
use crate::config::Config;
use crate::document::{DocId, Row, Status};
use crate::error::{Error, Result};
use crate::input::Inputs;
use crate::passages::snippets::Snippets;
use crate::passages::{self, Passages, SharedPassage, TextKind, TokenStore};
use crate::pipeline::{Corpus, cluster, find_duplicates, read_sign_and_keep_words};
use crate::progress::{Progress, Unit};
use crate::report::html;
use crate::report::model::{self, embedded_rows};
use crate::report::outlets::{outlet_rows, write_outlets};
use crate::report::passages::{write_boilerplate, write_shared};
use crate::report::paths::{Output, outside_folder, refuse_clashes};
use crate::report::{
    AtomicFile, commit_all, json, round4, write_line, write_lines_par, write_notice,
};
use crate::run::{Counts, Parameters, StoryGuard, Summary};
use crate::signed::SignedDocs;
use crate::story::{self, Stories};
use crate::timings::Timings;

/// What the stages after reading found.
struct Found {
    dups: Duplicates,
    passages: Passages,
    stories: Stories,
    /// Per signature row ([`Row::index`]), whether `report.html` embeds its
    /// text.
    embed: Vec<bool>,
    snippets: Snippets,
}

/// The files analyze writes to its output folder; `summary.json` last.
pub const OUTPUT_FILES: [&str; 8] = [
    "documents.jsonl",
    "pairs.jsonl",
    "shared.jsonl",
    "outlets.csv",
    "boilerplate.jsonl",
    "report.html",
    "errors.jsonl",
    "summary.json",
];

/// Runs the analysis of `inputs` and writes its files to `out_dir`.
///
/// The configuration and the paths are checked here, once, before any input
/// is read; inputs inside `out_dir` are dropped (module docs).
pub fn analyze(
    config: &Config,
    inputs: Inputs,
    out_dir: &Path,
    progress: &dyn Progress,
) -> Result<Summary> {
    config.validate()?;
    let inputs = outside_folder(inputs, out_dir)?;
    let targets: Vec<PathBuf> = OUTPUT_FILES.iter().map(|f| out_dir.join(f)).collect();
    let outputs: Vec<Output<'_>> = targets.iter().map(|p| Output::File(p)).collect();
    refuse_clashes(&inputs, &outputs)?;
    fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
    let mut timings = Timings::default();
    let mut errors = AtomicFile::create(out_dir.join("errors.jsonl"))?;
    let mut corpus = timings.time("read + sign", || {
        read_sign_and_keep_words(config, inputs, progress, &mut |n| {
            write_notice(&mut errors, &n)
        })
    })?;
    let words = corpus.words.take().unwrap_or_else(TokenStore::empty);
    let found = find_all(&corpus, words, config, progress, &mut timings)?;
    let mut summary = summarize(&corpus, config, &found);

    let start = Instant::now();
    progress.begin("write", Some(corpus.docs.len() as u64), Unit::Items);
    let mut files = write_outputs(&corpus, &found, &summary, out_dir)?;
    files.push(errors);
    for f in &mut files {
        f.finish()?;
    }
    progress.end();
    timings.add("write", start.elapsed());

    summary.set_timings(&timings);
    let summary_path = out_dir.join("summary.json");
    let mut f = AtomicFile::create(&summary_path)?;
    let text = serde_json::to_vec_pretty(&summary).map_err(|e| Error::other(e.to_string()))?;
    f.write(&text)?;
    f.write(b"\n")?;
    f.finish()?;
    // Everything is written: replace the previous run, `summary.json` last.
    match fs::remove_file(&summary_path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(Error::io(&summary_path, e)),
        _ => {}
    }
    commit_all(files)?;
    f.commit()?;
    Ok(summary)
}

/// Stages 2 to 5: duplicates, passages, stories and the texts to show.
fn find_all(
    corpus: &Corpus,
    words: TokenStore,
    config: &Config,
    progress: &dyn Progress,
    timings: &mut Timings,
) -> Result<Found> {
    let signed = corpus.signed();
    let mut dups = find_duplicates(corpus, config, progress, timings)?;
    let budget = config.budget();
    let space = passages::Space::within(&budget);
    let mut passages = passages::find(
        &signed,
        words,
        &dups,
        config.normalize,
        &config.passages,
        &space,
        progress,
        timings,
    )?;
    let reuse = passages.reuse_pairs();
    timings.stage(progress, "duplicates revised", || {
        revise_duplicates(corpus, config, &mut dups, &passages, &reuse)
    });
    let stories = timings.stage(progress, "stories", || {
        let (evidence, lead_pairs) = passage_pairs(&passages);
        story::build(
            &signed,
            &dups,
            &evidence,
            &passages.aligned,
            &lead_pairs,
            doc_words(&passages),
            &config.stories,
        )
    });
    let embed = embedded_rows(&dups, &stories, config.report_max_docs);
    let snippets = timings.stage(progress, "passages: text", || {
        let budget = config.budget();
        let blob = Blob::new(budget.passage_words(), &budget.temp_dir(), "neardup-text-");
        Snippets::collect(
            corpus,
            signed.len(),
            &passages,
            config.passage_text,
            &|r| embed[r.index()],
            blob,
        )
    })?;
    let (text_bytes, spilled) = snippets.text_bytes();
    passages.stats.spilled_text_bytes = if spilled { text_bytes } else { 0 };
    Ok(Found {
        dups,
        passages,
        stories,
        embed,
        snippets,
    })
}

/// Revises the near-duplicate pairs with what the passages showed, then
/// rebuilds the clusters if they changed: pairs that are two issues of one
/// template ([`Passages::template_siblings`]) are dropped, and (unless
/// `--containment 0`) pairs whose non-template passages hold most of the
/// shorter document ([`passages::contained`]) are added, with the share of
/// the shorter document they cover as their `containment`.
fn revise_duplicates(
    corpus: &Corpus,
    config: &Config,
    dups: &mut Duplicates,
    passages: &Passages,
    reuse: &[(Row, Row)],
) {
    let before = dups.pairs.len();
    dups.pairs
        .retain(|p| !passages.are_template_siblings(p.a, p.b));
    let mut changed = dups.pairs.len() != before;
    if config.containment > 0.0 {
        let found = passages::contained::find(passages, reuse);
        let found = found
            .iter()
            .filter(|c| !passages.are_template_siblings(c.a, c.b));
        let added = dups.add_pairs(found.map(|c| Pair {
            a: c.a,
            b: c.b,
            jaccard: corpus.sigs.jaccard(c.a, c.b) as f32,
            containment: c.coverage,
            contained: true,
        }));
        changed |= added > 0;
    }
    if changed {
        dups.clusters = cluster(corpus, config, &dups.pairs);
    }
}

/// The run model, but for the timings of the last stage.
fn summarize(corpus: &Corpus, config: &Config, found: &Found) -> Summary {
    let (dups, stories, passages) = (&found.dups, &found.stories, &found.passages);
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
        contained_pairs: dups.pairs.iter().filter(|p| p.contained).count() as u64,
        refined_pairs: dups.refined,
        template_sibling_pairs: passages.template_siblings.len() as u64,
        story_pairs: stories.links.len() as u64,
        stories: stories.count as u64 + stats.empty,
        largest_story: stories.largest as u64,
        passages: passages.passages.len() as u64,
        boilerplate: passages.boilerplate.len() as u64,
    };
    Summary {
        tool: "neardup",
        version: env!("CARGO_PKG_VERSION"),
        counts,
        input: stats,
        passage_stage: passages.stats.clone(),
        story_guard: StoryGuard {
            dropped_by_size: stories.dropped_by_size,
            dropped_by_window: stories.dropped_by_window,
            dropped_by_density: stories.dropped_by_density,
            split_components: stories.split_components,
        },
        parameters: Parameters {
            config: config.clone(),
            bands: dups.lsh.bands,
            rows: dups.lsh.rows,
            threads: rayon::current_num_threads(),
        },
        timings: Vec::new(),
    }
}

/// Every file but `errors.jsonl` and `summary.json`, written but not
/// committed, in the order of [`OUTPUT_FILES`].
fn write_outputs(
    corpus: &Corpus,
    found: &Found,
    summary: &Summary,
    out_dir: &Path,
) -> Result<Vec<AtomicFile>> {
    let signed = corpus.signed();
    let Found {
        dups,
        passages,
        stories,
        embed,
        snippets,
    } = found;
    let mut files = vec![
        write_documents(corpus, dups, stories, out_dir)?,
        write_pairs(&signed, dups, stories, out_dir)?,
    ];
    let mut f = AtomicFile::create(out_dir.join("shared.jsonl"))?;
    write_shared(&signed, passages, snippets, &mut f)?;
    files.push(f);
    let rows = outlet_rows(&signed, dups, stories, passages, snippets);
    let mut f = AtomicFile::create(out_dir.join("outlets.csv"))?;
    write_outlets(&rows, &mut f)?;
    files.push(f);
    let mut f = AtomicFile::create(out_dir.join("boilerplate.jsonl"))?;
    write_boilerplate(&signed, passages, snippets, &mut f)?;
    files.push(f);
    let data = model::build(
        &signed,
        summary,
        &model::Found {
            dups,
            stories,
            passages,
            snippets,
            outlet_rows: &rows,
            embed,
        },
    )?;
    let mut f = AtomicFile::create(out_dir.join("report.html"))?;
    f.write(html::render(&html::escape_json_for_script(&data)).as_bytes())?;
    files.push(f);
    Ok(files)
}

/// Rows `a < b`, the words and the passages of reused text they share.
type PassagePair = (Row, Row, u32, u32);

/// Story evidence from the passages: the words and passages of reused text
/// (not quotes, not a template's) shared by each pair of signature [`Row`]s,
/// `(a, b, words, passages)`, and the pairs sharing reused or quoted text,
/// both sorted and both only for pairs with such a passage in the lead of
/// one of the two documents ([`Passages::in_lead`]): a follow-up that
/// re-uses another event's background further down is not that event.
/// Two issues of one template ([`Passages::template_siblings`]) give
/// neither.
fn passage_pairs(passages: &Passages) -> (Vec<PassagePair>, Vec<(Row, Row)>) {
    let shared = |p: &&SharedPassage| {
        p.text != TextKind::Template && !passages.are_template_siblings(p.a, p.b)
    };
    let mut lead: Vec<(Row, Row)> = passages
        .passages
        .iter()
        .filter(shared)
        .filter(|p| passages.in_lead(p))
        .map(|p| (p.a, p.b))
        .collect();
    lead.dedup();
    let has_lead = |a: Row, b: Row| lead.binary_search(&(a, b)).is_ok();
    let mut out: Vec<PassagePair> = Vec::new();
    for p in passages
        .passages
        .iter()
        .filter(|p| p.text == TextKind::Reuse && has_lead(p.a, p.b))
    {
        match out.last_mut() {
            Some(last) if last.0 == p.a && last.1 == p.b => {
                last.2 += p.words;
                last.3 += 1;
            }
            _ => out.push((p.a, p.b, p.words, 1)),
        }
    }
    (out, lead)
}

/// Words of every signed document, by signature [`Row`].
fn doc_words(passages: &Passages) -> &[u32] {
    &passages.doc_words
}

/// The first document of `d`'s story (`None` for a rejected record).
fn story_of(signed: &SignedDocs<'_>, stories: &Stories, d: DocId) -> Option<DocId> {
    match signed.docs.status(d) {
        Status::Ok => {
            let r = signed.docs.sig_row(d)?;
            Some(signed.doc(stories.first[r.index()]))
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
) -> Result<AtomicFile> {
    let docs = &corpus.docs;
    let signed = corpus.signed();
    let mut out = AtomicFile::create(out_dir.join("documents.jsonl"))?;
    let ids: Vec<DocId> = docs.doc_ids().collect();
    write_lines_par(&mut out, &ids, |_, &d| {
        let status = docs.status(d);
        let id = docs.id(d);
        let kept = dups.kept_of(&signed, d);
        let (cluster, duplicate_of, similarity, measure) = match (status, kept) {
            (Status::Ok, Some(k)) if k == d => (Some(id), None, Some(1.0), None),
            (Status::Ok, Some(k)) => {
                let (a, b) = (
                    docs.sig_row(d).unwrap_or(Row(0)),
                    docs.sig_row(k).unwrap_or(Row(0)),
                );
                let j = dups.similarity(&signed, a, b);
                let m = dups.measure(a, b);
                (Some(docs.id(k)), Some(docs.id(k)), Some(round4(j)), Some(m))
            }
            (Status::Empty, _) => (Some(id), None, None, None),
            _ => (None, None, None, None),
        };
        Ok(json::DocumentLine {
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
            measure,
            story: story_of(&signed, stories, d).map(|s| docs.id(s)),
        })
    })?;
    Ok(out)
}

/// Writes duplicate and story pairs, merged in `(a, b)` order.
fn write_pairs(
    signed: &SignedDocs<'_>,
    dups: &Duplicates,
    stories: &Stories,
    out_dir: &Path,
) -> Result<AtomicFile> {
    let mut out = AtomicFile::create(out_dir.join("pairs.jsonl"))?;
    let mut all: Vec<(Row, Row, f32, Option<f32>, &str)> = dups
        .pairs
        .iter()
        .map(|p| (p.a, p.b, p.jaccard, Some(p.containment), "duplicate"))
        .chain((stories.links.iter()).map(|l| (l.a, l.b, l.jaccard, None, "story")))
        .collect();
    all.sort_by_key(|x| (x.0, x.1));
    for (a, b, j, c, level) in all {
        let line = json::PairLine {
            a: signed.docs.id(signed.doc(a)),
            b: signed.docs.id(signed.doc(b)),
            level,
            jaccard: round4(f64::from(j)),
            containment: c.map(|c| round4(f64::from(c))),
        };
        write_line(&mut out, &line)?;
    }
    Ok(out)
}
