//! Calibration: a teacher's standard, learned from answers the teacher marked.
//!
//! The engine's report on an answer is read as an [`Observation`]: how many of the scheme's
//! points it covers, how closely it matches each, and the stems it uses. A [`Calibration`]
//! turns an observation into a mark on the teacher's scale with a small, inspectable model —
//! a weight per covered point, per point and per learned term, and one cut point per mark —
//! chosen among simpler and richer models by cross-validation on the marked answers alone
//! (`learn`). The uncalibrated engine is always one of the choices, so a calibration that
//! cannot beat it on unseen answers marks as it does. Everything is deterministic.

mod agreement;
mod cuts;
mod learn;
mod linear;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use agreement::Agreement;
pub use cuts::{CUT_CANDIDATES, CUT_PASSES};
pub use learn::{
    BOOTSTRAP_RESAMPLES, CrossValidation, CurvePoint, HeldOut, INNER_FOLDS, INNER_SPLITS,
    LEARNING_CURVE_DRAWS, LearnSettings, MAX_TERMS, MIN_HELD_OUT, MIN_TERM_ANSWERS, MIN_TO_LEARN,
    Marked, PENALTIES, SELECT_ERRORS, SELECT_MARGIN, Spread, cross_validate, learn, learn_with,
    learning_curve,
};

use crate::question::Prepared;
use crate::report::{CalibratedScore, Report};

/// The format of a calibration file; a different one is refused, not guessed at.
pub const CALIBRATION_FORMAT: u32 = 1;

/// What the engine saw in one answer, as calibration reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Points covered (a partly made point counts half).
    pub(crate) covered: f64,
    /// Points fully covered, as the report counts them.
    pub(crate) full: u32,
    /// Each point's match score, 0–1, in the scheme's order.
    pub(crate) points: Vec<f64>,
    /// The answer's content stems, each once.
    pub(crate) terms: Vec<Arc<str>>,
    /// The engine's own indicative mark and level, when the question has a rubric.
    pub(crate) mark: Option<u32>,
    pub(crate) level: Option<u8>,
}

/// The teacher's marks: the lowest and highest, and whether they are levels of the question's
/// rubric rather than marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    pub marks: [u32; 2],
    pub levels: bool,
    /// For a scheme without a rubric: the points an answer must cover for each mark above the
    /// lowest, as the scheme states it ("1–2 points: 1 mark; 3: 2; 4 or more: 3" is
    /// `[1, 3, 4]`). Empty: a mark a point.
    pub points_for: Vec<u32>,
}

impl Scale {
    /// A scale of marks `low..=high`, a mark a point.
    pub fn marks(low: u32, high: u32) -> Scale {
        Scale {
            marks: [low, high],
            levels: false,
            points_for: Vec::new(),
        }
    }

    /// The mark the scheme's own rule gives for `points` covered.
    pub fn mark_for_points(&self, points: u32) -> u32 {
        let m = if self.points_for.is_empty() {
            self.marks[0] + points
        } else {
            self.marks[0] + self.points_for.iter().filter(|&&p| points >= p).count() as u32
        };
        m.clamp(self.marks[0], self.marks[1])
    }
}

impl Observation {
    pub(crate) fn new(report: &Report, terms: Vec<Arc<str>>) -> Observation {
        Observation {
            covered: report.coverage.covered as f64 + 0.5 * report.coverage.partial as f64,
            full: report.coverage.covered as u32,
            points: report.points.iter().map(|p| f64::from(p.score)).collect(),
            terms,
            mark: report.level.mark,
            level: report.level.level,
        }
    }

    /// The uncalibrated engine's mark on `scale`: its indicative mark (or level) where the
    /// question has a rubric, otherwise the scheme's rule for the points covered.
    pub fn uncalibrated(&self, scale: &Scale) -> u32 {
        let own = if scale.levels {
            self.level.map(u32::from)
        } else {
            self.mark
        };
        match own {
            Some(m) => m.clamp(scale.marks[0], scale.marks[1]),
            None => scale.mark_for_points(self.full),
        }
    }
}

