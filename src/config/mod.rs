//! Every parameter of a run, with its default and validation.
//!
//! The command line builds a [`Config`] and nothing else reads options:
//! no environment variables, no globals. [`Config::validate`] runs once, in
//! the command ([`crate::analyze`], [`crate::dedup`]) before any input is
//! read, so wrong usage is reported (exit status 2) before a data error
//! could be. Its messages name parameters by their field path in backticks
//! (`` `stories.threshold` ``), never by a command-line flag; the command
//! line translates them.

mod budget;
mod passages;
mod stories;

use std::path::PathBuf;

pub use budget::MemoryBudget;
pub use passages::{Match, PassageParams};
pub use stories::StoryParams;

use crate::cluster::Keep;
use crate::error::{Error, Result};
use crate::input::InputOptions;
use crate::lsh::{LshParams, optimal_params};
use crate::minhash::SignatureParams;
use crate::normalize::NormalizeOptions;

/// Default near-duplicate threshold (Jaccard of character shingles). See the
/// README's "Choosing the defaults" for the measurement behind it.
pub const DEFAULT_THRESHOLD: f64 = 0.7;
/// Default containment threshold: a copy with this share of its shingles in
/// a longer document is a near-duplicate of it (a trimmed or re-furnished
/// republication). See the README's "Choosing the defaults".
pub const DEFAULT_CONTAINMENT: f64 = 0.9;
/// Default shingle size in characters.
pub const DEFAULT_SHINGLE: usize = 5;
/// Default number of MinHash slots.
pub const DEFAULT_NUM_PERM: usize = 128;
/// Default seed.
pub const DEFAULT_SEED: u64 = 42;
/// Default number of slots of the finer signature that decides pairs close to
/// the threshold.
pub const DEFAULT_REFINE: usize = 1024;

/// Default number of documents whose text `report.html` embeds.
pub const DEFAULT_REPORT_MAX_DOCS: usize = 2_000;

/// What to do with a bad record (`--on-error`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    /// Stop at the first bad record, naming it; no output is finalised.
    #[default]
    Fail,
    /// Record it as rejected, report it and go on.
    Skip,
}

/// The parameters of a run.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Config {
    /// How to read the inputs.
    pub input: InputOptions,
    /// Normalization rules. Default: all on.
    pub normalize: NormalizeOptions,
    /// Shingle size in characters. Default: [`DEFAULT_SHINGLE`].
    pub shingle: usize,
    /// MinHash slots. Default: [`DEFAULT_NUM_PERM`].
    pub num_perm: usize,
    /// Seed of every hash. Default: [`DEFAULT_SEED`].
    pub seed: u64,
    /// Near-duplicate Jaccard threshold. Default: [`DEFAULT_THRESHOLD`].
    pub threshold: f64,
    /// Containment threshold: two documents are also near-duplicates when
    /// this share of the smaller one's shingles is in the larger (a trimmed
    /// copy), among the candidate pairs; 0 turns it off. Default:
    /// [`DEFAULT_CONTAINMENT`].
    pub containment: f64,
    /// Bands and rows; `None` derives them from the threshold
    /// ([`optimal_params`]).
    #[serde(skip)]
    pub lsh: Option<LshParams>,
    /// Slots of the finer signature that decides pairs whose estimate is
    /// within three standard deviations of the threshold, made beside the
    /// coarse one in the first read (again, for the doubtful documents only,
    /// if they outgrow their share of the [`MemoryBudget`]); 0 decides on
    /// the `num_perm` signatures alone. Default: [`DEFAULT_REFINE`].
    pub refine: usize,
    /// Which document of a cluster is kept. Default: the first.
    pub keep: Keep,
    /// Bad input handling. Default: fail.
    pub on_error: OnError,
    /// Shared passage detection (analyze).
    pub passages: PassageParams,
    /// Story detection (analyze).
    pub stories: StoryParams,
    /// Documents whose text `report.html` embeds at most (analyze). Default:
    /// [`DEFAULT_REPORT_MAX_DOCS`].
    pub report_max_docs: usize,
    /// Whether `shared.jsonl` gives the text of each passage (analyze); without
    /// it, the byte offsets still locate the text in the input, and the run
    /// keeps no passage text on disk or in memory. Default: true.
    pub passage_text: bool,
    /// Memory the run may use for its large arrays, in bytes, shared between
    /// stages by [`MemoryBudget`]. Default: 4 GiB; the command line uses half
    /// of the machine's memory.
    pub memory_limit: u64,
    /// Where temporary files go (spilled signatures and band entries, the
    /// spool of standard input). Default: the system's temporary folder.
    #[serde(skip)]
    pub temp_dir: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            input: InputOptions::default(),
            normalize: NormalizeOptions::default(),
            shingle: DEFAULT_SHINGLE,
            num_perm: DEFAULT_NUM_PERM,
            seed: DEFAULT_SEED,
            threshold: DEFAULT_THRESHOLD,
            containment: DEFAULT_CONTAINMENT,
            lsh: None,
            refine: DEFAULT_REFINE,
            keep: Keep::default(),
            on_error: OnError::default(),
            passages: PassageParams::default(),
            stories: StoryParams::default(),
            report_max_docs: DEFAULT_REPORT_MAX_DOCS,
            passage_text: true,
            memory_limit: 4 << 30,
            temp_dir: None,
        }
    }
}

