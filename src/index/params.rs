//! The parameters an index keeps for life, and how they map to a [`Config`].

use crate::cluster::Rule;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::normalize::NormalizeOptions;

/// The version of the store's layout; an index of another version is refused.
pub const FORMAT: u32 = 1;

/// The parameters an index is created with and keeps for life: every
/// batch is signed, banded and verified with them.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IndexParams {
    /// Layout version ([`FORMAT`]).
    pub format: u32,
    /// MinHash slots.
    pub num_perm: usize,
    /// Shingle size in characters.
    pub shingle: usize,
    /// Seed of all hashing.
    pub seed: u64,
    /// Normalization rules on, by name.
    pub normalize: Vec<String>,
    /// Near-duplicate Jaccard threshold.
    pub threshold: f64,
    /// Containment threshold (0: off).
    pub containment: f64,
    /// Slots of the finer signatures (0: none).
    pub refine: usize,
    /// LSH bands.
    pub bands: usize,
    /// LSH rows per band.
    pub rows: usize,
    /// Jaccard estimate that links a new document to a candidate's story.
    pub story_threshold: f64,
    /// Dated documents further apart than this many days share no story.
    pub story_window_days: f64,
}

impl IndexParams {
    /// The parameters of `config`.
    pub fn of(config: &Config) -> IndexParams {
        let lsh = config.lsh_params();
        let normalize = serde_json::to_value(config.normalize)
            .ok()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        IndexParams {
            format: FORMAT,
            num_perm: config.num_perm,
            shingle: config.shingle,
            seed: config.seed,
            normalize,
            threshold: config.threshold,
            containment: config.containment,
            refine: config.fine_width(),
            bands: lsh.bands,
            rows: lsh.rows,
            story_threshold: config.stories.threshold,
            story_window_days: config.stories.window_days,
        }
    }

    /// `config` with these parameters.
    pub fn apply(&self, config: &Config) -> Result<Config> {
        let normalize = NormalizeOptions::parse(&format!("none,{}", self.normalize.join(",")))
            .map_err(Error::other)?;
        let mut c = config.clone();
        c.num_perm = self.num_perm;
        c.shingle = self.shingle;
        c.seed = self.seed;
        c.normalize = normalize;
        c.threshold = self.threshold;
        c.containment = self.containment;
        c.refine = self.refine;
        c.lsh = Some(crate::lsh::LshParams {
            bands: self.bands,
            rows: self.rows,
        });
        c.stories.threshold = self.story_threshold;
        c.stories.window_days = self.story_window_days;
        c.validate()?;
        Ok(c)
    }

    /// The parameters (by their field path) whose values differ from
    /// `other`'s, with both values.
    pub fn differences(&self, other: &IndexParams) -> Vec<(String, String, String)> {
        let (a, b) = (
            serde_json::to_value(self).unwrap_or_default(),
            serde_json::to_value(other).unwrap_or_default(),
        );
        let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
            return Vec::new();
        };
        a.iter()
            .filter(|(k, v)| b.get(*k) != Some(v))
            .map(|(k, v)| {
                let name = match k.as_str() {
                    "story_threshold" => "stories.threshold".to_string(),
                    "story_window_days" => "stories.window_days".to_string(),
                    k => k.to_string(),
                };
                let other = b.get(k).map(|v| v.to_string()).unwrap_or_default();
                (name, v.to_string(), other)
            })
            .collect()
    }

    pub(super) fn rule(&self) -> Rule {
        Rule {
            threshold: self.threshold,
            margin: self.doubt_margin(),
            containment: self.containment,
        }
    }

    /// As [`Config::doubt_margin`].
    pub(super) fn doubt_margin(&self) -> f64 {
        crate::config::doubt_margin(self.threshold, self.num_perm, self.refine)
    }

    pub(super) fn fine_width(&self) -> usize {
        self.refine
    }
}
