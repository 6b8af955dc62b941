//! Wall time of each stage of a run, in the order the stages ran.
//!
//! Timings are measured, never part of a decision: they reach
//! `summary.json` and `--profile` only, so outputs stay byte-identical from
//! run to run.

use std::time::{Duration, Instant};

/// Wall time of each stage, in order.
#[derive(Clone, Debug, Default)]
pub struct Timings(pub Vec<(String, Duration)>);

impl Timings {
    /// Records that `stage` took `d`.
    pub fn add(&mut self, stage: &str, d: Duration) {
        self.0.push((stage.to_string(), d));
    }

    /// Runs `f` and records its wall time under `stage`.
    pub fn time<T>(&mut self, stage: &str, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        self.add(stage, t.elapsed());
        out
    }

    /// Runs `f` as a stage of `total` items, which `f` advances on
    /// `progress` (so it shows an ETA), and times it.
    pub fn sized<T>(
        &mut self,
        progress: &dyn crate::progress::Progress,
        stage: &str,
        total: u64,
        f: impl FnOnce() -> T,
    ) -> T {
        progress.begin(stage, Some(total), crate::progress::Unit::Items);
        let out = self.time(stage, f);
        progress.end();
        out
    }

    /// Runs `f` as a stage of unknown size: shown by `progress` (a stage
    /// that knows its size shows it from inside `f`) and timed.
    pub fn stage<T>(
        &mut self,
        progress: &dyn crate::progress::Progress,
        stage: &str,
        f: impl FnOnce() -> T,
    ) -> T {
        progress.begin(stage, None, crate::progress::Unit::Items);
        let out = self.time(stage, f);
        progress.end();
        out
    }
}
