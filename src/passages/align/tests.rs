//! Tests of the alignment: edited, moved, shuffled and reworded text.

use super::*;
use crate::normalize::NormalizeOptions;
use crate::passages::content::ContentWords;
use crate::passages::pair::DocSets;
use crate::passages::tokens::Unit;
use crate::passages::tokens::word_hash;

/// A test document: words split at spaces, sentences at a lone `.`.
struct Doc {
    hashes: Vec<u32>,
    flags: Vec<bool>,
    content: Vec<bool>,
    units: Vec<Unit>,
    postings: Vec<(u32, u32)>,
    sizes: Vec<u32>,
}

impl Doc {
    fn new(text: &str) -> Doc {
        let c = ContentWords::builtin(NormalizeOptions::all());
        let (mut hashes, mut ranges, mut start) = (Vec::new(), Vec::new(), 0u32);
        for w in text.split_whitespace() {
            if w == "." {
                ranges.push(start..hashes.len() as u32);
                start = hashes.len() as u32;
            } else {
                hashes.push(word_hash(w));
            }
        }
        if hashes.len() as u32 > start {
            ranges.push(start..hashes.len() as u32);
        }
        let content: Vec<bool> = hashes.iter().map(|&h| c.is_content(h)).collect();
        let (mut postings, mut sizes) = (Vec::new(), Vec::new());
        for (u, r) in ranges.iter().enumerate() {
            let mut set: Vec<u32> = r
                .clone()
                .filter(|&i| content[i as usize])
                .map(|i| hashes[i as usize])
                .collect();
            set.sort_unstable();
            set.dedup();
            sizes.push(set.len() as u32);
            postings.extend(set.iter().map(|&h| (h, u as u32)));
        }
        postings.sort_unstable();
        Doc {
            flags: vec![false; hashes.len()],
            content,
            units: ranges
                .into_iter()
                .map(|words| Unit { words, hash: 0 })
                .collect(),
            postings,
            sizes,
            hashes,
        }
    }

    fn side(&self) -> Side<'_> {
        Side {
            hashes: &self.hashes,
            masked: &self.flags,
            stock: &self.flags,
            content: &self.content,
            units: &self.units,
            sets: DocSets {
                postings: &self.postings,
                sizes: &self.sizes,
            },
        }
    }
}

fn run(a: &str, b: &str) -> Vec<Passage> {
    let (da, db) = (Doc::new(a), Doc::new(b));
    let (ha, hb) = (&da.hashes, &db.hashes);
    // Seed every position where 5 words agree, like the index would.
    let mut seeds = vec![];
    for i in 0..ha.len().saturating_sub(4) {
        for j in 0..hb.len().saturating_sub(4) {
            if ha[i..i + 5] == hb[j..j + 5] {
                seeds.push((i as u32, j as u32));
            }
        }
    }
    align(
        &da.side(),
        &db.side(),
        &seeds,
        true,
        &PassageParams::default(),
    )
}

/// The words of `s` in reverse order.
fn reversed(s: &str) -> String {
    s.split_whitespace().rev().collect::<Vec<_>>().join(" ")
}

const PARA: &str = "the minister said on monday that the talks with the union had ended \
    without agreement and that a new round would begin next week in the capital after \
    both sides had consulted their members about the latest offer of the employers";

#[test]
fn an_edited_paragraph_is_one_passage() {
    let edited = PARA
        .replace("monday", "tuesday")
        .replace("without agreement", "with no agreement, a spokesman added,")
        .replace("next week", "within days");
    let a = format!("intro words here . {PARA} . unrelated closing words");
    let b = format!("other opening . {edited} . and something else entirely");
    let p = run(&a, &b);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].words >= 35, "{p:?}");
    assert_eq!(p[0].a, 3..3 + PARA.split_whitespace().count() as u32);
}

#[test]
fn moved_sentences_stay_in_one_passage() {
    let s1 = "police said the fire started in a warehouse near the port late on friday";
    let s2 = "firefighters needed six hours to bring the flames under control by morning";
    let a = format!("{s1} {s2}");
    let b = format!("{s2} {s1}");
    let p = run(&a, &b);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].words, 26);
}

#[test]
fn swapped_long_sentences_inside_a_paragraph_stay_one_passage() {
    let p0 = "at the start of the meeting the minister thanked the delegations for coming";
    let s1 = "the first long sentence describes the talks between the two governments in great detail today";
    let s2 = "the second long sentence lists the agreements that were signed by both sides after the long talks";
    let p3 = "the meeting ended with a joint statement read to the press by both spokesmen";
    let a = format!("{p0} {s1} {s2} {p3}");
    let b = format!("{p0} {s2} {s1} {p3}");
    let p = run(&a, &b);
    assert_eq!(p.len(), 1, "{p:?}");
}

#[test]
fn short_matches_do_not_count() {
    // Seven identical words, then different text.
    let a = "the political bureau of the central committee said one thing";
    let b = "the political bureau of the central committee met another person";
    assert!(run(a, b).is_empty());
    let a = "one two three four five six seven eight and then more";
    let b = "one two three four five six seven eight but other words";
    assert_eq!(run(a, b).len(), 1);
}

#[test]
fn far_apart_passages_are_separate() {
    let filler_a: String = (0..40).map(|i| format!("alpha{i} ")).collect();
    let filler_b: String = (0..40).map(|i| format!("beta{i} ")).collect();
    let s1 = "the court ruled on wednesday that the law was against the constitution";
    let s2 = "shares of the company fell by ten percent in early trading on thursday";
    let a = format!("{s1} {filler_a} {s2}");
    let b = format!("{s1} {filler_b} {s2}");
    assert_eq!(run(&a, &b).len(), 2);
}

const S1: &str = "police officers said the warehouse fire started near the northern port \
    late friday evening";
const S2: &str = "firefighters battled the flames for six hours before bringing them under \
    control";

#[test]
fn shuffled_words_are_one_reordered_passage() {
    let a = format!("some intro here . {S1} . {S2} . and a different ending");
    let b = format!(
        "another start . {} . {} . closing words",
        reversed(S1),
        reversed(S2)
    );
    let p = run(&a, &b);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].kind, Match::Reordered);
    assert_eq!(p[0].words, 26);
}

#[test]
fn replaced_vocabulary_is_rewritten() {
    // A third of the words replaced.
    let b1 = S1
        .replace("police", "security")
        .replace("warehouse", "depot")
        .replace("started", "began")
        .replace("port", "harbour")
        .replace("evening", "night");
    let b2 = S2
        .replace("battled", "fought")
        .replace("six", "several")
        .replace("before", "until")
        .replace("control", "check");
    let s3 = "the city council will meet monday to discuss stricter safety rules for \
        storage buildings near the docks";
    let b3 = s3
        .replace("council", "assembly")
        .replace("discuss", "debate")
        .replace("storage", "warehouse");
    let a = format!("{S1} . {S2} . {s3}");
    let b = format!("{b1} . {b2} . {b3}");
    let p = run(&a, &b);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].kind, Match::Rewritten, "{p:?}");
}

#[test]
fn a_short_shuffled_sentence_or_a_few_shared_words_do_not_count() {
    let s = "the minister met the visiting delegation";
    assert!(run(s, &reversed(s)).is_empty());
    let a = "police officers said the warehouse fire was put out quickly by the crews";
    let b = "officers said the election results in the northern port were delayed again";
    assert!(run(a, b).is_empty());
}

#[test]
fn exact_copy_is_exact() {
    let a = format!("{S1} . {S2}");
    let p = run(&a, &a);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].kind, Match::Exact);
}
