//! Learning a calibration from marked answers, and measuring it on answers it did not learn.
//!
//! `learn` fits four kinds of model, from nothing learned to point and term weights, and keeps
//! the one that agrees best with the teacher on answers held out *inside* the marked set
//! (inner cross-validation); a richer model must win by [`SELECT_MARGIN`]. `cross_validate`
//! and `learning_curve` wrap `learn` in an outer split, so every figure they report is on
//! answers the calibration being measured never saw.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::agreement::{Agreement, SplitMix, folds, qwk_of};
use super::cuts::{fit_cuts, fit_cuts_from};
use super::linear::ridge;
use super::{Calibration, Kind, LearnedTerm, Model, Observation, Scale};

/// A term is learned only if at least this many marked answers use it. Chosen before looking
/// at data (fewer is a guess from one or two scripts); sensitivity in docs/calibration.md.
pub const MIN_TERM_ANSWERS: usize = 3;
/// At most this many terms are considered, the most used first.
pub const MAX_TERMS: usize = 200;
/// The ridge penalties tried; the inner cross-validation picks one.
pub const PENALTIES: [f64; 4] = [0.5, 2.0, 8.0, 32.0];
/// Folds of the inner cross-validation that chooses the model.
pub const INNER_FOLDS: usize = 5;
/// A richer model is kept only if its held-out QWK beats the simpler one's by this much, and
/// by more than the standard error of the difference.
pub const SELECT_MARGIN: f64 = 0.01;
/// Bootstrap resamples for that standard error.
pub const BOOTSTRAP_RESAMPLES: usize = 200;
/// Fewer marked answers than this learn nothing.
pub const MIN_TO_LEARN: usize = 10;
/// Random draws for each point of the learning curve.
pub const LEARNING_CURVE_DRAWS: usize = 10;
/// A learning-curve point needs at least this many answers left to measure on.
pub const MIN_HELD_OUT: usize = 20;
/// The seed of every split: fixed, so that the same marked answers give the same figures.
const SEED: u64 = 0x5354_5544_5950_4143;

