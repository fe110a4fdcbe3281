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
use super::cuts::fit_cuts;
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
/// by more than [`SELECT_ERRORS`] standard errors of the difference.
pub const SELECT_MARGIN: f64 = 0.01;
/// How many standard errors a richer model must win by.
pub const SELECT_ERRORS: f64 = 2.0;
/// Different splits of the inner cross-validation, averaged.
pub const INNER_SPLITS: usize = 2;
/// Bootstrap resamples for that standard error.
pub const BOOTSTRAP_RESAMPLES: usize = 200;
/// Fewer marked answers than this learn nothing.
pub const MIN_TO_LEARN: usize = 10;
/// Random draws for each point of the learning curve.
pub const LEARNING_CURVE_DRAWS: usize = 10;
/// A learning-curve point needs at least this many answers left to measure on.
pub const MIN_HELD_OUT: usize = 20;
/// The settings of learning: the constants above, together, so that the evaluation can
/// measure how much each matters (`studypack calibrate --setting NAME=VALUE`).
#[derive(Debug, Clone, PartialEq)]
pub struct LearnSettings {
    pub min_term_answers: usize,
    pub max_terms: usize,
    pub penalties: Vec<f64>,
    pub inner_folds: usize,
    pub inner_splits: usize,
    pub select_margin: f64,
    pub select_errors: f64,
    pub cut_candidates: usize,
}

impl Default for LearnSettings {
    fn default() -> Self {
        LearnSettings {
            min_term_answers: MIN_TERM_ANSWERS,
            max_terms: MAX_TERMS,
            penalties: PENALTIES.to_vec(),
            inner_folds: INNER_FOLDS,
            inner_splits: INNER_SPLITS,
            select_margin: SELECT_MARGIN,
            select_errors: SELECT_ERRORS,
            cut_candidates: super::cuts::CUT_CANDIDATES,
        }
    }
}

impl LearnSettings {
    /// Sets one setting from `name=value` (`penalties` takes a list split by `/`; `penalty_scale`
    /// multiplies every penalty).
    pub fn set(&mut self, assignment: &str) -> Result<(), String> {
        let (name, value) = assignment
            .split_once('=')
            .ok_or_else(|| format!("a setting is NAME=VALUE, not {assignment:?}"))?;
        let bad = || format!("{name}: {value:?} is not a valid value");
        let count = |v: &str| -> Result<usize, String> {
            v.parse::<usize>().map_err(|_| bad()).and_then(|n| {
                if n == 0 {
                    Err(format!("{name} must be at least 1"))
                } else {
                    Ok(n)
                }
            })
        };
        let number = |v: &str| -> Result<f64, String> {
            v.parse::<f64>().map_err(|_| bad()).and_then(|x| {
                if x.is_finite() && x >= 0.0 {
                    Ok(x)
                } else {
                    Err(format!("{name} must be a number of 0 or more"))
                }
            })
        };
        match name {
            "min_term_answers" => self.min_term_answers = count(value)?,
            "max_terms" => self.max_terms = count(value)?,
            "inner_folds" => self.inner_folds = count(value)?.max(2),
            "inner_splits" => self.inner_splits = count(value)?,
            "cut_candidates" => self.cut_candidates = count(value)?.max(2),
            "select_margin" => self.select_margin = number(value)?,
            "select_errors" => self.select_errors = number(value)?,
            "penalties" => {
                self.penalties = value.split('/').map(number).collect::<Result<_, _>>()?;
                if self.penalties.iter().any(|&p| p <= 0.0) || self.penalties.is_empty() {
                    return Err("penalties must be above 0".into());
                }
            }
            "penalty_scale" => {
                let k = number(value)?;
                if k <= 0.0 {
                    return Err("penalty_scale must be above 0".into());
                }
                self.penalties = PENALTIES.iter().map(|p| p * k).collect();
            }
            _ => return Err(format!("no setting called {name:?}")),
        }
        Ok(())
    }
}

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
    /// Weights for the points (and the engine's own mark), with a ridge penalty.
    Points {
        penalty: f64,
    },
    /// The same, and weights for terms.
    Terms {
        penalty: f64,
    },
}

impl Candidate {
    /// How much a candidate learns: a richer kind must earn its place.
    fn richness(self) -> usize {
        match self {
            Candidate::Uncalibrated => 0,
            Candidate::Points { .. } => 1,
            Candidate::Terms { .. } => 2,
        }
    }
}

