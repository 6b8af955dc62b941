//! The near-duplicate corpus: planning, families, copies steered toward a
//! target Jaccard, and the windowed shuffle.
//!
//! Documents are generated one window (chunk) at a time. The plan of a chunk
//! (which units are singletons or families, their scripts and sizes) is drawn
//! sequentially, which is cheap; each unit is then generated from its own
//! seed, in parallel, and the chunk is shuffled from the chunk's seed, so the
//! output does not depend on the number of threads.

use rayon::prelude::*;

use super::boiler::{assemble, boiler, boiler_kinds, date};
use super::copies::{Meter, copy};
use super::raw::{RawDoc, Source};
use super::rng::{Rng, derive};
use super::text::{body, render, target_bytes, title, topic};
use super::vocab::OUTLETS;
use super::{DedupSpec, GenDoc, GenItem, Planted, Script};
use neardup::normalize::{NormalizeOptions, Normalizer};

/// Documents per shuffling window.
pub(crate) const WINDOW: usize = 10_000;

struct UnitPlan {
    index: u64,
    script: Script,
    copies: usize,
}

/// Generates the corpus chunk by chunk.
pub(crate) struct Generator {
    spec: DedupSpec,
    normalizer: Normalizer,
    rng: Rng,
    left: usize,
    docs: usize,
    copies: usize,
    units: u64,
    chunks: u64,
    width: usize,
    window: usize,
}

impl Generator {
    /// A generator for a validated spec.
    pub(crate) fn new(spec: &DedupSpec) -> Generator {
        let width = spec.docs.saturating_sub(1).to_string().len().max(7);
        Generator {
            spec: spec.clone(),
            normalizer: Normalizer::new(NormalizeOptions::all()),
            rng: Rng::new(derive(spec.seed, 0, 0)),
            left: spec.docs,
            docs: 0,
            copies: 0,
            units: 0,
            chunks: 0,
            width,
            window: WINDOW,
        }
    }

    /// The same with another window size (for tests of window boundaries).
    #[cfg(test)]
    pub(crate) fn with_window(spec: &DedupSpec, window: usize) -> Generator {
        Generator {
            window,
            ..Generator::new(spec)
        }
    }

    fn plan(&mut self) -> Vec<UnitPlan> {
        let mut room = self.left.min(self.window);
        self.left -= room;
        let mut plans = vec![];
        while room > 0 {
            let family =
                room >= 2 && (self.copies as f64) < self.spec.dup_fraction * self.docs as f64;
            let copies = if family {
                self.rng.range(1, 5).min(room - 1)
            } else {
                0
            };
            let script = self.rng.pick(&self.spec.scripts);
            plans.push(UnitPlan {
                index: self.units,
                script,
                copies,
            });
            self.units += 1;
            self.docs += 1 + copies;
            self.copies += copies;
            room -= 1 + copies;
        }
        plans
    }

