//! Rewriting edits of a copied region, harder than the desk edits: words
//! shuffled within each sentence, phrases moved within a paragraph, a third
//! of the content words replaced by synonyms, and a condensed paraphrase
//! (sentences merged, words dropped, synonyms).
//!
//! They work on tokens, so they apply to every script; the news generator
//! plants them when [`super::news::NewsSpec::rewrites`] is on.

use super::Script;
use super::rng::{Rng, derive};
use super::text::{COMMA, END, NUM, Paras, QCLOSE, QOPEN, QUESTION, Tok};
use super::vocab::vocab;

/// A rewriting edit of a copied region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rewrite {
    /// Words shuffled within each sentence.
    WordShuffle,
    /// Phrases (clauses and runs of 4–9 words) moved within each paragraph.
    PhraseMove,
    /// A third of the content words replaced by synonyms.
    Synonyms,
    /// Condensed: sentence pairs merged, a fifth of the words dropped, a
    /// quarter of the remaining content words replaced by synonyms.
    Paraphrase,
}

/// The rewrites, in the order the generator draws them.
pub const REWRITES: [Rewrite; 4] = [
    Rewrite::WordShuffle,
    Rewrite::PhraseMove,
    Rewrite::Synonyms,
    Rewrite::Paraphrase,
];

impl Rewrite {
    /// `word_shuffle`, `phrase_move`, `synonyms` or `paraphrase`.
    pub fn name(self) -> &'static str {
        match self {
            Rewrite::WordShuffle => "word_shuffle",
            Rewrite::PhraseMove => "phrase_move",
            Rewrite::Synonyms => "synonyms",
            Rewrite::Paraphrase => "paraphrase",
        }
    }
}

const SYNONYMS: u64 = 0x5359;
/// Words of ranks within a block of this size are paired as synonyms (so a
/// synonym is about as frequent as its word).
const BLOCK: usize = 64;

/// The synonym table of a script: `table[id]` is the synonym of word `id`
/// (itself for function words). Content words are paired at random within
/// blocks of similar rank, so the relation is symmetric; deterministic from
/// the seed.
pub(crate) fn synonym_table(script: Script, seed: u64) -> Vec<u32> {
    let v = vocab(script);
    let mut rng = Rng::new(derive(seed, SYNONYMS, script as u64));
    let mut table: Vec<u32> = (0..v.len() as u32).collect();
    let mut lo = v.function;
    while lo + 1 < v.len() {
        let hi = (lo + BLOCK).min(v.len());
        let mut ids: Vec<u32> = (lo as u32..hi as u32).collect();
        rng.shuffle(&mut ids);
        for pair in ids.chunks_exact(2) {
            table[pair[0] as usize] = pair[1];
            table[pair[1] as usize] = pair[0];
        }
        lo = hi;
    }
    table
}

/// Closes a sentence: quotation marks and sentence ends dropped, the last
/// token ends it (a question if `question`).
fn close(toks: &mut [Tok], question: u8) {
    for t in toks.iter_mut() {
        t.flags &= !(QOPEN | QCLOSE | END | QUESTION);
    }
    if let Some(last) = toks.last_mut() {
        last.flags = (last.flags & !COMMA) | END | question;
    }
}

fn question(toks: &[Tok]) -> u8 {
    toks.last().map_or(0, |t| t.flags & QUESTION)
}

/// Replaces a share `p` (rounded up) of the content words by synonyms.
fn synonyms(toks: &mut [Tok], table: &[u32], p: f64, rng: &mut Rng) {
    let mut spots: Vec<usize> = (0..toks.len())
        .filter(|&i| toks[i].flags & NUM == 0)
        .filter(|&i| table[toks[i].id as usize] != toks[i].id)
        .collect();
    let n = (spots.len() as f64 * p).ceil() as usize;
    for k in 0..n.min(spots.len()) {
        let j = rng.range(k, spots.len() - 1);
        spots.swap(k, j);
        let t = &mut toks[spots[k]];
        t.id = table[t.id as usize];
    }
}

/// Shuffles the words of a sentence (never leaving it as it was when it has
/// two words or more).
fn shuffle_words(toks: &mut Vec<Tok>, rng: &mut Rng) {
    let q = question(toks);
    let before = toks.clone();
    rng.shuffle(toks);
    if *toks == before && toks.len() > 1 {
        toks.rotate_left(1);
    }
    close(toks, q);
}

/// Phrases of a sentence: cut after commas and into runs of 4–9 words.
fn phrases(toks: &[Tok], rng: &mut Rng) -> Vec<Vec<Tok>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let mut want = rng.range(4, 9);
    for (i, t) in toks.iter().enumerate() {
        cur.push(*t);
        let last = i + 1 == toks.len();
        if last || t.flags & COMMA != 0 || cur.len() >= want {
            out.push(std::mem::take(&mut cur));
            want = rng.range(4, 9);
        }
    }
    out
}