/// Which model a calibration holds, from least to most learned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Nothing learned: the uncalibrated engine's mark.
    Uncalibrated,
    /// Weights for the points covered, each point and the engine's own mark, then cuts.
    Points,
    /// Weights for the points and for terms the answers use, then cuts.
    Terms,
}

/// A term learned from the marked answers, and what it adds to the predicted figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnedTerm {
    /// A stem, as the engine reads words (`samples` and `sample` are one term).
    pub term: String,
    pub weight: f32,
    /// Marked answers it was learned from (those that use it).
    pub answers: usize,
}

/// The learned model: a figure `intercept + covered·c + Σ points[i]·score_i + Σ term weights`,
/// then `cuts` (one per mark above the lowest, rising) to a mark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub kind: Kind,
    pub intercept: f32,
    pub covered: f32,
    /// The weight of the uncalibrated engine's own mark.
    #[serde(default)]
    pub uncalibrated: f32,
    /// A weight per point of the scheme (empty unless `points` or `terms`).
    #[serde(default)]
    pub points: Vec<f32>,
    /// Learned terms, sorted by term (empty unless `terms`).
    #[serde(default)]
    pub terms: Vec<LearnedTerm>,
    #[serde(default)]
    pub cuts: Vec<f32>,
}

/// A calibration for one mark scheme, on the scale of the teacher's marks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub format: u32,
    /// A hash of what the calibration holds: an edited calibration has a new id.
    pub id: String,
    /// Its revision: 1 when learned, one more each time a stored one is replaced.
    pub version: u32,
    /// The scheme's points, in order: a calibration applies only to the scheme it learned.
    pub scheme: Vec<String>,
    /// The lowest and highest mark.
    pub scale: [u32; 2],
    /// The marks are levels of the question's rubric.
    #[serde(default)]
    pub levels: bool,
    /// The scheme's own rule from points covered to marks (see [`Scale::points_for`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub points_for: Vec<u32>,
    /// How many marked answers it was learned from.
    pub answers: usize,
    pub model: Model,
}

/// Why a calibration cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalibrationError {
    Unreadable(String),
    Format(u32),
    Invalid(String),
    OtherScheme { expected: usize, found: usize },
}

impl std::fmt::Display for CalibrationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CalibrationError::Unreadable(why) => write!(f, "not a calibration file: {why}"),
            CalibrationError::Format(v) => write!(
                f,
                "calibration format {v} is not known to this version (it reads format {CALIBRATION_FORMAT})"
            ),
            CalibrationError::Invalid(why) => write!(f, "not a usable calibration: {why}"),
            CalibrationError::OtherScheme { expected, found } => write!(
                f,
                "this calibration was learned for a different mark scheme ({expected} points; this question's scheme differs{})",
                if expected == found {
                    String::new()
                } else {
                    format!(", with {found} points")
                }
            ),
        }
    }
}

impl std::error::Error for CalibrationError {}

/// Learned terms are described, most weighty first, up to this many and down to this weight.
const SHOWN_TERMS: usize = 12;
const SHOWN_TERM_WEIGHT: f32 = 0.05;

/// Marks above this are refused: no scheme has more, and cut search stays small.
pub const MAX_MARK: u32 = 100;

impl Calibration {
    /// Builds a calibration, giving it the id of what it holds.
    pub(crate) fn new(scheme: Vec<String>, scale: &Scale, answers: usize, model: Model) -> Self {
        let mut c = Calibration {
            format: CALIBRATION_FORMAT,
            id: String::new(),
            version: 1,
            scheme,
            scale: scale.marks,
            levels: scale.levels,
            points_for: scale.points_for.clone(),
            answers,
            model,
        };
        c.id = c.content_id();
        c
    }

