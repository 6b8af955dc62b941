//! [`SignatureParams`], everything that determines a signature, and [`Signature`], a
//! standalone signature that carries them.
//!
//! Guarantees: [`SignatureParams::validate`] accepts exactly the parameters a
//! [`MinHasher`](super::MinHasher) can sign with, and two signatures are only ever compared
//! when their parameters are equal ([`Signature::jaccard`] fails otherwise).

use std::fmt;

use super::estimate::estimate;
use crate::error::{Error, ErrorKind, Result};
use crate::normalize::NormalizeOptions;
use crate::shingle::MAX_SHINGLE;

/// Everything that determines a signature.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SignatureParams {
    /// Number of slots (`--num-perm`).
    pub num_perm: usize,
    /// Shingle size in characters (`--shingle`).
    pub shingle: usize,
    /// Seed of the shingle hash and the densification sequence (`--seed`).
    pub seed: u64,
    /// Normalization applied before shingling.
    pub normalize: NormalizeOptions,
}

impl SignatureParams {
    /// Checks the parameters can make signatures.
    pub fn validate(&self) -> Result<()> {
        if !(1..=MAX_SHINGLE).contains(&self.shingle) {
            return Err(Error::usage(format!(
                "`shingle` must be between 1 and {MAX_SHINGLE}, got {}",
                self.shingle
            )));
        }
        if !(2..=4096).contains(&self.num_perm) {
            return Err(Error::usage(format!(
                "`num_perm` must be between 2 and 4096, got {}",
                self.num_perm
            )));
        }
        Ok(())
    }

    /// Fails unless `other` made signatures comparable with ours.
    pub fn check_compatible(&self, other: &SignatureParams) -> Result<()> {
        if self == other {
            Ok(())
        } else {
            Err(Error::from(ErrorKind::IncompatibleSignatures {
                expected: self.to_string(),
                found: other.to_string(),
            }))
        }
    }
}

impl fmt::Display for SignatureParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "num_perm={} shingle={} seed={} normalize={}",
            self.num_perm,
            self.shingle,
            self.seed,
            self.normalize.enabled_names().join(",")
        )
    }
}

/// A standalone signature that carries its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub(super) params: SignatureParams,
    pub(super) values: Vec<u16>,
}

impl Signature {
    /// The parameters that made it.
    pub fn params(&self) -> &SignatureParams {
        &self.params
    }

    /// The slot values.
    pub fn values(&self) -> &[u16] {
        &self.values
    }

    /// Estimated Jaccard similarity; an error if the parameters differ.
    pub fn jaccard(&self, other: &Signature) -> Result<f64> {
        self.params.check_compatible(&other.params)?;
        Ok(estimate(&self.values, &other.values))
    }
}
