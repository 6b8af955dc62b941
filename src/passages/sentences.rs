//! Sentence segmentation with byte offsets into the original text.
//!
//! A sentence ends at a line break or after a terminator: `.` `!` `?` (Latin,
//! Cyrillic), `؟` `؛` `،` (Arabic question mark, semicolon and comma: Arabic
//! news writing strings clauses together with commas, so the comma is where a
//! reader pauses), `。` `！` `？` (CJK), `…`, and `۔` (Urdu). Closing quotes
//! and brackets right after a terminator stay with the sentence. A `.`
//! between two digits (`3.5`) or followed by a letter or digit without a
//! space (`news.com`, `U.S.A`) does not end a sentence, nor does one after
//! an initial (`J. Smith`, `U.S. officials`: a single letter) or a title or
//! abbreviation of English and the other Latin-script languages (`Mr.`,
//! `Sen.`, `Gov.`, `Dr.`, `St.`, `Jan.`, `Inc.`, `vs.`, `etc.` when a
//! lower-case word follows). Spans are trimmed of
//! surrounding whitespace; empty spans are dropped.

use std::ops::Range;

/// Whether `c` ends a sentence wherever it appears (before whitespace or not).
fn is_strong_terminator(c: char) -> bool {
    matches!(
        c,
        '!' | '?' | '؟' | '؛' | '،' | '。' | '！' | '？' | '…' | '۔' | '\u{061E}'
    )
}

/// Closing punctuation that belongs to the sentence before it.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | ')' | ']' | '}' | '»' | '”' | '’' | '」' | '』' | '）' | '›'
    )
}

/// Titles and abbreviations that a full stop follows without ending a
/// sentence (compared case-insensitively, without the stop).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "cmdr", "adm", "maj", "pres", "rev", "hon", "st", "jr", "sr", "mt", "ft", "inc", "corp", "co",
    "ltd", "bros", "no", "nos", "vs", "v", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "approx", "dept", "est", "fig", "mme", "mlle", "sra", "dra",
];

/// Abbreviations that end a sentence unless a lower-case word follows.
const SOFT_ABBREVIATIONS: &[&str] = &["etc", "al", "e.g", "i.e"];

/// Whether the `.` at byte `dot` of `text` follows an initial or an
/// abbreviation, so does not end a sentence.
fn after_abbreviation(text: &str, dot: usize) -> bool {
    let before = &text[..dot];
    let word_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphabetic() || c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[word_start..];
    if !word.chars().any(char::is_alphabetic) {
        return false;
    }
    // An initial: one upper-case letter (`J.`), or the last of a run of
    // initials (`U.S.`).
    let last = word.rsplit('.').next().unwrap_or(word);
    if last.chars().count() == 1 && last.chars().all(char::is_uppercase) {
        return true;
    }
    let is = |list: &[&str]| list.iter().any(|a| a.eq_ignore_ascii_case(word));
    if is(ABBREVIATIONS) {
        return true;
    }
    let next_lower = text[dot + 1..]
        .trim_start()
        .chars()
        .next()
        .is_some_and(char::is_lowercase);
    is(SOFT_ABBREVIATIONS) && next_lower
}

/// Whether a sentence may end at a character starting with byte `b`: a line
/// break, an ASCII terminator, or the lead byte of a multi-byte terminator
/// (Arabic and Urdu `D8`/`DB`, `…` `E2`, CJK `E3`/`EF`). Other bytes are
/// skipped without decoding a character.
fn may_end(b: u8) -> bool {
    matches!(
        b,
        b'\n' | b'\r' | b'.' | b'!' | b'?' | 0xD8 | 0xDB | 0xE2 | 0xE3 | 0xEF
    )
}

/// Whether the character at the start of `b` (whose first byte passed
/// [`may_end`]) can be a line break or a terminator, judged on its bytes:
/// `،` `؛` `؞` `؟` (`D8 8C/9B/9E/9F`), `۔` (`DB 94`), `…` (`E2 80 A6`), `。`
/// (`E3 80 82`), `！` `？` (`EF BC 81/9F`).
fn is_terminator_start(b: &[u8]) -> bool {
    match b[0] {
        0xD8 => matches!(b.get(1), Some(0x8C | 0x9B | 0x9E | 0x9F)),
        0xDB => b.get(1) == Some(&0x94),
        0xE2 => b.get(1..3) == Some(&[0x80, 0xA6]),
        0xE3 => b.get(1..3) == Some(&[0x80, 0x82]),
        0xEF => matches!(b.get(1..3), Some([0xBC, 0x81 | 0x9F])),
        _ => true,
    }
}

