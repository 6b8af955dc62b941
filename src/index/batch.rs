//! Documents to add: articles given in-process, signed into a [`Batch`]
//! with the index's parameters (or filled from a corpus read from files).

use rayon::prelude::*;

use super::IndexParams;
use crate::config::Config;
use crate::error::{Error, Result};
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
    /// (`refine` bytes) and estimated shingles. Signatures of other widths
    /// than the batch's parameters are a usage error.
    pub fn push(
        &mut self,
        id: String,
        outlet: Option<String>,
        date: Option<i64>,
        sig: &[u16],
        fine: &[u8],
        shingles: u32,
    ) -> Result<()> {
        if sig.len() != self.k || fine.len() != self.w {
            return Err(Error::usage(format!(
                "document {id}: a signature of {} slots and a finer one of {} bytes, \
                 for an index of {} and {}",
                sig.len(),
                fine.len(),
                self.k,
                self.w
            )));
        }
        self.sigs.extend_from_slice(sig);
        self.fine.extend_from_slice(fine);
        self.shingles.push(shingles);
        self.meta.push(Meta {
            id,
            outlet,
            date,
            text: None,
        });
        Ok(())
    }

    /// Keeps `texts` (one per document, in order) to store with them; a
    /// usage error unless there is one per document.
    pub fn with_texts(mut self, texts: Vec<String>) -> Result<Batch> {
        if texts.len() != self.meta.len() {
            return Err(Error::usage(format!(
                "{} texts for a batch of {} documents",
                texts.len(),
                self.meta.len()
            )));
        }
        for (m, t) in self.meta.iter_mut().zip(texts) {
            m.text = Some(t);
        }
        Ok(self)
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
        Signer::new(params)?.sign(params, articles)
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
    ) -> Result<(Batch, Vec<Option<usize>>)> {
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
                    )?;
                }
                None => at.push(None),
            }
        }
        Ok((batch, at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_of_other_widths_and_missing_texts_are_refused() {
        let params = IndexParams::of(&Config::default());
        let (k, w) = (params.num_perm, params.fine_width());
        let mut batch = Batch::new(&params);
        batch
            .push("a".into(), None, None, &vec![1; k], &vec![1; w], 10)
            .unwrap();
        let short = batch.push("b".into(), None, None, &vec![1; k - 1], &vec![1; w], 10);
        assert!(short.unwrap_err().is_usage());
        assert_eq!(batch.len(), 1);
        assert!(batch.clone().with_texts(vec![]).unwrap_err().is_usage());
        assert!(batch.with_texts(vec!["text".into()]).is_ok());
        // Empty articles are not signed; the others are, in order.
        let articles = [
            Article {
                id: "x",
                text: "  ",
                outlet: None,
                date: None,
            },
            Article {
                id: "y",
                text: "Talks resumed on Monday.",
                outlet: None,
                date: None,
            },
        ];
        let (signed, at) = Batch::sign(&params, &articles).unwrap();
        assert_eq!(at, [None, Some(0)]);
        assert_eq!(signed.id(0), "y");
    }
}
