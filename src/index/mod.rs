//! A persistent feed index: each day's articles against everything seen
//! before, without reading history again.
//!
//! An [`Index`] is a folder holding an embedded, transactional key-value
//! store (LMDB, through `heed`): the parameters it was created with, and
//! for every document its signature, finer signature, band keys and
//! metadata (id, outlet, date, when it was added, what it duplicates, its
//! story) — never its text unless asked ([`Batch::with_texts`]). Adding a
//! batch decides every document against the index and the batch's earlier
//! documents, then inserts them, all in one transaction: a crash or a kill
//! at any point leaves the index as it was before the batch. Readers (a
//! query, stats, a check) in any process run while a writer adds; a second
//! writer waits for the first ([`Wait`]).
//!
//! # The rule
//!
//! `dedup --keep first` made incremental. A document's candidates are the
//! documents sharing one of its LSH band keys, and the kept document of each
//! candidate that is itself a duplicate. A candidate that was new when added
//! is a match when the pair passes `dedup`'s verification (the Jaccard
//! estimate, the finer signature near the threshold, containment) and the
//! document may be its duplicate (a text holding a shorter kept one and much
//! more is not). The closest match wins, the earliest added among equals;
//! none makes the document new. A document kept when it came stays kept:
//! where `dedup`, seeing everything at once, keeps a later document of a
//! chain (A ~ B, B ~ C, A ≁ C: `dedup` keeps B; the index kept A, drops B
//! and keeps C), or the full text of a shorter copy seen first, the
//! decisions differ; otherwise they are the same. Splitting a feed into
//! batches never changes a decision.
//!
//! A document's story is that of its match; for a new document, that of
//! the most similar candidate whose Jaccard estimate reaches the story
//! threshold and whose story began within the story window of it (a story
//! never spans more than the window), else its own.
//!
//! Batches made with other signature parameters than the index's are
//! refused: an index keeps one set of parameters for life.
//!
//! # Example
//!
//! A scraper adding each day's articles in-process:
//!
//! ```
//! use neardup::index::{AddOptions, Article, Index, IndexParams, Status};
//!
//! let dir = tempfile::tempdir()?;
//! let params = IndexParams::of(&neardup::Config::default());
//! let index = Index::create(&dir.path().join("feed.idx"), &params)?;
//! let story = "The defence ministers of Russia and China held talks by video \
//!     link on Tuesday and agreed to expand joint exercises next year.";
//! let monday = [Article { id: "wire/1", text: story, outlet: Some("wire"), date: None }];
//! let options = AddOptions { now: 1_700_000_000, ..AddOptions::default() };
//! let decided = index.add_articles(&monday, &options)?;
//! assert_eq!(decided[0].status, Status::New);
//!
//! let copy = format!("{story} Read more.");
//! let tuesday = [Article { id: "daily/7", text: &copy, outlet: Some("daily"), date: None }];
//! let options = AddOptions { now: 1_700_086_400, ..options };
//! let decided = index.add_articles(&tuesday, &options)?;
//! assert_eq!(decided[0].status, Status::Duplicate);
//! assert_eq!(decided[0].duplicate_of.as_deref(), Some("wire/1"));
//! assert_eq!(decided[0].outlet.as_deref(), Some("wire"));
//! assert_eq!(index.stats()?.documents, 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod decide;
mod files;
mod record;
mod store;

use std::borrow::Cow;
use std::path::Path;

use heed::{CompactionOption, PutFlags, RoTxn};
use rayon::prelude::*;

use self::decide::{Ref, Story, Verdict, band_keys};
pub use self::files::{AddOutputs, AddSummary, Target, add_inputs};
use self::record::{Record, sig_bytes};
pub use self::store::Wait;
use self::store::{Store, Tables, parse_time_key, time_key};
use crate::cluster::Rule;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::input::{timestamp, ymd};
use crate::minhash::{MinHasher, Scratch, mix64};
use crate::normalize::{NormalizeOptions, Normalizer};
use crate::report::round4;

