//! Matching: each mark-scheme point covered, partial or missing, with the sentences that are
//! its evidence and the point's words they contain.

mod scheme;

use scheme::{Alternative, PreparedPoint};
pub(crate) use scheme::{PreparedScheme, SentenceTerms};

use std::sync::Arc;

use studypack_domain::Side;

use crate::bits::{self, BitMatrix};
use crate::report::{PointResult, PointStatus, evidence, round2};
use crate::vocabulary::tokens::Parsed;

/// Global settings. The same values hold for every question and every mark scheme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Score at or above which a point is covered.
    pub covered: f32,
    /// Score at or above which a point is partly covered.
    pub partial: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            covered: 0.6,
            partial: 0.35,
        }
    }
}

/// Of the two distinct required terms a covered point needs (or all, if it has fewer), how
/// many must be terms the question does not use, when the point has any: one. Requiring both
/// (the strict reading) was measured and not taken: ASAP set 5 QWK 0.7097 → 0.6769 (see
/// docs/feedback.md).
pub(crate) const MIN_SPECIFIC_TERMS: usize = 1;

/// Each point of the scheme as covered, partial or missing, with its evidence. `argues` is
/// the side each sentence argues (`None`: neither): a point earns nothing from a sentence
/// arguing the other side, nor from the sentences in `ignored` (an empty range for none).
pub(crate) fn match_points(
    settings: &Settings,
    scheme: &PreparedScheme,
    an: &Parsed,
    terms: &SentenceTerms,
    argues: &[Option<Side>],
    ignored: std::ops::Range<usize>,
) -> Vec<PointResult> {
    let term_sentences = terms.transpose();
    let mut alt_terms = AlternativeTerms::default();
    // The terms the best window holds, for the point being reported.
    let mut matched: Vec<u32> = Vec::new();
    let mut windows: Vec<(usize, usize)> = Vec::with_capacity(scheme.points.len());
    let mut results: Vec<PointResult> = scheme
        .points
        .iter()
        .enumerate()
        .map(|(id, pt)| {
            let other_side = match pt.side {
                Side::Supporting => Some(Side::Challenging),
                Side::Challenging => Some(Side::Supporting),
                Side::Neutral => None,
            };
            let excluded = |k: usize| {
                ignored.contains(&k)
                    || (other_side.is_some() && argues.get(k).copied().flatten() == other_side)
            };
            let w = best_window(pt, an, &term_sentences, &mut alt_terms, &excluded);
            let (score, s, e) = (w.score, w.first, w.last);
            windows.push((s, e));
            let alt = &pt.alternatives[w.alternative.min(pt.alternatives.len().saturating_sub(1))];
            let holds = |t: u32| {
                (s..=e).any(|k| terms.contains(k, t as usize) && !excluded(k))
                    && !w.reversed.contains(&t)
            };
            let n_required = alt.required.len();
            let n_specific = alt.specific.iter().filter(|&&x| x).count();
            // Two distinct terms (or all, if fewer), counting only terms the question does not
            // use when the point has any.
            let enough_terms = if n_specific > 0 {
                w.specific >= MIN_SPECIFIC_TERMS && w.distinct >= n_required.min(2)
            } else {
                w.distinct >= n_required.min(2)
            };
            // A point that holds a sibling's terms and more needs one that tells it apart.
            let distinguished = alt
                .distinguish
                .iter()
                .all(|set| set.iter().any(|&t| holds(t)));
            // A window stating an ordered pair the other way round covers nothing.
            let in_order = w.reversed.is_empty();
            let status = if score >= settings.covered && enough_terms && distinguished && in_order {
                PointStatus::Covered
            } else if score >= settings.partial && w.distinct >= 1 {
                PointStatus::Partial
            } else {
                PointStatus::Missing
            };
            matched.clear();
            if score > 0.0 && status != PointStatus::Missing {
                matched.extend(
                    alt.required
                        .iter()
                        .chain(&alt.optional)
                        .map(|&(t, _)| t)
                        .filter(|&t| holds(t)),
                );
            }
            let evidence = if status == PointStatus::Missing {
                Vec::new()
            } else {
                (s..=e)
                    .filter(|&k| {
                        !excluded(k) && matched.iter().any(|&t| terms.contains(k, t as usize))
                    })
                    .map(|k| evidence(an, k))
                    .collect()
            };
            // In the order of the names, by their ranks: equal ranks are equal names.
            let matched_names: Vec<Arc<str>> = if status == PointStatus::Missing {
                Vec::new()
            } else {
                matched.sort_unstable_by_key(|&t| scheme.name_rank[t as usize]);
                matched
                    .iter()
                    .map(|&t| scheme.term_names[t as usize].clone())
                    .collect()
            };
            PointResult {
                id,
                bullet: pt.bullet,
                text: pt.text.clone(),
                side: pt.side,
                status,
                score: round2(score),
                evidence,
                matched: matched_names,
            }
        })
        .collect();
    // Near-duplicate points: a statement that earns the larger point does not also earn the
    // smaller one (the smaller is kept as partial when its evidence lies within the larger's).
    for &(a, b) in &scheme.subsets {
        if results[a].status == PointStatus::Covered
            && results[b].status == PointStatus::Covered
            && windows[b].0 <= windows[a].0
            && windows[a].1 <= windows[b].1
        {
            results[a].status = PointStatus::Partial;
        }
    }
    results
}

