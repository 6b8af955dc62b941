//! The stages of a run, from inputs to near-duplicate clusters.
//!
//! - [`read_and_sign`] streams every record once: parse, normalize, shingle
//!   and sign in parallel (rayon, per block of records), then append to the
//!   [`DocTable`] and the [`Signatures`] in input order. The text of a record
//!   is dropped as soon as its signature is made.
//! - [`find_duplicates`] bands the signatures, verifies candidates and builds
//!   clusters.
//! - [`Corpus::rescan`] reads the same records again for stages that need
//!   their text or raw bytes (writing kept records, passages).
//!
//! Every record of the input ends up as exactly one row of the table, with
//! status ok, empty or rejected, so nothing is lost silently.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::cluster::{Clusters, Keep, Pair, verify, verify_with_margin};
use crate::config::{Config, OnError};
use crate::document::{DocId, DocTable, NewDoc, Status};
use crate::error::{Error, Result};
use crate::input::{
    Block, Inputs, Item, ItemKind, ScanOptions, Scanner, Source, StdinMode, parse_date,
    parse_json_line, text_file_content,
};
use crate::lsh::{LshParams, candidate_pairs, candidate_pairs_spilled};
use crate::minhash::{MinHasher, Scratch, Signatures, estimate_fine};
use crate::normalize::Normalizer;
use crate::progress::{Progress, Unit};

/// Something the reader tells the caller about a record it did not take as is.
#[derive(Debug)]
pub enum Notice<'a> {
    /// A bad record, skipped under `--on-error skip`.
    Rejected {
        /// Source name.
        file: &'a str,
        /// Line, for JSONL records.
        line: Option<u64>,
        /// What is wrong.
        reason: &'a str,
        /// The offending bytes, when they were loaded.
        raw: Option<&'a [u8]>,
    },
    /// A duplicate id, kept under a new name under `--on-error skip`.
    Renamed {
        /// Source name.
        file: &'a str,
        /// Line, for JSONL records.
        line: Option<u64>,
        /// The id as given.
        id: &'a str,
        /// The id it was given instead.
        new_id: &'a str,
    },
}

/// Counts of the reading stage.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ReadStats {
    /// Records read (= ok + empty + rejected).
    pub read: u64,
    /// Records signed.
    pub ok: u64,
    /// Records whose text is empty after normalization.
    pub empty: u64,
    /// Records rejected as bad input.
    pub rejected: u64,
    /// Duplicate ids kept under a new name.
    pub renamed_ids: u64,
    /// Records whose date field could not be parsed (the date is ignored).
    pub unparsed_dates: u64,
    /// Files in the given folders skipped for their type.
    pub ignored_files: u64,
    /// Bytes of text of the ok and empty records.
    pub text_bytes: u64,
    /// Bytes read from disk (compressed size for compressed inputs).
    pub input_bytes: u64,
    /// Whether the signatures outgrew half of `--memory-limit` and were moved
    /// to a temporary file.
    pub signatures_on_disk: bool,
    /// Whether the finer signatures outgrew an eighth of `--memory-limit`
    /// while reading, so that refinement read its documents again.
    pub fine_reread: bool,
}

/// Wall time of each stage, in order.
#[derive(Clone, Debug, Default)]
pub struct Timings(pub Vec<(String, Duration)>);

impl Timings {
    /// Records that `stage` took `d`.
    pub fn add(&mut self, stage: &str, d: Duration) {
        self.0.push((stage.to_string(), d));
    }

    /// Runs `f` and records its wall time under `stage`.
    pub fn time<T>(&mut self, stage: &str, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        self.add(stage, t.elapsed());
        out
    }
}

/// Everything read from the inputs: one table row per record, one signature
/// row per ok record.
#[derive(Debug)]
pub struct Corpus {
    /// The sources, in reading order.
    pub sources: Arc<[Source]>,
    /// One row per input record.
    pub docs: DocTable,
    /// One row per ok record.
    pub sigs: Signatures,
    /// For each signature row, its document.
    pub row_docs: Vec<DocId>,
    /// Counts.
    pub stats: ReadStats,
    /// Finer signatures made in the first read ([`Config::refine`] bytes per
    /// signature row), while they fit an eighth of the memory budget;
    /// `None` when refinement is off or they outgrew it (refinement then
    /// reads the documents it needs again).
    fine: Option<Vec<u8>>,
    /// Copy of standard input, for rescans.
    spool: Option<tempfile::TempPath>,
    scan: ScanOptions,
}

