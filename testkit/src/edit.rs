//! Edit operations.
//!
//! Content edits work on a body's tokens (they change the normalized text):
//! substitution, insertion and deletion of words, deletion of sentences,
//! truncation. Normalization-only edits work on any text, synthetic or real
//! (they should leave the normalized text unchanged or nearly so): letter
//! case, punctuation, Arabic diacritics, tatweel and Arabic-Indic digits.
//! Each string edit appends to `out` and returns whether it changed anything.

use super::Script;
use super::rng::Rng;
use super::text::{COMMA, END, NUM, PARA, QCLOSE, QOPEN, QUESTION, Tok, content_tok, num_tok};
use super::vocab::vocab;

/// First and last index of the sentence holding token `i`.
pub(crate) fn sentence_bounds(toks: &[Tok], i: usize) -> (usize, usize) {
    let mut s = i;
    while s > 0 && toks[s - 1].flags & END == 0 {
        s -= 1;
    }
    let mut e = i;
    while e + 1 < toks.len() && toks[e].flags & END == 0 {
        e += 1;
    }
    (s, e)
}

/// Replaces token `i` (a word or a number) by another.
pub(crate) fn substitute(script: Script, toks: &mut [Tok], i: usize, rng: &mut Rng) {
    let v = vocab(script);
    let old = toks[i];
    loop {
        let new = if old.flags & NUM != 0 {
            num_tok(rng)
        } else {
            content_tok(script, v, rng)
        };
        if new.id != old.id {
            toks[i] = Tok {
                flags: old.flags,
                ..new
            };
            return;
        }
    }
}

/// Inserts a random word before token `i`.
pub(crate) fn insert(script: Script, toks: &mut Vec<Tok>, i: usize, rng: &mut Rng) {
    toks.insert(i, content_tok(script, vocab(script), rng));
}

/// Whether token `i` may be deleted: its sentence keeps at least three words.
pub(crate) fn can_delete(toks: &[Tok], i: usize) -> bool {
    let (s, e) = sentence_bounds(toks, i);
    e - s >= 3
}

/// Deletes token `i` (see [`can_delete`]), moving its punctuation to its
/// neighbours.
pub(crate) fn delete(toks: &mut Vec<Tok>, i: usize) {
    let (s, e) = sentence_bounds(toks, i);
    let f = toks[i].flags;
    if f & QOPEN != 0 && f & QCLOSE == 0 && i < e {
        toks[i + 1].flags |= QOPEN;
    }
    if f & QCLOSE != 0 && f & QOPEN == 0 && i > s {
        toks[i - 1].flags |= QCLOSE;
    }
    if i == e {
        toks[i - 1].flags = (toks[i - 1].flags & !COMMA) | (f & (END | QUESTION | PARA));
    }
    toks.remove(i);
}

/// Deletes a random sentence (never one of the last two); returns the
/// number of tokens removed.
pub(crate) fn delete_sentence(toks: &mut Vec<Tok>, rng: &mut Rng) -> usize {
    if toks.iter().filter(|t| t.flags & END != 0).count() <= 2 {
        return 0;
    }
    let (s, e) = sentence_bounds(toks, rng.below(toks.len()));
    if toks[e].flags & PARA != 0 && s > 0 {
        toks[s - 1].flags |= PARA;
    }
    toks.drain(s..=e);
    e - s + 1
}

/// Keeps the first `keep` tokens, closing the last sentence.
pub(crate) fn truncate(toks: &mut Vec<Tok>, keep: usize) {
    toks.truncate(keep.max(1));
    let n = toks.len();
    let (s, _) = sentence_bounds(toks, n - 1);
    let mut open = false;
    for t in &toks[s..] {
        if t.flags & QOPEN != 0 {
            open = true;
        }
        if t.flags & QCLOSE != 0 {
            open = false;
        }
    }
    let last = &mut toks[n - 1];
    last.flags = (last.flags & !COMMA) | END | PARA | if open { QCLOSE } else { 0 };
}

/// Changes letter case: upper case or title case for some paragraphs, or
/// lower case for all (only meaningful for Latin and Cyrillic).
pub(crate) fn change_case(text: &str, rng: &mut Rng, out: &mut String) -> bool {
    let mode = rng.below(3);
    for (n, para) in text.split("\n\n").enumerate() {
        if n > 0 {
            out.push_str("\n\n");
        }
        let chosen = mode == 1 || n == 0 || rng.chance(0.35);
        if !chosen {
            out.push_str(para);
            continue;
        }
        let mut word_start = true;
        for c in para.chars() {
            match mode {
                0 => out.extend(c.to_uppercase()),
                1 => out.extend(c.to_lowercase()),
                _ if word_start => out.extend(c.to_uppercase()),
                _ => out.push(c),
            }
            word_start = !c.is_alphanumeric();
        }
    }
    out != text
}