/// Which of an alternative's terms each sentence holds, to score windows of sentences.
#[derive(Default)]
struct AlternativeTerms {
    /// `u64` words per sentence in `present`.
    words: usize,
    /// For each sentence, bit `j` is set if it holds the alternative's `j`-th term, counting
    /// required terms first.
    present: Vec<u64>,
    /// The sentences holding any of the terms, in order.
    sentences: Vec<usize>,
    /// The weight of each term, in the same order.
    weights: Vec<f32>,
    /// Bits of the required terms, and of the required terms the question does not use.
    required_mask: Vec<u64>,
    specific_mask: Vec<u64>,
}

/// A window's score for an alternative, and how many of its required terms (and of those the
/// question does not use) it holds.
#[derive(Debug, Clone, Copy, Default)]
struct Scored {
    score: f32,
    distinct: usize,
    specific: usize,
}

impl AlternativeTerms {
    /// Finds the terms of `alt` in the sentences. `term_sentences` lists each term's
    /// sentences; sentences for which `excluded` holds are taken to hold none.
    fn set(
        &mut self,
        alt: &Alternative,
        term_sentences: &BitMatrix,
        sentences: usize,
        excluded: &dyn Fn(usize) -> bool,
    ) {
        let terms = alt.required.iter().chain(&alt.optional);
        self.weights.clear();
        self.weights.extend(terms.clone().map(|&(_, w)| w));
        self.words = self.weights.len().div_ceil(64).max(1);
        self.required_mask.clear();
        self.required_mask.resize(self.words, 0);
        self.specific_mask.clear();
        self.specific_mask.resize(self.words, 0);
        for (j, &specific) in alt.specific.iter().enumerate() {
            self.required_mask[j / 64] |= 1 << (j % 64);
            if specific {
                self.specific_mask[j / 64] |= 1 << (j % 64);
            }
        }
        self.present.clear();
        self.present.resize(sentences * self.words, 0);
        self.sentences.clear();
        for (j, &(t, _)) in terms.enumerate() {
            for k in bits::ones(term_sentences.row(t as usize)) {
                if excluded(k) {
                    continue;
                }
                self.present[k * self.words + j / 64] |= 1 << (j % 64);
                self.sentences.push(k);
            }
        }
        self.sentences.sort_unstable();
        self.sentences.dedup();
    }

    fn row(&self, k: usize) -> &[u64] {
        &self.present[k * self.words..(k + 1) * self.words]
    }

    fn holds_required(&self, k: usize) -> bool {
        self.row(k)
            .iter()
            .zip(&self.required_mask)
            .any(|(r, m)| r & m != 0)
    }

    /// Whether the window of sentences `s..=e` could score more than those tried before it:
    /// whether it holds a term and, if it has two sentences, whether each holds a required
    /// term and the second adds one (if not, the window scores as the first sentence alone,
    /// which is tried just before).
    fn worth_trying(&self, s: usize, e: usize) -> bool {
        let (first, last) = (self.row(s), self.row(e));
        if s == e {
            first.iter().any(|&w| w != 0)
        } else {
            self.holds_required(s)
                && self.holds_required(e)
                && last.iter().zip(first).any(|(l, f)| l & !f != 0)
        }
    }