/// The model of a candidate, fitted on the training answers.
fn fit(
    c: Candidate,
    train: &[&Marked],
    points: usize,
    scale: &Scale,
    settings: &LearnSettings,
) -> Model {
    let (penalty, terms) = match c {
        Candidate::Uncalibrated => {
            return Model {
                kind: Kind::Uncalibrated,
                intercept: 0.0,
                covered: 0.0,
                uncalibrated: 1.0,
                points: Vec::new(),
                terms: Vec::new(),
                cuts: Vec::new(),
            };
        }
        Candidate::Points { penalty } => (penalty, false),
        Candidate::Terms { penalty } => (penalty, true),
    };
    let gold: Vec<u32> = train.iter().map(|m| m.score).collect();
    let vocabulary = if terms {
        vocabulary(train, settings)
    } else {
        Vec::new()
    };
    let dims = FIXED_FEATURES + points + vocabulary.len();
    let rows: Vec<Vec<f64>> = train
        .iter()
        .map(|m| features(&m.observation, points, &vocabulary, scale))
        .collect();
    let y: Vec<f64> = gold.iter().map(|&g| f64::from(g)).collect();
    let f = ridge(&rows, &y, dims, penalty);
    let learned = vocabulary
        .iter()
        .zip(&f.weights[FIXED_FEATURES + points..])
        .filter(|(_, w)| w.abs() >= 1e-4)
        .map(|((term, answers), &w)| LearnedTerm {
            term: term.to_string(),
            weight: w as f32,
            answers: *answers,
        })
        .collect();
    let mut model = Model {
        kind: if terms { Kind::Terms } else { Kind::Points },
        intercept: f.intercept as f32,
        covered: f.weights[0] as f32,
        uncalibrated: f.weights[1] as f32,
        points: f.weights[FIXED_FEATURES..FIXED_FEATURES + points]
            .iter()
            .map(|&w| w as f32)
            .collect(),
        terms: learned,
        cuts: Vec::new(),
    };
    // The cuts are placed on the figures the stored model itself gives (its weights as
    // stored, tiny term weights dropped), so that it marks its training answers as fitted.
    let z: Vec<f64> = train
        .iter()
        .map(|m| {
            super::figure(
                &model,
                scale,
                &m.observation,
                m.observation.terms.iter().map(|t| &**t),
            )
        })
        .collect();
    model.cuts = fit_cuts(&z, &gold, scale.marks, settings.cut_candidates);
    model
}

/// The features every row starts with: points covered, and the uncalibrated mark.
const FIXED_FEATURES: usize = 2;