    /// Checks a calibration read from a file or the database, and gives it the id of what it
    /// now holds (a teacher may have edited or removed what was learned).
    pub fn validated(mut self) -> Result<Calibration, CalibrationError> {
        let bad = |why: &str| Err(CalibrationError::Invalid(why.to_string()));
        if self.format != CALIBRATION_FORMAT {
            return Err(CalibrationError::Format(self.format));
        }
        let [low, high] = self.scale;
        if low > high || high > MAX_MARK {
            return bad("the scale must be two marks, lowest first, at most 100");
        }
        let m = &mut self.model;
        if m.kind != Kind::Uncalibrated && m.cuts.len() != (high - low) as usize {
            return bad("there must be one cut for each mark above the lowest");
        }
        if !self.points_for.is_empty()
            && (self.points_for.len() != (high - low) as usize
                || self.points_for.windows(2).any(|w| w[0] > w[1]))
        {
            return bad("points_for must give, rising, the points for each mark above the lowest");
        }
        if m.cuts.windows(2).any(|w| w[0] > w[1]) {
            return bad("the cuts must rise");
        }
        let finite = m.intercept.is_finite()
            && m.covered.is_finite()
            && m.uncalibrated.is_finite()
            && m.points.iter().all(|x| x.is_finite())
            && m.cuts.iter().all(|x| !x.is_nan())
            && m.terms.iter().all(|t| t.weight.is_finite());
        if !finite {
            return bad("every weight must be a number");
        }
        if !m.points.is_empty() && m.points.len() != self.scheme.len() {
            return bad("there must be one point weight for each point of the scheme");
        }
        m.terms.sort_by(|a, b| a.term.cmp(&b.term));
        if m.terms.windows(2).any(|w| w[0].term == w[1].term) {
            return bad("a term is listed twice");
        }
        self.id = self.content_id();
        Ok(self)
    }

    /// A calibration read from its JSON (a file, or the database), checked.
    pub fn from_json(text: &str) -> Result<Calibration, CalibrationError> {
        serde_json::from_str::<Calibration>(text)
            .map_err(|e| CalibrationError::Unreadable(e.to_string()))?
            .validated()
    }

    /// Whether this calibration was learned for the scheme of the prepared question.
    pub fn check_scheme(&self, p: &Prepared) -> Result<(), CalibrationError> {
        let points = &p.scheme.points;
        let same = self.scheme.len() == points.len()
            && self
                .scheme
                .iter()
                .zip(points)
                .all(|(a, b)| a.as_str() == &*b.text);
        if same {
            Ok(())
        } else {
            Err(CalibrationError::OtherScheme {
                expected: self.scheme.len(),
                found: points.len(),
            })
        }
    }

    pub fn scale(&self) -> Scale {
        Scale {
            marks: self.scale,
            levels: self.levels,
            points_for: self.points_for.clone(),
        }
    }

    /// The mark this calibration gives an observation.
    pub fn score(&self, o: &Observation) -> u32 {
        model_score(&self.model, &self.scale(), o)
    }

