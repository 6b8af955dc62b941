//! Tests of the whole normalizer: each rule on and off, rules together, and properties on
//! random text (both entry points agree with each other and with a straightforward
//! reference implementation of the documented rules; offsets are in bounds, aligned and
//! monotone; idempotence on realistic text).

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use super::rules::{Act, joins, rules};
use super::sink::SATURATING;
use super::*;

fn with(rules: &[Rule]) -> Normalizer {
    let mut o = NormalizeOptions::none();
    rules.iter().for_each(|r| o.set(*r, true));
    Normalizer::new(o)
}

fn without(r: Rule) -> Normalizer {
    let mut o = NormalizeOptions::all();
    o.set(r, false);
    Normalizer::new(o)
}

/// `rule` alone maps `input` to `on`; all rules but `rule` keep `kept` in the output.
fn check(rule: Rule, input: &str, on: &str, kept: &str) {
    assert_eq!(with(&[rule]).normalize(input), on, "{rule:?} on");
    assert_eq!(with(&[]).normalize(input), input, "identity");
    let off = without(rule).normalize(input);
    assert!(off.contains(kept), "{rule:?} off: {off:?} lacks {kept:?}");
}

#[test]
fn rule_nfkc() {
    let text = "ﬁne Ａ ﻻ ① e\u{301} ｶﾞ ﾡￂ \u{1100}\u{1161}\u{11A8}";
    check(Rule::Nfkc, text, "fine A لا 1 é ガ 가 각", "ﬁ");
    assert_eq!(without(Rule::Nfkc).normalize("Ａ"), "ａ");
}

#[test]
fn rule_invisible() {
    let text = "a\u{200C}b\u{200F}c\u{FEFF}d\u{AD}e\u{200D}f\u{2060}g";
    check(Rule::Invisible, text, "abcdefg", "\u{200C}");
}

#[test]
fn rule_diacritics() {
    check(Rule::Diacritics, "مُحَمَّدٌ", "محمد", "\u{64F}");
}

#[test]
fn rule_tatweel() {
    check(Rule::Tatweel, "الـــعـــربية", "العربية", "\u{640}");
}

#[test]
fn rule_alef() {
    check(Rule::Alef, "أإآٱٲٳا", "ااااااا", "إ");
}

#[test]
fn rule_alef_maqsura() {
    check(Rule::AlefMaqsura, "على", "علي", "ى");
}

#[test]
fn rule_ta_marbuta() {
    check(Rule::TaMarbuta, "مدرسة", "مدرسه", "ة");
}

#[test]
fn rule_persian() {
    check(Rule::Persian, "کتاب ایران", "كتاب ايران", "ی");
}

#[test]
fn rule_digits() {
    let text = "٢٠٢٣ ۱۴۰۲ २०२४ ๒๕๖๗ ９";
    check(Rule::Digits, text, "2023 1402 2024 2567 9", "۱۴۰۲");
}

#[test]
fn rule_lowercase() {
    let text = "HeLLo ПРИВЕТ ΣΟΦΙΑ İ";
    check(
        Rule::Lowercase,
        text,
        "hello привет σοφια i\u{307}",
        "ПРИВЕТ",
    );
}

#[test]
fn rule_punctuation() {
    let text = "«a»،b؛c؟d。e、「f」“g” — h–i,j";
    check(Rule::Punctuation, text, " a  b c d e  f  g    h i j", "«");
}

#[test]
fn rule_whitespace() {
    let text = " \ta\u{A0}\u{2003}b\n\n\r\u{85}c \u{3000}";
    check(Rule::Whitespace, text, "a b c", "\t");
    assert_eq!(without(Rule::Whitespace).normalize("a, b\tc"), "a  b\tc");
}

#[test]
fn rules_together() {
    let all = Normalizer::new(NormalizeOptions::all());
    assert_eq!(all.normalize("𝟗 ９"), "9 9");
    let mixed = "«مرحبا»، كيف؛ حالك؟ 你好。「世界」“Quoted” — dash – end.";
    assert_eq!(
        all.normalize(mixed),
        "مرحبا كيف حالك 你好 世界 quoted dash end"
    );
    assert_eq!(
        all.normalize("don`t | x¦y $5 €3 +1 ´"),
        "don t x y $5 €3 +1 \u{301}"
    );
}

#[test]
fn scripts_survive() {
    let n = Normalizer::new(NormalizeOptions::all());
    let text = "Hello Мир 你好世界 مرحبا 한국어 カタカナ Việt Nam हिन्दी 😀";
    assert_eq!(
        n.normalize(text),
        "hello мир 你好世界 مرحبا 한국어 カタカナ việt nam हिन्दी 😀"
    );
    assert_eq!(n.normalize(""), "");
    assert_eq!(n.normalize(" ... \u{200B} "), "");
}

#[test]
fn plain_and_fancy_arabic_agree() {
    let n = Normalizer::new(NormalizeOptions::all());
    let fancy = "قالَ الرئيسُ: «إنّ الاقتصادَ نَمــا بنسبة ٣٫٥٪ عام ٢٠٢٣»، أليس كذلك؟ آمال على المدرسة";
    let plain = "قال الرئيس \"ان الاقتصاد نما بنسبة 3.5% عام 2023\", اليس كذلك? امال علي المدرسه";
    let want = "قال الرئيس ان الاقتصاد نما بنسبه 3 5 عام 2023 اليس كذلك امال علي المدرسه";
    assert_eq!(n.normalize(fancy), want);
    assert_eq!(n.normalize(plain), want);
}

/// xorshift64*, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 16) as usize
    }
}

