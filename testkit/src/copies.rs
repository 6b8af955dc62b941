//! Copies of an original, steered toward a target Jaccard.
//!
//! A copy gets normalization-only edits (applied when it is rendered),
//! maybe another outlet's header and footer, maybe large edits (truncation,
//! sentence deletion), then word edits until its Jaccard to the original is
//! at or just below the target. Word edits are steered on an approximation
//! (see [`super::approx`]): most of them in one batch sized from a model,
//! the rest one at a time; the result is then measured exactly, and steering
//! resumes in the rare case it is above the target.

use super::approx::{Tracker, plain_text};
use super::boiler::{Boiler, assemble, boiler, boiler_kinds};
use super::edit::{
    add_diacritics, add_tatweel, arabic_digits, can_delete, change_case, change_punct, delete,
    delete_sentence, insert, substitute, truncate,
};
use super::raw::{RawDoc, Source};
use super::rng::{Rng, exp_det};
use super::sets::RefSet;
use super::text::{Tok, render};
use super::vocab::OUTLETS;
use super::{SHINGLE_SEED, Script};
use neardup::normalize::Normalizer;
use neardup::shingle::for_each_shingle;

/// How far below its target a copy's Jaccard may land after large edits
/// (truncation, sentence deletion, boilerplate) or a batch of word edits
/// before they are undone.
const TOL: f64 = 0.05;
/// The approximate measure is steered this far below the target, so the
/// exact value usually lands at or just below it.
const AIM: f64 = 0.001;
/// Share of the edits a copy is predicted to need that are made in one
/// batch, before edits one at a time.
const BATCH: f64 = 0.85;
/// Most edits tried one at a time (a guard: targets are reached long
/// before).
const MAX_EDITS: usize = 20_000;

/// Measures copies against one original.
pub(crate) struct Meter<'a> {
    normalizer: &'a Normalizer,
    k: usize,
    /// Shingles of the original's normalized text.
    exact: RefSet,
    /// Windows of the copy's plain text, compared to the original's.
    tracker: Tracker,
    /// Plain characters per token of the original.
    per_tok: f64,
    /// Observed effect of an edit relative to the [`Wear`] model, learnt
    /// over the copies of the family.
    scale: f64,
    buf: String,
}

impl<'a> Meter<'a> {
    /// A meter for copies of `src`, rendered as `text`.
    pub(crate) fn new(normalizer: &'a Normalizer, k: usize, src: &Source, text: &str) -> Meter<'a> {
        let norm = normalizer.normalize(text);
        let exact = RefSet::build(norm.chars().count(), |f| {
            for_each_shingle(&norm, k, SHINGLE_SEED, f)
        });
        let mut buf = String::new();
        plain_text(
            src.script,
            &src.toks,
            src.header.as_ref(),
            src.footer.as_ref(),
            &mut buf,
        );
        let tracker = Tracker::new(src.script, k, &buf);
        let per_tok = buf.chars().count() as f64 / src.toks.len().max(1) as f64;
        Meter {
            normalizer,
            k,
            exact,
            tracker,
            per_tok,
            scale: 0.8,
            buf,
        }
    }
}

/// Normalization-only edits of a copy, applied when it is rendered.
struct NormEdits {
    case: bool,
    punct: bool,
    diacritics: bool,
    tatweel: bool,
    digits: bool,
    seed: u64,
}

const NORM_NAMES: [&str; 5] = ["case", "punctuation", "diacritics", "tatweel", "digits"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Substitute,
    Insert,
    Delete,
}

/// A copy being made.
struct Draft<'s, 'm, 'n> {
    src: &'s Source,
    m: &'m mut Meter<'n>,
    ne: NormEdits,
    toks: Vec<Tok>,
    header: Option<Boiler>,
    footer: Option<Boiler>,
    ops: Vec<Op>,
    counts: [usize; 3],
    /// The tracker matches the tokens and boilerplate.
    synced: bool,
}

/// An exactly measured rendering: Jaccard, text, normalization edits that
/// changed it (bits of `NORM_NAMES`).
type Rendered = (f64, String, u8);

