//! The document model: a body is a flat list of word tokens carrying their
//! punctuation as flags, so content edits are cheap vector operations and
//! rendering is one pass without per-word allocation. Also titles and
//! document sizes.

use std::fmt::Write;

use super::Script;
use super::rng::{Rng, exp_det};
use super::vocab::{ARABIC_PREFIXES, Vocab, push_capitalized, vocab};

/// `id` is a number, not a word rank.
pub(crate) const NUM: u8 = 1;
/// A comma follows the token.
pub(crate) const COMMA: u8 = 2;
/// A quotation opens before the token.
pub(crate) const QOPEN: u8 = 4;
/// A quotation closes after the token.
pub(crate) const QCLOSE: u8 = 8;
/// The token ends a sentence.
pub(crate) const END: u8 = 16;
/// The sentence is a question.
pub(crate) const QUESTION: u8 = 32;
/// The token ends a paragraph (always with `END`).
pub(crate) const PARA: u8 = 64;

/// One word of a body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tok {
    /// Word rank in the script's vocabulary, or the value of a number.
    pub(crate) id: u32,
    /// Index into [`ARABIC_PREFIXES`] (0: none).
    pub(crate) pre: u8,
    /// Punctuation and structure flags.
    pub(crate) flags: u8,
}

/// A region of text: paragraphs of sentences of tokens.
pub(crate) type Paras = Vec<Vec<Vec<Tok>>>;

/// Punctuation of a script.
pub(crate) struct Punct {
    /// Comma.
    pub(crate) comma: &'static str,
    /// Full stop.
    pub(crate) stop: &'static str,
    /// Question mark.
    pub(crate) question: &'static str,
    /// Opening quotation mark.
    pub(crate) open: &'static str,
    /// Closing quotation mark.
    pub(crate) close: &'static str,
    /// Space between words.
    pub(crate) space: &'static str,
}

/// The punctuation of a script.
pub(crate) fn punct(script: Script) -> &'static Punct {
    const LATIN: Punct = Punct {
        comma: ",",
        stop: ".",
        question: "?",
        open: "“",
        close: "”",
        space: " ",
    };
    const CYRILLIC: Punct = Punct {
        comma: ",",
        stop: ".",
        question: "?",
        open: "«",
        close: "»",
        space: " ",
    };
    const ARABIC: Punct = Punct {
        comma: "،",
        stop: ".",
        question: "؟",
        open: "«",
        close: "»",
        space: " ",
    };
    const CJK: Punct = Punct {
        comma: "，",
        stop: "。",
        question: "？",
        open: "“",
        close: "”",
        space: "",
    };
    match script {
        Script::Latin => &LATIN,
        Script::Cyrillic => &CYRILLIC,
        Script::Arabic => &ARABIC,
        Script::Cjk => &CJK,
    }
}

/// Words a document keeps returning to (its topic).
pub(crate) fn topic(script: Script, rng: &mut Rng) -> [u32; 8] {
    let v = vocab(script);
    std::array::from_fn(|_| v.rare(rng, 300))
}

/// A random token: mostly Zipf-distributed words, some topic words.
#[inline]
pub(crate) fn word_tok(script: Script, v: &Vocab, topic: &[u32], rng: &mut Rng) -> Tok {
    let id = if !topic.is_empty() && rng.below(100) < 5 {
        rng.pick(topic)
    } else {
        v.sample(rng)
    };
    Tok {
        id,
        pre: prefix(script, v, id, rng),
        flags: 0,
    }
}

#[inline]
fn prefix(script: Script, v: &Vocab, id: u32, rng: &mut Rng) -> u8 {
    if script != Script::Arabic || (id as usize) < v.function {
        return 0;
    }
    let mut r = rng.below(100) as u32;
    for (i, &(_, w)) in ARABIC_PREFIXES.iter().enumerate() {
        if r < w {
            return i as u8;
        }
        r -= w;
    }
    0
}

/// A random content word (rank 200 or more, Zipf-distributed): what
/// substitutions and insertions use.
pub(crate) fn content_tok(script: Script, v: &Vocab, rng: &mut Rng) -> Tok {
    loop {
        let id = v.sample(rng);
        if id >= 200 {
            return Tok {
                id,
                pre: prefix(script, v, id, rng),
                flags: 0,
            };
        }
    }
}

/// A number token (a year, a count or a larger figure).
pub(crate) fn num_tok(rng: &mut Rng) -> Tok {
    let id = match rng.below(3) {
        0 => rng.range(2000, 2025),
        1 => rng.range(2, 99),
        _ => rng.range(100, 99_999),
    } as u32;
    Tok {
        id,
        pre: 0,
        flags: NUM,
    }
}

/// Target body size in bytes: log-normal, mean about 2,200.
pub(crate) fn target_bytes(rng: &mut Rng) -> usize {
    const SIGMA: f64 = 0.6;
    const MU: f64 = 7.696_212_639_346_407 - SIGMA * SIGMA / 2.0; // ln(2200) - σ²/2
    exp_det(MU + SIGMA * rng.normal()) as usize
}

/// Appends one sentence of 8–30 words to `toks`.
fn sentence(script: Script, v: &Vocab, topic: &[u32], rng: &mut Rng, toks: &mut Vec<Tok>) {
    let len = (rng.range(8, 30) + rng.range(8, 30)) / 2;
    let start = toks.len();
    for j in 0..len {
        let mut t = word_tok(script, v, topic, rng);
        if j + 1 < len && rng.below(100) < 8 {
            t.flags |= COMMA;
        }
        toks.push(t);
    }
    if rng.below(100) < 15 {
        let i = start + rng.below(len);
        toks[i] = Tok {
            flags: toks[i].flags | NUM,
            ..num_tok(rng)
        };
    }
    if rng.below(100) < 10 {
        let a = start + rng.below(len - 2);
        let b = (a + rng.range(1, 6)).min(start + len - 1);
        toks[a].flags |= QOPEN;
        toks[b].flags |= QCLOSE;
    }
    let last = toks.last_mut().expect("sentence has words");
    last.flags = (last.flags & !COMMA) | END;
    if rng.below(100) < 3 {
        last.flags |= QUESTION;
    }
}