/// Changes punctuation the way another site's style would: comma and full
/// stop variants, another quotation style, other dashes.
pub(crate) fn change_punct(text: &str, script: Script, rng: &mut Rng, out: &mut String) -> bool {
    let quotes: &[(char, char)] = match script {
        Script::Cjk => &[('「', '」'), ('“', '”'), ('『', '』')],
        _ => &[('«', '»'), ('“', '”'), ('"', '"'), ('„', '“')],
    };
    let (open, close) = rng.pick(quotes);
    let mut chars = text.chars().peekable();
    let mut in_quote = false;
    while let Some(c) = chars.next() {
        let boundary = matches!(chars.peek(), None | Some(' ' | '\n'));
        let r = rng.below(100);
        match c {
            '“' | '«' | '「' | '『' | '„' => out.push(open),
            '”' | '»' | '」' | '』' => out.push(close),
            '"' => {
                in_quote = !in_quote;
                out.push(if in_quote { open } else { close });
            }
            ',' if boundary && r < 20 => out.push(';'),
            ',' if boundary && r < 35 => out.push('.'),
            ',' if boundary && r < 45 && script == Script::Arabic => out.push('،'),
            '.' if boundary && r < 15 => {
                out.push(if script == Script::Arabic { '،' } else { ',' })
            }
            '،' if r < 50 => out.push(','),
            '،' if r < 60 => out.push('.'),
            '؟' if r < 50 => out.push('?'),
            '?' if script == Script::Arabic && r < 50 => out.push('؟'),
            '，' if r < 30 => out.push(','),
            '，' if r < 50 => out.push('、'),
            '。' if r < 30 => out.push('．'),
            '-' | '–' | '—' if boundary => out.push(rng.pick(&['-', '–', '—', '―'])),
            _ => out.push(c),
        }
    }
    out != text
}

#[inline]
fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}')
}

#[inline]
fn is_arabic_mark(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}')
}

/// Letters that join to the following letter (so a tatweel may follow).
#[inline]
fn joins_left(c: char) -> bool {
    is_arabic_letter(c)
        && !matches!(
            c,
            'ا' | 'أ' | 'إ' | 'آ' | 'ء' | 'ؤ' | 'د' | 'ذ' | 'ر' | 'ز' | 'و' | 'ة' | 'ى'
        )
}

/// Adds harakat (and some tanween and shadda) to a share `p` of Arabic words.
pub(crate) fn add_diacritics(text: &str, rng: &mut Rng, p: f64, out: &mut String) -> bool {
    const HARAKAT: &[char] = &[
        '\u{064E}', '\u{064F}', '\u{0650}', '\u{0652}', '\u{064E}', '\u{0650}',
    ];
    const TANWEEN: &[char] = &['\u{064B}', '\u{064C}', '\u{064D}'];
    let mut changed = false;
    let mut chosen = false;
    let mut prev_letter = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        let letter = is_arabic_letter(c);
        if letter && !prev_letter {
            chosen = rng.chance(p);
        }
        prev_letter = letter || (prev_letter && is_arabic_mark(c));
        let next = chars.peek().copied();
        if !letter || !chosen || next.is_some_and(is_arabic_mark) {
            continue;
        }
        let last = !next.is_some_and(is_arabic_letter);
        let r = rng.below(100);
        if last && r < 15 {
            out.push(rng.pick(TANWEEN));
        } else if r < 8 {
            out.push('\u{0651}');
            out.push('\u{064E}');
        } else if r < 60 {
            out.push(rng.pick(HARAKAT));
        } else {
            continue;
        }
        changed = true;
    }
    changed
}

/// Inserts tatweel (kashida) into a share `p` of Arabic words.
pub(crate) fn add_tatweel(text: &str, rng: &mut Rng, p: f64, out: &mut String) -> bool {
    let mut changed = false;
    let mut chosen = false;
    let mut prev_letter = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        let letter = is_arabic_letter(c);
        if letter && !prev_letter {
            chosen = rng.chance(p);
        }
        prev_letter = letter;
        if chosen
            && joins_left(c)
            && chars.peek().is_some_and(|&n| is_arabic_letter(n))
            && rng.chance(0.4)
        {
            for _ in 0..rng.range(1, 2) {
                out.push('\u{0640}');
            }
            chosen = false;
            changed = true;
        }
    }
    changed
}

/// Writes ASCII digits as Arabic-Indic digits.
pub(crate) fn arabic_digits(text: &str, out: &mut String) -> bool {
    let mut changed = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            out.push(char::from_u32(0x0660 + (c as u32 - '0' as u32)).expect("Arabic-Indic digit"));
            changed = true;
        } else {
            out.push(c);
        }
    }
    changed
}

/// Replaces `n` distinct Arabic words (runs of at least three letters) by
/// words of the synthetic Arabic vocabulary; returns how many were replaced.
pub(crate) fn replace_arabic_words(text: &str, n: usize, rng: &mut Rng, out: &mut String) -> usize {
    let mut runs: Vec<(usize, usize)> = vec![];
    let mut start = None;
    let mut letters = 0;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if is_arabic_letter(c) || (start.is_some() && is_arabic_mark(c)) {
            if start.is_none() {
                start = Some(i);
                letters = 0;
            }
            letters += usize::from(is_arabic_letter(c));
        } else if let Some(s) = start.take()
            && letters >= 3
        {
            runs.push((s, i));
        }
    }
    let n = n.min(runs.len());
    for k in 0..n {
        let j = rng.range(k, runs.len() - 1);
        runs.swap(k, j);
    }
    let mut chosen = runs[..n].to_vec();
    chosen.sort_unstable();
    let v = vocab(Script::Arabic);
    let mut at = 0;
    for &(s, e) in &chosen {
        out.push_str(&text[at..s]);
        let old = &text[s..e];
        loop {
            let w = v.word(v.rare(rng, 2_000));
            if w != old {
                out.push_str(w);
                break;
            }
        }
        at = e;
    }
    out.push_str(&text[at..]);
    n
}