/// The version of the store's layout; an index of another version is refused.
pub const FORMAT: u32 = 1;

/// The parameters an index is created with and keeps for life: every
/// batch is signed, banded and verified with them.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IndexParams {
    /// Layout version ([`FORMAT`]).
    pub format: u32,
    /// MinHash slots.
    pub num_perm: usize,
    /// Shingle size in characters.
    pub shingle: usize,
    /// Seed of all hashing.
    pub seed: u64,
    /// Normalization rules on, by name.
    pub normalize: Vec<String>,
    /// Near-duplicate Jaccard threshold.
    pub threshold: f64,
    /// Containment threshold (0: off).
    pub containment: f64,
    /// Slots of the finer signatures (0: none).
    pub refine: usize,
    /// LSH bands.
    pub bands: usize,
    /// LSH rows per band.
    pub rows: usize,
    /// Jaccard estimate that links a new document to a candidate's story.
    pub story_threshold: f64,
    /// Dated documents further apart than this many days share no story.
    pub story_window_days: f64,
}

impl IndexParams {
    /// The parameters of `config`.
    pub fn of(config: &Config) -> IndexParams {
        let lsh = config.lsh_params();
        let normalize = serde_json::to_value(config.normalize)
            .ok()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        IndexParams {
            format: FORMAT,
            num_perm: config.num_perm,
            shingle: config.shingle,
            seed: config.seed,
            normalize,
            threshold: config.threshold,
            containment: config.containment,
            refine: config.fine_width(),
            bands: lsh.bands,
            rows: lsh.rows,
            story_threshold: config.stories.threshold,
            story_window_days: config.stories.window_days,
        }
    }

    /// `config` with these parameters.
    pub fn apply(&self, config: &Config) -> Result<Config> {
        let normalize = NormalizeOptions::parse(&format!("none,{}", self.normalize.join(",")))
            .map_err(Error::other)?;
        let mut c = config.clone();
        c.num_perm = self.num_perm;
        c.shingle = self.shingle;
        c.seed = self.seed;
        c.normalize = normalize;
        c.threshold = self.threshold;
        c.containment = self.containment;
        c.refine = self.refine;
        c.lsh = Some(crate::lsh::LshParams {
            bands: self.bands,
            rows: self.rows,
        });
        c.stories.threshold = self.story_threshold;
        c.stories.window_days = self.story_window_days;
        c.validate()?;
        Ok(c)
    }

    /// The parameters (by their field path) whose values differ from
    /// `other`'s, with both values.
    pub fn differences(&self, other: &IndexParams) -> Vec<(String, String, String)> {
        let (a, b) = (
            serde_json::to_value(self).unwrap_or_default(),
            serde_json::to_value(other).unwrap_or_default(),
        );
        let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
            return Vec::new();
        };
        a.iter()
            .filter(|(k, v)| b.get(*k) != Some(v))
            .map(|(k, v)| {
                let name = match k.as_str() {
                    "story_threshold" => "stories.threshold".to_string(),
                    "story_window_days" => "stories.window_days".to_string(),
                    k => k.to_string(),
                };
                let other = b.get(k).map(|v| v.to_string()).unwrap_or_default();
                (name, v.to_string(), other)
            })
            .collect()
    }

    fn rule(&self) -> Rule {
        Rule {
            threshold: self.threshold,
            margin: self.doubt_margin(),
            containment: self.containment,
        }
    }

    /// As [`Config::doubt_margin`].
    fn doubt_margin(&self) -> f64 {
        if self.refine == 0 {
            return 0.0;
        }
        let t = self.threshold;
        3.0 * (t * (1.0 - t) / self.num_perm as f64).sqrt()
    }

    fn fine_width(&self) -> usize {
        self.refine
    }
}

/// An article to add, for callers in-process.
#[derive(Clone, Copy, Debug)]
pub struct Article<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its text.
    pub text: &'a str,
    /// Its outlet.
    pub outlet: Option<&'a str>,
    /// Its publication date, Unix seconds.
    pub date: Option<i64>,
}