/// A body of paragraphs (2–6 sentences each) of about `target` bytes,
/// 50 to 3,000 words.
pub(crate) fn body(script: Script, topic: &[u32], rng: &mut Rng, target: usize) -> Vec<Tok> {
    let v = vocab(script);
    // Bytes per token: the word, a separator, punctuation, numbers and
    // quotes (the factor is measured).
    let per_tok = 1.1 * (v.mean_bytes + if script == Script::Cjk { 0.4 } else { 1.2 });
    let want = ((target as f64 / per_tok) as usize).max(50);
    let mut toks = Vec::with_capacity(want + 40);
    while toks.len() < want && toks.len() < 2_960 {
        // A paragraph of 2–6 sentences, cut short when the body is long
        // enough.
        for n in 0..rng.range(2, 6) {
            sentence(script, v, topic, rng, &mut toks);
            if n >= 1 && toks.len() >= want || toks.len() >= 2_960 {
                break;
            }
        }
        toks.last_mut().expect("paragraph has words").flags |= PARA;
    }
    toks
}

/// A title: one short sentence without final punctuation.
pub(crate) fn title(script: Script, topic: &[u32], rng: &mut Rng, out: &mut String) {
    let v = vocab(script);
    let n = rng.range(5, 12);
    let mut toks: Vec<Tok> = (0..n).map(|_| word_tok(script, v, topic, rng)).collect();
    toks[0].id = topic[0];
    toks[0].pre = prefix(script, v, topic[0], rng);
    render(script, &toks, out);
}

/// Appends token `t`: its opening quote, then its number, or its word with
/// its prefix (capitalized when `capital`).
pub(crate) fn push_word(out: &mut String, t: &Tok, v: &Vocab, p: &Punct, capital: bool) {
    if t.flags & QOPEN != 0 {
        out.push_str(p.open);
    }
    if t.flags & NUM != 0 {
        let _ = write!(out, "{}", t.id);
    } else {
        out.push_str(ARABIC_PREFIXES[t.pre as usize].0);
        let w = v.word(t.id);
        if capital {
            push_capitalized(out, w);
        } else {
            out.push_str(w);
        }
    }
}

/// Appends what follows token `t`: its closing quote, then a full stop or
/// question mark, or a comma.
pub(crate) fn push_after(out: &mut String, t: &Tok, p: &Punct) {
    if t.flags & QCLOSE != 0 {
        out.push_str(p.close);
    }
    if t.flags & END != 0 {
        out.push_str(if t.flags & QUESTION != 0 {
            p.question
        } else {
            p.stop
        });
    } else if t.flags & COMMA != 0 {
        out.push_str(p.comma);
    }
}

/// Renders tokens as text (appends to `out`).
pub(crate) fn render(script: Script, toks: &[Tok], out: &mut String) {
    let v = vocab(script);
    let p = punct(script);
    out.reserve(toks.len() * (v.mean_bytes as usize + 3));
    let cap = matches!(script, Script::Latin | Script::Cyrillic);
    let mut sent_start = true;
    let mut para_start = true;
    for t in toks {
        if !para_start {
            out.push_str(p.space);
        }
        push_word(out, t, v, p, sent_start && cap);
        push_after(out, t, p);
        para_start = false;
        sent_start = t.flags & END != 0;
        if t.flags & PARA != 0 {
            out.push_str("\n\n");
            para_start = true;
        }
    }
    while out.ends_with('\n') {
        out.pop();
    }
}

/// Appends the plain form of token `i`: an approximation of its
/// normalized text (lower case, letter variants folded), preceded by a
/// space where the rendered text has a space or punctuation before it.
/// The plain forms of all tokens, end to end, approximate the normalized
/// body; they steer edits cheaply (recorded values are always measured on
/// the real normalized text).
#[inline]
pub(crate) fn plain_piece(script: Script, v: &Vocab, toks: &[Tok], i: usize, out: &mut String) {
    let t = toks[i];
    if i > 0
        && (script != Script::Cjk
            || toks[i - 1].flags & (COMMA | QCLOSE | END) != 0
            || t.flags & QOPEN != 0)
    {
        out.push(' ');
    }
    if t.flags & NUM != 0 {
        let _ = write!(out, "{}", t.id);
    } else {
        out.push_str(ARABIC_PREFIXES[t.pre as usize].0);
        out.push_str(v.plain(t.id));
    }
}

/// Length in characters of [`plain_piece`]`(i)`.
#[inline]
pub(crate) fn plain_piece_chars(script: Script, v: &Vocab, toks: &[Tok], i: usize) -> usize {
    let t = toks[i];
    let sep = i > 0
        && (script != Script::Cjk
            || toks[i - 1].flags & (COMMA | QCLOSE | END) != 0
            || t.flags & QOPEN != 0);
    let word = if t.flags & NUM != 0 {
        t.id.checked_ilog10().unwrap_or(0) as usize + 1
    } else {
        ARABIC_PREFIXES[t.pre as usize].0.chars().count() + v.plain_chars(t.id)
    };
    usize::from(sep) + word
}

/// Appends a rough normalization of a short line: lower case, runs of
/// other characters than letters and digits as one space.
pub(crate) fn plain_line(line: &str, out: &mut String) {
    for c in line.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
}