/// Half-width of the band of doubt around `threshold`: three standard
/// deviations of the `num_perm`-slot estimate there; 0 when there is no
/// finer signature (`refine` 0) to decide within it.
pub fn doubt_margin(threshold: f64, num_perm: usize, refine: usize) -> f64 {
    if refine == 0 {
        return 0.0;
    }
    let t = threshold;
    3.0 * (t * (1.0 - t) / num_perm as f64).sqrt()
}

impl Config {
    /// Checks that the parameters can work together.
    pub fn validate(&self) -> Result<()> {
        self.signature_params().validate()?;
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(Error::usage(format!(
                "`threshold` must be in (0, 1], got {}",
                self.threshold
            )));
        }
        if !(0.0..=1.0).contains(&self.containment) {
            return Err(Error::usage(format!(
                "`containment` must be 0 (off) or in (0, 1], got {}",
                self.containment
            )));
        }
        if self.refine != 0 && !(self.num_perm..=4096).contains(&self.refine) {
            return Err(Error::usage(format!(
                "`refine` must be 0 or between `num_perm` ({}) and 4096, got {}",
                self.num_perm, self.refine
            )));
        }
        if let Some(lsh) = self.lsh {
            lsh.validate(self.num_perm)?;
        }
        let st = &self.stories;
        if !(st.threshold > 0.0 && st.threshold <= 1.0) {
            return Err(Error::usage(format!(
                "`stories.threshold` must be in (0, 1], got {}",
                st.threshold
            )));
        }
        if st.window_days.is_nan() || st.window_days < 0.0 {
            return Err(Error::usage(
                "`stories.window_days` must be at least 0 days",
            ));
        }
        if st.max_size < 2 {
            return Err(Error::usage("`stories.max_size` must be at least 2"));
        }
        let p = &self.passages;
        if p.min_words < 2 || p.min_run == 0 || p.min_run > p.min_words {
            return Err(Error::usage(format!(
                "`passages.min_words` must be at least 2 (got {}) and not below the chained run length {}",
                p.min_words, p.min_run
            )));
        }
        if self.input.max_doc_bytes == 0 {
            return Err(Error::usage("`input.max_doc_bytes` must be at least 1"));
        }
        let f = &self.input.fields;
        for (flag, v) in [
            ("`input.fields.id`", &f.id),
            ("`input.fields.text`", &f.text),
            ("`input.fields.outlet`", &f.outlet),
        ] {
            if v.is_empty() {
                return Err(Error::usage(format!("{flag} must not be empty")));
            }
        }
        if f.text == f.id {
            return Err(Error::usage(
                "`input.fields.text` and `input.fields.id` must differ",
            ));
        }
        Ok(())
    }

    /// The parameters signatures are made with.
    pub fn signature_params(&self) -> SignatureParams {
        SignatureParams {
            num_perm: self.num_perm,
            shingle: self.shingle,
            seed: self.seed,
            normalize: self.normalize,
        }
    }

    /// Slots of the finer signatures: `refine` rounded down to a multiple of
    /// `num_perm` (so that their slots nest in the coarse ones); 0 when
    /// refinement is off.
    pub fn fine_width(&self) -> usize {
        self.refine / self.num_perm * self.num_perm
    }

    /// Half-width of the band of doubt around the threshold: three standard
    /// deviations of the `num_perm`-slot estimate at the threshold.
    pub fn doubt_margin(&self) -> f64 {
        doubt_margin(self.threshold, self.num_perm, self.refine)
    }

    /// The memory budget of the stages.
    pub fn budget(&self) -> MemoryBudget {
        MemoryBudget::new(self.memory_limit, self.temp_dir.clone())
    }

    /// Bands and rows: as given, or derived from the threshold.
    pub fn lsh_params(&self) -> LshParams {
        self.lsh
            .unwrap_or_else(|| optimal_params(self.threshold, self.num_perm))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_bad_values_are_usage_errors() {
        Config::default().validate().unwrap();
        let bad = |f: fn(&mut Config)| {
            let mut c = Config::default();
            f(&mut c);
            assert!(c.validate().unwrap_err().is_usage());
        };
        bad(|c| c.threshold = 0.0);
        bad(|c| c.threshold = 1.5);
        bad(|c| c.shingle = 0);
        bad(|c| c.num_perm = 1);
        bad(|c| c.lsh = Some(LshParams { bands: 20, rows: 8 }));
        bad(|c| c.input.max_doc_bytes = 0);
        bad(|c| c.input.fields.text = "id".into());
    }
}