/// Signed documents, ready to be decided and added.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    k: usize,
    w: usize,
    sigs: Vec<u16>,
    fine: Vec<u8>,
    shingles: Vec<u32>,
    meta: Vec<Meta>,
}

#[derive(Clone, Debug)]
struct Meta {
    id: String,
    outlet: Option<String>,
    date: Option<i64>,
    text: Option<String>,
}

/// One document of a batch, as the rule sees it.
pub(crate) struct BatchDoc<'a> {
    sig: &'a [u16],
    fine: &'a [u8],
    shingles: u32,
    date: Option<i64>,
}

impl Batch {
    /// An empty batch for signatures of `params`.
    pub fn new(params: &IndexParams) -> Batch {
        Batch {
            k: params.num_perm,
            w: params.fine_width(),
            ..Batch::default()
        }
    }

    /// Appends a signed document: its `num_perm` slots, its finer signature
    /// (`refine` bytes) and estimated shingles.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        id: String,
        outlet: Option<String>,
        date: Option<i64>,
        sig: &[u16],
        fine: &[u8],
        shingles: u32,
    ) {
        assert_eq!(sig.len(), self.k, "signature of the index's width");
        assert_eq!(fine.len(), self.w, "finer signature of the index's width");
        self.sigs.extend_from_slice(sig);
        self.fine.extend_from_slice(fine);
        self.shingles.push(shingles);
        self.meta.push(Meta {
            id,
            outlet,
            date,
            text: None,
        });
    }

    /// Keeps `texts` (one per document, in order) to store with them.
    pub fn with_texts(mut self, texts: Vec<String>) -> Batch {
        assert_eq!(texts.len(), self.meta.len(), "one text per document");
        for (m, t) in self.meta.iter_mut().zip(texts) {
            m.text = Some(t);
        }
        self
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.meta.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
    }

    /// The id of document `i`.
    pub fn id(&self, i: usize) -> &str {
        &self.meta[i].id
    }

    fn doc(&self, i: usize) -> BatchDoc<'_> {
        BatchDoc {
            sig: &self.sigs[i * self.k..(i + 1) * self.k],
            fine: &self.fine[i * self.w..(i + 1) * self.w],
            shingles: self.shingles[i],
            date: self.meta[i].date,
        }
    }

    /// Signs `articles` in parallel with `params`; returns the batch of
    /// those with text, and for each article its position in the batch
    /// (`None`: nothing to sign).
    pub fn sign(
        params: &IndexParams,
        articles: &[Article<'_>],
    ) -> Result<(Batch, Vec<Option<usize>>)> {
        Ok(Signer::new(params)?.sign(params, articles))
    }
}

/// The normalizer and hasher of an index's parameters (made once: the
/// normalizer's tables cost more than signing an article).
struct Signer {
    hasher: MinHasher,
    normalizer: Normalizer,
}

impl Signer {
    fn new(params: &IndexParams) -> Result<Signer> {
        let config = params.apply(&Config::default())?;
        Ok(Signer {
            hasher: MinHasher::new(config.signature_params())?,
            normalizer: Normalizer::new(config.normalize),
        })
    }