impl Corpus {
    /// Reads every source again, in the same order, with the same blocks'
    /// items; standard input is replayed from its spool.
    pub fn rescan(&self) -> Result<Scanner> {
        let mut scan = self.scan.clone();
        if self
            .sources
            .iter()
            .any(|s| s.path.is_none() && s.error.is_none())
        {
            match &self.spool {
                Some(p) => scan.stdin = StdinMode::Replay(p.to_path_buf()),
                None => {
                    return Err(Error::other(
                        "standard input was not spooled, so it cannot be read twice",
                    ));
                }
            }
        }
        Ok(Scanner::start(Arc::clone(&self.sources), scan))
    }

    /// Reads every record again, in input order, and calls `f` with each block
    /// and the id of its first record (the block's items are that record and
    /// the following ones). Fails if the input no longer holds the records of
    /// the first pass.
    pub fn rescan_blocks(&self, mut f: impl FnMut(&Block, DocId) -> Result<()>) -> Result<()> {
        let docs = &self.docs;
        let mut next = 0usize;
        for block in self.rescan()? {
            let first = next;
            for item in &block.items {
                let d = DocId(next as u32);
                if next >= docs.len()
                    || docs.source(d) != item.source
                    || docs.line(d) != item.line
                    || docs.offset(d) != item.offset
                {
                    return Err(self.changed(next));
                }
                next += 1;
            }
            f(&block, DocId(first as u32))?;
        }
        if next != docs.len() {
            return Err(self.changed(next));
        }
        Ok(())
    }

    fn changed(&self, next: usize) -> Error {
        let at = if next < self.docs.len() {
            self.location(DocId(next as u32))
        } else {
            "input".to_string()
        };
        Error::other(format!(
            "{at}: the input changed while it was being read (the records differ from the first pass)"
        ))
    }

    /// Reads the texts of the selected ok records again and maps them in
    /// parallel with `f` (given per-thread state from `init`, the record, its
    /// text and title); `sink` receives the results in input order.
    pub fn map_texts<S, T: Send>(
        &self,
        config: &Config,
        select: impl Fn(DocId) -> bool + Sync,
        init: impl Fn() -> S + Sync + Send,
        f: impl Fn(&mut S, DocId, &str, Option<&str>) -> T + Sync + Send,
        mut sink: impl FnMut(DocId, T) -> Result<()>,
    ) -> Result<()> {
        self.rescan_blocks(|block, first| {
            let results: Vec<Option<T>> = block
                .items
                .par_iter()
                .enumerate()
                .map_init(
                    || (init(), String::new()),
                    |(state, buf), (i, item)| {
                        let d = DocId(first.0 + i as u32);
                        if self.docs.status(d) != Status::Ok || !select(d) {
                            return None;
                        }
                        let bytes = block.bytes(item);
                        match &item.kind {
                            ItemKind::Line => {
                                let fields =
                                    parse_json_line(bytes, &config.input.fields, buf).ok()?;
                                let title = fields.title.as_deref().map(str::to_string);
                                Some(f(state, d, buf, title.as_deref()))
                            }
                            ItemKind::File => {
                                let text = text_file_content(bytes).ok()?;
                                Some(f(state, d, text, None))
                            }
                            _ => None,
                        }
                    },
                )
                .collect();
            for (i, r) in results.into_iter().enumerate() {
                if let Some(r) = r {
                    sink(DocId(first.0 + i as u32), r)?;
                }
            }
            Ok(())
        })
    }

    /// The name of a record's location: `file:line`, or `file`.
    pub fn location(&self, d: DocId) -> String {
        location(&self.sources, self.docs.source(d), self.docs.line(d))
    }

    /// The document of signature row `r`.
    pub fn doc_of_row(&self, r: u32) -> DocId {
        self.row_docs[r as usize]
    }
}

