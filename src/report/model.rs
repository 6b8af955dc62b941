//! The data behind `report.html`, as one JSON object.
//!
//! The page renders lazily from this object (see the scripts in `html/js/`); its
//! shape is the contract between the two:
//!
//! - `version`, `title`, `parameters` and `counts` (flat maps);
//! - `truncated`: `{docs_total, docs_embedded, limit}` — the texts of at most
//!   `--report-max-docs` documents are embedded, those of the largest stories
//!   and near-duplicate clusters first;
//! - `outlets`: names, indexed by the other fields;
//! - `heatmap`: one entry per ordered outlet pair of `outlets.csv`:
//!   `{a, b, share, passages, chars, duplicates, stories, a_first, b_first, lag_hours}`;
//! - `docs`: `{id, outlet, date, title, text, story, cluster, dup_of, sim}`
//!   for every signed document (only the embedded ones when there are more
//!   than [`MAX_LISTED`]); `text` is `null` unless embedded;
//! - `stories` and `clusters`: `{first|kept, docs, size, passages, words}`
//!   for those of two documents or more, largest first (`docs[i].story` and
//!   `.cluster` index them; `passages` and `words` count the shared passages
//!   between their documents whether their texts are embedded or not);
//! - `passages`: `{id, a, b, as, ae, bs, be, words, sim, match, first}` between
//!   embedded documents, offsets in UTF-16 code units so the page can slice
//!   JavaScript strings directly;
//! - `boilerplate`: `{outlet, text, documents, share}`.

use std::borrow::Cow;

use ahash::AHashMap;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::cluster::Duplicates;
use crate::document::Row;
use crate::error::Result;
use crate::passages::Passages;
use crate::passages::snippets::{Snippets, byte_span};
use crate::run::{Parameters, Summary};
use crate::signed::SignedDocs;
use crate::story::Stories;

use super::outlets::OutletRow;
use super::passages::first_side;
use super::round4;

/// Above this many signed documents, only the embedded ones are listed.
pub const MAX_LISTED: usize = 50_000;

#[derive(Serialize)]
struct Truncated {
    docs_total: usize,
    docs_embedded: usize,
    limit: usize,
}

#[derive(Serialize)]
struct Heat {
    a: usize,
    b: usize,
    share: f64,
    passages: u64,
    chars: u64,
    duplicates: u64,
    stories: u64,
    a_first: u64,
    b_first: u64,
    lag_hours: Option<f64>,
}

#[derive(Serialize)]
struct Doc<'a> {
    id: &'a str,
    outlet: Option<usize>,
    date: Option<String>,
    title: Option<Cow<'a, str>>,
    text: Option<&'a str>,
    story: Option<usize>,
    cluster: Option<usize>,
    dup_of: Option<usize>,
    sim: f64,
}

#[derive(Serialize)]
struct Group {
    #[serde(rename = "first")]
    head: usize,
    docs: Vec<usize>,
    size: usize,
    /// Shared passages between its documents, embedded or not.
    passages: u64,
    /// Their matched words.
    words: u64,
}

#[derive(Serialize)]
struct ClusterGroup {
    kept: usize,
    docs: Vec<usize>,
    size: usize,
    /// Shared passages between its documents, embedded or not.
    passages: u64,
    /// Their matched words.
    words: u64,
}

/// Per group label (a row), the passages both of whose documents carry that
/// label in `labels`, and their words.
fn passages_within(passages: &Passages, labels: &[Row]) -> AHashMap<Row, (u64, u64)> {
    let mut out: AHashMap<Row, (u64, u64)> = AHashMap::new();
    for p in &passages.passages {
        let l = labels[p.a.index()];
        if l == labels[p.b.index()] {
            let e = out.entry(l).or_default();
            e.0 += 1;
            e.1 += u64::from(p.words);
        }
    }
    out
}

#[derive(Serialize)]
struct PassageJson {
    id: usize,
    a: usize,
    b: usize,
    #[serde(rename = "as")]
    a_start: usize,
    #[serde(rename = "ae")]
    a_end: usize,
    bs: usize,
    be: usize,
    words: u32,
    sim: f64,
    /// How it matched: `exact`, `reordered` or `rewritten`.
    #[serde(rename = "match")]
    kind: &'static str,
    first: Option<&'static str>,
}

#[derive(Serialize)]
struct BoilerplateJson<'a> {
    outlet: Option<usize>,
    text: Cow<'a, str>,
    documents: u32,
    share: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    slot: Option<crate::passages::boilerplate::Slot>,
}