    fn sign(&self, params: &IndexParams, articles: &[Article<'_>]) -> (Batch, Vec<Option<usize>>) {
        let (k, w) = (params.num_perm, params.fine_width());
        let sign_one = |(norm, scratch): &mut (String, Scratch), a: &Article<'_>| {
            self.normalizer.normalize_into(a.text, norm);
            let (mut sig, mut fine) = (vec![0u16; k], vec![0u8; w]);
            let ok = if w == 0 {
                self.hasher.sign_normalized(norm, scratch, &mut sig)
            } else {
                self.hasher
                    .sign_normalized_fine(norm, scratch, &mut sig, &mut fine)
            };
            ok.then(|| (sig, fine, scratch.shingles()))
        };
        type Signed = Option<(Vec<u16>, Vec<u8>, u32)>;
        let signed: Vec<Signed> = if articles.len() == 1 {
            vec![sign_one(&mut Default::default(), &articles[0])]
        } else {
            articles
                .par_iter()
                .map_init(Default::default, sign_one)
                .collect()
        };
        let mut batch = Batch::new(params);
        let mut at = Vec::with_capacity(articles.len());
        for (a, s) in articles.iter().zip(signed) {
            match s {
                Some((sig, fine, shingles)) => {
                    at.push(Some(batch.len()));
                    batch.push(
                        a.id.to_string(),
                        a.outlet.map(str::to_string),
                        a.date,
                        &sig,
                        &fine,
                        shingles,
                    );
                }
                None => at.push(None),
            }
        }
        (batch, at)
    }
}

/// What became of a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not a near-duplicate of any document seen before: kept.
    New,
    /// A near-duplicate of an earlier kept document.
    Duplicate,
    /// No text to sign (not added).
    Empty,
    /// A bad record (not added).
    Rejected,
}

/// The decision on one document, as `index add` writes it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Decision {
    /// The document's id.
    pub id: String,
    /// New, duplicate (or empty, rejected: not added).
    pub status: Status,
    /// The kept document it duplicates.
    pub duplicate_of: Option<String>,
    /// Their similarity (see `measure`).
    pub similarity: Option<f64>,
    /// `jaccard`, or `containment` for a shorter copy.
    pub measure: Option<&'static str>,
    /// When the document it duplicates was added (for a new one: now).
    pub first_seen: Option<String>,
    /// The outlet of the document it duplicates.
    pub outlet: Option<String>,
    /// The date of the document it duplicates.
    pub date: Option<String>,
    /// The id of the first document of its story.
    pub story: Option<String>,
}

impl Decision {
    /// A document that was not added.
    pub fn not_added(id: String, status: Status) -> Decision {
        Decision {
            id,
            status,
            duplicate_of: None,
            similarity: None,
            measure: None,
            first_seen: None,
            outlet: None,
            date: None,
            story: None,
        }
    }
}

/// How a batch is added.
#[derive(Clone, Copy, Debug)]
pub struct AddOptions {
    /// The time of the batch (Unix seconds): when its documents are first
    /// seen. Default: the clock.
    pub now: i64,
    /// Decide only: the index is left as it is.
    pub dry_run: bool,
    /// Whether to wait for another writer.
    pub wait: Wait,
}

impl Default for AddOptions {
    fn default() -> Self {
        AddOptions {
            now: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
            dry_run: false,
            wait: Wait::Yes,
        }
    }
}

/// What `index stats` reports.
#[derive(Clone, Debug, serde::Serialize)]
pub struct IndexStats {
    /// Documents in the index.
    pub documents: u64,
    /// Band entries (`bands` per document).
    pub band_entries: u64,
    /// Size of the data file on disk.
    pub disk_bytes: u64,
    /// Bytes of the store in use (the rest of the file is free pages).
    pub used_bytes: u64,
    /// The parameters.
    pub params: IndexParams,
    /// The earliest and latest document time (date, else when added).
    pub time_range: Option<(i64, i64)>,
}

/// What `index check` found.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CheckReport {
    /// Documents read and decoded.
    pub documents: u64,
    /// Band entries, all matching the documents' signatures.
    pub band_entries: u64,
}

/// An open index.
pub struct Index {
    store: Store,
    params: IndexParams,
    signer: Signer,
}

impl Index {
    /// Opens the existing index at `path` (a folder).
    pub fn open(path: &Path) -> Result<Index> {
        Index::open_with(path, false)
    }