/// Feature row: points covered, each point's match, then 1 for each vocabulary term used.
fn features(
    o: &Observation,
    points: usize,
    vocabulary: &[(Arc<str>, usize)],
    scale: &Scale,
) -> Vec<f64> {
    let mut row = Vec::with_capacity(2 + points + vocabulary.len());
    row.push(o.covered);
    row.push(f64::from(o.uncalibrated(scale)));
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
fn vocabulary(train: &[&Marked], settings: &LearnSettings) -> Vec<(Arc<str>, usize)> {
    let mut used: BTreeMap<Arc<str>, usize> = BTreeMap::new();
    for m in train {
        for t in &m.observation.terms {
            *used.entry(t.clone()).or_default() += 1;
        }
    }
    let mut kept: Vec<(Arc<str>, usize)> = used
        .into_iter()
        .filter(|&(_, n)| n >= settings.min_term_answers && n < train.len())
        .collect();
    kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    kept.truncate(settings.max_terms);
    kept.sort_by(|a, b| a.0.cmp(&b.0));
    kept
}

/// Learns a calibration for the scheme whose points are `scheme` from marked answers on
/// `scale`. Deterministic: the same answers in the same order give the same calibration.
pub fn learn(answers: &[&Marked], scheme: &[String], scale: &Scale) -> Calibration {
    learn_with(answers, scheme, scale, &LearnSettings::default())
}

/// [`learn`] with settings other than the defaults.
pub fn learn_with(
    answers: &[&Marked],
    scheme: &[String],
    scale: &Scale,
    settings: &LearnSettings,
) -> Calibration {
    let points = scheme.len();
    let chosen = choose(answers, points, scale, settings);
    let model = fit(chosen, answers, points, scale, settings);
    Calibration::new(scheme.to_vec(), scale, answers.len(), model)
}

/// The model to learn, by inner cross-validation: every candidate is fitted without each
/// fold in turn, on [`INNER_SPLITS`] different splits, and scored by QWK on the answers held
/// out (the mean over the splits). Within each kind the best penalty is kept; then, from the
/// uncalibrated engine up, a richer kind replaces the one kept only if it beats it by
/// [`SELECT_MARGIN`] and by more than [`SELECT_ERRORS`] standard errors of the difference
/// (estimated by bootstrap over the held-out answers).
fn choose(
    answers: &[&Marked],
    points: usize,
    scale: &Scale,
    settings: &LearnSettings,
) -> Candidate {
    let n = answers.len();
    if n < MIN_TO_LEARN {
        return Candidate::Uncalibrated;
    }
    let gold: Vec<u32> = answers.iter().map(|m| m.score).collect();
    let k = settings.inner_folds;
    let splits: Vec<Vec<usize>> = (0..settings.inner_splits as u64)
        .map(|s| folds(n, k, SEED ^ (n as u64) ^ (s << 40)))
        .collect();
    // Each answer's marks, one list per split, from models fitted without its fold.
    let held_out = |c: Candidate| -> Vec<Vec<u32>> {
        splits
            .iter()
            .map(|fold| {
                let mut predicted = vec![0u32; n];
                for f in 0..k {
                    let train: Vec<&Marked> = (0..n)
                        .filter(|&i| fold[i] != f)
                        .map(|i| answers[i])
                        .collect();
                    let model = fit(c, &train, points, scale, settings);
                    for i in (0..n).filter(|&i| fold[i] == f) {
                        predicted[i] = super::model_score(&model, scale, &answers[i].observation);
                    }
                }
                predicted
            })
            .collect()
    };
    let agreement = |p: &[Vec<u32>]| {
        p.iter().map(|p| qwk_of(&gold, p, scale.marks)).sum::<f64>() / p.len() as f64
    };
    let mut candidates = vec![Candidate::Uncalibrated];
    candidates.extend(
        settings
            .penalties
            .iter()
            .map(|&penalty| Candidate::Points { penalty }),
    );
    candidates.extend(
        settings
            .penalties
            .iter()
            .map(|&penalty| Candidate::Terms { penalty }),
    );
    // The best variant of each kind, with its held-out marks and agreement.
    let mut kinds: Vec<(Candidate, Vec<Vec<u32>>, f64)> = Vec::new();
    for c in candidates {
        let p = held_out(c);
        let q = agreement(&p);
        match kinds.last_mut() {
            Some(best) if best.0.richness() == c.richness() => {
                if q > best.2 {
                    *best = (c, p, q);
                }
            }
            _ => kinds.push((c, p, q)),
        }
    }
    let mut kept = 0;
    for k in 1..kinds.len() {
        let gain = kinds[k].2 - kinds[kept].2;
        if gain > settings.select_margin
            && gain
                > settings.select_errors * standard_error(&gold, &kinds[k].1, &kinds[kept].1, scale)
        {
            kept = k;
        }
    }
    kinds[kept].0
}

/// Bootstrap standard error of the mean over splits of QWK(a) − QWK(b) against `gold`,
/// over resamples of the answers.
fn standard_error(gold: &[u32], a: &[Vec<u32>], b: &[Vec<u32>], scale: &Scale) -> f64 {
    let n = gold.len();
    let mut rng = SplitMix::new(SEED ^ 0xb007);
    let mut diffs = Vec::with_capacity(BOOTSTRAP_RESAMPLES);
    let mut at = vec![0usize; n];
    let (mut g, mut pa, mut pb) = (vec![0; n], vec![0; n], vec![0; n]);
    for _ in 0..BOOTSTRAP_RESAMPLES {
        for j in at.iter_mut() {
            *j = (rng.next() % n as u64) as usize;
        }
        let mut d = 0.0;
        for (sa, sb) in a.iter().zip(b) {
            for (i, &j) in at.iter().enumerate() {
                g[i] = gold[j];
                pa[i] = sa[j];
                pb[i] = sb[j];
            }
            d += qwk_of(&g, &pa, scale.marks) - qwk_of(&g, &pb, scale.marks);
        }
        diffs.push(d / a.len().max(1) as f64);
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
    settings: &LearnSettings,
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
        let cal = learn_with(&train, scheme, scale, settings);
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
    settings: &LearnSettings,
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
            let c = learn_with(&train, scheme, scale, settings);
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