/// One answer the teacher marked, as the engine observed it.
#[derive(Debug, Clone)]
pub struct Marked {
    pub id: String,
    pub score: u32,
    pub observation: Observation,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Candidate {
    Uncalibrated,
    Counted,
    /// Point weights with a ridge penalty; anchored: learned as a correction to the
    /// uncalibrated mark, so that the penalty shrinks towards it.
    Points {
        penalty: f64,
        anchored: bool,
    },
    Terms {
        penalty: f64,
        anchored: bool,
    },
}

impl Candidate {
    /// How much a candidate learns: a richer kind must earn its place.
    fn richness(self) -> usize {
        match self {
            Candidate::Uncalibrated => 0,
            Candidate::Counted => 1,
            Candidate::Points { .. } => 2,
            Candidate::Terms { .. } => 3,
        }
    }
}

/// The mark of each test answer under a model fitted on the training answers.
fn fit(c: Candidate, train: &[&Marked], points: usize, scale: &Scale) -> Model {
    let gold: Vec<u32> = train.iter().map(|m| m.score).collect();
    let empty = Model {
        kind: Kind::Uncalibrated,
        anchored: false,
        intercept: 0.0,
        covered: 0.0,
        points: Vec::new(),
        terms: Vec::new(),
        cuts: Vec::new(),
    };
    match c {
        Candidate::Uncalibrated => empty,
        Candidate::Counted => {
            let z: Vec<f64> = train.iter().map(|m| m.observation.covered).collect();
            let start: Vec<f32> = (0..scale.marks[1] - scale.marks[0])
                .map(|k| match scale.points_for.get(k as usize) {
                    Some(&p) => p as f32 - 0.5,
                    None => (k + 1) as f32 - 0.5,
                })
                .collect();
            Model {
                kind: Kind::Counted,
                covered: 1.0,
                cuts: fit_cuts_from(&z, &gold, scale.marks, start),
                ..empty
            }
        }
        Candidate::Points { penalty, anchored } | Candidate::Terms { penalty, anchored } => {
            let terms = matches!(c, Candidate::Terms { .. });
            let vocabulary = if terms { vocabulary(train) } else { Vec::new() };
            let anchor: Vec<f64> = train
                .iter()
                .map(|m| {
                    if anchored {
                        f64::from(m.observation.uncalibrated(scale))
                    } else {
                        0.0
                    }
                })
                .collect();
            let dims = 1 + points + vocabulary.len();
            let rows: Vec<Vec<f64>> = train
                .iter()
                .map(|m| features(&m.observation, points, &vocabulary))
                .collect();
            let y: Vec<f64> = gold
                .iter()
                .zip(&anchor)
                .map(|(&g, a)| f64::from(g) - a)
                .collect();
            let f = ridge(&rows, &y, dims, penalty);
            let z: Vec<f64> = rows
                .iter()
                .zip(&anchor)
                .map(|(r, a)| {
                    a + f.intercept + r.iter().zip(&f.weights).map(|(x, w)| x * w).sum::<f64>()
                })
                .collect();
            let learned = vocabulary
                .iter()
                .zip(&f.weights[1 + points..])
                .filter(|(_, w)| w.abs() >= 1e-4)
                .map(|((term, answers), &w)| LearnedTerm {
                    term: term.to_string(),
                    weight: w as f32,
                    answers: *answers,
                })
                .collect();
            Model {
                kind: if terms { Kind::Terms } else { Kind::Points },
                anchored,
                intercept: f.intercept as f32,
                covered: f.weights[0] as f32,
                points: f.weights[1..=points].iter().map(|&w| w as f32).collect(),
                terms: learned,
                // An anchored figure is already on the scale (a corrected uncalibrated mark):
                // it is rounded. Otherwise the cuts are fitted.
                cuts: if anchored {
                    fit_cuts_from(&[], &gold, scale.marks, rounding(scale.marks))
                } else {
                    fit_cuts(&z, &gold, scale.marks)
                },
            }
        }
    }
}

fn rounding(marks: [u32; 2]) -> Vec<f32> {
    (marks[0]..marks[1]).map(|m| m as f32 + 0.5).collect()
}

/// Feature row: points covered, each point's match, then 1 for each vocabulary term used.
fn features(o: &Observation, points: usize, vocabulary: &[(Arc<str>, usize)]) -> Vec<f64> {
    let mut row = Vec::with_capacity(1 + points + vocabulary.len());
    row.push(o.covered);
    row.extend((0..points).map(|i| o.points.get(i).copied().unwrap_or(0.0)));
    let start = row.len();
    row.resize(start + vocabulary.len(), 0.0);
    for t in &o.terms {
        if let Ok(i) = vocabulary.binary_search_by(|(v, _)| (**v).cmp(&**t)) {
            row[start + i] = 1.0;
        }
    }
    row
}

/// The terms worth learning from these answers: used by at least [`MIN_TERM_ANSWERS`] (and
/// not by all), the [`MAX_TERMS`] most used, sorted by term; each with how many use it.
fn vocabulary(train: &[&Marked]) -> Vec<(Arc<str>, usize)> {
    let mut used: BTreeMap<Arc<str>, usize> = BTreeMap::new();
    for m in train {
        for t in &m.observation.terms {
            *used.entry(t.clone()).or_default() += 1;
        }
    }
    let mut kept: Vec<(Arc<str>, usize)> = used
        .into_iter()
        .filter(|&(_, n)| n >= MIN_TERM_ANSWERS && n < train.len())
        .collect();
    kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    kept.truncate(MAX_TERMS);
    kept.sort_by(|a, b| a.0.cmp(&b.0));
    kept
}

fn mark(model: &Model, o: &Observation, scale: &Scale) -> u32 {
    // A model is scored as the calibration holding it would score.
    let c = Calibration {
        format: super::CALIBRATION_FORMAT,
        id: String::new(),
        version: 0,
        scheme: Vec::new(),
        scale: scale.marks,
        levels: scale.levels,
        points_for: scale.points_for.clone(),
        answers: 0,
        model: model.clone(),
    };
    c.score(o)
}

/// Learns a calibration for the scheme whose points are `scheme` from marked answers on
/// `scale`. Deterministic: the same answers in the same order give the same calibration.
pub fn learn(answers: &[&Marked], scheme: &[String], scale: &Scale) -> Calibration {
    let points = scheme.len();
    let chosen = choose(answers, points, scale);
    let model = fit(chosen, answers, points, scale);
    Calibration::new(scheme.to_vec(), scale, answers.len(), model)
}

/// The model to learn, by inner cross-validation: within each kind the variant with the best
/// held-out QWK; then, from the uncalibrated engine up, a richer kind replaces the one kept
/// only if it beats it by more than the standard error of the difference (the one-standard-
/// error rule, the error estimated by bootstrap over the held-out answers).
fn choose(answers: &[&Marked], points: usize, scale: &Scale) -> Candidate {
    let n = answers.len();
    if n < MIN_TO_LEARN {
        return Candidate::Uncalibrated;
    }
    let gold: Vec<u32> = answers.iter().map(|m| m.score).collect();
    // Marks of every answer from models fitted without its fold.
    let held_out = |c: Candidate, seed: u64| {
        let fold = folds(n, INNER_FOLDS, seed);
        let mut predicted = vec![0u32; n];
        for f in 0..INNER_FOLDS {
            let train: Vec<&Marked> = (0..n)
                .filter(|&i| fold[i] != f)
                .map(|i| answers[i])
                .collect();
            let model = fit(c, &train, points, scale);
            for i in (0..n).filter(|&i| fold[i] == f) {
                predicted[i] = mark(&model, &answers[i].observation, scale);
            }
        }
        predicted
    };
    let mut candidates = vec![Candidate::Uncalibrated, Candidate::Counted];
    for anchored in [false, true] {
        candidates.extend(
            PENALTIES
                .iter()
                .map(|&penalty| Candidate::Points { penalty, anchored }),
        );
    }
    for anchored in [false, true] {
        candidates.extend(
            PENALTIES
                .iter()
                .map(|&penalty| Candidate::Terms { penalty, anchored }),
        );
    }
    // The best variant of each kind on one split of the answers…
    let mut kinds: Vec<(Candidate, f64)> = Vec::new();
    for c in candidates {
        let q = qwk_of(&gold, &held_out(c, SEED ^ n as u64), scale.marks);
        match kinds.last_mut() {
            Some(best) if best.0.richness() == c.richness() => {
                if q > best.1 {
                    *best = (c, q);
                }
            }
            _ => kinds.push((c, q)),
        }
    }
    // …and the kinds compared on another, so that the variant picked for doing well on the
    // first split does not carry its luck into the comparison.
    let second: Vec<(Candidate, Vec<u32>, f64)> = kinds
        .iter()
        .map(|&(c, _)| {
            let p = held_out(c, SEED ^ (n as u64) << 32);
            let q = qwk_of(&gold, &p, scale.marks);
            (c, p, q)
        })
        .collect();
    let mut kept = 0;
    for k in 1..second.len() {
        let gain = second[k].2 - second[kept].2;
        if gain > SELECT_MARGIN
            && gain > standard_error(&gold, &second[k].1, &second[kept].1, scale)
        {
            kept = k;
        }
    }
    second[kept].0
}

/// Bootstrap standard error of QWK(a) − QWK(b) against `gold`, over resamples of the answers.
fn standard_error(gold: &[u32], a: &[u32], b: &[u32], scale: &Scale) -> f64 {
    let n = gold.len();
    let mut rng = SplitMix::new(SEED ^ 0xb007);
    let mut diffs = Vec::with_capacity(BOOTSTRAP_RESAMPLES);
    let (mut g, mut pa, mut pb) = (vec![0; n], vec![0; n], vec![0; n]);
    for _ in 0..BOOTSTRAP_RESAMPLES {
        for i in 0..n {
            let j = (rng.next() % n as u64) as usize;
            g[i] = gold[j];
            pa[i] = a[j];
            pb[i] = b[j];
        }
        diffs.push(qwk_of(&g, &pa, scale.marks) - qwk_of(&g, &pb, scale.marks));
    }
    Spread::of(&diffs).sd
}

/// One held-out answer of a cross-validation: the teacher's mark and both engines'.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeldOut {
    pub id: String,
    pub score: u32,
    pub calibrated: u32,
    pub uncalibrated: u32,
}