#[derive(Serialize)]
struct Report<'a> {
    version: &'static str,
    title: &'a str,
    parameters: Map<String, Value>,
    counts: Map<String, Value>,
    truncated: Truncated,
    outlets: Vec<String>,
    heatmap: Vec<Heat>,
    docs: Vec<Doc<'a>>,
    stories: Vec<Group>,
    clusters: Vec<ClusterGroup>,
    passages: Vec<PassageJson>,
    boilerplate: Vec<BoilerplateJson<'a>>,
}

/// Groups of signature [`Row`]s of at least two, largest first (ties by their
/// first row), from the label of every row: `(representative, members)`.
fn groups(labels: &[Row]) -> Vec<(Row, Vec<Row>)> {
    let mut by: AHashMap<Row, Vec<Row>> = AHashMap::new();
    for (r, &l) in labels.iter().enumerate() {
        by.entry(l).or_default().push(Row(r as u32));
    }
    let mut v: Vec<(Row, Vec<Row>)> = by.into_iter().filter(|(_, m)| m.len() > 1).collect();
    v.sort_by(|x, y| y.1.len().cmp(&x.1.len()).then(x.1[0].cmp(&y.1[0])));
    v
}

/// The `groups` with at least two embedded members, as `make(label, head,
/// size, listed)`: `label` is the group's representative row, `head` its
/// position in the document list
/// (its first listed member if it is not listed), `size` the group's full
/// size and `listed` the positions of its listed members. Also returns,
/// per row, the index of its group in that list.
fn listed_groups<G>(
    groups: &[(Row, Vec<Row>)],
    pos: &[Option<usize>],
    rows: usize,
    make: impl Fn(Row, usize, usize, Vec<usize>) -> G,
) -> (Vec<G>, Vec<Option<usize>>) {
    let mut group_of: Vec<Option<usize>> = vec![None; rows];
    let out = groups
        .iter()
        .filter_map(|(head, members)| {
            let listed: Vec<usize> = members.iter().filter_map(|&m| pos[m.index()]).collect();
            (listed.len() > 1).then_some((head, members, listed))
        })
        .enumerate()
        .map(|(i, (head, members, listed))| {
            for &m in members {
                group_of[m.index()] = Some(i);
            }
            make(
                *head,
                pos[head.index()].unwrap_or(listed[0]),
                members.len(),
                listed,
            )
        })
        .collect();
    (out, group_of)
}

/// Which rows the report embeds the text of (by [`Row::index`]): members of
/// the largest stories that stand alone, then of the largest near-duplicate
/// clusters, then of the stories that are pieces of a component split at
/// `--max-story` ([`Stories::split`]: webs of links, least likely to be one
/// event), up to `limit` documents.
pub fn embedded_rows(dups: &Duplicates, stories: &Stories, limit: usize) -> Vec<bool> {
    let mut embed = vec![false; stories.first.len()];
    let mut count = 0;
    let (pieces, whole): (Vec<_>, Vec<_>) = groups(&stories.first)
        .into_iter()
        .partition(|(head, _)| stories.split.binary_search(head).is_ok());
    for (_, members) in whole
        .into_iter()
        .chain(groups(&dups.clusters.kept))
        .chain(pieces)
    {
        if count + members.len() > limit {
            continue;
        }
        for r in members {
            if !embed[r.index()] {
                embed[r.index()] = true;
                count += 1;
            }
        }
    }
    embed
}

