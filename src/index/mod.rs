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

mod batch;
mod decide;
mod files;
mod maintain;
mod params;
mod record;
mod store;

use std::borrow::Cow;
use std::path::Path;

use heed::{PutFlags, RoTxn};

pub use self::batch::{Article, Batch};
use self::batch::{BatchDoc, Signer};
use self::decide::{Ref, Story, Verdict, band_keys};
pub use self::files::{AddOutputs, AddSummary, Target, add_inputs};
pub use self::maintain::{CheckReport, IndexStats};
pub use self::params::{FORMAT, IndexParams};
use self::record::{Record, sig_bytes};
pub use self::store::Wait;
use self::store::{Store, Tables, time_key};
use crate::error::{Error, Result};
use crate::input::{timestamp, ymd};
use crate::report::round4;

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
        self.refuse_given(params, |_| true)
    }

    /// Refuses `given` parameters that differ from the index's, counting
    /// only those `counts` accepts (by field path, e.g. `threshold`,
    /// `stories.threshold`): a usage error naming each with both values.
    pub fn refuse_given(&self, given: &IndexParams, counts: impl Fn(&str) -> bool) -> Result<()> {
        let list: Vec<String> = self
            .params
            .differences(given)
            .into_iter()
            .filter(|(name, _, _)| counts(name))
            .map(|(name, stored, given)| format!("`{name}` is {stored}, not {given}"))
            .collect();
        if list.is_empty() {
            return Ok(());
        }
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
        let (batch, at) = self.signer.sign(&self.params, articles)?;
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
        let sb = self.params.num_perm * 2;
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
                        let rec = decide::load_stored(&self.store, tables, txn, n, sb)?
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
                id: Cow::Borrowed(&m.id),
                outlet: m.outlet.as_deref().map(Cow::Borrowed),
                story,
                text: m.text.as_deref().map(Cow::Borrowed),
            };
            tables
                .docs
                .put_with_flags(txn, PutFlags::APPEND, &n, &rec.encode())
                .map_err(e)?;
            if !d.fine.is_empty() {
                tables
                    .fine
                    .put_with_flags(txn, PutFlags::APPEND, &n, d.fine)
                    .map_err(e)?;
            }
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
}
