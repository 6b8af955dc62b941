//! Synthetic corpora with known answers, for tests, evaluation and
//! benchmarks of [`neardup`].
//!
//! This crate is a development tool of the neardup workspace, not
//! published: neardup's tests, benchmarks and examples use it as a
//! dev-dependency, and its binary writes a corpus from the command line
//! (`cargo run --release -p neardup-testkit -- generate --docs 100000 --out
//! g100k`).
//!
//! [`write_dedup_corpus`] (or [`dedup_corpus`], without files) generates
//! news-like documents in four synthetic languages ([`Script`]: Latin,
//! Arabic, Cyrillic, CJK) with planted near-duplicates. Each script has a
//! fixed 20,000-word vocabulary (real function words first, then made-up
//! words) drawn with Zipf-like frequencies, so unrelated texts share common
//! words as real ones do. Sentences have 8–30 words, paragraphs 2–6
//! sentences; body lengths are log-normal with a mean of about 2,200 bytes
//! (50 to 3,000 words). Every document has a title, an outlet (one of 30
//! synthetic names), a date in a 60-day window and an id `d0000123` (its
//! position). What the generator guarantees:
//!
//! * **Determinism.** The output is a function of the [`DedupSpec`] (and of
//!   the normalizer, which measures the truth): byte-identical on every
//!   platform and for any number of threads. The generator uses its own
//!   PRNG (xoshiro256**) and no platform maths (`exp`, `ln`, …); each family
//!   has its own seed and windows are assembled in a fixed order.
//! * **Exact truth.** A copy's recorded `jaccard` is the exact Jaccard
//!   similarity of the character-shingle sets of the two normalized texts
//!   (`Normalizer::new(NormalizeOptions::all())`, shingles of
//!   [`DedupSpec::shingle`] characters hashed with [`SHINGLE_SEED`], the
//!   sets of [`neardup::shingle::shingle_set`]), measured on the final texts:
//!   what [`exact_jaccard`] returns.
//! * **Families.** An original has 1–5 copies, each aimed at a target
//!   Jaccard drawn uniformly from [0.3, 1.0]. A copy gets
//!   normalization-only edits (case, punctuation, Arabic diacritics,
//!   tatweel, Arabic-Indic digits), maybe another outlet's header and
//!   footer, maybe a truncation or sentence deletions, then word
//!   substitutions, insertions and deletions until its Jaccard is at or
//!   just below the target (typically by less than 0.01). Word edits are
//!   steered on a cheap approximation of the normalized text, then the
//!   result is measured exactly, and edited further if it is still above
//!   the target; so the texts depend on the normalizer only in that rare
//!   case. Copies carry the original's title, another outlet and a date 0–3
//!   days later.
//! * **Mix.** A share [`DedupSpec::dup_fraction`] of the documents are
//!   copies (to within a family's size); the rest are their originals and
//!   unrelated singletons. Truth clusters: an original and its copies at or
//!   above [`DedupSpec::threshold`] share the original's id, every other
//!   document is its own cluster.
//! * **Order.** Documents are shuffled within windows of 10,000, so a copy
//!   is near its original but never next to it nor to another copy of it
//!   (unless a window holds little else). Families never span windows.
//! * **Streaming.** Memory is bounded by one window, whatever the corpus
//!   size; the documents of a window are generated in parallel with rayon,
//!   and the next window while the previous one is written.
//!
//! [`write_news_corpus`] (or [`news_corpus`]) generates a multi-outlet news
//! corpus with planted passage reuse (copied sentences and paragraphs with
//! rewriting-desk edits, a wire story, stock phrases, per-outlet
//! boilerplate) and its exact truth, and [`passage_quality()`] measures the
//! `shared.jsonl` of an analyze run against it; see [`news`].
//! With [`NewsSpec::rewrites`] on, copies may instead be rewritten (words
//! shuffled, phrases moved, synonyms, condensed paraphrase), and [`pan`]
//! scores an analyze run with PAN's character-level precision, recall,
//! granularity and plagdet (Potthast et al. 2010) per edit type.
//!
//! [`alter_arabic`] applies the same kind of republishing edits to a real
//! Arabic text.

#![deny(missing_docs)]