    fn open_with(path: &Path, exclusive: bool) -> Result<Index> {
        let store = Store::open(path, false, exclusive)?;
        let txn = store.env.read_txn().map_err(|e| store.err(e))?;
        let tables = store.tables(&txn)?;
        let params = store
            .params(&tables, &txn)?
            .ok_or_else(|| Error::other(format!("index {}: no parameters", path.display())))?;
        if params.format != FORMAT {
            return Err(Error::other(format!(
                "index {} has layout version {}; this neardup reads version {FORMAT}",
                path.display(),
                params.format
            )));
        }
        drop(txn);
        let signer = Signer::new(&params)?;
        Ok(Index {
            store,
            params,
            signer,
        })
    }

    /// Opens the index at `path`, creating it with `params` if there is
    /// none. An existing index made with other parameters is refused,
    /// naming them.
    pub fn create(path: &Path, params: &IndexParams) -> Result<Index> {
        if path.join("data.mdb").is_file() {
            let index = Index::open(path)?;
            index.refuse_other(params)?;
            return Ok(index);
        }
        let store = Store::open(path, true, false)?;
        let _writer = store.writer_lock(Wait::Yes)?;
        let mut txn = store.env.write_txn().map_err(|e| store.err(e))?;
        let tables = store.create_tables(&mut txn)?;
        let existing = store.params(&tables, &txn)?;
        match existing {
            Some(p) => {
                txn.abort();
                let index = Index {
                    signer: Signer::new(&p)?,
                    store,
                    params: p,
                };
                index.refuse_other(params)?;
                Ok(index)
            }
            None => {
                let json = serde_json::to_vec(params).map_err(|e| Error::other(e.to_string()))?;
                tables
                    .meta
                    .put(&mut txn, "params", &json)
                    .map_err(|e| store.err(e))?;
                txn.commit().map_err(|e| store.err(e))?;
                Ok(Index {
                    signer: Signer::new(params)?,
                    store,
                    params: params.clone(),
                })
            }
        }
    }

    /// Refuses `params` unless they are the index's.
    fn refuse_other(&self, params: &IndexParams) -> Result<()> {
        let diff = self.params.differences(params);
        if diff.is_empty() {
            return Ok(());
        }
        let list: Vec<String> = diff
            .iter()
            .map(|(name, stored, given)| format!("`{name}` is {stored}, not {given}"))
            .collect();
        Err(Error::usage(format!(
            "index {} was created with other parameters ({}); an index keeps its parameters for life",
            self.store.path.display(),
            list.join("; ")
        )))
    }

    /// The index's parameters.
    pub fn params(&self) -> &IndexParams {
        &self.params
    }

