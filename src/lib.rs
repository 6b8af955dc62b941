//! neardup finds near-duplicate articles and shared passages in news text.
//!
//! # The pipeline
//!
//! Stages in the order data flows through them; each module's docs say what
//! it guarantees.
//!
//! | stage | module | takes | gives |
//! |---|---|---|---|
//! | find inputs | [`input`] | paths, `-` | [`input::Inputs`]: sources, read in blocks of records |
//! | read and sign | [`pipeline`] (`read`, `sign`) with [`normalize`], [`shingle`], [`minhash`] | records | [`pipeline::Corpus`]: one [`document::DocTable`] row per record, one signature per ok record, no text (for analyze, each ok record's words: [`passages::TokenStore`]) |
//! | candidates, verification, clusters | [`pipeline`] (`candidates`) with [`lsh`], [`cluster`] | signatures | [`cluster::Duplicates`]: verified pairs, clusters |
//! | shared passages | [`passages`], sorting through [`spill`], word records in a [`blob`] | [`signed::SignedDocs`], the words kept by the read, clusters | [`passages::Passages`]: word ranges and byte spans, boilerplate |
//! | stories | [`story`] | pairs, passages | [`story::Stories`] |
//! | texts of what is shown | [`passages::snippets`] | passages, the texts again ([`signed::Texts`]) | [`passages::snippets::Snippets`]: span texts in a [`blob`] |
//! | outputs | [`report`] | all of the above, [`run::Summary`] | JSONL, CSV, `report.html`, `summary.json` |
//!
//! Records are numbered twice: every input record by a [`document::DocId`],
//! the signed (ok) ones also by a signature [`document::Row`], which is what
//! the stages after signing pass between them ([`signed::SignedDocs::doc`]
//! maps a row to its record).
//!
//! [`spark`] runs stages 2 and 3 on Apache Spark: filters that Spark starts
//! per partition, a PySpark driver, and [`spark::apply()`] back to dedup's
//! outputs.
//!
//! [`analyze`] and [`dedup`] are the two commands built on the stages (the
//! binary only parses flags into a [`Config`] and calls them); [`eval`]
//! measures a result against labels. [`config::MemoryBudget`] shares
//! `--memory-limit` between the stages, [`progress`] and [`timings`] report on
//! them.
//!
//! # Examples
//!
//! Analyzing a small corpus, as `neardup analyze` does:
//!
//! ```
//! use neardup::input::{OutletFrom, resolve};
//! use neardup::progress::NoProgress;
//!
//! let dir = tempfile::tempdir()?;
//! let story = "The defence ministers of Russia and China held talks by video \
//!     link on Tuesday and agreed to expand joint exercises next year.";
//! let feed = dir.path().join("feed.jsonl");
//! std::fs::write(
//!     &feed,
//!     [
//!         serde_json::json!({"id": "a", "source": "wire", "text": story}),
//!         serde_json::json!({"id": "b", "source": "daily", "text": format!("{story} Read more.")}),
//!         serde_json::json!({"id": "c", "source": "daily", "text": "Rain is expected on Friday."}),
//!     ]
//!     .map(|v| v.to_string())
//!     .join("\n"),
//! )?;
//!
//! let config = neardup::Config::default();
//! let inputs = resolve(&[feed], OutletFrom::None)?;
//! let out = dir.path().join("out");
//! let summary = neardup::analyze::analyze(&config, inputs, &out, &NoProgress)?;
//! assert_eq!(summary.counts.read, 3);
//! assert_eq!(summary.counts.duplicates, 1); // b republishes a
//! assert!(out.join("report.html").exists());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Comparing two texts directly:
//!
//! ```
//! use neardup::minhash::{MinHasher, SignatureParams};
//! use neardup::normalize::{NormalizeOptions, Normalizer};
//!
//! let params = SignatureParams {
//!     num_perm: 128,
//!     shingle: 5,
//!     seed: 42,
//!     normalize: NormalizeOptions::all(),
//! };
//! let normalizer = Normalizer::new(params.normalize);
//! let hasher = MinHasher::new(params).unwrap();
//! let a = hasher.signature(&normalizer.normalize("Talks resumed on Monday, officials said.")).unwrap();
//! let b = hasher.signature(&normalizer.normalize("TALKS RESUMED ON MONDAY — officials said!")).unwrap();
//! assert_eq!(a.jaccard(&b).unwrap(), 1.0);
//! ```
//!
//! Running only the near-duplicate stages over files:
//!
//! ```no_run
//! use neardup::config::Config;
//! use neardup::input::{resolve, OutletFrom};
//! use neardup::pipeline::{find_duplicates, read_and_sign};
//! use neardup::progress::NoProgress;
//! use neardup::timings::Timings;
//!
//! let config = Config::default();
//! config.validate()?;
//! let inputs = resolve(&["feed.jsonl.gz".into()], OutletFrom::None)?;
//! let corpus = read_and_sign(&config, inputs, false, &NoProgress, &mut |_| Ok(()))?;
//! let dups = find_duplicates(&corpus, &config, &NoProgress, &mut Timings::default())?;
//! for p in &dups.pairs {
//!     let (a, b) = (corpus.doc_of_row(p.a), corpus.doc_of_row(p.b));
//!     println!("{} ~ {} ({:.2})", corpus.docs.id(a), corpus.docs.id(b), p.jaccard);
//! }
//! # Ok::<(), neardup::Error>(())
//! ```

#![deny(missing_docs)]

pub mod analyze;
pub mod blob;
pub mod cluster;
pub mod config;
pub mod dedup;
pub mod document;
pub mod error;
pub mod eval;
pub mod index;
pub mod input;
pub mod lsh;
pub mod minhash;
pub mod normalize;
pub mod passages;
pub mod pipeline;
pub mod process;
pub mod progress;
pub mod report;
pub mod run;
pub mod shingle;
pub mod signed;
pub mod spark;
pub mod spill;
pub mod story;
pub mod timings;

pub use config::Config;
pub use error::{Error, ErrorKind, Result};