mod approx;
mod boiler;
mod copies;
mod dedup;
mod edit;
pub mod news;
pub mod pan;
pub mod parquet_file;
pub mod passage_quality;
pub mod quality;
mod raw;
mod rewrite;
mod rng;
mod sets;
pub mod templates;
mod text;
mod vocab;

#[cfg(test)]
mod tests;

pub use news::{
    NewsCorpus, NewsPassage, NewsSpec, NewsStats, OutletBoilerplate, ReuseKind, Rewrite,
    StockTruth, WireTruth, news_corpus, news_corpus_jsonl, write_news_corpus,
};
pub use passage_quality::{PassageQuality, passage_quality};
pub use quality::{PlantedQuality, lines as each_json_line, planted_quality};
pub use templates::{TemplateCorpus, TemplateSpec, template_corpus};

use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::str::FromStr;

use neardup::normalize::{NormalizeOptions, Normalizer};
use neardup::shingle::{MAX_SHINGLE, for_each_shingle};

/// Seed of the shingle hashes used to measure Jaccard similarity.
pub const SHINGLE_SEED: u64 = 0x6E65_6172_6475_7000;

/// Writing system of a synthetic language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Script {
    /// English-like words built from syllables, Latin letters.
    Latin,
    /// Arabic letters, root-and-pattern words with prefixes such as ال، و، ب.
    Arabic,
    /// Russian-like words in Cyrillic letters.
    Cyrillic,
    /// Han characters, no spaces between words, sentences end with 。.
    Cjk,
}

impl Script {
    /// All scripts.
    pub const ALL: [Script; 4] = [Script::Latin, Script::Arabic, Script::Cyrillic, Script::Cjk];

    /// The lower-case name (`latin`, `arabic`, `cyrillic`, `cjk`).
    pub fn name(self) -> &'static str {
        match self {
            Script::Latin => "latin",
            Script::Arabic => "arabic",
            Script::Cyrillic => "cyrillic",
            Script::Cjk => "cjk",
        }
    }

    /// Parses a comma-separated list such as `latin,arabic` (or `all`).
    pub fn parse_list(s: &str) -> Result<Vec<Script>, String> {
        if s.trim() == "all" {
            return Ok(Script::ALL.to_vec());
        }
        let mut out = vec![];
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let script: Script = part.parse()?;
            if !out.contains(&script) {
                out.push(script);
            }
        }
        if out.is_empty() {
            return Err("no script given".into());
        }
        Ok(out)
    }
}

impl FromStr for Script {
    type Err = String;

    fn from_str(s: &str) -> Result<Script, String> {
        Script::ALL
            .into_iter()
            .find(|x| x.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown script {s:?} (expected latin, arabic, cyrillic or cjk)")
            })
    }
}

impl fmt::Display for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct DedupSpec {
    /// Number of documents.
    pub docs: usize,
    /// Seed: the same spec always gives the same corpus.
    pub seed: u64,
    /// Share of documents that are copies of another, in `[0, 0.8]`.
    pub dup_fraction: f64,
    /// Scripts to draw documents from (uniformly, per family).
    pub scripts: Vec<Script>,
    /// Shingle size in characters for the exact Jaccard.
    pub shingle: usize,
    /// A copy belongs to its original's truth cluster when their exact
    /// Jaccard is at least this.
    pub threshold: f64,
}

impl Default for DedupSpec {
    /// 10,000 documents, seed 1, 30 % copies, all scripts, 5-shingles,
    /// threshold 0.7.
    fn default() -> DedupSpec {
        DedupSpec {
            docs: 10_000,
            seed: 1,
            dup_fraction: 0.3,
            scripts: Script::ALL.to_vec(),
            shingle: 5,
            threshold: 0.7,
        }
    }
}

impl DedupSpec {
    /// Checks the ranges of the fields.
    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=0.8).contains(&self.dup_fraction) {
            return Err(format!(
                "dup_fraction {} is not in [0, 0.8]",
                self.dup_fraction
            ));
        }
        if self.scripts.is_empty() {
            return Err("no script given".into());
        }
        if !(1..=MAX_SHINGLE).contains(&self.shingle) {
            return Err(format!(
                "shingle {} is not in 1..={MAX_SHINGLE}",
                self.shingle
            ));
        }
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err(format!("threshold {} is not in [0, 1]", self.threshold));
        }
        Ok(())
    }
}

