//! Planted template families: one fixed formula, many issues with different
//! slot fillers (names, countries, occasions, figures, dates), across
//! outlets and days — the royal cables, relief-flight releases and weather
//! bulletins that real news is full of.
//!
//! Two shapes of family, as in SaudiNewsNet:
//!
//! - **release**: the document is the formula and little else, so two
//!   issues have a character-shingle Jaccard of 0.6–0.85 (siblings a
//!   signature alone takes for near-duplicates). Each issue is run by
//!   [`TemplateSpec::copies`] outlets, the same text under the outlet's own
//!   dateline: those copies are one article.
//! - **embedded**: the formula sits inside an article of the outlet's own
//!   prose (Jaccard between issues below 0.3); each issue is run once.
//!
//! Besides the families: a wire story run by three outlets on one day
//! (reuse, one story) and unrelated articles. Everything is deterministic in
//! the [`TemplateSpec`].

use serde_json::{Value, json};

use crate::rng::Rng;

/// What to generate.
#[derive(Clone, Debug)]
pub struct TemplateSpec {
    /// Release families (formula-only documents).
    pub release_families: usize,
    /// Embedded families (the formula inside an article).
    pub embedded_families: usize,
    /// Issues of each family, each with its own slots.
    pub issues: usize,
    /// Outlets that run each issue of a release family.
    pub copies: usize,
    /// Outlets in the corpus.
    pub outlets: usize,
    /// Unrelated articles.
    pub unrelated: usize,
    /// Seed.
    pub seed: u64,
}

impl Default for TemplateSpec {
    fn default() -> Self {
        TemplateSpec {
            release_families: 2,
            embedded_families: 1,
            issues: 12,
            copies: 3,
            outlets: 8,
            unrelated: 40,
            seed: 5,
        }
    }
}

/// One generated document's truth.
#[derive(Clone, Debug)]
pub struct TemplateDoc {
    /// Its id.
    pub id: String,
    /// `family-issue` for a template document (copies of one issue share
    /// it), `None` for the others.
    pub issue: Option<String>,
    /// The wire story's documents.
    pub wire: bool,
}

/// A generated corpus: JSONL records (`id`, `source`, `date`, `text`) and
/// their truth, in the same order.
#[derive(Clone, Debug)]
pub struct TemplateCorpus {
    /// One JSON object per document.
    pub records: Vec<Value>,
    /// The truth of each record.
    pub docs: Vec<TemplateDoc>,
}

impl TemplateCorpus {
    /// The corpus as JSON lines.
    pub fn jsonl(&self) -> String {
        self.records.iter().map(|r| format!("{r}\n")).collect()
    }
}

const SYLLABLES: [&str; 12] = [
    "ka", "lo", "mi", "ren", "tas", "vu", "zen", "pri", "dol", "sek", "ar", "bo",
];
const COUNTRIES: [&str; 16] = [
    "Norway", "Chile", "Kenya", "Peru", "Japan", "Ghana", "Nepal", "Fiji", "Oman", "Laos", "Chad",
    "Mali", "Benin", "Niger", "Tonga", "Gabon",
];
const NAMES: [&str; 16] = [
    "Adams", "Baker", "Costa", "Dubois", "Eriksen", "Fofana", "Garcia", "Hoshino", "Ibrahim",
    "Jensen", "Kato", "Lopez", "Moreau", "Nakata", "Okafor", "Petrov",
];
const OCCASIONS: [&str; 4] = [
    "the national day",
    "the independence day",
    "the anniversary of the republic",
    "the liberation day",
];
const ORDINALS: [&str; 12] = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth",
];
const GOODS: [&str; 4] = [
    "medicines",
    "food supplies",
    "shelter materials",
    "water pumps",
];

/// A made-up word from a vocabulary of some thousands, so unrelated texts
/// share few character shingles, as real ones do.
fn word(rng: &mut Rng) -> String {
    let n = rng.next_u64() as usize;
    let stem: String = (0..2 + n % 2)
        .map(|i| SYLLABLES[(n >> (i * 4 + 3)) % SYLLABLES.len()])
        .collect();
    format!(
        "{stem}{}",
        SYLLABLES[(n >> 20) % SYLLABLES.len()].repeat(1 + (n >> 24) % 2)
    )
}

/// `n` words of prose, a full stop every 12.
fn prose(rng: &mut Rng, n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        out.push_str(&word(rng));
        out.push_str(if i + 1 == n || i % 12 == 11 {
            ". "
        } else {
            " "
        });
    }
    out.trim_end().to_string()
}