impl Draft<'_, '_, '_> {
    /// Approximate Jaccard, recounted from scratch.
    fn approx(&mut self) -> f64 {
        self.synced = true;
        self.m
            .tracker
            .rebuild(&self.toks, self.header.as_ref(), self.footer.as_ref())
    }

    /// Renders the copy with all its edits and measures it exactly.
    fn render(&mut self) -> Rendered {
        let m = &mut *self.m;
        m.buf.clear();
        render(self.src.script, &self.toks, &mut m.buf);
        let mut text = String::with_capacity(m.buf.len() + 300);
        assemble(
            self.header.as_ref(),
            &m.buf,
            self.footer.as_ref(),
            &mut text,
        );
        let ne = &self.ne;
        let mut rng = Rng::new(ne.seed);
        let mut mask = 0;
        let mut out = String::with_capacity(text.len() * 5 / 4);
        for (bit, on) in [ne.case, ne.punct, ne.diacritics, ne.tatweel, ne.digits]
            .into_iter()
            .enumerate()
        {
            if !on {
                continue;
            }
            out.clear();
            let changed = match bit {
                0 => change_case(&text, &mut rng, &mut out),
                1 => change_punct(&text, self.src.script, &mut rng, &mut out),
                2 => add_diacritics(&text, &mut rng, 0.3, &mut out),
                3 => add_tatweel(&text, &mut rng, 0.1, &mut out),
                _ => arabic_digits(&text, &mut out),
            };
            if changed {
                mask |= 1 << bit;
                std::mem::swap(&mut text, &mut out);
            }
        }
        let norm = m.normalizer.normalize(&text);
        (m.exact.exact(&norm, m.k), text, mask)
    }

    /// One word edit at a random place; with `track`, the tracker is
    /// updated for the tokens around it. False if the drawn edit was not
    /// possible.
    fn edit(&mut self, rng: &mut Rng, track: bool) -> bool {
        let script = self.src.script;
        let (toks, tr) = (&mut self.toks, &mut self.m.tracker);
        let n = toks.len();
        if n < 3 {
            return false;
        }
        let i = rng.below(n);
        let lo = i.saturating_sub(1);
        let op = rng.pick(&self.ops);
        if op == Op::Delete && !can_delete(toks, i) {
            return false;
        }
        if track {
            tr.uncount(toks, lo, (i + 2).min(n));
        }
        let hi = match op {
            Op::Substitute => {
                substitute(script, toks, i, rng);
                (i + 2).min(n)
            }
            Op::Insert => {
                insert(script, toks, i, rng);
                (i + 3).min(n + 1)
            }
            Op::Delete => {
                delete(toks, i);
                (i + 1).min(n - 1)
            }
        };
        if track {
            tr.count(toks, lo, hi);
        }
        self.counts[op as usize] += 1;
        true
    }

    /// Word edits until the approximate Jaccard is at or below `goal`: most
    /// of the way in one batch sized from the [`Wear`] model (then measured;
    /// undone if it went too far), the rest one edit at a time, measured
    /// incrementally.
    fn steer(&mut self, rng: &mut Rng, goal: f64, predicted: f64) -> bool {
        let mut j = if self.synced {
            self.m.tracker.jaccard()
        } else {
            predicted
        };
        if j > goal {
            let s = self.m.tracker.originals().max(1) as f64;
            let (touch, seam) = (
                self.m.per_tok + self.m.k as f64 - 1.0,
                self.m.k as f64 - 1.0,
            );
            let (mut d, mut a) = (0.0, 0.0);
            for op in &self.ops {
                let (dd, aa) = match op {
                    Op::Substitute => (touch, touch),
                    Op::Insert => (seam, touch),
                    Op::Delete => (touch, seam),
                };
                d += dd / (s * self.ops.len() as f64);
                a += aa / (s * self.ops.len() as f64);
            }
            let model = Wear { d, a };
            let m0 = model.edits_for(j);
            let n = (BATCH * (model.edits_for(goal) - m0) / self.m.scale) as usize;
            if n >= 8 {
                let snapshot = (self.toks.clone(), self.counts);
                let mut done = 0;
                for _ in 0..20 * n {
                    if done == n {
                        break;
                    }
                    done += usize::from(self.edit(rng, false));
                }
                let j2 = self.approx();
                let per_edit = (model.edits_for(j2) - m0) / done.max(1) as f64;
                if per_edit > 0.0 {
                    self.m.scale = per_edit.clamp(0.1, 10.0);
                }
                if j2 < goal - TOL {
                    (self.toks, self.counts) = snapshot;
                    self.synced = false;
                } else {
                    j = j2;
                }
            }
        }
        if !self.synced {
            j = self.approx();
            if j < goal - TOL {
                return false;
            }
        }
        let (mut tries, mut failed) = (0, 0);
        while j > goal && tries < MAX_EDITS {
            tries += 1;
            if self.edit(rng, true) {
                j = self.m.tracker.jaccard();
            } else {
                failed += 1;
                if failed == 64 && !self.ops.contains(&Op::Substitute) {
                    self.ops.push(Op::Substitute); // sentences too short to delete from
                }
            }
        }
        true
    }
}

/// How edits wear a shingle set down: after `m` edits, each removing a
/// share `d` of the original's shingles (at random, so overlapping) and
/// adding a share `a` of new ones, the Jaccard is about
/// `e^(-m d) / (1 + m a)`.
struct Wear {
    d: f64,
    a: f64,
}

impl Wear {
    fn jaccard(&self, m: f64) -> f64 {
        exp_det(-m * self.d) / (1.0 + m * self.a)
    }