fn location(sources: &[Source], source: u32, line: Option<u64>) -> String {
    let name = &sources[source as usize].name;
    match line {
        Some(l) => format!("{name}:{l}"),
        None => name.clone(),
    }
}

/// Per-thread working memory for signing.
#[derive(Default)]
struct Work {
    text: String,
    norm: String,
    scratch: Scratch,
}

/// What became of one item.
enum Outcome {
    Doc {
        id: Option<String>,
        outlet: Option<String>,
        date: Option<i64>,
        date_unparsed: bool,
        chars: u32,
        text_bytes: u64,
        signed: bool,
    },
    Bad(String),
}

/// Number of characters in UTF-8 text (counts non-continuation bytes).
fn char_count(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

struct Signer<'a> {
    config: &'a Config,
    normalizer: Normalizer,
    hasher: MinHasher,
}

impl Signer<'_> {
    fn process(
        &self,
        block: &Block,
        item: &Item,
        w: &mut Work,
        row: &mut [u16],
        fine: &mut [u8],
    ) -> Outcome {
        let bytes = block.bytes(item);
        let (text, fields) = match &item.kind {
            ItemKind::Line => {
                match parse_json_line(bytes, &self.config.input.fields, &mut w.text) {
                    Ok(f) => (None, Some(f)),
                    Err(reason) => return Outcome::Bad(reason),
                }
            }
            ItemKind::File => match text_file_content(bytes) {
                Ok(t) => (Some(t), None),
                Err(reason) => return Outcome::Bad(reason),
            },
            ItemKind::TooLarge => {
                return Outcome::Bad(format!(
                    "record of {} bytes is larger than --max-doc-bytes {}",
                    item.len, self.config.input.max_doc_bytes
                ));
            }
            ItemKind::Failed(reason) => return Outcome::Bad(reason.clone()),
        };
        let text = text.unwrap_or(w.text.as_str());
        self.normalizer.normalize_into(text, &mut w.norm);
        let signed = if fine.is_empty() {
            self.hasher.sign_normalized(&w.norm, &mut w.scratch, row)
        } else {
            self.hasher
                .sign_normalized_fine(&w.norm, &mut w.scratch, row, fine)
        };
        let chars = char_count(text).min(u32::MAX as usize) as u32;
        let (mut date, mut date_unparsed) = (None, false);
        let (mut id, mut outlet) = (None, None);
        if let Some(f) = fields {
            if let Some(d) = f.date.as_deref().filter(|d| !d.trim().is_empty()) {
                date = parse_date(d);
                date_unparsed = date.is_none();
            }
            id = f.id.as_deref().map(str::to_string);
            outlet = f.outlet().map(|o| o.into_owned());
        }
        Outcome::Doc {
            id,
            outlet,
            date,
            date_unparsed,
            chars,
            text_bytes: text.len() as u64,
            signed,
        }
    }
}

