//! Documents to add: articles given in-process, signed into a [`Batch`]
//! with the index's parameters (or filled from a corpus read from files).

use rayon::prelude::*;

use super::IndexParams;
use crate::config::Config;
use crate::error::Result;
use crate::minhash::{MinHasher, Scratch};
use crate::normalize::Normalizer;

/// An article to add, for callers in-process.
#[derive(Clone, Copy, Debug)]
pub struct Article<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its text.
    pub text: &'a str,
    /// Its outlet.
    pub outlet: Option<&'a str>,
    /// Its publication date, Unix seconds.
    pub date: Option<i64>,
}

/// Signed documents, ready to be decided and added.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    pub(super) k: usize,
    pub(super) w: usize,
    sigs: Vec<u16>,
    fine: Vec<u8>,
    shingles: Vec<u32>,
    pub(super) meta: Vec<Meta>,
}

#[derive(Clone, Debug)]
pub(super) struct Meta {
    pub(super) id: String,
    pub(super) outlet: Option<String>,
    pub(super) date: Option<i64>,
    pub(super) text: Option<String>,
}

/// One document of a batch, as the rule sees it.
pub(crate) struct BatchDoc<'a> {
    pub(super) sig: &'a [u16],
    pub(super) fine: &'a [u8],
    pub(super) shingles: u32,
    pub(super) date: Option<i64>,
}

impl Batch {
    /// An empty batch for signatures of `params`.
    pub fn new(params: &IndexParams) -> Batch {
        Batch {
            k: params.num_perm,
            w: params.fine_width(),
            ..Batch::default()
        }
    }

    /// Appends a signed document: its `num_perm` slots, its finer signature
    /// (`refine` bytes) and estimated shingles.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        id: String,
        outlet: Option<String>,
        date: Option<i64>,
        sig: &[u16],
        fine: &[u8],
        shingles: u32,
    ) {
        assert_eq!(sig.len(), self.k, "signature of the index's width");
        assert_eq!(fine.len(), self.w, "finer signature of the index's width");
        self.sigs.extend_from_slice(sig);
        self.fine.extend_from_slice(fine);
        self.shingles.push(shingles);
        self.meta.push(Meta {
            id,
            outlet,
            date,
            text: None,
        });
    }

    /// Keeps `texts` (one per document, in order) to store with them.
    pub fn with_texts(mut self, texts: Vec<String>) -> Batch {
        assert_eq!(texts.len(), self.meta.len(), "one text per document");
        for (m, t) in self.meta.iter_mut().zip(texts) {
            m.text = Some(t);
        }
        self
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.meta.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
    }

    /// The id of document `i`.
    pub fn id(&self, i: usize) -> &str {
        &self.meta[i].id
    }

    pub(super) fn doc(&self, i: usize) -> BatchDoc<'_> {
        BatchDoc {
            sig: &self.sigs[i * self.k..(i + 1) * self.k],
            fine: &self.fine[i * self.w..(i + 1) * self.w],
            shingles: self.shingles[i],
            date: self.meta[i].date,
        }
    }

    /// Signs `articles` in parallel with `params`; returns the batch of
    /// those with text, and for each article its position in the batch
    /// (`None`: nothing to sign).
    pub fn sign(
        params: &IndexParams,
        articles: &[Article<'_>],
    ) -> Result<(Batch, Vec<Option<usize>>)> {
        Ok(Signer::new(params)?.sign(params, articles))
    }
}

/// The normalizer and hasher of an index's parameters (made once: the
/// normalizer's tables cost more than signing an article).
pub(super) struct Signer {
    hasher: MinHasher,
    normalizer: Normalizer,
}

impl Signer {
    pub(super) fn new(params: &IndexParams) -> Result<Signer> {
        let config = params.apply(&Config::default())?;
        Ok(Signer {
            hasher: MinHasher::new(config.signature_params())?,
            normalizer: Normalizer::new(config.normalize),
        })
    }

    pub(super) fn sign(
        &self,
        params: &IndexParams,
        articles: &[Article<'_>],
    ) -> (Batch, Vec<Option<usize>>) {
        let (k, w) = (params.num_perm, params.fine_width());
        let sign_one = |(norm, scratch): &mut (String, Scratch), a: &Article<'_>| {
            self.normalizer.normalize_into(a.text, norm);
            let (mut sig, mut fine) = (vec![0u16; k], vec![0u8; w]);
            let ok = if w == 0 {
                self.hasher.sign_normalized(norm, scratch, &mut sig)
            } else {
                self.hasher
                    .sign_normalized_fine(norm, scratch, &mut sig, &mut fine)
            };
            ok.then(|| (sig, fine, scratch.shingles()))
        };
        type Signed = Option<(Vec<u16>, Vec<u8>, u32)>;
        let signed: Vec<Signed> = if articles.len() == 1 {
            vec![sign_one(&mut Default::default(), &articles[0])]
        } else {
            articles
                .par_iter()
                .map_init(Default::default, sign_one)
                .collect()
        };
        let mut batch = Batch::new(params);
        let mut at = Vec::with_capacity(articles.len());
        for (a, s) in articles.iter().zip(signed) {
            match s {
                Some((sig, fine, shingles)) => {
                    at.push(Some(batch.len()));
                    batch.push(
                        a.id.to_string(),
                        a.outlet.map(str::to_string),
                        a.date,
                        &sig,
                        &fine,
                        shingles,
                    );
                }
                None => at.push(None),
            }
        }
        (batch, at)
    }
}