/// A generated document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenDoc {
    /// Unique id, `d` and the zero-padded position in the corpus.
    pub id: String,
    /// Outlet name (the `source` field).
    pub outlet: String,
    /// Publication date, `YYYY-MM-DD`.
    pub date: String,
    /// Headline.
    pub title: String,
    /// Body, paragraphs separated by blank lines.
    pub text: String,
}

/// A planted near-duplicate pair.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Planted {
    /// Id of the original.
    pub a: String,
    /// Id of the copy.
    pub b: String,
    /// Exact Jaccard of their normalized shingle sets.
    pub jaccard: f64,
    /// Edits applied to make the copy, in a fixed order: `header`,
    /// `footer`, `case`, `punctuation`, `diacritics`, `tatweel`, `digits`,
    /// `truncate`, `delete_sentence`, `substitute`, `insert`, `delete`.
    pub edits: Vec<&'static str>,
}

/// One document of the corpus with its truth.
#[derive(Clone, Debug, PartialEq)]
pub struct GenItem {
    /// The document.
    pub doc: GenDoc,
    /// Its truth cluster: the original's id for an original and for its
    /// copies at or above the threshold, else its own id.
    pub cluster: String,
    /// For a copy: the pair it forms with its original.
    pub planted: Option<Planted>,
}

/// Counts of a generated corpus.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct GenStats {
    /// Documents written.
    pub docs: u64,
    /// Originals (documents with copies).
    pub originals: u64,
    /// Copies (= planted pairs).
    pub copies: u64,
    /// Documents that are neither.
    pub singletons: u64,
    /// Copies in their original's truth cluster (Jaccard >= threshold).
    pub clustered_copies: u64,
    /// Distinct truth clusters.
    pub clusters: u64,
    /// Size of `corpus.jsonl` in bytes.
    pub corpus_bytes: u64,
}

/// The documents of a corpus in output order (see [`dedup_corpus`]).
pub struct DedupCorpus {
    generator: dedup::Generator,
    current: std::vec::IntoIter<GenItem>,
}

impl Iterator for DedupCorpus {
    type Item = GenItem;

    fn next(&mut self) -> Option<GenItem> {
        loop {
            if let Some(item) = self.current.next() {
                return Some(item);
            }
            self.current = self.generator.next_chunk()?.into_iter();
        }
    }
}

fn invalid(e: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, e)
}

/// The corpus as an iterator, generated lazily one window at a time (each
/// window in parallel). Fails only if the spec is invalid.
pub fn dedup_corpus(spec: &DedupSpec) -> io::Result<DedupCorpus> {
    spec.validate().map_err(invalid)?;
    Ok(DedupCorpus {
        generator: dedup::Generator::new(spec),
        current: Vec::new().into_iter(),
    })
}

/// One line of a generated `corpus.jsonl`.
#[derive(serde::Serialize)]
pub(crate) struct CorpusLine<'a> {
    id: &'a str,
    source: &'a str,
    date: &'a str,
    title: &'a str,
    text: &'a str,
}

#[derive(serde::Serialize)]
struct TruthLine<'a> {
    id: &'a str,
    cluster: &'a str,
}

struct Writers {
    corpus: BufWriter<File>,
    truth: BufWriter<File>,
    planted: BufWriter<File>,
    stats: GenStats,
    originals: ahash::AHashSet<String>,
}

impl Writers {
    fn write(&mut self, items: &[GenItem]) -> io::Result<()> {
        let mut line = Vec::with_capacity(8 << 10);
        for item in items {
            let d = &item.doc;
            line.clear();
            let rec = CorpusLine {
                id: &d.id,
                source: &d.outlet,
                date: &d.date,
                title: &d.title,
                text: &d.text,
            };
            serde_json::to_writer(&mut line, &rec)?;
            line.push(b'\n');
            self.corpus.write_all(&line)?;
            self.stats.corpus_bytes += line.len() as u64;
            serde_json::to_writer(
                &mut self.truth,
                &TruthLine {
                    id: &d.id,
                    cluster: &item.cluster,
                },
            )?;
            self.truth.write_all(b"\n")?;
            self.stats.docs += 1;
            if item.cluster == d.id {
                self.stats.clusters += 1;
            }
            if let Some(p) = &item.planted {
                serde_json::to_writer(&mut self.planted, p)?;
                self.planted.write_all(b"\n")?;
                self.stats.copies += 1;
                self.stats.clustered_copies += u64::from(item.cluster != d.id);
                if !self.originals.contains(&p.a) {
                    self.originals.insert(p.a.clone());
                }
            }
        }
        Ok(())
    }
}

