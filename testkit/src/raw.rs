//! The documents that pass between the near-duplicate generator
//! ([`super::dedup`]) and the copier ([`super::copies`]): an original before
//! rendering, and a generated document before it gets its id and position.

use super::Script;
use super::boiler::Boiler;
use super::text::Tok;

/// A generated document before it gets its id and position.
pub(crate) struct RawDoc {
    pub(crate) outlet: usize,
    pub(crate) day: u32,
    pub(crate) title: String,
    pub(crate) text: String,
    /// For a copy: exact Jaccard to the original and the edits applied.
    pub(crate) copy: Option<(f64, Vec<&'static str>)>,
}

/// An original document before rendering.
pub(crate) struct Source {
    pub(crate) script: Script,
    pub(crate) outlet: usize,
    pub(crate) day: u32,
    pub(crate) title: String,
    pub(crate) toks: Vec<Tok>,
    pub(crate) header: Option<Boiler>,
    pub(crate) footer: Option<Boiler>,
}