    /// The number of edits that brings the Jaccard down to `j`.
    fn edits_for(&self, j: f64) -> f64 {
        let j = j.clamp(1e-6, 1.0);
        let (mut lo, mut hi) = (0.0, 1.0);
        while self.jaccard(hi) > j && hi < 1e9 {
            hi *= 2.0;
        }
        for _ in 0..30 {
            let mid = 0.5 * (lo + hi);
            if self.jaccard(mid) > j {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }
}

/// Makes one copy of `src`.
pub(crate) fn copy(src: &Source, m: &mut Meter, rng: &mut Rng) -> RawDoc {
    let script = src.script;
    let target = 0.3 + 0.7 * rng.f64();
    let cased = matches!(script, Script::Latin | Script::Cyrillic);
    let arabic = script == Script::Arabic;
    let ne = NormEdits {
        case: cased && rng.chance(0.3),
        punct: rng.chance(0.4),
        diacritics: arabic && rng.chance(0.5),
        tatweel: arabic && rng.chance(0.3),
        digits: arabic && rng.chance(0.5),
        seed: rng.next_u64(),
    };
    let outlet = (src.outlet + 1 + rng.below(OUTLETS.len() - 1)) % OUTLETS.len();
    let day = (src.day + rng.below(4) as u32).min(59);
    let other = |footer: bool, old: &Option<Boiler>, rng: &mut Rng| {
        let kinds = boiler_kinds(script, footer);
        let mut kind = rng.below(kinds);
        if old.as_ref().is_some_and(|b| b.kind == kind) {
            kind = (kind + 1) % kinds;
        }
        boiler(script, footer, kind, outlet, day, rng)
    };
    let new_header = rng.chance(0.5).then(|| other(false, &src.header, rng));
    let new_footer = rng.chance(0.5).then(|| other(true, &src.footer, rng));
    let mut ops = vec![];
    for (op, p) in [(Op::Substitute, 0.7), (Op::Insert, 0.5), (Op::Delete, 0.5)] {
        if rng.chance(p) {
            ops.push(op);
        }
    }
    if ops.is_empty() {
        ops.push(Op::Substitute);
    }
    let boiler_on = new_header.is_some() || new_footer.is_some();
    let mut c = Draft {
        src,
        m,
        ne,
        toks: src.toks.clone(),
        header: new_header.clone().or_else(|| src.header.clone()),
        footer: new_footer.clone().or_else(|| src.footer.clone()),
        ops,
        counts: [0; 3],
        synced: false,
    };

    // Large edits first, sized from a prediction (a truncated text keeps
    // about its share of shingles), then measured; undone if they (or the
    // boilerplate) land too far below the target.
    let (mut truncated, mut sentences) = (false, 0);
    let mut pred = if boiler_on { 0.96 } else { 1.0 };
    if rng.chance(0.25) {
        let lo = (target / pred + 0.03).max(0.6);
        if lo < 0.95 {
            let f = lo + (0.95 - lo) * rng.f64();
            let keep = (f * c.toks.len() as f64) as usize;
            truncate(&mut c.toks, keep);
            pred *= f;
            truncated = true;
        }
    }
    if rng.chance(0.3) {
        for _ in 0..rng.range(1, 3) {
            let before = c.toks.clone();
            let removed = delete_sentence(&mut c.toks, rng);
            let kept = 1.0 - removed as f64 / before.len() as f64;
            if removed == 0 || pred * kept < target + 0.03 {
                c.toks = before;
                break;
            }
            pred *= kept;
            sentences += 1;
        }
    }
    let mut header_changed = new_header.is_some();
    let mut footer_changed = new_footer.is_some();

    // Word edits steered on the approximation; if the large edits alone
    // went too far, they are undone, then the boilerplate.
    while !c.steer(rng, target - AIM, pred) {
        if truncated || sentences > 0 {
            c.toks.clone_from(&src.toks);
            (truncated, sentences) = (false, 0);
            pred = if boiler_on { 0.96 } else { 1.0 };
        } else if header_changed || footer_changed {
            (c.header, c.footer) = (src.header.clone(), src.footer.clone());
            (header_changed, footer_changed) = (false, false);
            pred = 1.0;
        } else {
            break;
        }
        c.synced = false;
    }
    // Checked on the exact measure (and resumed, aiming lower by the gap,
    // if it is above).
    let mut r = c.render();
    for _ in 0..4 {
        if r.0 <= target {
            break;
        }
        let gap = r.0 - c.m.tracker.jaccard();
        c.steer(rng, target - AIM - gap.max(0.0), 1.0);
        r = c.render();
    }
    let (j, text, mask) = r;

    let mut edits = vec![];
    if header_changed {
        edits.push("header");
    }
    if footer_changed {
        edits.push("footer");
    }
    for (bit, name) in NORM_NAMES.iter().enumerate() {
        if mask & (1 << bit) != 0 {
            edits.push(name);
        }
    }
    if truncated {
        edits.push("truncate");
    }
    if sentences > 0 {
        edits.push("delete_sentence");
    }
    for (n, name) in c.counts.iter().zip(["substitute", "insert", "delete"]) {
        if *n > 0 {
            edits.push(name);
        }
    }
    RawDoc {
        outlet,
        day,
        title: src.title.clone(),
        text,
        copy: Some((j, edits)),
    }
}