/// Writes `corpus.jsonl` (`{"id","source","date","title","text"}` per
/// line), `truth.jsonl` (`{"id","cluster"}` for every document, see
/// [`GenItem::cluster`]) and `planted.jsonl` (`{"a","b","jaccard","edits"}`
/// per copy, see [`Planted`]) into `dir` (created if missing). Generation
/// of the next window overlaps with writing the current one.
pub fn write_dedup_corpus(spec: &DedupSpec, dir: &Path) -> io::Result<GenStats> {
    spec.validate().map_err(invalid)?;
    std::fs::create_dir_all(dir)?;
    let open =
        |name: &str| File::create(dir.join(name)).map(|f| BufWriter::with_capacity(1 << 20, f));
    let mut w = Writers {
        corpus: open("corpus.jsonl")?,
        truth: open("truth.jsonl")?,
        planted: open("planted.jsonl")?,
        stats: GenStats::default(),
        originals: Default::default(),
    };
    let mut generator = dedup::Generator::new(spec);
    let mut current = generator.next_chunk();
    while let Some(items) = current {
        let (next, written) = rayon::join(|| generator.next_chunk(), || w.write(&items));
        written?;
        // Originals are always in the same window as their copies.
        w.stats.originals += w.originals.len() as u64;
        w.originals.clear();
        current = next;
    }
    w.corpus.flush()?;
    w.truth.flush()?;
    w.planted.flush()?;
    let mut stats = w.stats;
    stats.singletons = stats.docs - stats.originals - stats.copies;
    Ok(stats)
}

/// Alters an Arabic text the way a republishing site would: `words_changed`
/// words replaced by other (synthetic) Arabic words, punctuation changed,
/// digits written as Arabic-Indic digits, diacritics on about a third of the
/// words and tatweel on some, and another outlet's header and footer
/// around it. Deterministic from `seed`; works on any text (non-Arabic parts
/// are kept, except digits and punctuation).
pub fn alter_arabic(text: &str, seed: u64, words_changed: usize) -> String {
    let mut rng = rng::Rng::new(rng::derive(seed, 0xA1, 0));
    let mut a = String::with_capacity(text.len() * 3 / 2);
    let mut b = String::with_capacity(text.len() * 3 / 2);
    edit::replace_arabic_words(text, words_changed, &mut rng, &mut a);
    edit::change_punct(&a, Script::Arabic, &mut rng, &mut b);
    a.clear();
    edit::add_diacritics(&b, &mut rng, 0.3, &mut a);
    b.clear();
    edit::add_tatweel(&a, &mut rng, 0.1, &mut b);
    let outlet = rng.below(vocab::OUTLETS.len());
    let day = rng.below(60) as u32;
    let header = boiler::boiler(
        Script::Arabic,
        false,
        rng.below(boiler::boiler_kinds(Script::Arabic, false)),
        outlet,
        day,
        &mut rng,
    );
    let footer = boiler::boiler(
        Script::Arabic,
        true,
        rng.below(boiler::boiler_kinds(Script::Arabic, true)),
        outlet,
        day,
        &mut rng,
    );
    a.clear();
    boiler::assemble(Some(&header), b.trim(), Some(&footer), &mut a);
    let mut out = String::with_capacity(a.len());
    edit::arabic_digits(&a, &mut out);
    out
}

/// Exact Jaccard similarity of two texts as the generator measures it:
/// shingle sets of `shingle` characters (hashed with [`SHINGLE_SEED`]) of
/// the texts normalized with all rules.
pub fn exact_jaccard(a: &str, b: &str, shingle: usize) -> f64 {
    let normalizer = Normalizer::new(NormalizeOptions::all());
    let norm = normalizer.normalize(a);
    let mut set = sets::RefSet::build(norm.len(), |f| {
        for_each_shingle(&norm, shingle, SHINGLE_SEED, f)
    });
    set.exact(&normalizer.normalize(b), shingle)
}
