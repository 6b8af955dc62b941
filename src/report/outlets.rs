//! Writing `outlets.csv`: what each outlet has in common with each other one.
//!
//! One row per ordered pair of outlets with anything in common (a
//! near-duplicate pair, a story link or a shared passage), sorted by name.
//! A document without an outlet is an outlet of its own, named `doc:ID`.
//! Columns:
//!
//! - `outlet_a`, `outlet_b`; `documents_a`, `documents_b` (signed documents);
//! - `duplicate_pairs`, `story_pairs`, `shared_passages` between them, and
//!   of those passages `quote_passages` and `template_passages` (the rest
//!   are reuse; see `shared.jsonl`'s `kind`);
//! - `shared_chars`: characters of `a`'s text in those passages;
//! - `share_a_in_b`: share of `a`'s words (all its documents) found in
//!   passages shared with `b` — direction matters;
//! - `a_first`, `b_first`: passages where `a`'s (`b`'s) document was dated
//!   earlier; `median_lag_hours`: median date difference of those passages.

use std::collections::BTreeMap;

use rayon::slice::ParallelSliceMut;

use crate::cluster::Duplicates;
use crate::document::Row;
use crate::passages::{Passages, TextKind, covered_len};
use crate::signed::SignedDocs;
use crate::story::Stories;

use super::{AtomicFile, round4};
use crate::error::Result;
use crate::passages::snippets::Snippets;

/// What one ordered pair of outlets has in common, while it is counted.
#[derive(Default, Clone)]
struct PairCounts {
    duplicate_pairs: u64,
    story_pairs: u64,
    passages: u64,
    quotes: u64,
    templates: u64,
    shared_chars: u64,
    covered_words: u64,
    first: u64,
    lags: Vec<f64>,
}

/// The outlet name of a signature [`Row`]'s document for the table.
fn outlet_name(signed: &SignedDocs<'_>, row: Row) -> String {
    let d = signed.doc(row);
    match signed.docs.outlet(d) {
        Some(o) => o.to_string(),
        None => format!("doc:{}", signed.docs.id(d)),
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One row of `outlets.csv`: what outlet `a` has in common with outlet `b`.
#[derive(Clone, Debug, PartialEq)]
pub struct OutletRow {
    /// First outlet (`doc:ID` for a document without outlet).
    pub a: String,
    /// Second outlet.
    pub b: String,
    /// Signed documents of `a`.
    pub documents_a: u64,
    /// Signed documents of `b`.
    pub documents_b: u64,
    /// Near-duplicate pairs between them.
    pub duplicate_pairs: u64,
    /// Story pairs between them.
    pub story_pairs: u64,
    /// Shared passages between them.
    pub passages: u64,
    /// Of those, quotes.
    pub quotes: u64,
    /// Of those, templates'.
    pub templates: u64,
    /// Characters of `a`'s text in those passages.
    pub shared_chars: u64,
    /// Share of `a`'s words found in passages shared with `b`.
    pub share: f64,
    /// Passages where `a`'s document is dated earlier.
    pub a_first: u64,
    /// Passages where `b`'s document is dated earlier.
    pub b_first: u64,
    /// Median date difference, in hours, of the passages `a` published first.
    pub median_lag_hours: Option<f64>,
}

/// Writes `outlets.csv`.
pub fn write_outlets(rows: &[OutletRow], out: &mut AtomicFile) -> Result<()> {
    out.write(
        b"outlet_a,outlet_b,documents_a,documents_b,duplicate_pairs,story_pairs,shared_passages,\
quote_passages,template_passages,shared_chars,share_a_in_b,a_first,b_first,median_lag_hours\n",
    )?;
    for r in rows {
        let line = format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            csv_field(&r.a),
            csv_field(&r.b),
            r.documents_a,
            r.documents_b,
            r.duplicate_pairs,
            r.story_pairs,
            r.passages,
            r.quotes,
            r.templates,
            r.shared_chars,
            round4(r.share),
            r.a_first,
            r.b_first,
            r.median_lag_hours
                .map_or(String::new(), |m| format!("{m:.1}"))
        );
        out.write(line.as_bytes())?;
    }
    Ok(())
}

/// The rows of `outlets.csv`, sorted by outlet names.
pub fn outlet_rows(
    signed: &SignedDocs<'_>,
    dups: &Duplicates,
    stories: &Stories,
    passages: &Passages,
    snippets: &Snippets,
) -> Vec<OutletRow> {
    let names: Vec<String> = signed.rows().map(|r| outlet_name(signed, r)).collect();
    let totals = Totals::of(&names, passages);
    let mut table = Table {
        names: &names,
        rows: BTreeMap::new(),
    };
    table.count_links(dups, stories);
    let covered = table.count_passages(signed, passages, snippets);
    table.count_covered_words(covered);
    table.into_rows(&totals)
}

/// Per outlet name: signed documents and words.
struct Totals<'n> {
    documents: BTreeMap<&'n str, u64>,
    words: BTreeMap<&'n str, u64>,
}

impl<'n> Totals<'n> {
    /// The totals of the outlets of `names` (one per signature [`Row`]).
    fn of(names: &'n [String], passages: &Passages) -> Self {
        let mut documents: BTreeMap<&str, u64> = BTreeMap::new();
        let mut words: BTreeMap<&str, u64> = BTreeMap::new();
        for (r, name) in names.iter().enumerate() {
            *documents.entry(name).or_default() += 1;
            *words.entry(name).or_default() += u64::from(passages.doc_words[r]);
        }
        Totals { documents, words }
    }
}