/// The text of issue `k` of family `f`: a formula whose slots depend on
/// both.
fn formula(f: usize, k: usize) -> String {
    let c = COUNTRIES[(k * 7 + f * 3) % COUNTRIES.len()];
    let n = NAMES[(k * 5 + f) % NAMES.len()];
    let o = OCCASIONS[(k + k / 4 + f) % OCCASIONS.len()];
    let day = 1 + 2 * k % 28;
    let ord = ORDINALS[k % ORDINALS.len()];
    let tons = 8 + (k * 13 + f * 7) % 40;
    let goods = GOODS[(k + f) % GOODS.len()];
    match f % 2 {
        0 => format!(
            "The king sent a cable of congratulation to President {n} of {c} on the occasion of \
             {o} of {c}, in which he expressed in his own name and in the name of the people and \
             the government of the kingdom his sincerest congratulations and best wishes for \
             good health and happiness to the president and for further progress and prosperity \
             to the friendly people of {c}. The crown prince sent a similar cable to President \
             {n} on {o}, the royal court said on {day} March."
        ),
        _ => format!(
            "The {ord} relief aircraft of the humanitarian centre landed on {day} March at the airport of \
             {c} carrying {tons} tons of {goods}, in implementation of the directives of the \
             leadership to support the brotherly people of {c}. The centre said in a statement \
             that the {ord} aircraft is part of an air bridge that will continue until the needs \
             of the people of {c} are met, and that {tons} tons of {goods} will be distributed \
             by its partners under the supervision of its team led by {n}."
        ),
    }
}

/// Generates the corpus of `spec`.
pub fn template_corpus(spec: &TemplateSpec) -> TemplateCorpus {
    let mut rng = Rng::new(spec.seed);
    let mut out = TemplateCorpus {
        records: Vec::new(),
        docs: Vec::new(),
    };
    let outlet = |i: usize| format!("outlet{}", i % spec.outlets.max(1));
    // Issues every other day, so a family spans weeks.
    let date = |day: usize| format!("2024-03-{:02}", 1 + day % 28);
    let push = |out: &mut TemplateCorpus,
                id: String,
                source: String,
                day: usize,
                text: String,
                truth: (Option<String>, bool)| {
        out.records
            .push(json!({"id": id, "source": source, "date": date(day), "text": text}));
        out.docs.push(TemplateDoc {
            id,
            issue: truth.0,
            wire: truth.1,
        });
    };
    for f in 0..spec.release_families {
        for k in 0..spec.issues {
            let issue = format!("r{f}-{k:02}");
            for c in 0..spec.copies {
                let source = outlet(f + k + c * 3);
                let text = format!(
                    "{} ({source}). {}",
                    COUNTRIES[c % 4],
                    formula(2 * f + 1 - f % 2, k)
                );
                push(
                    &mut out,
                    format!("{issue}-{c}"),
                    source,
                    2 * k + c % 2,
                    text,
                    (Some(issue.clone()), false),
                );
            }
        }
    }
    for f in 0..spec.embedded_families {
        for k in 0..spec.issues {
            let issue = format!("e{f}-{k:02}");
            let text = format!(
                "{}. {} {}.",
                prose(&mut rng, 70),
                formula(2 * f, k + 3),
                prose(&mut rng, 70)
            );
            push(
                &mut out,
                issue.clone(),
                outlet(k),
                2 * k,
                text,
                (Some(issue), false),
            );
        }
    }
    let wire = format!(
        "{}. {}. {}.",
        prose(&mut rng, 60),
        prose(&mut rng, 60),
        prose(&mut rng, 60)
    );
    for k in 0..3 {
        let text = format!("{} {wire}", prose(&mut rng, 20));
        push(&mut out, format!("w{k}"), outlet(k), 4, text, (None, true));
    }
    for k in 0..spec.unrelated {
        let text = prose(&mut rng, 150);
        push(
            &mut out,
            format!("x{k:02}"),
            outlet(k),
            k,
            text,
            (None, false),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_differ_in_their_slots_and_copies_do_not() {
        let c = template_corpus(&TemplateSpec::default());
        let text = |id: &str| {
            c.records.iter().find(|r| r["id"] == id).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        };
        // Two copies of one issue: the same formula under another dateline.
        let (a, b) = (text("r0-03-0"), text("r0-03-1"));
        assert_eq!(a.split_once(". ").unwrap().1, b.split_once(". ").unwrap().1);
        // Two issues: the same formula, other slots.
        assert_ne!(text("r0-03-0"), text("r0-04-0"));
        let n = TemplateSpec::default();
        assert_eq!(
            c.records.len(),
            n.release_families * n.issues * n.copies
                + n.embedded_families * n.issues
                + 3
                + n.unrelated
        );
        // Deterministic.
        assert_eq!(c.jsonl(), template_corpus(&TemplateSpec::default()).jsonl());
    }
}