/// The sentences of `text`, as byte ranges, in order.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Continuation bytes are never in `may_end`, so `i` is on a
        // character boundary whenever it is decoded.
        if !may_end(bytes[i]) {
            i += 1;
            continue;
        }
        if !is_terminator_start(&bytes[i..]) {
            // A letter of Arabic, a quotation mark: skip its lead byte.
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let mut resume = i + c.len_utf8();
        let end_here = if c == '\n' || c == '\r' {
            Some(i)
        } else if is_strong_terminator(c) || c == '.' {
            // An ASCII digit byte is always a whole character.
            let prev_digit = i > 0 && bytes[i - 1].is_ascii_digit();
            let next = text[resume..].chars().next();
            let glued = c == '.' && next.is_some_and(|n| n.is_alphanumeric());
            let decimal = c == '.' && prev_digit && next.is_some_and(|n| n.is_ascii_digit());
            let abbreviation = c == '.' && !glued && after_abbreviation(text, i);
            if glued || decimal || abbreviation {
                None
            } else {
                // Swallow repeated terminators and closing quotes.
                while let Some(n) = text[resume..].chars().next() {
                    if is_closer(n) || is_strong_terminator(n) || n == '.' {
                        resume += n.len_utf8();
                    } else {
                        break;
                    }
                }
                Some(resume)
            }
        } else {
            None
        };
        if let Some(end) = end_here {
            push_trimmed(text, start..end, &mut out);
            start = end;
        }
        i = resume;
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(r.start + lead..r.end - trail);
    }
}

/// The sentence of `sentences` containing byte `at` (or the nearest one after
/// it, or the last one).
pub fn enclosing(sentences: &[Range<usize>], at: usize) -> Option<Range<usize>> {
    let i = sentences.partition_point(|s| s.end <= at);
    sentences.get(i).or(sentences.last()).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn latin_with_decimals_urls_and_quotes() {
        assert_eq!(
            split("Prices rose 3.5 percent. \"Good news!\" he said. See news.com now\nNext line"),
            [
                "Prices rose 3.5 percent.",
                "\"Good news!\"",
                "he said.",
                "See news.com now",
                "Next line"
            ]
        );
    }

    #[test]
    fn titles_abbreviations_and_initials_do_not_end_sentences() {
        assert_eq!(
            split(
                "Sen. Tom Cotton and Mr. J. R. Smith met U.S. officials on Jan. 5 in St. Louis. They agreed."
            ),
            [
                "Sen. Tom Cotton and Mr. J. R. Smith met U.S. officials on Jan. 5 in St. Louis.",
                "They agreed."
            ]
        );
        assert_eq!(
            split("Apples, pears, etc. are fruit. We ate apples, pears etc. Then we left."),
            [
                "Apples, pears, etc. are fruit.",
                "We ate apples, pears etc.",
                "Then we left."
            ]
        );
        // A sentence that ends with a capitalized word still ends.
        assert_eq!(
            split("He met Obama. Then he left."),
            ["He met Obama.", "Then he left."]
        );
    }

    #[test]
    fn arabic_terminators() {
        assert_eq!(
            split("قال الوزير، إن المحادثات مستمرة؛ هل تنجح؟ نعم. انتهى"),
            [
                "قال الوزير،",
                "إن المحادثات مستمرة؛",
                "هل تنجح؟",
                "نعم.",
                "انتهى"
            ]
        );
    }

    #[test]
    fn cjk_and_cyrillic() {
        assert_eq!(split("今天下雨。明天晴天！"), ["今天下雨。", "明天晴天！"]);
        assert_eq!(split("Москва. Привет?"), ["Москва.", "Привет?"]);
    }

    #[test]
    fn offsets_are_exact_and_enclosing_finds_sentences() {
        let text = "  One.  Two!\n\nThree ";
        let s = sentences(text);
        assert_eq!(s, vec![2..6, 8..12, 14..19]);
        assert_eq!(enclosing(&s, 9), Some(8..12));
        assert_eq!(enclosing(&s, 7), Some(8..12));
        assert_eq!(enclosing(&s, 100), Some(14..19));
        assert!(sentences("   \n ").is_empty());
    }
}