/// Moves phrases within a paragraph: its phrases in a new order, refilled
/// into sentences of the original lengths.
fn move_phrases(para: &[Vec<Tok>], rng: &mut Rng) -> Vec<Vec<Tok>> {
    let mut all: Vec<Vec<Tok>> = para.iter().flat_map(|s| phrases(s, rng)).collect();
    for p in &mut all {
        for t in p.iter_mut() {
            t.flags &= !(QOPEN | QCLOSE | END | QUESTION);
        }
    }
    let order: Vec<usize> = (0..all.len()).collect();
    let mut moved = order.clone();
    rng.shuffle(&mut moved);
    if moved == order && moved.len() > 1 {
        moved.rotate_left(1);
    }
    let mut out: Vec<Vec<Tok>> = Vec::new();
    let mut cur: Vec<Tok> = Vec::new();
    let mut lengths = para.iter().map(Vec::len);
    let mut want = lengths.next().unwrap_or(0);
    for &m in &moved {
        if let Some(last) = cur.last_mut() {
            last.flags |= if rng.chance(0.3) { COMMA } else { 0 };
        }
        cur.extend_from_slice(&all[m]);
        if cur.len() >= want {
            close(&mut cur, 0);
            out.push(std::mem::take(&mut cur));
            want = lengths.next().unwrap_or(0);
        }
    }
    if !cur.is_empty() {
        close(&mut cur, 0);
        out.push(cur);
    }
    out
}

/// Condenses a paragraph: sentence pairs merged, a fifth of the words
/// dropped (a sentence keeps at least six), a quarter of the content words
/// replaced by synonyms.
fn condense(para: &[Vec<Tok>], table: &[u32], rng: &mut Rng) -> Vec<Vec<Tok>> {
    let mut out = Vec::new();
    for pair in para.chunks(2) {
        let mut s: Vec<Tok> = Vec::new();
        for part in pair {
            if let Some(last) = s.last_mut() {
                last.flags = (last.flags & !(END | QUESTION)) | COMMA;
            }
            s.extend_from_slice(part);
        }
        let q = question(&s);
        let drop = s.len() / 5;
        for _ in 0..drop {
            if s.len() <= 6 {
                break;
            }
            let i = rng.below(s.len());
            s.remove(i);
        }
        synonyms(&mut s, table, 0.25, rng);
        close(&mut s, q);
        out.push(s);
    }
    out
}

/// The rewritten tokens of a copied region, by paragraph.
pub(crate) fn rewrite_region(region: &Paras, edit: Rewrite, table: &[u32], rng: &mut Rng) -> Paras {
    region
        .iter()
        .map(|para| match edit {
            Rewrite::WordShuffle => para
                .iter()
                .map(|s| {
                    let mut s = s.clone();
                    shuffle_words(&mut s, rng);
                    s
                })
                .collect(),
            Rewrite::PhraseMove => move_phrases(para, rng),
            Rewrite::Synonyms => para
                .iter()
                .map(|s| {
                    let mut s = s.clone();
                    synonyms(&mut s, table, 1.0 / 3.0, rng);
                    s
                })
                .collect(),
            Rewrite::Paraphrase => condense(para, table, rng),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(ids: &[u32]) -> Vec<Tok> {
        let mut v: Vec<Tok> = ids
            .iter()
            .map(|&id| Tok {
                id,
                pre: 0,
                flags: 0,
            })
            .collect();
        close(&mut v, 0);
        v
    }

    fn ids(s: &[Tok]) -> Vec<u32> {
        let mut v: Vec<u32> = s.iter().map(|t| t.id).collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn synonym_table_is_a_symmetric_pairing_of_content_words() {
        for script in [Script::Latin, Script::Arabic] {
            let t = synonym_table(script, 3);
            let f = vocab(script).function;
            assert!((0..f).all(|i| t[i] == i as u32));
            let paired = (f..t.len()).filter(|&i| t[i] != i as u32).count();
            assert!(paired + 1 >= t.len() - f, "{paired}");
            assert!((0..t.len()).all(|i| t[t[i] as usize] == i as u32));
            assert!((f..t.len()).all(|i| (t[i] as usize).abs_diff(i) < BLOCK));
            assert_eq!(t, synonym_table(script, 3));
            assert_ne!(t, synonym_table(script, 4));
        }
    }

    #[test]
    fn rewrites_keep_or_condense_the_words() {
        let table = synonym_table(Script::Latin, 1);
        let f = vocab(Script::Latin).function as u32;
        let region: Paras = vec![vec![
            toks(&(f..f + 20).collect::<Vec<_>>()),
            toks(&(f + 100..f + 118).collect::<Vec<_>>()),
        ]];
        let words = |p: &Paras| ids(&p.iter().flatten().flatten().copied().collect::<Vec<_>>());
        let mut rng = Rng::new(5);
        for edit in [Rewrite::WordShuffle, Rewrite::PhraseMove] {
            let out = rewrite_region(&region, edit, &table, &mut rng);
            assert_eq!(words(&out), words(&region), "{edit:?}");
            assert_ne!(out, region, "{edit:?}");
            for s in out.iter().flatten() {
                let ends = s.iter().filter(|t| t.flags & END != 0).count();
                assert!(ends == 1 && s.last().unwrap().flags & END != 0);
            }
        }
        let out = rewrite_region(&region, Rewrite::Synonyms, &table, &mut rng);
        let changed = out[0]
            .iter()
            .flatten()
            .zip(region[0].iter().flatten())
            .filter(|(a, b)| a.id != b.id)
            .count();
        assert_eq!(changed, 7 + 6);
        let out = rewrite_region(&region, Rewrite::Paraphrase, &table, &mut rng);
        assert_eq!(out[0].len(), 1);
        assert_eq!(out[0][0].len(), 38 - 38 / 5);
    }
}