    /// The calibrated mark for a report, as the report carries it: `o` without its terms, and
    /// the answer's terms (each once) borrowed.
    pub(crate) fn scored<'t>(
        &self,
        o: &Observation,
        terms: impl Iterator<Item = &'t str>,
    ) -> CalibratedScore {
        CalibratedScore {
            id: self.id.clone(),
            version: self.version,
            score: model_score_with(&self.model, &self.scale(), o, terms),
            out_of: self.scale[1],
            levels: self.levels,
        }
    }

    /// What was learned, in words, most telling first.
    pub fn describe(&self) -> Vec<String> {
        let m = &self.model;
        let n = self.answers;
        let mut out = Vec::new();
        match m.kind {
            Kind::Uncalibrated => out.push(format!(
                "Nothing learned: on answers held out from the {n} marked, nothing learned agreed with the marks better than the engine's own, so it marks as it does uncalibrated."
            )),
            Kind::Points | Kind::Terms => {
                out.push(format!(
                    "Learned from {n} answers: the predicted figure is {:.2}, plus {:.2} for each point covered and {:.2} times the engine's own mark, then:",
                    m.intercept, m.covered, m.uncalibrated
                ));
                let mut weighted: Vec<(usize, f32)> = m
                    .points
                    .iter()
                    .copied()
                    .enumerate()
                    .filter(|(_, w)| w.abs() >= 0.05)
                    .collect();
                weighted.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
                for (i, w) in weighted {
                    out.push(format!(
                        "Point {} (“{}”): a full match adds {w:+.2}.",
                        i + 1,
                        self.scheme.get(i).map_or("", String::as_str)
                    ));
                }
                let mut terms: Vec<&LearnedTerm> = m.terms.iter().collect();
                terms.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()).then(a.term.cmp(&b.term)));
                let shown = terms.iter().filter(|t| t.weight.abs() >= SHOWN_TERM_WEIGHT).count();
                for t in terms.into_iter().take(shown.min(SHOWN_TERMS)) {
                    let what = if t.weight >= 0.0 { "learned term" } else { "learned warning term" };
                    out.push(format!(
                        "{what}: ‘{}’ {:+.2} (used in {} of {n} answers)",
                        t.term, t.weight, t.answers
                    ));
                }
            }
        }
        if let Kind::Terms = m.kind {
            let hidden = m.terms.len().saturating_sub(
                m.terms
                    .iter()
                    .filter(|t| t.weight.abs() >= SHOWN_TERM_WEIGHT)
                    .count()
                    .min(SHOWN_TERMS),
            );
            if hidden > 0 {
                out.push(format!(
                    "…and {hidden} more learned terms, each adding less (the file lists them all)."
                ));
            }
        }
        if m.kind != Kind::Uncalibrated {
            let cuts: Vec<String> = m
                .cuts
                .iter()
                .enumerate()
                .map(|(k, c)| format!("{c:.2} or more earns {}", self.scale[0] + k as u32 + 1))
                .collect();
            out.push(format!("Marks from the figure: {}.", cuts.join("; ")));
        }
        out
    }

    fn content_id(&self) -> String {
        use std::hash::Hasher;
        let mut h = crate::fx::FxHasher::default();
        for p in &self.scheme {
            h.write(p.as_bytes());
            h.write_u8(0xff);
        }
        h.write_u32(self.scale[0]);
        h.write_u32(self.scale[1]);
        h.write_u8(u8::from(self.levels));
        for p in &self.points_for {
            h.write_u32(*p);
        }
        h.write_u64(self.answers as u64);
        let m = &self.model;
        h.write_u8(m.kind as u8);
        h.write_u64(m.points.len() as u64);
        for x in [m.intercept, m.covered, m.uncalibrated]
            .iter()
            .chain(&m.points)
            .chain(&m.cuts)
        {
            h.write_u32(x.to_bits());
        }
        h.write_u8(0xfe);
        for t in &m.terms {
            h.write(t.term.as_bytes());
            h.write_u32(t.weight.to_bits());
            h.write_u64(t.answers as u64);
        }
        format!("cal-{:016x}", h.finish())
    }
}

/// The predicted figure for an observation under a model, before the cuts.
pub(crate) fn figure<'t>(
    m: &Model,
    scale: &Scale,
    o: &Observation,
    terms: impl Iterator<Item = &'t str>,
) -> f64 {
    let mut z = f64::from(m.intercept) + f64::from(m.covered) * o.covered;
    z += f64::from(m.uncalibrated) * f64::from(o.uncalibrated(scale));
    z += m
        .points
        .iter()
        .zip(&o.points)
        .map(|(w, s)| f64::from(*w) * s)
        .sum::<f64>();
    if !m.terms.is_empty() {
        for t in terms {
            if let Ok(i) = m.terms.binary_search_by(|l| l.term.as_str().cmp(t)) {
                z += f64::from(m.terms[i].weight);
            }
        }
    }
    z
}

/// The mark a model gives an observation on `scale`.
pub(crate) fn model_score(m: &Model, scale: &Scale, o: &Observation) -> u32 {
    model_score_with(m, scale, o, o.terms.iter().map(|t| &**t))
}

/// [`model_score`] with the answer's terms given apart (each once), not from `o`.
fn model_score_with<'t>(
    m: &Model,
    scale: &Scale,
    o: &Observation,
    terms: impl Iterator<Item = &'t str>,
) -> u32 {
    match m.kind {
        Kind::Uncalibrated => o.uncalibrated(scale),
        _ => cuts::mark(figure(m, scale, o, terms), &m.cuts, scale.marks[0]),
    }
}

#[cfg(test)]
mod tests;
