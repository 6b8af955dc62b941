//! Signing: one record's bytes to its fields and signature.
//!
//! [`Signer::sign_block`] parses, normalizes, shingles and signs every record
//! of a block in parallel (rayon), each worker with its own buffers, and
//! returns the outcomes in the block's order; nothing here depends on thread
//! scheduling. A bad record becomes [`Outcome::Bad`] with its reason; what to
//! do with it is the corpus table's decision. The text is dropped as soon as
//! its signature is made.

use rayon::prelude::*;

use crate::config::Config;
use crate::error::Result;
use crate::input::{Block, Item, ItemKind, parse_date, parse_json_line, text_file_content};
use crate::minhash::{MinHasher, Scratch};
use crate::normalize::Normalizer;
use crate::passages::tokens;

/// Per-thread working memory for signing.
#[derive(Default)]
struct Work {
    text: String,
    norm: String,
    scratch: Scratch,
    words: tokens::Scratch,
}

/// What became of one item.
pub(crate) enum Outcome {
    Doc {
        id: Option<String>,
        outlet: Option<String>,
        date: Option<i64>,
        date_unparsed: bool,
        chars: u32,
        text_bytes: u64,
        signed: bool,
        /// Estimated distinct shingles (0 when not signed).
        shingles: u32,
        /// Its words, when signed and the signer keeps them.
        words: Option<Words>,
    },
    Bad(String),
}

/// Number of characters in UTF-8 text (counts non-continuation bytes).
fn char_count(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Parses, normalizes and signs records (one per worker thread at a time).
pub(crate) struct Signer<'a> {
    config: &'a Config,
    normalizer: Normalizer,
    hasher: MinHasher,
    /// Slots of the finer signatures made beside the coarse ones.
    fine_width: usize,
    /// Whether the words of every signed document are kept too (for the
    /// passage stage), from the same read.
    words: bool,
}

impl<'a> Signer<'a> {
    /// A signer with the parameters of `config`.
    pub(crate) fn new(config: &'a Config) -> Result<Signer<'a>> {
        Ok(Signer {
            config,
            normalizer: Normalizer::new(config.normalize),
            hasher: MinHasher::new(config.signature_params())?,
            fine_width: config.fine_width(),
            words: false,
        })
    }

    /// The same signer, also cutting every signed document into words
    /// ([`tokens::tokenize`]) and encoding them ([`Outcome::Doc::words`]).
    pub(super) fn with_words(self) -> Signer<'a> {
        Signer {
            words: true,
            ..self
        }
    }

    /// Signs every item of `block` in parallel, into the buffers of an
    /// earlier block. Finer signatures are always made when refinement is
    /// on (the table may no longer keep them, but every document's size is
    /// estimated from the same slots, whatever the memory budget).
    pub(crate) fn sign_block(
        &self,
        block: Block,
        mut rows: Vec<u16>,
        mut fine_buf: Vec<u8>,
    ) -> Signed {
        let k = self.config.num_perm;
        let f = self.fine_width;
        let n = block.items.len();
        rows.clear();
        rows.resize(n * k, 0);
        fine_buf.clear();
        // (One unused byte per item when there are no finer signatures.)
        fine_buf.resize(n * f.max(1), 0);
        let outcomes: Vec<Outcome> = block
            .items
            .par_iter()
            .zip(rows.par_chunks_mut(k))
            .zip(fine_buf.par_chunks_mut(f.max(1)))
            .map_init(Work::default, |w, ((item, row), fine)| {
                let fine = if f == 0 { &mut [][..] } else { fine };
                self.process(&block, item, w, row, fine)
            })
            .collect();
        Signed {
            block,
            outcomes,
            rows,
            fine: fine_buf,
            fine_width: f,
        }
    }

    fn process(
        &self,
        block: &Block,
        item: &Item,
        w: &mut Work,
        row: &mut [u16],
        fine: &mut [u8],
    ) -> Outcome {
        let bytes = block.bytes(item);
        let (text, fields) = match &item.kind {
            ItemKind::Line => {
                match parse_json_line(bytes, &self.config.input.fields, &mut w.text) {
                    Ok(f) => (None, Some(f)),
                    Err(reason) => return Outcome::Bad(reason),
                }
            }
            ItemKind::File => match text_file_content(bytes) {
                Ok(t) => (Some(t), None),
                Err(reason) => return Outcome::Bad(reason),
            },
            ItemKind::TooLarge => {
                return Outcome::Bad(format!(
                    "record of {} bytes is larger than the maximum document size ({} bytes)",
                    item.len, self.config.input.max_doc_bytes
                ));
            }
            ItemKind::TooLong => {
                return Outcome::Bad(format!(
                    "record is larger than the maximum document size ({} bytes): rejected \
                     after its first {} bytes, before its end",
                    self.config.input.max_doc_bytes, item.len
                ));
            }
            ItemKind::Failed(reason) | ItemKind::Corrupt(reason) => {
                return Outcome::Bad(reason.clone());
            }
        };
        let text = text.unwrap_or(w.text.as_str());
        self.normalizer.normalize_into(text, &mut w.norm);
        let signed = if fine.is_empty() {
            self.hasher.sign_normalized(&w.norm, &mut w.scratch, row)
        } else {
            self.hasher
                .sign_normalized_fine(&w.norm, &mut w.scratch, row, fine)
        };
        let shingles = if signed { w.scratch.shingles() } else { 0 };
        let words = (signed && self.words).then(|| {
            let words = tokens::tokenize(&self.normalizer, text, &mut w.words);
            let mut rec = Vec::with_capacity(words.len() * 8 + 64);
            words.encode(&mut rec);
            Words {
                words: words.len() as u32,
                units: words.units() as u32,
                record: rec,
            }
        });
        let chars = char_count(text).min(u32::MAX as usize) as u32;
        let (mut date, mut date_unparsed) = (None, false);
        let (mut id, mut outlet) = (None, None);
        if let Some(f) = fields {
            if let Some(d) = f.date.as_deref().filter(|d| !d.trim().is_empty()) {
                date = parse_date(d);
                date_unparsed = date.is_none();
            }
            id = f.id.as_deref().map(str::to_string);
            outlet = f.outlet().map(|o| o.into_owned());
        }
        Outcome::Doc {
            id,
            outlet,
            date,
            date_unparsed,
            chars,
            text_bytes: text.len() as u64,
            signed,
            shingles,
            words,
        }
    }
}

/// The encoded words of a signed document ([`DocWords::encode`]).
pub(crate) struct Words {
    pub(super) words: u32,
    pub(super) units: u32,
    pub(super) record: Vec<u8>,
}

/// A merged block's buffers, for reuse: signature rows, finer signatures,
/// block data.
pub(super) type Buffers = (Vec<u16>, Vec<u8>, Vec<u8>);

/// A block and what signing made of it.
pub(crate) struct Signed {
    pub(crate) block: Block,
    pub(crate) outcomes: Vec<Outcome>,
    /// `num_perm` slots per item.
    pub(crate) rows: Vec<u16>,
    /// `fine_width` bytes per item (none when `fine_width` is 0).
    pub(crate) fine: Vec<u8>,
    pub(crate) fine_width: usize,
}