    /// Signs `articles`, decides and adds them ([`Index::add`]); empty
    /// articles are decided [`Status::Empty`] and not added.
    pub fn add_articles(
        &self,
        articles: &[Article<'_>],
        options: &AddOptions,
    ) -> Result<Vec<Decision>> {
        let (batch, at) = self.signer.sign(&self.params, articles);
        let mut decided = self.add(&batch, options)?.into_iter();
        Ok(articles
            .iter()
            .zip(at)
            .map(|(a, at)| match at {
                Some(_) => decided.next().expect("one decision per signed article"),
                None => Decision::not_added(a.id.to_string(), Status::Empty),
            })
            .collect())
    }

    /// Decides every document of `batch` (in order, against the index and
    /// the batch's earlier documents) and, unless `options.dry_run`, adds
    /// them, in one transaction. A dry run reads only: it runs beside a
    /// writer and sees the last committed batch.
    pub fn add(&self, batch: &Batch, options: &AddOptions) -> Result<Vec<Decision>> {
        self.add_then(batch, options, |_| Ok(()))
    }

    /// [`Index::add`], calling `before_commit` with the decisions once they
    /// are made and before the batch is committed (not at all for a dry
    /// run's read-only view: then once they are made): an error there
    /// leaves the index as it was.
    pub fn add_then(
        &self,
        batch: &Batch,
        options: &AddOptions,
        before_commit: impl FnOnce(&[Decision]) -> Result<()>,
    ) -> Result<Vec<Decision>> {
        let store = &self.store;
        if batch.k != self.params.num_perm || batch.w != self.params.fine_width() {
            return Err(Error::usage(
                "the batch was signed with other parameters than the index's",
            ));
        }
        if options.dry_run {
            let txn = store.env.read_txn().map_err(|e| store.err(e))?;
            let tables = store.tables(&txn)?;
            let verdicts = decide::decide(store, &tables, &txn, &self.params, batch, options.now)?;
            let decisions = self.decisions(&tables, &txn, batch, &verdicts, options.now)?;
            before_commit(&decisions)?;
            return Ok(decisions);
        }
        let _writer = store.writer_lock(options.wait)?;
        let mut txn = store.env.write_txn().map_err(|e| store.err(e))?;
        let tables = store.tables(&txn)?;
        let verdicts = decide::decide(store, &tables, &txn, &self.params, batch, options.now)?;
        let first = store.meta_u64(&tables, &txn, "next")?;
        let decisions = self.decisions(&tables, &txn, batch, &verdicts, options.now)?;
        self.insert(&tables, &mut txn, batch, &verdicts, first, options.now)?;
        before_commit(&decisions)?;
        txn.commit().map_err(|e| store.err(e))?;
        Ok(decisions)
    }

    /// The decisions of `verdicts`.
    fn decisions(
        &self,
        tables: &Tables,
        txn: &RoTxn<'_>,
        batch: &Batch,
        verdicts: &[Verdict],
        now: i64,
    ) -> Result<Vec<Decision>> {
        let (sb, fb) = (self.params.num_perm * 2, self.params.fine_width());
        verdicts
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let story = Some(match &v.story.0 {
                    Story::Named(s) => s.clone(),
                    Story::Batch(j) => batch.id(*j as usize).to_string(),
                });
                let Some((r, pair)) = &v.duplicate_of else {
                    return Ok(Decision {
                        first_seen: Some(timestamp(now)),
                        story,
                        ..Decision::not_added(batch.id(i).to_string(), Status::New)
                    });
                };
                let (id, outlet, date, seen) = match *r {
                    Ref::Batch(j) => {
                        let m = &batch.meta[j as usize];
                        (m.id.clone(), m.outlet.clone(), m.date, now)
                    }
                    Ref::Stored(n) => {
                        let rec = decide::load_stored(&self.store, tables, txn, n, sb, fb)?
                            .ok_or_else(|| self.damaged(n))?;
                        (
                            rec.id.into_owned(),
                            rec.outlet.map(Cow::into_owned),
                            rec.date,
                            rec.inserted,
                        )
                    }
                };
                Ok(Decision {
                    id: batch.id(i).to_string(),
                    status: Status::Duplicate,
                    duplicate_of: Some(id),
                    similarity: Some(round4(f64::from(pair.similarity()))),
                    measure: Some(if pair.contained {
                        "containment"
                    } else {
                        "jaccard"
                    }),
                    first_seen: Some(timestamp(seen)),
                    outlet,
                    date: date.map(ymd),
                    story,
                })
            })
            .collect()
    }

    /// Inserts the batch's documents, numbered from `first`.
    fn insert(
        &self,
        tables: &Tables,
        txn: &mut heed::RwTxn<'_>,
        batch: &Batch,
        verdicts: &[Verdict],
        first: u64,
        now: i64,
    ) -> Result<()> {
        let e = |e| self.store.err(e);
        let mut entries: Vec<(u64, u64)> = Vec::with_capacity(batch.len() * self.params.bands);
        for (i, v) in verdicts.iter().enumerate() {
            let n = first + i as u64;
            let d = batch.doc(i);
            let m = &batch.meta[i];
            let kept = match v.duplicate_of {
                Some((Ref::Stored(k), _)) => k,
                Some((Ref::Batch(j), _)) => first + u64::from(j),
                None => n,
            };
            let story = match &v.story.0 {
                Story::Named(s) => Cow::Borrowed(s.as_str()),
                Story::Batch(j) => Cow::Borrowed(batch.id(*j as usize)),
            };
            let rec = Record {
                duplicate: v.duplicate_of.is_some(),
                inserted: now,
                date: m.date,
                kept,
                story_time: v.story.1,
                shingles: d.shingles,
                sig: Cow::Owned(sig_bytes(d.sig)),
                fine: Cow::Borrowed(d.fine),
                id: Cow::Borrowed(&m.id),
                outlet: m.outlet.as_deref().map(Cow::Borrowed),
                story,
                text: m.text.as_deref().map(Cow::Borrowed),
            };
            tables
                .docs
                .put_with_flags(txn, PutFlags::APPEND, &n, &rec.encode())
                .map_err(e)?;
            let key = time_key(m.date.unwrap_or(now), n);
            tables.times.put(txn, &key, &()).map_err(e)?;
            entries.extend(band_keys(&self.params, d.sig).into_iter().map(|k| (k, n)));
        }
        // In key order: each B-tree page is visited once per batch.
        entries.sort_unstable();
        for (k, n) in entries {
            tables.bands.put(txn, &k, &n).map_err(e)?;
        }
        let next = first + batch.len() as u64;
        tables
            .meta
            .put(txn, "next", &next.to_le_bytes())
            .map_err(e)?;
        Ok(())
    }

    fn damaged(&self, n: u64) -> Error {
        decide::damaged(&self.store, n)
    }

    /// Documents, size and parameters.
    pub fn stats(&self) -> Result<IndexStats> {
        let store = &self.store;
        let e = |e| store.err(e);
        let txn = store.env.read_txn().map_err(e)?;
        let t = store.tables(&txn)?;
        let first = t
            .times
            .first(&txn)
            .map_err(e)?
            .and_then(|(k, _)| parse_time_key(k));
        let last = t
            .times
            .last(&txn)
            .map_err(e)?
            .and_then(|(k, _)| parse_time_key(k));
        let info = store.env.info();
        let page = u64::from(store.env.stat().page_size);
        Ok(IndexStats {
            documents: t.docs.len(&txn).map_err(e)?,
            band_entries: t.bands.len(&txn).map_err(e)?,
            disk_bytes: store.env.real_disk_size().map_err(e)?,
            used_bytes: (info.last_page_number as u64 + 1) * page,
            params: self.params.clone(),
            time_range: first.zip(last).map(|((a, _), (b, _))| (a, b)),
        })
    }

    /// Removes the documents whose time (date, else when added) is before
    /// `cutoff` (Unix seconds), in one transaction; returns how many.
    pub fn expire(&self, cutoff: i64, wait: Wait) -> Result<u64> {
        let store = &self.store;
        let e = |e| store.err(e);
        let _writer = store.writer_lock(wait)?;
        let mut txn = store.env.write_txn().map_err(e)?;
        let t = store.tables(&txn)?;
        let end = time_key(cutoff, 0);
        let mut old: Vec<([u8; 16], u64)> = Vec::new();
        for r in t.times.iter(&txn).map_err(e)? {
            let (k, ()) = r.map_err(e)?;
            if k >= end.as_slice() {
                break;
            }
            let (_, n) = parse_time_key(k).ok_or_else(|| self.damaged(0))?;
            old.push((k.try_into().map_err(|_| self.damaged(n))?, n));
        }
        let (sb, fb) = (self.params.num_perm * 2, self.params.fine_width());
        let mut entries = Vec::new();
        for (_, n) in &old {
            let rec = decide::load_stored(store, &t, &txn, *n, sb, fb)?
                .ok_or_else(|| self.damaged(*n))?;
            entries.extend(
                band_keys(&self.params, &rec.slots())
                    .into_iter()
                    .map(|k| (k, *n)),
            );
        }
        entries.sort_unstable();
        for (k, n) in entries {
            t.bands.delete_one_duplicate(&mut txn, &k, &n).map_err(e)?;
        }
        for (k, n) in &old {
            t.docs.delete(&mut txn, n).map_err(e)?;
            t.times.delete(&mut txn, k.as_slice()).map_err(e)?;
        }
        txn.commit().map_err(e)?;
        Ok(old.len() as u64)
    }

    /// Rewrites the store without its free pages (after `expire`). Refused
    /// while another process has the index open. Returns the data file's
    /// size before and after.
    pub fn compact(path: &Path) -> Result<(u64, u64)> {
        let index = Index::open_with(path, true)?;
        let store = &index.store;
        let _writer = store.writer_lock(Wait::No)?;
        let data = path.join("data.mdb");
        let before = std::fs::metadata(&data)
            .map_err(|e| Error::io(&data, e))?
            .len();
        let tmp = path.join("data.mdb.compact");
        let _ = std::fs::remove_file(&tmp);
        let file = store
            .env
            .copy_to_path(&tmp, CompactionOption::Enabled)
            .map_err(|e| store.err(e))?;
        file.sync_all().map_err(|e| Error::io(&tmp, e))?;
        drop(file);
        std::fs::rename(&tmp, &data).map_err(|e| Error::io(&data, e))?;
        if let Ok(dir) = std::fs::File::open(path) {
            let _ = dir.sync_all();
        }
        let after = std::fs::metadata(&data)
            .map_err(|e| Error::io(&data, e))?
            .len();
        Ok((before, after))
    }

    /// Reads every document and band entry and checks that they agree: each
    /// record decodes with the index's widths, each document has exactly
    /// its band keys and time, and no entry points elsewhere (compared as
    /// order-free sums of hashed entries). A damaged store is an error
    /// naming what is wrong.
    pub fn check(&self) -> Result<CheckReport> {
        let store = &self.store;
        let e = |e| store.err(e);
        let txn = store.env.read_txn().map_err(e)?;
        let t = store.tables(&txn)?;
        let (sb, fb) = (self.params.num_perm * 2, self.params.fine_width());
        let next = store.meta_u64(&t, &txn, "next")?;
        let entry = |k: u64, n: u64| mix64(k ^ mix64(n.wrapping_add(0x9E37_79B9_7F4A_7C15)));
        let (mut docs, mut want_bands, mut want_times) = (0u64, 0u64, 0u64);
        for r in t.docs.iter(&txn).map_err(e)? {
            let (n, bytes) = r.map_err(e)?;
            let rec = Record::decode(bytes, sb, fb).ok_or_else(|| self.damaged(n))?;
            if n >= next || rec.kept > n || (!rec.duplicate && rec.kept != n) {
                return Err(self.damaged(n));
            }
            for k in band_keys(&self.params, &rec.slots()) {
                want_bands = want_bands.wrapping_add(entry(k, n));
            }
            let time = time_key(rec.date.unwrap_or(rec.inserted), n);
            want_times = want_times.wrapping_add(mix64(xxhash_rust::xxh3::xxh3_64(&time)));
            docs += 1;
        }
        let (mut have_bands, mut band_entries) = (0u64, 0u64);
        for r in t.bands.iter(&txn).map_err(e)? {
            let (k, n) = r.map_err(e)?;
            have_bands = have_bands.wrapping_add(entry(k, n));
            band_entries += 1;
        }
        let mut have_times = 0u64;
        let mut times = 0u64;
        for r in t.times.iter(&txn).map_err(e)? {
            let (k, ()) = r.map_err(e)?;
            have_times = have_times.wrapping_add(mix64(xxhash_rust::xxh3::xxh3_64(k)));
            times += 1;
        }
        let path = store.path.display();
        if band_entries != docs * self.params.bands as u64 || have_bands != want_bands {
            return Err(Error::other(format!(
                "index {path}: the band table does not match the documents' signatures \
                 ({band_entries} entries for {docs} documents of {} bands)",
                self.params.bands
            )));
        }
        if times != docs || have_times != want_times {
            return Err(Error::other(format!(
                "index {path}: the time table does not match the documents ({times} entries for {docs} documents)"
            )));
        }
        Ok(CheckReport {
            documents: docs,
            band_entries,
        })
    }
}
