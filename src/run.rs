//! The run model: what one `analyze` run did, as one value.
//!
//! [`crate::analyze`] fills a [`Summary`] once: counts, the details of each
//! stage, every parameter actually used and the wall time of each stage.
//! `summary.json` serializes it whole; `report.html` shows its counts and
//! parameters ([`crate::report::model`]). Nothing is counted twice.

use crate::config::Config;
use crate::passages::PassageStats;
use crate::pipeline::ReadStats;
use crate::timings::Timings;

/// What one `analyze` run did: `summary.json` is this value, and
/// `report.html` shows its counts and parameters.
#[derive(Debug, serde::Serialize)]
pub struct Summary {
    /// Always "neardup".
    pub tool: &'static str,
    /// Version of the tool.
    pub version: &'static str,
    /// The counts.
    pub counts: Counts,
    /// Details of the reading stage.
    pub input: ReadStats,
    /// Details of the passage stage.
    pub passage_stage: PassageStats,
    /// Story links dropped by the guards against chaining.
    pub story_guard: StoryGuard,
    /// Every parameter actually used.
    pub parameters: Parameters,
    /// Wall time per stage, in seconds, in order.
    pub timings: Vec<StageTime>,
}

/// How often the story guards acted.
#[derive(Debug, Default, serde::Serialize)]
pub struct StoryGuard {
    /// Links dropped because the story would have grown past `--max-story`.
    pub dropped_by_size: u64,
    /// Links dropped because the documents' dates are further apart than `--window`.
    pub dropped_by_window: u64,
    /// Links dropped because too few documents of the two stories are linked.
    pub dropped_by_density: u64,
    /// Components of links that the size guard split into several stories
    /// along their weakest links.
    pub split_components: u64,
}

/// Counts of `summary.json`.
#[derive(Debug, Default, serde::Serialize)]
pub struct Counts {
    /// Records read.
    pub read: u64,
    /// Records signed.
    pub ok: u64,
    /// Records with empty text.
    pub empty: u64,
    /// Records rejected.
    pub rejected: u64,
    /// Near-duplicate clusters among ok records (singletons included).
    pub clusters: u64,
    /// Ok records that are duplicates of a kept one.
    pub duplicates: u64,
    /// Size of the largest near-duplicate cluster.
    pub largest_cluster: u64,
    /// Candidate pairs from LSH.
    pub candidate_pairs: u64,
    /// Verified near-duplicate pairs.
    pub duplicate_pairs: u64,
    /// Of them, pairs accepted on containment (a trimmed or re-furnished
    /// copy: on signatures, or within shared passages in analyze).
    pub contained_pairs: u64,
    /// Candidate pairs decided on the finer signatures.
    pub refined_pairs: u64,
    /// Pairs that analyze found to be two issues of one template (slots
    /// that differ): near-duplicates on signatures, dropped from
    /// `duplicate_pairs`, and pairs sharing a passage, which link no
    /// story; 0 in dedup.
    pub template_sibling_pairs: u64,
    /// Verified story pairs (not near-duplicates).
    pub story_pairs: u64,
    /// Stories (ok and empty records; a document alone is its own story).
    pub stories: u64,
    /// Size of the largest story.
    pub largest_story: u64,
    /// Shared passages.
    pub passages: u64,
    /// Boilerplate sentences found (all outlets).
    pub boilerplate: u64,
}

/// The parameters block of `summary.json`.
#[derive(Debug, serde::Serialize)]
pub struct Parameters {
    /// The configuration.
    #[serde(flatten)]
    pub config: Config,
    /// Bands actually used.
    pub bands: usize,
    /// Rows per band actually used.
    pub rows: usize,
    /// Worker threads.
    pub threads: usize,
}

/// One stage's wall time.
#[derive(Debug, serde::Serialize)]
pub struct StageTime {
    /// Stage name.
    pub stage: String,
    /// Seconds.
    pub seconds: f64,
}

impl Summary {
    /// Sets the timings from `timings`, in milliseconds.
    pub fn set_timings(&mut self, timings: &Timings) {
        self.timings = timings
            .0
            .iter()
            .map(|(stage, d)| StageTime {
                stage: stage.clone(),
                seconds: (d.as_secs_f64() * 1000.0).round() / 1000.0,
            })
            .collect();
    }
}
