//! Parameters of the shared-passage stage, with their defaults.
//!
//! Plain values: this module depends on nothing else of the crate, so the
//! configuration can hold them without importing the stage.

/// Parameters of shared-passage detection (alignment).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
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
}

impl Default for PassageParams {
    fn default() -> PassageParams {
        PassageParams {
            min_words: 8,
            min_run: 3,
            gap: 20,
            isolated_words: 12,
        }
    }
}
