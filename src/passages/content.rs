//! Content words: the words that say what a sentence is about.
//!
//! Evidence that survives reordering and rewording compares sentences as
//! bags of words, and a bag is only evidence if its words are not the ones
//! every text has. A word is a *function word* when it is
//!
//! - in the built-in list of the language's function words (English, Arabic,
//!   French, Spanish, German, Russian; normalized like the text, so `أن`, `ان`
//!   and `إن` are one entry), or
//! - frequent in the corpus itself: in at least [`FREQUENT_SHARE`] of the
//!   documents of a sample of up to [`DF_SAMPLE`] of them, and in at least
//!   [`FREQUENT_MIN_DOCS`] (so a small corpus on one topic keeps its topic
//!   words).
//!
//! Every other word is a content word, except numbers (words with a digit):
//! they are the slots of templates (the figures of a market report, the
//! dates of a bulletin), and two texts that share a template's words but not
//! its figures are not a reworded copy. Leaving them out also gives every
//! issue of a template the same content words, so the sentence index sees it
//! recur across unrelated documents and judges it stock. The sample is every
//! k-th document, so the result depends on the input only, never on the
//! thread count.

use ahash::AHashSet;

use crate::document::Row;
use crate::normalize::{NormalizeOptions, Normalizer};

use super::tokens::{TokenStore, Tokens, is_numeric, word_hash};
use crate::error::Result;

/// Least share of the sampled documents a frequent word is found in.
pub const FREQUENT_SHARE: f64 = 0.05;
/// Least number of sampled documents a frequent word is found in.
pub const FREQUENT_MIN_DOCS: usize = 25;
/// Largest number of documents sampled for document frequencies.
pub const DF_SAMPLE: usize = 5_000;

const ENGLISH: &str = "a about above after again against all also am an and any are as at be \
    because been before being below between both but by can could did do does doing down during \
    each few for from further had has have having he her here hers herself him himself his how i \
    if in into is it its itself just me more most my myself no nor not now of off on once only or \
    other our ours ourselves out over own same she should so some such than that the their theirs \
    them themselves then there these they this those through to too under until up very was we \
    were what when where which while who whom why will with would you your yours yourself said \
    says say mr mrs ms one two new year years last first told according since told may might must \
    shall us per via";

const ARABIC: &str = "في من على إلى الى عن مع أن ان إن أنه انه أنها إنه لا ما لم لن قد وقد هذا هذه \
    ذلك تلك هؤلاء الذي التي الذين اللذين اللتين اللواتي كان كانت يكون تكون كانوا بين بعد قبل عند \
    حيث منذ خلال حول أو او ثم كما وكان وفي ومن وعلى وإلى وأن ولا بما فيما كل بعض غير أي أيضا ايضا \
    هو هي هم هن نحن أنا انت أنت له لها لهم به بها بهم فيه فيها منه منها عليه عليها إليه اليه إليها \
    عنه عنها كما لكن ولكن بل حتى إذا اذا إلا الا أما اما وقال قال وأضاف واضاف وأشار واشار وأكد واكد \
    وذلك وهو وهي تم يتم ضمن لدى لدي نحو دون عبر وفق سوى مثل أكثر اكثر أمس اليوم يوم عام";

const FRENCH: &str = "le la les un une des de du et en dans pour par sur au aux avec ce cette ces \
    qui que quoi dont où il elle ils elles nous vous on est sont été être a ont avait ne pas plus \
    se sa son ses leur leurs mais ou donc car comme selon lors après avant entre";

const SPANISH: &str = "el la los las un una unos unas de del y en para por con sin sobre al que \
    quien cual donde es son fue ser ha han había no más se su sus pero o como según tras entre \
    este esta estos estas ese esa dijo";

const GERMAN: &str = "der die das den dem des ein eine einer eines einem einen und in im zu zum zur \
    mit von vom für auf an am aus bei nach über unter vor ist sind war waren wird werden hat haben \
    nicht auch als wie dass sich er sie es wir ihr sein seine ihre oder aber noch nur so";