/// A word interval `(row, other row, start, end)`: words of a document (its
/// signature [`Row`]) covered by a passage shared with the other document,
/// counted for the other's outlet (16 bytes: two per passage).
type Covered = (Row, Row, u32, u32);

/// The table being counted: one [`PairCounts`] per ordered pair of distinct
/// outlet names.
struct Table<'n> {
    /// Outlet name of every signature row ([`Row::index`]).
    names: &'n [String],
    rows: BTreeMap<(&'n str, &'n str), PairCounts>,
}

impl<'n> Table<'n> {
    /// Applies `f` to the row of `a`'s outlet with `b`'s (`forward` true) and
    /// to the row of `b`'s with `a`'s (`forward` false), in that order; does
    /// nothing when they are the same outlet.
    fn both(&mut self, a: Row, b: Row, f: &mut dyn FnMut(&mut PairCounts, bool)) {
        let (na, nb) = (
            self.names[a.index()].as_str(),
            self.names[b.index()].as_str(),
        );
        if na != nb {
            f(self.rows.entry((na, nb)).or_default(), true);
            f(self.rows.entry((nb, na)).or_default(), false);
        }
    }

    /// Counts the near-duplicate pairs and story links between outlets.
    fn count_links(&mut self, dups: &Duplicates, stories: &Stories) {
        for p in &dups.pairs {
            self.both(p.a, p.b, &mut |r, _| r.duplicate_pairs += 1);
        }
        for l in &stories.links {
            self.both(l.a, l.b, &mut |r, _| r.story_pairs += 1);
        }
    }

    /// Counts the shared passages between outlets, their characters, and
    /// which side was dated first (with the lag). Returns the word intervals
    /// of each document covered by passages with each other outlet, two per
    /// passage, unsorted.
    fn count_passages(
        &mut self,
        signed: &SignedDocs<'_>,
        passages: &Passages,
        snippets: &Snippets,
    ) -> Vec<Covered> {
        let mut covered: Vec<Covered> = Vec::with_capacity(2 * passages.passages.len());
        for (i, p) in passages.passages.iter().enumerate() {
            let (da, db) = (signed.doc(p.a), signed.doc(p.b));
            let [ca, cb] = snippets.side_chars(i);
            let lag = match (signed.docs.date(da), signed.docs.date(db)) {
                (Some(x), Some(y)) if x != y => {
                    Some((x < y, (x - y).unsigned_abs() as f64 / 3600.0))
                }
                _ => None,
            };
            let kind = p.text;
            self.both(p.a, p.b, &mut |r, forward| {
                r.passages += 1;
                r.quotes += u64::from(kind == TextKind::Quote);
                r.templates += u64::from(kind == TextKind::Template);
                r.shared_chars += if forward { ca } else { cb };
                if let Some((a_first, hours)) = lag
                    && a_first == forward
                {
                    r.first += 1;
                    r.lags.push(hours);
                }
            });
            covered.push((p.a, p.b, p.a_words.start, p.a_words.end));
            covered.push((p.b, p.a, p.b_words.start, p.b_words.end));
        }
        covered
    }

    /// Adds to each outlet pair the words of its documents covered by
    /// passages with the other outlet, overlaps counted once per document.
    fn count_covered_words(&mut self, mut covered: Vec<Covered>) {
        // By row, then by the other's outlet name (its intervals together).
        let names = self.names;
        covered.par_sort_unstable_by(|x, y| {
            (x.0, names[x.1.index()].as_str(), x.2, x.3).cmp(&(
                y.0,
                names[y.1.index()].as_str(),
                y.2,
                y.3,
            ))
        });
        for group in covered.chunk_by(|x, y| x.0 == y.0 && names[x.1.index()] == names[y.1.index()])
        {
            let (row, other) = (group[0].0, names[group[0].1.index()].as_str());
            let total = covered_len(group.iter().map(|c| (c.2, c.3)));
            let me = self.names[row.index()].as_str();
            if me != other {
                self.rows.entry((me, other)).or_default().covered_words += u64::from(total);
            }
        }
    }

    /// The finished rows, sorted by outlet names, with the totals of
    /// `totals`.
    fn into_rows(self, totals: &Totals<'_>) -> Vec<OutletRow> {
        let rows = &self.rows;
        let mut out = Vec::with_capacity(rows.len());
        for (&(a, b), r) in rows {
            let back = rows.get(&(b, a)).map_or(0, |x| x.first);
            out.push(OutletRow {
                a: a.to_string(),
                b: b.to_string(),
                documents_a: totals.documents.get(a).copied().unwrap_or(0),
                documents_b: totals.documents.get(b).copied().unwrap_or(0),
                duplicate_pairs: r.duplicate_pairs,
                story_pairs: r.story_pairs,
                passages: r.passages,
                quotes: r.quotes,
                templates: r.templates,
                shared_chars: r.shared_chars,
                share: r.covered_words as f64
                    / totals.words.get(a).copied().unwrap_or(1).max(1) as f64,
                a_first: r.first,
                b_first: back,
                median_lag_hours: median(&r.lags),
            });
        }
        out
    }
}

/// The median of `lags` (the mean of the middle two for an even count),
/// `None` if empty.
fn median(lags: &[f64]) -> Option<f64> {
    let mut lags = lags.to_vec();
    lags.sort_by(f64::total_cmp);
    (!lags.is_empty()).then(|| {
        let m = lags.len() / 2;
        if lags.len() % 2 == 1 {
            lags[m]
        } else {
            (lags[m - 1] + lags[m]) / 2.0
        }
    })
}
