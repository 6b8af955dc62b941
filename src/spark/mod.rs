//! Beyond one machine: the same clusters on Apache Spark, with no JVM code
//! of ours.
//!
//! Spark owns storage, shuffles, retries and the graph work; the per-record
//! and per-component work is this crate's, run as stdin→stdout filters that
//! Spark starts per partition (`TRANSFORM ... USING`):
//!
//! 1. [`sign()`] (`neardup sign`): records → signature, finer signature,
//!    shingle estimate and band keys, by the single-machine signer;
//! 2. the driver ([`SCRIPT`], `neardup spark-script`) explodes band keys,
//!    makes the candidate pairs of every bucket by the rule of
//!    [`crate::lsh`] (all pairs of a bucket up to
//!    [`FULL_BUCKET`](crate::lsh::FULL_BUCKET), else a star to its smallest
//!    member plus a chain: never all pairs of a large one);
//! 3. [`task::verify`] (`neardup spark-task verify`): candidate pairs with
//!    both signatures → the verified pairs, by the single-machine rule
//!    (coarse estimate, finer one in the band of doubt, containment);
//! 4. the driver: connected components of the verified pairs
//!    (large-star/small-star, checkpointed);
//! 5. [`task::cluster`] (`neardup spark-task cluster`): one component's
//!    members and pairs → each member's kept document, by
//!    [`cluster_rows`](crate::pipeline::cluster_rows), the single-machine
//!    no-chaining rule;
//! 6. [`apply()`] (`neardup apply`): Spark's `documents` → `dedup`'s outputs.
//!
//! Every line a filter writes carries or checks [`params_hash`]: a job
//! whose stages were given different parameters fails instead of mixing
//! signatures. The clusters equal those of `neardup dedup` on the same
//! input in the same order (documents are numbered in input order: files in
//! path order, records in file order), because each stage is the
//! single-machine code applied to a part of the data that the stage's
//! result does not look beyond.

pub mod apply;
pub mod sign;
pub mod task;

pub use apply::{ApplyOutputs, apply};
pub use sign::{SignSummary, sign};

use crate::config::Config;
use crate::index::IndexParams;

/// The PySpark driver, as `neardup spark-script` prints it.
pub const SCRIPT: &str = include_str!("neardup_spark.py");

/// A 16-hex-digit hash of every parameter that signatures and decisions
/// depend on (those an index keeps for life, and `--keep`).
pub fn params_hash(config: &Config) -> String {
    let mut params = IndexParams::of(config);
    // Story parameters play no part in the near-duplicate clusters.
    params.story_threshold = 0.0;
    params.story_window_days = 0.0;
    let text = serde_json::to_string(&(params, config.keep)).unwrap_or_default();
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::Keep;

    #[test]
    fn params_hash_follows_every_decision_parameter() {
        let base = Config::default();
        let h = params_hash(&base);
        assert_eq!(h.len(), 16);
        assert_eq!(h, params_hash(&Config::default()));
        let changed = [
            Config {
                threshold: 0.8,
                ..Config::default()
            },
            Config {
                num_perm: 64,
                ..Config::default()
            },
            Config {
                shingle: 4,
                ..Config::default()
            },
            Config {
                seed: 9,
                ..Config::default()
            },
            Config {
                refine: 0,
                ..Config::default()
            },
            Config {
                keep: Keep::Longest,
                ..Config::default()
            },
        ];
        for c in changed {
            assert_ne!(params_hash(&c), h);
        }
    }
}
