//! The report the engine returns. Field names are the JSON keys.

use std::sync::Arc;

use serde::Serialize;
use studypack_domain::Side;

use crate::reading::Analysed;

/// How much of a mark-scheme point an essay earns (not a question's publication status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PointStatus {
    Covered,
    Partial,
    Missing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    Agrees,
    Disagrees,
    Balanced,
    Unclear,
    Absent,
}

impl Stance {
    pub fn label(self) -> &'static str {
        match self {
            Stance::Agrees => "agrees",
            Stance::Disagrees => "disagrees",
            Stance::Balanced => "balanced",
            Stance::Unclear => "unclear",
            Stance::Absent => "absent",
        }
    }
    pub fn is_clear(self) -> bool {
        matches!(self, Stance::Agrees | Stance::Disagrees | Stance::Balanced)
    }
}

/// A sentence of the essay, with byte offsets into the essay as given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub sentence: usize,
    pub text: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointResult {
    pub id: usize,
    /// Index of the mark-scheme bullet this point is part of.
    pub bullet: usize,
    pub text: Arc<str>,
    pub side: Side,
    pub status: PointStatus,
    pub score: f32,
    pub evidence: Vec<Evidence>,
    /// The point's words the evidence contains.
    pub matched: Vec<Arc<str>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SideCoverage {
    pub covered: usize,
    pub partial: usize,
    pub missing: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Coverage {
    pub covered: usize,
    pub partial: usize,
    pub missing: usize,
    pub total: usize,
    /// Bullets with at least one covered point, and all bullets.
    pub bullets_covered: usize,
    pub bullets_total: usize,
    pub supporting: SideCoverage,
    pub challenging: SideCoverage,
    pub neutral: SideCoverage,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Balance {
    /// Share of each side's points earned (covered 1, partial ½).
    pub supporting: f32,
    pub challenging: f32,
    /// The weaker side's share over the stronger's, 0–1 (1 is even).
    pub ratio: f32,
    /// `balanced`, `leans-supporting`, `leans-challenging`, `one-sided` or `not-applicable`.
    pub verdict: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    pub present: bool,
    /// Paragraph index.
    pub paragraph: Option<usize>,
    pub start: Option<usize>,
    pub end: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Introduction {
    #[serde(flatten)]
    pub part: Part,
    /// Whether it takes up the question's own terms.
    pub addresses_question: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BodyParagraph {
    pub paragraph: usize,
    pub start: usize,
    pub end: usize,
    /// The mark-scheme point its opening makes, if any.
    pub point: Option<usize>,
    pub analysis_words: usize,
    pub narrative_words: usize,
    /// `analytical`, `narrative` or `mixed`.
    pub kind: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Structure {
    pub paragraphs: usize,
    pub introduction: Introduction,
    pub body: Vec<BodyParagraph>,
    pub conclusion: Part,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judgement {
    pub introduction: Stance,
    pub conclusion: Stance,
    /// Introduction and conclusion both take a position and do not contradict each other.
    pub consistent: bool,
    /// The body earns points on the side the conclusion comes down on.
    pub substantiated: bool,
    /// The sentences that carry the judgement.
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutOfPeriod {
    pub year: i32,
    pub sentence: Evidence,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Precision {
    pub dates: usize,
    pub named: usize,
    pub figures: usize,
    pub quotations: usize,
    pub dates_per_100_words: f32,
    pub named_per_100_words: f32,
    pub figures_per_100_words: f32,
    pub quotations_per_100_words: f32,
    pub out_of_period: Vec<OutOfPeriod>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelResult {
    /// The indicative level, `None` without a rubric.
    pub level: Option<u8>,
    /// The level's mark range `[low, high]`, `None` without a rubric.
    pub marks: Option<[u32; 2]>,
    /// An indicative mark inside the range.
    pub mark: Option<u32>,
    pub rubric: Option<String>,
    /// The rubric's own criteria for this level.
    pub criteria: Option<String>,
    /// Overall quality 0–1 that the level is read from.
    pub quality: f32,
    /// Why this level, in the rubric's terms.
    pub reasons: Vec<String>,
    /// What holds the level down, if a cap applies.
    pub capped_by: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextSteps {
    /// The missing points most worth adding.
    pub add: Vec<String>,
    /// The one change most likely to lift the level.
    pub lift: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub engine: &'static str,
    pub words: usize,
    pub points: Vec<PointResult>,
    pub coverage: Coverage,
    pub balance: Balance,
    pub structure: Structure,
    pub judgement: Judgement,
    pub precision: Precision,
    pub level: LevelResult,
    pub next_steps: NextSteps,
    pub flags: Vec<&'static str>,
    /// The mark on a teacher's scale, when the report was made with a calibration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibration: Option<CalibratedScore>,
}

/// A calibrated report's mark: which calibration (its id and version), and the mark it
/// predicts on the scale of the teacher's marks (the figure its agreement is measured on).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibratedScore {
    pub id: String,
    pub version: u32,
    pub score: u32,
    /// The top of the teacher's scale.
    pub out_of: u32,
    /// The score is a level of the rubric, not a mark.
    pub levels: bool,
}

pub(crate) fn round2(x: f32) -> f32 {
    (x * 100.0).round() / 100.0
}

/// Sentence `s` of an analysed text as evidence (its text and byte offsets).
pub fn evidence_of(an: &Analysed, s: usize) -> Evidence {
    evidence(an, s)
}

pub(crate) fn evidence<T>(an: &Analysed<T>, s: usize) -> Evidence {
    let sent = &an.sentences[s];
    let raw = &an.text[sent.start..sent.end];
    let lead = raw.len() - raw.trim_start().len();
    let text = raw.trim();
    Evidence {
        sentence: s,
        text: text.to_string(),
        start: sent.start + lead,
        end: sent.start + lead + text.len(),
    }
}
