//! The stages of a run, from inputs to near-duplicate clusters.
//!
//! 1. [`read_and_sign`] (`read` and `sign`) streams every record once:
//!    parse, normalize, shingle and sign in parallel (rayon, per block of
//!    records), then append to the [`Corpus`] table in input order. The text
//!    of a record is dropped as soon as its signature is made.
//! 2. [`find_duplicates`] (`candidates`) bands the signatures, verifies
//!    candidates (refining those close to the threshold) and builds
//!    clusters.
//!
//! Later stages see the corpus through [`Corpus::signed`] and read texts
//! again through [`Texts`](crate::signed::Texts).
//!
//! Every record of the input ends up as exactly one row of the table, with
//! status ok, empty or rejected, so nothing is lost silently.

mod candidates;
mod corpus;
mod read;
mod sign;

pub(crate) use sign::{Outcome, Signer};

pub use candidates::{cluster, cluster_rows, find_duplicates};
pub(crate) use corpus::location;
pub use corpus::{Corpus, ReadStats};
pub(crate) use read::input_size;
pub use read::{Notice, Notices, read_and_sign, read_sign_and_keep_words};