const RUSSIAN: &str = "и в во не на что с со по он она оно они это как а к из у за о об от для же но \
    его ее её их был была было были так все уже также при после году более может только или до \
    который которая которые года заявил сообщил время";

/// Which words are function words (see the module docs).
#[derive(Clone, Debug)]
pub struct ContentWords {
    function: AHashSet<u32>,
    /// One bit per value of a hash's low [`FILTER_BITS`] bits, set for the
    /// function words': most content words are told apart without a lookup.
    filter: Vec<u64>,
}

/// Bits of the hash that index [`ContentWords`]' filter.
const FILTER_BITS: u32 = 20;

impl ContentWords {
    /// The built-in function words, normalized with `normalize`, and the
    /// frequent words of `words`.
    pub fn build(words: &TokenStore, normalize: NormalizeOptions) -> Result<ContentWords> {
        let normalizer = Normalizer::new(normalize);
        let mut function = AHashSet::new();
        for list in [ENGLISH, ARABIC, FRENCH, SPANISH, GERMAN, RUSSIAN] {
            for w in list.split_whitespace() {
                let n = normalizer.normalize(w);
                for part in n.split(' ').filter(|p| !p.is_empty()) {
                    function.insert(word_hash(part));
                }
            }
        }
        function.extend(frequent(words)?);
        let mut filter = vec![0u64; (1 << FILTER_BITS) / 64];
        for &h in &function {
            let k = (h & ((1 << FILTER_BITS) - 1)) as usize;
            filter[k / 64] |= 1 << (k % 64);
        }
        Ok(ContentWords { function, filter })
    }

    /// Content words only from the built-in lists (for tests and tiny inputs).
    #[cfg(test)]
    pub fn builtin(normalize: NormalizeOptions) -> ContentWords {
        ContentWords::build(&TokenStore::empty(), normalize).expect("no words to read")
    }

    /// Whether the word of hash `h` is a content word.
    #[inline]
    pub fn is_content(&self, h: u32) -> bool {
        let k = (h & ((1 << FILTER_BITS) - 1)) as usize;
        let maybe_function = self.filter[k / 64] & (1 << (k % 64)) != 0;
        let function = maybe_function && self.function.contains(&h);
        !function && !is_numeric(h)
    }

    /// Number of function words known.
    pub fn function_words(&self) -> usize {
        self.function.len()
    }
}

/// The words found in at least [`FREQUENT_SHARE`] (and [`FREQUENT_MIN_DOCS`])
/// of a sample of the documents of `words`.
fn frequent(words: &TokenStore) -> Result<Vec<u32>> {
    let docs = words.docs();
    if docs == 0 {
        return Ok(Vec::new());
    }
    let (mut tokens, mut buf) = (Tokens::default(), Vec::new());
    let step = docs.div_ceil(DF_SAMPLE);
    let mut all: Vec<u32> = Vec::new();
    let mut sampled = 0usize;
    let mut distinct: Vec<u32> = Vec::new();
    for r in (0..docs).step_by(step) {
        distinct.clear();
        words.read(Row(r as u32), &mut tokens, false, &mut buf)?;
        distinct.extend_from_slice(&tokens.hashes);
        distinct.sort_unstable();
        distinct.dedup();
        all.extend_from_slice(&distinct);
        sampled += 1;
    }
    all.sort_unstable();
    let least = ((FREQUENT_SHARE * sampled as f64).ceil() as usize).max(FREQUENT_MIN_DOCS);
    let mut out = Vec::new();
    for run in all.chunk_by(|x, y| x == y) {
        if run.len() >= least {
            out.push(run[0]);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lists_are_normalized_like_the_text() {
        let c = ContentWords::builtin(NormalizeOptions::all());
        let n = Normalizer::new(NormalizeOptions::all());
        for w in [
            "The",
            "أنَّ",
            "إن",
            "который",
            "minister",
            "الوزير",
            "2015",
            "٣٠",
        ] {
            let h = word_hash(&n.normalize(w));
            let expect = !matches!(w, "The" | "أنَّ" | "إن" | "который" | "2015" | "٣٠");
            assert_eq!(c.is_content(h), expect, "{w}");
        }
    }
}
