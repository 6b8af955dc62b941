//! Parameters of the story stage, with their defaults.
//!
//! Plain values: this module depends on nothing else of the crate, so the
//! configuration can hold them without importing the stage.

/// Parameters of story detection.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct StoryParams {
    /// Jaccard similarity that links two documents into a story.
    pub threshold: f64,
    /// Shared passage words that link two documents into a story.
    pub min_words: u32,
    /// Least share of the longer document those words must make up.
    pub min_share: f64,
    /// Dated documents further apart than this many days are not linked.
    pub window_days: f64,
    /// Largest story a link may make.
    pub max_size: usize,
}

impl Default for StoryParams {
    fn default() -> Self {
        StoryParams {
            threshold: 0.2,
            min_words: 8,
            min_share: 0.1,
            window_days: 7.0,
            max_size: 200,
        }
    }
}