    /// The next window of documents in output order, or `None` at the end.
    pub(crate) fn next_chunk(&mut self) -> Option<Vec<GenItem>> {
        let plans = self.plan();
        if plans.is_empty() {
            return None;
        }
        let base = self.docs - plans.iter().map(|p| 1 + p.copies).sum::<usize>();
        let chunk = self.chunks;
        self.chunks += 1;
        let spec = &self.spec;
        let normalizer = &self.normalizer;
        let units: Vec<Vec<RawDoc>> = plans
            .par_iter()
            .map(|p| unit(spec, normalizer, p))
            .collect();
        let mut family = vec![];
        let mut first = vec![];
        let mut docs = vec![];
        for (u, docs_of_unit) in units.into_iter().enumerate() {
            first.push(docs.len());
            for d in docs_of_unit {
                family.push(u as u32);
                docs.push(Some(d));
            }
        }
        let mut rng = Rng::new(derive(spec.seed, chunk, 1));
        let mut order: Vec<usize> = (0..docs.len()).collect();
        rng.shuffle(&mut order);
        separate(&mut order, &family, &mut rng);
        let mut pos = vec![0; docs.len()];
        for (p, &d) in order.iter().enumerate() {
            pos[d] = p;
        }
        let id = |p: usize| format!("d{:0w$}", base + p, w = self.width);
        let items = order
            .iter()
            .enumerate()
            .map(|(p, &d)| {
                let raw = docs[d].take().expect("each document placed once");
                let doc = GenDoc {
                    id: id(p),
                    outlet: OUTLETS[raw.outlet].to_string(),
                    date: date(raw.day),
                    title: raw.title,
                    text: raw.text,
                };
                let (cluster, planted) = match raw.copy {
                    None => (doc.id.clone(), None),
                    Some((jaccard, edits)) => {
                        let a = id(pos[first[family[d] as usize]]);
                        let cluster = if jaccard >= spec.threshold {
                            a.clone()
                        } else {
                            doc.id.clone()
                        };
                        let b = doc.id.clone();
                        (
                            cluster,
                            Some(Planted {
                                a,
                                b,
                                jaccard,
                                edits,
                            }),
                        )
                    }
                };
                GenItem {
                    doc,
                    cluster,
                    planted,
                }
            })
            .collect();
        Some(items)
    }
}

/// Moves documents so that no two of the same family are adjacent (when the
/// window allows it).
fn separate(order: &mut [usize], family: &[u32], rng: &mut Rng) {
    let n = order.len();
    let clash = |o: &[usize], p: usize| {
        (p > 0 && family[o[p - 1]] == family[o[p]])
            || (p + 1 < n && family[o[p + 1]] == family[o[p]])
    };
    for i in 0..n.saturating_sub(1) {
        if family[order[i]] != family[order[i + 1]] {
            continue;
        }
        let start = rng.below(n);
        for step in 0..n {
            let j = (start + step) % n;
            if j == i + 1 {
                continue;
            }
            order.swap(i + 1, j);
            if !clash(order, i + 1) && !clash(order, j) {
                break;
            }
            order.swap(i + 1, j);
        }
    }
}

fn unit(spec: &DedupSpec, normalizer: &Normalizer, plan: &UnitPlan) -> Vec<RawDoc> {
    let mut rng = Rng::new(derive(spec.seed, plan.index, 2));
    let script = plan.script;
    let topic = topic(script, &mut rng);
    let outlet = rng.below(OUTLETS.len());
    let day = rng.below(60) as u32;
    let mut title_text = String::new();
    title(script, &topic, &mut rng, &mut title_text);
    let size = target_bytes(&mut rng);
    let toks = body(script, &topic, &mut rng, size);
    let header = rng.chance(0.4).then(|| {
        boiler(
            script,
            false,
            outlet % boiler_kinds(script, false),
            outlet,
            day,
            &mut rng,
        )
    });
    let footer = rng.chance(0.4).then(|| {
        boiler(
            script,
            true,
            (outlet / 3) % boiler_kinds(script, true),
            outlet,
            day,
            &mut rng,
        )
    });
    let src = Source {
        script,
        outlet,
        day,
        title: title_text,
        toks,
        header,
        footer,
    };
    let mut body_text = String::new();
    render(script, &src.toks, &mut body_text);
    let mut text = String::with_capacity(body_text.len() + 200);
    assemble(
        src.header.as_ref(),
        &body_text,
        src.footer.as_ref(),
        &mut text,
    );
    let mut docs = Vec::with_capacity(1 + plan.copies);
    if plan.copies > 0 {
        let mut m = Meter::new(normalizer, spec.shingle, &src, &text);
        for _ in 0..plan.copies {
            docs.push(copy(&src, &mut m, &mut rng));
        }
    }
    docs.insert(
        0,
        RawDoc {
            outlet,
            day,
            title: src.title,
            text,
            copy: None,
        },
    );
    docs
}