/// The parameters the report shows, flat, from the run's.
fn parameters(p: &Parameters) -> Map<String, Value> {
    let config = &p.config;
    [
        ("threshold", Value::from(config.threshold)),
        ("containment", Value::from(config.containment)),
        ("shingle", Value::from(config.shingle)),
        ("num_perm", Value::from(config.num_perm)),
        ("bands", Value::from(p.bands)),
        ("rows", Value::from(p.rows)),
        ("refine", Value::from(config.refine)),
        ("seed", Value::from(config.seed)),
        (
            "normalize",
            Value::from(config.normalize.enabled_names().join(",")),
        ),
        ("story_threshold", Value::from(config.stories.threshold)),
        ("story_words", Value::from(config.stories.min_words)),
        ("window_days", Value::from(config.stories.window_days)),
        ("max_story", Value::from(config.stories.max_size)),
        ("min_passage_words", Value::from(config.passages.min_words)),
        ("passage_match", Value::from(config.passages.loosest.name())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// `YYYY-MM-DD` of a Unix time.
/// UTF-16 offset of byte `at` of `text`.
fn utf16_at(text: &str, at: usize) -> usize {
    text.get(..at.min(text.len()))
        .map_or(0, |s| s.encode_utf16().count())
}

/// What the stages found, as the report needs it.
pub struct Found<'a> {
    /// Near-duplicate clusters.
    pub dups: &'a Duplicates,
    /// Stories.
    pub stories: &'a Stories,
    /// Shared passages and boilerplate.
    pub passages: &'a Passages,
    /// Their texts, and the texts of the embedded documents.
    pub snippets: &'a Snippets,
    /// The rows of `outlets.csv`.
    pub outlet_rows: &'a [OutletRow],
    /// Per signature row ([`Row::index`]), whether the report embeds its
    /// text.
    pub embed: &'a [bool],
}

/// The report data of an analysis, as JSON: `summary`'s counts and
/// parameters, and what the stages found.
pub fn build(signed: &SignedDocs<'_>, summary: &Summary, found: &Found<'_>) -> Result<String> {
    let limit = summary.parameters.config.report_max_docs;
    let rows = signed.len();
    let (outlets, heatmap) = outlets_and_heatmap(signed, found.outlet_rows);
    let listed = listed_docs(signed, found)?;
    let passages = passages_json(signed, found, &listed.pos);
    let boilerplate = boilerplate_json(found.passages, found.snippets)?;
    let parameters = parameters(&summary.parameters);
    let counts = match serde_json::to_value(&summary.counts) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    let report = Report {
        version: env!("CARGO_PKG_VERSION"),
        title: "neardup report",
        parameters,
        counts,
        truncated: Truncated {
            docs_total: rows,
            docs_embedded: found.embed.iter().filter(|&&e| e).count(),
            limit,
        },
        outlets,
        heatmap,
        docs: listed.docs,
        stories: listed.stories,
        clusters: listed.clusters,
        passages,
        boilerplate,
    };
    Ok(serde_json::to_string(&report).unwrap_or_else(|_| "{}".to_string()))
}

/// The outlet names of the report and its heatmap: the named outlets in
/// their table order, then the `doc:ID` pseudo-outlets in the order the
/// heatmap first mentions them. The heatmap has one entry per row of
/// `outlet_rows` with passages, near-duplicate or story pairs, in that
/// order, its outlets as indexes into the names.
fn outlets_and_heatmap(
    signed: &SignedDocs<'_>,
    outlet_rows: &[OutletRow],
) -> (Vec<String>, Vec<Heat>) {
    let mut outlets: Vec<String> = signed.docs.outlet_names().to_vec();
    let mut outlet_index: AHashMap<String, usize> = outlets
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), i))
        .collect();
    let mut idx = |name: &str| -> usize {
        if let Some(&i) = outlet_index.get(name) {
            return i;
        }
        outlets.push(name.to_string());
        outlet_index.insert(name.to_string(), outlets.len() - 1);
        outlets.len() - 1
    };
    let heatmap: Vec<Heat> = outlet_rows
        .iter()
        .filter(|r| r.passages > 0 || r.duplicate_pairs > 0 || r.story_pairs > 0)
        .map(|r| Heat {
            a: idx(&r.a),
            b: idx(&r.b),
            share: round4(r.share),
            passages: r.passages,
            chars: r.shared_chars,
            duplicates: r.duplicate_pairs,
            stories: r.story_pairs,
            a_first: r.a_first,
            b_first: r.b_first,
            lag_hours: r.median_lag_hours.map(|h| (h * 10.0).round() / 10.0),
        })
        .collect();
    (outlets, heatmap)
}

/// The listed documents of the report, with the stories and clusters they
/// belong to.
struct Listed<'a> {
    /// Per signature row ([`Row::index`]), its position in `docs` if listed.
    pos: Vec<Option<usize>>,
    /// The listed documents, in row order.
    docs: Vec<Doc<'a>>,
    /// Stories with at least two listed documents, largest first.
    stories: Vec<Group>,
    /// Near-duplicate clusters with at least two listed documents, largest
    /// first.
    clusters: Vec<ClusterGroup>,
}

