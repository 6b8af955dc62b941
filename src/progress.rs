//! Progress reporting, as a trait the library calls.
//!
//! The library never draws anything: it tells a [`Progress`] which stage
//! started and how far it got. The command line implements it with indicatif
//! bars on a terminal; [`NoProgress`] ignores everything.

/// What a stage counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Bytes of input.
    Bytes,
    /// Documents, pairs, bands...
    Items,
}

/// Receives progress from the pipeline. Must be callable from worker threads.
pub trait Progress: Sync {
    /// A stage begins; `total` is its size if known.
    fn begin(&self, stage: &str, total: Option<u64>, unit: Unit);
    /// `n` more units of the current stage are done.
    fn advance(&self, n: u64);
    /// The current stage is over.
    fn end(&self);
}

/// A [`Progress`] that ignores everything.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn begin(&self, _: &str, _: Option<u64>, _: Unit) {}
    fn advance(&self, _: u64) {}
    fn end(&self) {}
}
