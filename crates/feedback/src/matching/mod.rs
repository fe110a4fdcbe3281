//! Matching: each mark-scheme point covered, partial or missing, with the sentences that are
//! its evidence and the point's words they contain.

mod scheme;

use scheme::{Alternative, PreparedPoint};
pub(crate) use scheme::{PreparedScheme, SentenceTerms};

use std::sync::Arc;

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

/// Each point of the scheme as covered, partial or missing, with its evidence.
pub(crate) fn match_points(
    settings: &Settings,
    scheme: &PreparedScheme,
    an: &Parsed,
    terms: &SentenceTerms,
) -> Vec<PointResult> {
    let term_sentences = terms.transpose();
    let mut alt_terms = AlternativeTerms::default();
    // The terms the best window holds, for the point being reported.
    let mut matched: Vec<u32> = Vec::new();
    scheme
        .points
        .iter()
        .enumerate()
        .map(|(id, pt)| {
            let (score, s, e, ai, distinct) = best_window(pt, an, &term_sentences, &mut alt_terms);
            let alt = &pt.alternatives[ai.min(pt.alternatives.len().saturating_sub(1))];
            let n_required = alt.required.len();
            let min_terms = n_required.min(2);
            let status = if score >= settings.covered && distinct >= min_terms {
                PointStatus::Covered
            } else if score >= settings.partial && distinct >= 1 {
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
                        .filter(|&t| (s..=e).any(|k| terms.contains(k, t as usize))),
                );
            }
            let evidence = if status == PointStatus::Missing {
                Vec::new()
            } else {
                (s..=e)
                    .filter(|&k| matched.iter().any(|&t| terms.contains(k, t as usize)))
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
        .collect()
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
    /// How many of the terms are required: they come first.
    required: usize,
}

impl AlternativeTerms {
    /// Finds the terms of `alt` in the sentences. `term_sentences` lists each term's
    /// sentences.
    fn set(&mut self, alt: &Alternative, term_sentences: &BitMatrix, sentences: usize) {
        let terms = alt.required.iter().chain(&alt.optional);
        self.weights.clear();
        self.weights.extend(terms.clone().map(|&(_, w)| w));
        self.required = alt.required.len();
        self.words = self.weights.len().div_ceil(64).max(1);
        self.present.clear();
        self.present.resize(sentences * self.words, 0);
        self.sentences.clear();
        for (j, &(t, _)) in terms.enumerate() {
            for k in bits::ones(term_sentences.row(t as usize)) {
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

    /// Whether the window of sentences `s..=e` could score more than those tried before it:
    /// whether it holds a term and, if it has two sentences, whether the second adds one (if
    /// not, the window scores as the first sentence alone, which is tried just before).
    fn worth_trying(&self, s: usize, e: usize) -> bool {
        let (first, last) = (self.row(s), self.row(e));
        if s == e {
            first.iter().any(|&w| w != 0)
        } else {
            last.iter().zip(first).any(|(l, f)| l & !f != 0)
        }
    }

    /// The score of the window of sentences `s..=e` for the alternative whose terms were
    /// [`set`](Self::set), and the number of its required terms the window holds. The weights
    /// are added in the order of the terms, as they are listed.
    fn score(&self, need: f32, s: usize, e: usize) -> (f32, usize) {
        let mut got = 0.0f32;
        let mut distinct = 0;
        for (w, (a, b)) in self.row(s).iter().zip(self.row(e)).enumerate() {
            let mut bits = a | b;
            while bits != 0 {
                let j = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                got += self.weights[j];
                distinct += usize::from(j < self.required);
            }
        }
        ((got / need).min(1.0), distinct)
    }
}

/// The best window of one or two sentences of a paragraph for any of a point's alternatives:
/// (score, first sentence, last sentence, alternative, distinct required terms). Windows are
/// tried in order, and a later one must score strictly more to be preferred.
/// `term_sentences` lists each term's sentences; `alt_terms` is scratch space.
fn best_window(
    pt: &PreparedPoint,
    an: &Parsed,
    term_sentences: &BitMatrix,
    alt_terms: &mut AlternativeTerms,
) -> (f32, usize, usize, usize, usize) {
    let n = an.sentences.len();
    let paragraph = |k: usize| an.sentences[k].paragraph;
    let mut best = (0.0f32, 0usize, 0usize, 0usize, 0usize);
    for (ai, alt) in pt.alternatives.iter().enumerate() {
        let ceiling = best_possible(alt);
        if ceiling <= best.0 + 1e-6 {
            continue;
        }
        alt_terms.set(alt, term_sentences, n);
        // Only windows holding one of the alternative's terms can score, so windows start at
        // such a sentence or just before it.
        let mut next_start = 0;
        'windows: for &k in &alt_terms.sentences {
            for s in k.saturating_sub(1).max(next_start)..=k {
                for e in s..(s + 2).min(n) {
                    if !alt_terms.worth_trying(s, e) || paragraph(e) != paragraph(s) {
                        continue;
                    }
                    let (score, distinct) = alt_terms.score(alt.need, s, e);
                    if score > best.0 + 1e-6 {
                        best = (score, s, e, ai, distinct);
                        if ceiling <= best.0 + 1e-6 {
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
