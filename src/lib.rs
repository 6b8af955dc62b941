//! neardup finds near-duplicate articles in news text.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`input`]: files, folders, JSONL (plain, `.gz`, `.zst`) or standard
//!    input, streamed as blocks of records;
//! 2. [`normalize`]: Unicode NFKC, case, Arabic diacritics and letter
//!    variants, digits, punctuation, whitespace;
//! 3. [`shingle`]: character k-shingles hashed with seeded xxh3;
//! 4. [`minhash`]: one-permutation MinHash with optimal densification, 16-bit
//!    slots;
//! 5. [`lsh`]: banding into candidate pairs;
//! 6. [`cluster`]: verification on full signatures and union-find clusters;
//! 7. [`report`]: JSON Lines outputs, written atomically.
//!
//! [`pipeline`] runs stages 1–6 over a corpus; [`analyze`] and [`dedup`] are
//! the two commands built on it, and [`eval`] measures a result against
//! labels.
//!
//! # Example
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
//! Running the near-duplicate stage over files:
//!
//! ```no_run
//! use neardup::config::Config;
//! use neardup::input::{resolve, OutletFrom};
//! use neardup::pipeline::{find_duplicates, read_and_sign};
//! use neardup::timings::Timings;
//! use neardup::progress::NoProgress;
//!
//! let config = Config::default();
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
pub mod cluster;
pub mod config;
pub mod dedup;
pub mod document;
pub mod error;
pub mod eval;
pub mod input;
pub mod lsh;
pub mod minhash;
pub mod normalize;
pub mod passages;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod run;
pub mod shingle;
pub mod signed;
pub mod story;
pub mod timings;

pub use config::Config;
pub use error::{Error, ErrorKind, Result};