/// Reads all inputs once and signs every record.
///
/// Under [`OnError::Fail`] the first bad record in input order stops the run
/// with its `file:line` and reason. Under [`OnError::Skip`] bad records become
/// rejected rows and are passed to `notices`, as are renamed duplicate ids.
/// With `spool_stdin`, standard input is copied to a temporary file so that
/// [`Corpus::rescan`] can read it again.
pub fn read_and_sign(
    config: &Config,
    inputs: Inputs,
    spool_stdin: bool,
    progress: &dyn Progress,
    notices: &mut (dyn FnMut(Notice<'_>) -> Result<()> + Send),
) -> Result<Corpus> {
    config.validate()?;
    let sources: Arc<[Source]> = inputs.sources.into();
    let mut scan = ScanOptions {
        max_doc_bytes: config.input.max_doc_bytes,
        ..ScanOptions::default()
    };
    let mut spool = None;
    if spool_stdin
        && sources
            .iter()
            .any(|s| s.path.is_none() && s.error.is_none())
    {
        let dir = config.temp_dir.clone().unwrap_or_else(std::env::temp_dir);
        let file = tempfile::Builder::new()
            .prefix("neardup-stdin-")
            .tempfile_in(&dir)
            .map_err(|e| Error::io(&dir, e))?;
        let path = file.into_temp_path();
        scan.stdin = StdinMode::Spool(path.to_path_buf());
        spool = Some(path);
    }
    let total: u64 = sources
        .iter()
        .filter_map(|s| s.path.as_ref())
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    progress.begin("read + sign", Some(total), Unit::Bytes);

    let signer = Signer {
        config,
        normalizer: Normalizer::new(config.normalize),
        hasher: MinHasher::new(config.signature_params())?,
    };
    let k = config.num_perm;
    let mut corpus = Corpus {
        sources: Arc::clone(&sources),
        docs: DocTable::new(),
        sigs: Signatures::new(config.signature_params()),
        row_docs: Vec::new(),
        stats: ReadStats {
            ignored_files: inputs.ignored_files,
            ..ReadStats::default()
        },
        // Address space for the finer signatures of as many documents as the
        // input could hold at 500 bytes each, within their budget: pages are
        // only committed when written, and the table never moves as it grows.
        fine: (config.fine_width() > 0).then(|| {
            Vec::with_capacity(
                ((total / 500 + 64) * config.fine_width() as u64).min(config.memory_limit / 8)
                    as usize,
            )
        }),
        spool: None,
        scan: scan.clone(),
    };
    // Likewise for the signatures, within the half of the budget they may
    // take in memory.
    corpus.sigs.reserve(
        ((total / 500 + 64) * 2 * k as u64).min(config.memory_limit / 2) as usize / (2 * k),
    );
    // Signing a block (in parallel) overlaps with appending the previous one
    // to the table (in input order, on one thread), so the sequential part
    // does not leave the other threads idle.
    // Buffers of a merged block are reused for the next one.
    let sign = |block: Block, mut rows: Vec<u16>, mut fine: Vec<u8>, f: usize| {
        let n = block.items.len();
        rows.clear();
        rows.resize(n * k, 0);
        fine.clear();
        // (One unused byte per item when there are no finer signatures.)
        fine.resize(n * f.max(1), 0);
        let outcomes: Vec<Outcome> = block
            .items
            .par_iter()
            .zip(rows.par_chunks_mut(k))
            .zip(fine.par_chunks_mut(f.max(1)))
            .map_init(Work::default, |w, ((item, row), fine)| {
                let fine = if f == 0 { &mut [][..] } else { fine };
                signer.process(&block, item, w, row, fine)
            })
            .collect();
        Signed {
            block,
            outcomes,
            rows,
            fine,
            fine_width: f,
        }
    };
    let mut pending: Option<Signed> = None;
    let mut spare = (Vec::new(), Vec::new());
    let mut scanner = Scanner::start(Arc::clone(&sources), scan);
    while let Some(block) = scanner.next() {
        let f = if corpus.fine.is_some() {
            config.fine_width()
        } else {
            0
        };
        let buffers = std::mem::take(&mut spare);
        let (merged, signed) = rayon::join(
            || match pending.take() {
                Some(p) => corpus.merge(config, p, notices, progress),
                None => Ok(None),
            },
            || sign(block, buffers.0, buffers.1, f),
        );
        if let Some((rows, fine, data)) = merged? {
            spare = (rows, fine);
            scanner.recycle(data);
        }
        pending = Some(signed);
    }
    if let Some(p) = pending {
        corpus.merge(config, p, notices, progress)?;
    }
    progress.end();
    corpus
        .sigs
        .seal()
        .map_err(|e| Error::other(format!("writing signatures to a temporary file: {e}")))?;
    corpus.spool = spool;
    Ok(corpus)
}

/// A merged block's buffers, for reuse: signature rows, finer signatures,
/// block data.
type Buffers = (Vec<u16>, Vec<u8>, Vec<u8>);

/// A block and what signing made of it.
struct Signed {
    block: Block,
    outcomes: Vec<Outcome>,
    rows: Vec<u16>,
    /// `fine_width` bytes per item (none when `fine_width` is 0).
    fine: Vec<u8>,
    fine_width: usize,
}

impl Corpus {
    /// Appends a signed block's records to the table, in input order, and
    /// hands back its buffers.
    fn merge(
        &mut self,
        config: &Config,
        signed: Signed,
        notices: &mut (dyn FnMut(Notice<'_>) -> Result<()> + Send),
        progress: &dyn Progress,
    ) -> Result<Option<Buffers>> {
        let Signed {
            block,
            outcomes,
            rows,
            fine,
            fine_width,
        } = signed;
        let k = config.num_perm;
        for (i, ((item, outcome), row)) in block
            .items
            .iter()
            .zip(outcomes)
            .zip(rows.chunks(k))
            .enumerate()
        {
            let signed = matches!(outcome, Outcome::Doc { signed: true, .. });
            self.add(config, &block, item, outcome, row, notices)?;
            if signed && let Some(table) = &mut self.fine {
                if fine_width == 0 || (table.len() + fine_width) as u64 > config.memory_limit / 8 {
                    // Over its budget (or made before that was known):
                    // refinement will read the documents again.
                    self.fine = None;
                    self.stats.fine_reread = true;
                } else {
                    table.extend_from_slice(&fine[i * fine_width..(i + 1) * fine_width]);
                }
            }
        }
        progress.advance(block.raw_bytes);
        self.stats.input_bytes += block.raw_bytes;
        // Past half the memory budget, signatures move to a temporary file.
        if !self.sigs.is_file_backed() && self.sigs.bytes() as u64 > config.memory_limit / 2 {
            let dir = config.temp_dir.clone().unwrap_or_else(std::env::temp_dir);
            self.sigs.spill(&dir).map_err(|e| Error::io(&dir, e))?;
            self.stats.signatures_on_disk = true;
        }
        Ok(Some((rows, fine, block.data)))
    }

    fn add(
        &mut self,
        config: &Config,
        block: &Block,
        item: &Item,
        outcome: Outcome,
        row: &[u16],
        notices: &mut (dyn FnMut(Notice<'_>) -> Result<()> + Send),
    ) -> Result<()> {
        let source = &self.sources[item.source as usize];
        self.stats.read += 1;
        let mut doc = NewDoc {
            id: "",
            outlet: source.outlet.as_deref(),
            source: item.source,
            line: item.line,
            offset: item.offset,
            status: Status::Rejected,
            date: None,
            chars: 0,
            sig_row: None,
        };
        let here = location(&self.sources, item.source, item.line);
        match outcome {
            Outcome::Bad(reason) => {
                if config.on_error == OnError::Fail {
                    return Err(Error::record(&source.name, item.line, reason));
                }
                let raw =
                    matches!(item.kind, ItemKind::Line | ItemKind::File).then(|| block.bytes(item));
                notices(Notice::Rejected {
                    file: &source.name,
                    line: item.line,
                    reason: &reason,
                    raw,
                })?;
                self.stats.rejected += 1;
                // A rejected record is named by its location, which is unique.
                let id = match (&source.doc_id, item.line) {
                    (Some(id), None) if self.docs.find_id(id).is_none() => id.clone(),
                    _ => here,
                };
                doc.id = &id;
                self.docs.push(doc);
            }
            Outcome::Doc {
                id,
                outlet,
                date,
                date_unparsed,
                chars,
                text_bytes,
                signed,
            } => {
                let mut id = match id {
                    Some(id) => id,
                    None => source.doc_id.clone().unwrap_or_else(|| here.clone()),
                };
                if let Some(first) = self.docs.find_id(&id) {
                    let first_at = self.location(first);
                    if config.on_error == OnError::Fail {
                        return Err(Error::record(
                            &source.name,
                            item.line,
                            format!("duplicate id `{id}` (first seen at {first_at})"),
                        ));
                    }
                    let mut new_id = format!("{id}@{here}");
                    let mut n = 2;
                    while self.docs.find_id(&new_id).is_some() {
                        new_id = format!("{id}@{here}#{n}");
                        n += 1;
                    }
                    notices(Notice::Renamed {
                        file: &source.name,
                        line: item.line,
                        id: &id,
                        new_id: &new_id,
                    })?;
                    self.stats.renamed_ids += 1;
                    id = new_id;
                }
                if date_unparsed {
                    self.stats.unparsed_dates += 1;
                }
                self.stats.text_bytes += text_bytes;
                doc.id = &id;
                if outlet.is_some() {
                    doc.outlet = outlet.as_deref();
                }
                doc.date = date;
                doc.chars = chars;
                if signed {
                    doc.status = Status::Ok;
                    let r = self.sigs.push(row);
                    doc.sig_row = Some(r);
                    self.row_docs.push(DocId(self.docs.len() as u32));
                    self.stats.ok += 1;
                } else {
                    doc.status = Status::Empty;
                    self.stats.empty += 1;
                }
                self.docs.push(doc);
            }
        }
        Ok(())
    }
}

/// Near-duplicate results.
#[derive(Debug)]
pub struct Duplicates {
    /// Bands and rows used.
    pub lsh: LshParams,
    /// Number of candidate pairs from the bands.
    pub candidates: u64,
    /// Verified pairs of signature rows, sorted by `(a, b)`.
    pub pairs: Vec<Pair>,
    /// Pairs decided on the finer signatures (close to the threshold).
    pub refined: u64,
    /// Candidate pairs whose estimate reaches the story threshold, sorted
    /// (near-duplicates included): evidence for stories at no extra cost.
    pub similar: Vec<Pair>,
    /// The clusters.
    pub clusters: Clusters,
}

impl Duplicates {
    /// The document kept for `d`'s cluster (`None` unless `d` is ok).
    pub fn kept_of(&self, corpus: &Corpus, d: DocId) -> Option<DocId> {
        let r = corpus.docs.sig_row(d)?;
        Some(corpus.doc_of_row(self.clusters.kept[r as usize]))
    }
}

/// Bands, verifies and clusters the signatures of `corpus`.
///
/// A candidate is accepted when its estimate is clearly above the threshold;
/// pairs within [`Config::doubt_margin`] of it are decided on the finer
/// signatures ([`Config::fine_width`] one-byte slots, sd about 0.013 at
/// `J = 0.8` by default instead of 0.035) made beside the coarse ones in the
/// first read. When those outgrew an eighth of [`Config::memory_limit`],
/// the documents of the doubtful pairs are read and signed again into at most
/// a quarter of it (fewer slots if needed; below twice `num_perm` slots the
/// pairs are decided on the coarse estimate).
pub fn find_duplicates(
    corpus: &Corpus,
    config: &Config,
    progress: &dyn Progress,
    timings: &mut Timings,
) -> Result<Duplicates> {
    let lsh = config.lsh_params();
    progress.begin("candidates", None, Unit::Items);
    let candidates = timings.time("lsh", || {
        if corpus.sigs.is_file_backed() {
            // Band keys of all rows in one pass, spilled per band.
            let dir = config.temp_dir.clone().unwrap_or_else(std::env::temp_dir);
            candidate_pairs_spilled(&corpus.sigs, lsh, &dir).map_err(|e| Error::io(&dir, e))
        } else {
            Ok(candidate_pairs(&corpus.sigs, lsh, config.memory_limit / 8))
        }
    })?;
    progress.end();
    progress.begin(
        "verify + cluster",
        Some(candidates.len() as u64),
        Unit::Items,
    );
    let (mut pairs, doubtful) = timings.time("verify", || {
        verify_with_margin(
            &corpus.sigs,
            &candidates,
            config.threshold,
            config.doubt_margin(),
        )
    });
    progress.advance(candidates.len() as u64);
    progress.end();
    let similar = verify(&corpus.sigs, &candidates, config.stories.threshold);
    let mut refined = doubtful.len() as u64;
    if !doubtful.is_empty() {
        let start = Instant::now();
        match refine(corpus, config, &doubtful, progress)? {
            Some(decided) => pairs.extend(decided),
            None => {
                // Over the memory budget: decide on the coarse estimate.
                refined = 0;
                pairs.extend(
                    doubtful
                        .into_iter()
                        .filter(|p| f64::from(p.jaccard) >= config.threshold),
                );
            }
        }
        pairs.sort_by_key(|p| (p.a, p.b));
        timings.add("refine", start.elapsed());
    }
    let docs = &corpus.docs;
    let row_docs = &corpus.row_docs;
    let clusters = timings.time("cluster", || {
        let n = corpus.sigs.len();
        match config.keep {
            Keep::First => Clusters::build(n, &pairs, |r| r),
            Keep::Earliest => Clusters::build(n, &pairs, |r| {
                let d = row_docs[r as usize];
                (docs.date(d).is_none(), docs.date(d).unwrap_or(0), r)
            }),
            Keep::Longest => Clusters::build(n, &pairs, |r| {
                (std::cmp::Reverse(docs.chars(row_docs[r as usize])), r)
            }),
        }
    });
    Ok(Duplicates {
        lsh,
        candidates: candidates.len() as u64,
        pairs,
        refined,
        similar,
        clusters,
    })
}

/// Decides `doubtful` pairs on the finer signatures of their documents and
/// returns those at or above the threshold; `None` when there is no room for
/// finer signatures (the pairs are then decided on the coarse estimate).
///
/// The finer signatures normally come from the first read. When they
/// outgrew their budget there, the documents of the doubtful pairs are read
/// again and signed with the same parameters, into at most a quarter of the
/// memory budget: if fewer slots fit, fewer are made (a multiple of
/// `num_perm`, at least twice it).
fn refine(
    corpus: &Corpus,
    config: &Config,
    doubtful: &[Pair],
    progress: &dyn Progress,
) -> Result<Option<Vec<Pair>>> {
    let k = config.num_perm;
    if let Some(fine) = &corpus.fine {
        return Ok(Some(decide(
            doubtful,
            config,
            fine,
            config.fine_width(),
            |r| r as usize,
        )));
    }
    let mut rows: Vec<u32> = doubtful.iter().flat_map(|p| [p.a, p.b]).collect();
    rows.sort_unstable();
    rows.dedup();
    let budget = (config.memory_limit / 4) as usize;
    let fit = budget / rows.len().max(1) / k * k;
    let width = config.fine_width().min(fit);
    if width < 2 * k {
        return Ok(None);
    }
    let hasher = MinHasher::new(config.signature_params())?;
    let normalizer = Normalizer::new(config.normalize);
    let mut fine = vec![0u8; rows.len() * width];
    progress.begin("refine", Some(rows.len() as u64), Unit::Items);
    corpus.map_texts(
        config,
        |d| {
            corpus
                .docs
                .sig_row(d)
                .is_some_and(|r| rows.binary_search(&r).is_ok())
        },
        || {
            (
                String::new(),
                Scratch::default(),
                vec![0u16; k],
                vec![0u8; width],
            )
        },
        |(norm, scratch, coarse, sig), _, text, _| {
            normalizer.normalize_into(text, norm);
            sig.fill(0);
            hasher.sign_normalized_fine(norm, scratch, coarse, sig);
            sig.clone()
        },
        |d, sig| {
            let r = corpus.docs.sig_row(d).unwrap_or(0);
            if let Ok(i) = rows.binary_search(&r) {
                fine[i * width..(i + 1) * width].copy_from_slice(&sig);
            }
            progress.advance(1);
            Ok(())
        },
    )?;
    progress.end();
    Ok(Some(decide(doubtful, config, &fine, width, |r| {
        rows.binary_search(&r).unwrap_or(0)
    })))
}

/// The `doubtful` pairs whose finer estimate reaches the threshold; the
/// finer signature of row `r` is the `index(r)`-th `width` bytes of `fine`.
fn decide(
    doubtful: &[Pair],
    config: &Config,
    fine: &[u8],
    width: usize,
    index: impl Fn(u32) -> usize + Sync,
) -> Vec<Pair> {
    let row = |r: u32| {
        let i = index(r);
        &fine[i * width..(i + 1) * width]
    };
    doubtful
        .par_iter()
        .filter_map(|p| {
            let j = estimate_fine(row(p.a), row(p.b));
            (j >= config.threshold).then_some(Pair {
                jaccard: j as f32,
                ..*p
            })
        })
        .collect()
}
