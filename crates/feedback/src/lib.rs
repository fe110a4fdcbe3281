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
//! Each stage is a private module; a module uses only those before it (`a → b`: `b` uses
//! `a`), so there is no cycle:
//!
//! ```text
//! reading ─→ vocabulary ─→ report ─→ matching ─→ coverage ─→ judgement ─┐
//!    │            │           │         │    └──→ question ←────────────┤
//!    │            │           ├─────────┼───────→ precision            │
//!    │            └───────────┼─────────┴───────→ copying ─→ question  │
//!    │                        └─→ flags ←─ question, copying, matching ←┘
//!    └────────────────────────────→ level ←─ question
//!                                    engine ←─ every stage
//! ```
//!
//! - `reading`: paragraphs (prose, headings, bullets), sentences and words, each word looked up
//!   through a `Lookup` as it is read. Uses nothing else in the crate.
//! - `vocabulary`: the word lists, the stemmer, the library's words and stems with ids, IDF;
//!   reads texts through its lexicon (tokens with lexemes). Uses `reading`.
//! - `report`: the public report types, and evidence (a sentence with its offsets). Uses
//!   `reading`.
//! - `matching`: the prepared mark scheme and each point covered, partial or missing, with
//!   evidence. Uses `vocabulary`, `report`.
//! - `coverage`: coverage and balance. Uses `matching`, `report`.
//! - `judgement`: structure and the stance of the introduction and conclusion. Uses
//!   `vocabulary`, `report`, `coverage`.
//! - `precision`: dates, names, figures, quotations, out-of-period years. Uses `vocabulary`,
//!   `report`.
//! - `copying`: overlap with the model essay and the mark scheme. Uses `vocabulary`.
//! - `question`: the question as given and as prepared. Uses `vocabulary`, `matching`,
//!   `judgement`, `copying`.
//! - `flags`: flags on the essay as a whole. Uses `question`, `matching`, `copying`, `report`.
//! - `level`: the indicative level and next steps. Uses `question`, `report`.
//! - `engine`: the engine, which runs the stages in order; the library adapter. Uses all.
//!
//! `fx` (hashing) and `bits` (bit sets) are helpers used by any stage.

mod bits;
mod fx;

mod reading;
mod vocabulary;

mod report;

mod matching;

mod copying;
mod coverage;
mod judgement;
mod precision;

mod question;

mod flags;
mod level;

mod engine;

#[cfg(test)]
mod tests;

pub use copying::COPY_THRESHOLD;
pub use engine::{ENGINE_VERSION, Engine, MAX_ESSAY_BYTES, engine_for_library};
pub use matching::Settings;
pub use precision::MAX_OUT_OF_PERIOD;
pub use question::{Prepared, QuestionInput, question_input};
pub use reading::{Analysed, Paragraph, ParagraphKind, Sentence, Token, Word};
pub use report::{
    Balance, BodyParagraph, Coverage, Evidence, Introduction, Judgement, LevelResult, NextSteps,
    OutOfPeriod, Part, PointResult, Precision, Report, SideCoverage, Stance, Status, Structure,
    evidence_of,
};
