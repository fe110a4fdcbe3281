//! The studypack feedback engine.
//!
//! Given a question (its text and view, mark scheme, period, rubric and topic glossary) and a
//! student's essay, [`Engine::assess`] returns a [`Report`]: which mark-scheme points the essay
//! earns and with which sentences, coverage and balance, structure, the stance of the
//! introduction and conclusion, precision, an indicative level on the board's rubric, next
//! steps and flags. It is pure and deterministic: the same input gives the same output, and
//! nothing written in the essay is treated as an instruction.

//! # Stages
//!
//! Each stage is a private module (items inside are `pub(crate)`); the public API is the
//! re-exports below. A module uses only modules above it in this list, so the dependencies
//! form a DAG in stage order (`fx`, hashing, and `bits`, bit sets, are helpers any may use):
//!
//! | module | what it does | uses |
//! |---|---|---|
//! | `reading` | paragraphs (prose, headings, bullets), sentences, words; each word looked up through a `Lookup` as it is read | — |
//! | `vocabulary` | word lists, stemming, the library's words and stems with ids, IDF; texts read through the lexicon | reading |
//! | `report` | the public report types; a sentence as evidence | reading |
//! | `matching` | the prepared mark scheme; each point covered, partial or missing, with evidence | vocabulary, report |
//! | `coverage` | coverage of points and bullets by side, and balance | matching, report |
//! | `judgement` | structure, and the stance of the introduction and conclusion | reading, vocabulary, report, coverage |
//! | `sides` | the side of the view each sentence argues, for side-aware evidence | reading, vocabulary, report, judgement |
//! | `precision` | dates, names, figures, quotations, out-of-period years | vocabulary, report |
//! | `copying` | overlap with the model essay and the mark scheme | vocabulary |
//! | `question` | the question as given (`QuestionInput`) and as prepared (`Prepared`) | vocabulary, matching, judgement, copying |
//! | `flags` | flags on the essay as a whole | reading, vocabulary, report, matching, copying, question |
//! | `level` | the indicative level and next steps | report, question |
//! | `calibration` | a teacher's standard learned from marked answers: an observation of a report, the model, learning, cross-validated agreement (public: its types are the API) | report, question |
//! | `engine` | `Engine`, running the stages in order; `engine_for_library` | all of the above |

#![warn(unreachable_pub)]

mod bits;
pub mod calibration;
mod copying;
mod coverage;
mod engine;
mod flags;
mod fx;
mod judgement;
mod level;
mod matching;
mod precision;
mod question;
mod reading;
mod report;
mod sides;
mod vocabulary;

#[cfg(test)]
mod tests;

pub use copying::COPY_THRESHOLD;
pub use engine::{
    ENGINE_VERSION, Engine, EngineBuilder, MAX_ESSAY_BYTES, engine_for_library, question_texts,
    statistics_texts,
};
pub use matching::Settings;
pub use precision::MAX_OUT_OF_PERIOD;
pub use question::{Prepared, QuestionInput, question_input};
pub use reading::{Analysed, Paragraph, ParagraphKind, Sentence, Token, Word};
pub use report::{
    Balance, BodyParagraph, CalibratedScore, Coverage, Evidence, Introduction, Judgement,
    LevelResult, NextSteps, OutOfPeriod, Part, PointResult, PointStatus, Precision, Report,
    SideCoverage, Stance, Structure, evidence_of,
};