/// K-fold cross-validated agreement of the calibrated and uncalibrated engine.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrossValidation {
    pub folds: usize,
    pub calibrated: Agreement,
    pub uncalibrated: Agreement,
    /// The model each fold's calibration chose.
    pub chosen: Vec<Kind>,
    pub held_out: Vec<HeldOut>,
}

/// Learns on all folds but one and marks that one, for each fold in turn.
pub fn cross_validate(
    answers: &[Marked],
    k: usize,
    scheme: &[String],
    scale: &Scale,
) -> CrossValidation {
    let n = answers.len();
    let fold = folds(n, k, SEED);
    let mut held_out = Vec::with_capacity(n);
    let mut chosen = Vec::with_capacity(k);
    for f in 0..k {
        let train: Vec<&Marked> = (0..n)
            .filter(|&i| fold[i] != f)
            .map(|i| &answers[i])
            .collect();
        let cal = learn(&train, scheme, scale);
        chosen.push(cal.model.kind);
        for i in (0..n).filter(|&i| fold[i] == f) {
            let a = &answers[i];
            held_out.push(HeldOut {
                id: a.id.clone(),
                score: a.score,
                calibrated: cal.score(&a.observation),
                uncalibrated: a.observation.uncalibrated(scale),
            });
        }
    }
    let gold: Vec<u32> = held_out.iter().map(|h| h.score).collect();
    let cal: Vec<u32> = held_out.iter().map(|h| h.calibrated).collect();
    let uncal: Vec<u32> = held_out.iter().map(|h| h.uncalibrated).collect();
    CrossValidation {
        folds: k,
        calibrated: Agreement::of(&gold, &cal, scale.marks),
        uncalibrated: Agreement::of(&gold, &uncal, scale.marks),
        chosen,
        held_out,
    }
}