    /// The score of the window of sentences `s..=e` for the alternative whose terms were
    /// [`set`](Self::set), without the terms at the places `without` lists. The weights are
    /// added in the order of the terms, as they are listed.
    fn score(&self, need: f32, s: usize, e: usize, without: &[usize]) -> Scored {
        let mut got = 0.0f32;
        let mut distinct = 0;
        let mut specific = 0;
        for (w, (a, b)) in self.row(s).iter().zip(self.row(e)).enumerate() {
            let mut bits = a | b;
            for &j in without {
                if j / 64 == w {
                    bits &= !(1 << (j % 64));
                }
            }
            distinct += (bits & self.required_mask[w]).count_ones() as usize;
            specific += (bits & self.specific_mask[w]).count_ones() as usize;
            while bits != 0 {
                let j = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                got += self.weights[j];
            }
        }
        Scored {
            score: (got / need).min(1.0),
            distinct,
            specific,
        }
    }
}

/// The best window of a point: its score and term counts, its sentences, the alternative, and
/// the terms it holds only in the wrong order.
#[derive(Debug, Clone, Default)]
struct Window {
    score: f32,
    distinct: usize,
    specific: usize,
    first: usize,
    last: usize,
    alternative: usize,
    reversed: Vec<u32>,
}

/// The terms of `alt`'s ordered pairs that the window `s..=e` holds only in the other order
/// ("from high to low" for "from low to high"), as places among the alternative's terms and as
/// term ids: the window states the reverse, so it holds neither term of such a pair.
fn reversed_terms(alt: &Alternative, an: &Parsed, s: usize, e: usize) -> (Vec<usize>, Vec<u32>) {
    let mut places = Vec::new();
    let mut ids = Vec::new();
    if alt.order.is_empty() {
        return (places, ids);
    }
    let toks = &an.tokens[an.sentences[s].tokens.start..an.sentences[e].tokens.end];
    for &(x, xs, y, ys) in &alt.order {
        let first_x = toks.iter().position(|t| t.stem_id == xs);
        let last_y = toks.iter().rposition(|t| t.stem_id == ys);
        if let (Some(fx), Some(ly)) = (first_x, last_y)
            && ly < fx
        {
            for t in [x, y] {
                if let Some(j) = alt
                    .required
                    .iter()
                    .chain(&alt.optional)
                    .position(|&(u, _)| u == t)
                {
                    places.push(j);
                    ids.push(t);
                }
            }
        }
    }
    (places, ids)
}

/// The best window of one or two sentences of a paragraph for any of a point's alternatives.
/// Windows are tried in order, and a later one must score strictly more to be preferred.
/// `term_sentences` lists each term's sentences; `alt_terms` is scratch space; sentences for
/// which `excluded` holds count as holding no term.
fn best_window(
    pt: &PreparedPoint,
    an: &Parsed,
    term_sentences: &BitMatrix,
    alt_terms: &mut AlternativeTerms,
    excluded: &dyn Fn(usize) -> bool,
) -> Window {
    let n = an.sentences.len();
    let paragraph = |k: usize| an.sentences[k].paragraph;
    let mut best = Window::default();
    for (ai, alt) in pt.alternatives.iter().enumerate() {
        let ceiling = best_possible(alt);
        if ceiling <= best.score + 1e-6 {
            continue;
        }
        alt_terms.set(alt, term_sentences, n, excluded);
        // Only windows holding one of the alternative's terms can score, so windows start at
        // such a sentence or just before it.
        let mut next_start = 0;
        'windows: for &k in &alt_terms.sentences {
            for s in k.saturating_sub(1).max(next_start)..=k {
                for e in s..(s + 2).min(n) {
                    if !alt_terms.worth_trying(s, e) || paragraph(e) != paragraph(s) {
                        continue;
                    }
                    let (places, ids) = reversed_terms(alt, an, s, e);
                    let sc = alt_terms.score(alt.need, s, e, &places);
                    if sc.score > best.score + 1e-6 {
                        best = Window {
                            score: sc.score,
                            distinct: sc.distinct,
                            specific: sc.specific,
                            first: s,
                            last: e,
                            alternative: ai,
                            reversed: ids,
                        };
                        if ceiling <= best.score + 1e-6 {
                            break 'windows;
                        }
                    }
                }
            }
            next_start = k + 1;
        }
    }
    best
}

/// The score of a window holding all of an alternative's terms: no window scores more, as
/// the weights are positive and are added in the same order.
fn best_possible(alt: &Alternative) -> f32 {
    let got = alt
        .required
        .iter()
        .chain(&alt.optional)
        .fold(0.0f32, |got, &(_, w)| got + w);
    (got / alt.need).min(1.0)
}
