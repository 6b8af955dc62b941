//! Parameters of the shared-passage stage, with their defaults.
//!
//! Plain values: this module depends on nothing else of the crate, so the
//! configuration can hold them without importing the stage.

/// How a passage matched, from the strictest to the loosest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Match {
    /// Word for word, in order (desk edits aside).
    Exact,
    /// The same words, in another order.
    Reordered,
    /// Many words replaced, dropped or added.
    Rewritten,
}

impl Match {
    /// `exact`, `reordered` or `rewritten`.
    pub fn name(self) -> &'static str {
        match self {
            Match::Exact => "exact",
            Match::Reordered => "reordered",
            Match::Rewritten => "rewritten",
        }
    }
}

/// Parameters of shared-passage detection (alignment).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct PassageParams {
    /// Least number of non-stock words of the longest exact run of a passage.
    pub min_words: u32,
    /// Least length of the shorter runs chained around it.
    pub min_run: u32,
    /// Largest distance, in words on both sides, between chained runs.
    pub gap: u32,
    /// Passages between otherwise unrelated documents must total this many
    /// words (see the `passages` module).
    pub isolated_words: u32,
    /// Least share of the shorter side's words found on the other side (in
    /// any order) for a match that is not exact to be `reordered`; below it,
    /// it is `rewritten`.
    pub reordered_share: f64,
    /// Least number of shared content words (stock phrases excluded) of a
    /// `reordered` passage without an exact run of `min_words`.
    pub reordered_words: u32,
    /// Least number of shared content words of a `rewritten` passage
    /// without an exact run of `min_words`.
    pub rewritten_words: u32,
    /// Least share of matched words of a `rewritten` passage.
    pub rewritten_share: f64,
    /// Least number of matched sentences of a `rewritten` passage.
    pub rewritten_sentences: u32,
    /// The loosest match reported: with [`Match::Exact`], sentences are not
    /// compared as bags at all (faster, and only word-for-word reuse).
    pub loosest: Match,
}

impl Default for PassageParams {
    fn default() -> PassageParams {
        PassageParams {
            min_words: 8,
            min_run: 3,
            gap: 20,
            isolated_words: 12,
            reordered_share: 0.8,
            reordered_words: 15,
            rewritten_words: 20,
            rewritten_share: 0.4,
            rewritten_sentences: 2,
            loosest: Match::Rewritten,
        }
    }
}