/// Mean and spread of a figure over draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spread {
    pub mean: f64,
    pub sd: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    fn of(xs: &[f64]) -> Spread {
        let n = xs.len().max(1) as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
        Spread {
            mean,
            sd: var.sqrt(),
            min: xs.iter().copied().fold(f64::INFINITY, f64::min),
            max: xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }
}

/// One point of the learning curve: QWK on the answers not drawn, over several draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurvePoint {
    pub size: usize,
    pub draws: usize,
    pub calibrated: Spread,
    pub uncalibrated: Spread,
}

/// For each size (that leaves [`MIN_HELD_OUT`] answers to measure on), `draws` random draws of
/// that many answers: learn on the draw, measure QWK on every answer not drawn.
pub fn learning_curve(
    answers: &[Marked],
    sizes: &[usize],
    draws: usize,
    scheme: &[String],
    scale: &Scale,
) -> Vec<CurvePoint> {
    let n = answers.len();
    let mut out = Vec::new();
    for &size in sizes.iter().filter(|&&s| s + MIN_HELD_OUT <= n && s > 0) {
        let mut rng = SplitMix::new(SEED ^ (size as u64) << 20);
        let (mut cal, mut uncal) = (Vec::new(), Vec::new());
        for _ in 0..draws {
            let mut order: Vec<usize> = (0..n).collect();
            rng.shuffle(&mut order);
            let (drawn, rest) = order.split_at(size);
            let mut drawn = drawn.to_vec();
            drawn.sort_unstable();
            let train: Vec<&Marked> = drawn.iter().map(|&i| &answers[i]).collect();
            let c = learn(&train, scheme, scale);
            let gold: Vec<u32> = rest.iter().map(|&i| answers[i].score).collect();
            let p: Vec<u32> = rest
                .iter()
                .map(|&i| c.score(&answers[i].observation))
                .collect();
            let u: Vec<u32> = rest
                .iter()
                .map(|&i| answers[i].observation.uncalibrated(scale))
                .collect();
            cal.push(qwk_of(&gold, &p, scale.marks));
            uncal.push(qwk_of(&gold, &u, scale.marks));
        }
        out.push(CurvePoint {
            size,
            draws,
            calibrated: Spread::of(&cal),
            uncalibrated: Spread::of(&uncal),
        });
    }
    out
}