/// Realistic mixed text: marks only follow letters of their script.
fn realistic(r: &mut Rng) -> String {
    let pieces: Vec<&str> = "the|News|WORLD|2023|e\u{301}|Cafe\u{301}|n\u{303}o|Å|ﬁ|İs|Straße|ẞ\
        |مُحَمَّدٌ|الـــعـــربية|أإآ|على|مدرسة|کی|٢٠٢٣|۱۴۰۲|ﻻ|ا\u{654}|\u{FDFA}|你好|世界。\
        |「引用」|한국|カタカナ|Привет|ΣΟΦΙΑ|ς|«|»|،|؛|؟|“|”|—|–|,|.|!| | |  |\t|\n|\u{A0}\
        |\u{2003}|\u{3000}|\u{2028}|\u{200C}|\u{200D}|\u{200F}|\u{FEFF}|\u{AD}|😀|①|㎏|Ａｂ|९|$5"
        .split('|')
        .collect();
    (0..r.next() % 24)
        .map(|_| pieces[r.next() % pieces.len()])
        .collect()
}

/// Arbitrary code points, weighted towards interesting blocks.
fn wild(r: &mut Rng) -> String {
    let blocks = [
        (0, 0x80),
        (0x600, 0x100),
        (0x300, 0x70),
        (0, 0x3_0000),
        (0xFB00, 0x500),
    ];
    (0..r.next() % 16)
        .map(|_| {
            let (base, len) = blocks[r.next() % blocks.len()];
            char::from_u32((base + r.next() % len) as u32).unwrap_or('x')
        })
        .collect()
}

/// Straightforward reference implementation of the documented rules.
fn reference(text: &str, o: NormalizeOptions) -> String {
    let mut chars = Vec::new();
    if o.is_on(Rule::Nfkc) {
        let starters = text.char_indices().filter(|&(i, c)| i == 0 || !joins(c));
        let mut starts: Vec<usize> = starters.map(|(i, _)| i).collect();
        starts.push(text.len());
        for seg in starts.windows(2).map(|w| &text[w[0]..w[1]]) {
            match is_nfkc_quick(seg.chars()) {
                IsNormalized::Yes => chars.extend(seg.chars()),
                _ => chars.extend(seg.chars().nfkc()),
            }
        }
    } else {
        chars.extend(text.chars());
    }
    let mut out = String::new();
    for c in chars {
        match rules(c, o) {
            (Act::Keep, c) => out.push(c),
            (Act::Space, _) => out.push(' '),
            (Act::Lower, c) => out.extend(c.to_lowercase()),
            (Act::Remove, _) => {}
        }
    }
    if o.is_on(Rule::Whitespace) {
        out = out
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
    }
    out
}

#[test]
fn properties() {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let all = Normalizer::new(NormalizeOptions::all());
    let nfkc = with(&[Rule::Nfkc]);
    let random = |r: &mut Rng| NormalizeOptions {
        bits: (r.next() & 0xFFF) as u16,
    };
    let pool: Vec<_> = (0..32).map(|_| Normalizer::new(random(&mut r))).collect();
    let (mut fast, mut slow, mut map) = (String::new(), String::new(), OffsetMap::new());
    let (mut sat, mut sat_spans) = (String::new(), Vec::new());
    for round in 0..8000 {
        let text = if round % 2 == 0 {
            realistic(&mut r)
        } else {
            wild(&mut r)
        };
        let n = if round % 3 == 0 {
            &all
        } else {
            &pool[r.next() % pool.len()]
        };
        let o = n.options();
        n.normalize_into(&text, &mut fast);
        n.normalize_with_offsets(&text, &mut slow, &mut map);
        n.run::<SATURATING>(&text, &mut sat, &mut sat_spans);
        // (a) both entry points agree, with each other and with the reference; segment-wise
        // NFKC agrees with whole-string NFKC.
        assert_eq!(
            nfkc.normalize(&text),
            text.nfkc().collect::<String>(),
            "{text:?}"
        );
        assert_eq!(fast, slow, "{text:?} {o:?}");
        assert_eq!(fast, reference(&text, o), "{text:?} {o:?}");
        assert_eq!((&sat, &sat_spans), (&slow, &map.spans));
        // (b) every output char maps to an in-bounds, char-aligned, non-decreasing range.
        assert_eq!(map.len(), slow.len());
        let mut prev = 0..0;
        for (a, ch) in slow.char_indices() {
            let rg = map.original_range(a, a + ch.len_utf8());
            assert!(rg.start < rg.end && rg.end <= text.len(), "{text:?}");
            assert!(text.is_char_boundary(rg.start) && text.is_char_boundary(rg.end));
            assert!(prev.start <= rg.start && prev.end <= rg.end, "{text:?}");
            prev = rg;
        }
        // (c) re-normalizing the original range of an output span gives a text that
        // contains the span (trimmed of spaces, which depend on the neighbours).
        let mut bounds: Vec<usize> = slow.char_indices().map(|(i, _)| i).collect();
        bounds.push(slow.len());
        for _ in 0..4.min(bounds.len() - 1) {
            let i = r.next() % (bounds.len() - 1);
            let (a, b) = (bounds[i], bounds[i + 1 + r.next() % (bounds.len() - 1 - i)]);
            let again = n.normalize(&text[map.original_range(a, b)]);
            let want = slow[a..b].trim_matches(' ');
            assert!(
                again.contains(want),
                "{text:?} {a}..{b}: {again:?} vs {want:?}"
            );
        }
        // (d) idempotence with all rules on, for realistic text.
        if round % 2 == 0 {
            let once = all.normalize(&text);
            assert_eq!(all.normalize(&once), once, "{text:?}");
        }
    }
}

#[test]
fn normalizer_is_shareable() {
    fn check<T: Send + Sync + Clone>(_: &T) {}
    check(&Normalizer::new(NormalizeOptions::default()));
}