/// The listed documents (every signed document, or only the embedded ones
/// above [`MAX_LISTED`]) in row order, with their positions and the listed
/// stories and clusters they index.
fn listed_docs<'a>(signed: &SignedDocs<'a>, found: &Found<'a>) -> Result<Listed<'a>> {
    let Found {
        dups,
        stories,
        snippets,
        embed,
        ..
    } = *found;
    let docs = signed.docs;
    let rows = signed.len();
    let listed: Vec<Row> = signed
        .rows()
        .filter(|&r| rows <= MAX_LISTED || embed[r.index()])
        .collect();
    let mut pos: Vec<Option<usize>> = vec![None; rows];
    for (i, &r) in listed.iter().enumerate() {
        pos[r.index()] = Some(i);
    }
    let story_groups = groups(&stories.first);
    let cluster_groups = groups(&dups.clusters.kept);
    let in_stories = passages_within(found.passages, &stories.first);
    let in_clusters = passages_within(found.passages, &dups.clusters.kept);
    let (stories_json, story_of) =
        listed_groups(&story_groups, &pos, rows, |label, head, size, docs| {
            let (passages, words) = in_stories.get(&label).copied().unwrap_or_default();
            Group {
                head,
                size,
                docs,
                passages,
                words,
            }
        });
    let (clusters_json, cluster_of) =
        listed_groups(&cluster_groups, &pos, rows, |label, kept, size, docs| {
            let (passages, words) = in_clusters.get(&label).copied().unwrap_or_default();
            ClusterGroup {
                kept,
                size,
                docs,
                passages,
                words,
            }
        });
    let docs_json: Vec<Doc<'a>> = listed
        .iter()
        .map(|&r| {
            let d = signed.doc(r);
            let kept = dups.clusters.kept[r.index()];
            Ok(Doc {
                id: docs.id(d),
                outlet: docs.outlet_index(d).map(|o| o as usize),
                date: docs.date(d).map(crate::input::ymd),
                title: snippets.title(r)?,
                text: snippets.texts.get(&r).map(String::as_str),
                story: story_of[r.index()],
                cluster: cluster_of[r.index()],
                dup_of: (kept != r).then(|| pos[kept.index()]).flatten(),
                sim: round4(dups.similarity(signed, r, kept)),
            })
        })
        .collect::<Result<_>>()?;
    Ok(Listed {
        pos,
        docs: docs_json,
        stories: stories_json,
        clusters: clusters_json,
    })
}

/// The passages between two embedded documents whose texts are at hand, in
/// the order of `found.passages`, numbered from 0; `pos` gives the listed
/// position of every row (embedded documents are always listed).
fn passages_json(
    signed: &SignedDocs<'_>,
    found: &Found<'_>,
    pos: &[Option<usize>],
) -> Vec<PassageJson> {
    let Found {
        passages,
        snippets,
        embed,
        ..
    } = *found;
    passages
        .passages
        .iter()
        .filter(|p| embed[p.a.index()] && embed[p.b.index()])
        .filter_map(|p| {
            let (ta, tb) = (snippets.texts.get(&p.a)?, snippets.texts.get(&p.b)?);
            let (sa, sb) = (byte_span(&p.a_span), byte_span(&p.b_span));
            Some((p, ta, tb, sa, sb))
        })
        .enumerate()
        .map(|(id, (p, ta, tb, sa, sb))| PassageJson {
            id,
            a: pos[p.a.index()].unwrap_or(0),
            b: pos[p.b.index()].unwrap_or(0),
            a_start: utf16_at(ta, sa.start),
            a_end: utf16_at(ta, sa.end),
            bs: utf16_at(tb, sb.start),
            be: utf16_at(tb, sb.end),
            words: p.words,
            sim: round4(f64::from(p.similarity)),
            kind: p.kind.name(),
            first: first_side(signed, signed.doc(p.a), signed.doc(p.b)),
        })
        .collect()
}

/// Every boilerplate entry of `passages`, in order, with its example text
/// (empty if the snippets lack it) and its share of the outlet's clusters.
fn boilerplate_json<'a>(
    passages: &Passages,
    snippets: &'a Snippets,
) -> Result<Vec<BoilerplateJson<'a>>> {
    passages
        .boilerplate
        .iter()
        .enumerate()
        .map(|(j, b)| {
            Ok(BoilerplateJson {
                outlet: (b.outlet != crate::document::NONE).then_some(b.outlet as usize),
                text: snippets.example(j)?.text,
                documents: b.clusters,
                share: round4(f64::from(b.clusters) / f64::from(b.outlet_clusters.max(1))),
                slot: b.slot,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_utf16() {
        use crate::input::{timestamp, ymd};
        assert_eq!(ymd(0), "1970-01-01");
        assert_eq!(ymd(1_437_436_800), "2015-07-21");
        assert_eq!(timestamp(1_437_436_800 + 3723), "2015-07-21T01:02:03Z");
        assert_eq!(timestamp(-1), "1969-12-31T23:59:59Z");
        assert_eq!(utf16_at("aé日😀b", 1), 1);
        assert_eq!(utf16_at("aé日😀b", 3), 2);
        assert_eq!(utf16_at("aé日😀b", 10), 5);
        assert_eq!(utf16_at("aé日😀b", 11), 6);
    }

    #[test]
    fn groups_are_largest_first() {
        let g = groups(&[0, 0, 2, 2, 2, 5].map(Row));
        assert_eq!(
            g,
            vec![
                (Row(2), [2, 3, 4].map(Row).to_vec()),
                (Row(0), [0, 1].map(Row).to_vec())
            ]
        );
    }
}
