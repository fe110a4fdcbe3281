//! The engine: the library's vocabulary and IDF weights, and the stages of an assessment in
//! order.

use studypack_domain::Library;

use std::sync::Arc;

use crate::calibration::{Calibration, CalibrationError, Observation};
use crate::coverage::{balance, coverage};
use crate::flags::flags;
use crate::judgement;
use crate::level;
use crate::matching::{Settings, match_points};
use crate::precision::precision;
use crate::question::{Prepared, QuestionInput};
use crate::reading::Analysed;
use crate::report::{PointStatus, Report};
use crate::sides::sentence_sides;
use crate::vocabulary::analyse;
use crate::vocabulary::stems::{Idf, Lexicon, StemId, Stems};
use crate::vocabulary::tokens::{Parsed, scan};

/// Version of the engine's rules, reported with every result.
pub const ENGINE_VERSION: &str = "studypack-feedback/1";

/// The engine: a stemmer with the library's vocabulary and IDF weights.
#[derive(Debug, Default)]
pub struct Engine {
    pub(crate) stems: Stems,
    idf: Idf,
    settings: Settings,
}

/// An engine being learned: see [`Engine::builder`].
#[derive(Default)]
pub struct EngineBuilder {
    stems: Stems,
    learning: crate::vocabulary::learning::Learning,
}

impl EngineBuilder {
    /// Counts each of `texts` as one document of the library.
    pub fn learn<'a>(&mut self, texts: impl IntoIterator<Item = &'a str>) {
        self.learning.read(&mut self.stems, texts);
    }

    /// Counts the texts of the library's question `q` ([`question_texts`]) when it is
    /// published; a draft is no part of the library's statistics.
    pub fn learn_question(&mut self, q: &studypack_domain::Question) {
        if q.status == studypack_domain::Status::Published {
            self.learn(question_texts(q));
        }
    }

    pub fn build(mut self) -> Engine {
        let idf = self.learning.finish(&mut self.stems);
        Engine {
            stems: self.stems,
            idf,
            settings: Settings::default(),
        }
    }
}

/// Essays larger than this are refused by callers; the engine itself stays linear.
pub const MAX_ESSAY_BYTES: usize = 1024 * 1024;

impl Engine {
    /// An engine whose IDF weights come from the library's texts (one document each).
    pub fn with_library<'a>(texts: impl IntoIterator<Item = &'a str>) -> Engine {
        let mut stems = Stems::default();
        let idf = stems.learn(texts);
        Engine {
            stems,
            idf,
            settings: Settings::default(),
        }
    }

    /// An engine to be learned from texts read a batch at a time, without holding them all:
    /// the same engine as [`Engine::with_library`] over all the texts in the order read.
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// This engine after the library lost the texts `removed` and gained the texts `added`
    /// (one document each): the same weights and vocabulary marks as
    /// [`Engine::with_library`] over the changed library would learn, for the cost of reading
    /// the changed texts. `removed` must be texts this engine counted.
    pub fn updated<'a>(
        &self,
        removed: impl IntoIterator<Item = &'a str>,
        added: impl IntoIterator<Item = &'a str>,
    ) -> Engine {
        let mut stems = self.stems.clone();
        let mut idf = self.idf.clone();
        stems.relearn(&mut idf, removed, added);
        Engine {
            stems,
            idf,
            settings: self.settings,
        }
    }

    /// How many texts the engine's statistics count.
    pub fn statistics_documents(&self) -> u32 {
        self.idf.documents()
    }

    pub fn with_settings(mut self, settings: Settings) -> Engine {
        self.settings = settings;
        self
    }

    pub fn settings(&self) -> Settings {
        self.settings
    }

    pub fn prepare(&self, q: &QuestionInput) -> Prepared {
        Prepared::new(&self.stems, &self.idf, q)
    }

    /// Splits a text into paragraphs, sentences and tokens, as the engine reads it.
    pub fn analyse<'a>(&self, text: &'a str) -> Analysed<'a> {
        analyse(text, &self.stems)
    }

    /// Prepares the question and assesses one essay.
    pub fn assess(&self, q: &QuestionInput, essay: &str) -> Report {
        self.report(&self.prepare(q), essay)
    }

    /// Assesses an essay against a prepared question.
    pub fn report(&self, p: &Prepared, essay: &str) -> Report {
        self.run(p, essay, |_, _| ())
    }

    /// Assesses an essay, and reads the report as calibration does.
    pub fn observe(&self, p: &Prepared, essay: &str) -> (Report, Observation) {
        let mut seen = None;
        let report = self.run(p, essay, |report, an| {
            let terms = answer_stems(an).into_iter().map(Arc::from).collect();
            seen = Some(Observation::new(report, terms));
        });
        (
            report,
            seen.unwrap_or_else(|| unreachable!("run calls back once")),
        )
    }

    /// Assesses an essay, with the mark a teacher's calibration gives it. A calibration learned
    /// for another scheme is an error.
    pub fn report_calibrated(
        &self,
        p: &Prepared,
        calibration: &Calibration,
        essay: &str,
    ) -> Result<Report, CalibrationError> {
        calibration.check_scheme(p)?;
        let mut scored = None;
        let mut report = self.run(p, essay, |report, an| {
            let seen = Observation::new(report, Vec::new());
            scored = Some(calibration.scored(&seen, answer_stems(an).into_iter()));
        });
        report.calibration = scored;
        Ok(report)
    }

    /// The stages in order; `seen` is given the report and the analysed essay at the end.
    fn run(&self, p: &Prepared, essay: &str, seen: impl FnOnce(&Report, &Parsed<'_>)) -> Report {
        let mut lexicon = Lexicon::for_question(&self.stems, &p.vocabulary, &p.words);
        let an = scan(essay, &mut lexicon).resolve(&lexicon);
        let sent_terms = p.scheme.sentence_terms(&an);
        let mut sections = judgement::sections(&an, &p.view);
        let mut argues = sentence_sides(&an, &p.view, &sections);
        let matched = |argues: &[_], ignored| {
            match_points(&self.settings, &p.scheme, &an, &sent_terms, argues, ignored)
        };
        let mut points = matched(&argues, 0..0);
        // A last paragraph read as the conclusion only because it takes a position, but which
        // is the only place a point of the scheme is made, is a body paragraph ending on a
        // judgement of its point: a conclusion weighs the argument made, it does not make one.
        if let Some(last) = sections.position_conclusion(&an) {
            let without = matched(&argues, last);
            let makes_a_point = points.iter().zip(&without).any(|(with, without)| {
                with.status == PointStatus::Covered && without.status != PointStatus::Covered
            });
            if makes_a_point {
                sections.demote_conclusion();
                argues = sentence_sides(&an, &p.view, &sections);
                points = matched(&argues, 0..0);
            }
        }
        let coverage = coverage(&points, &p.scheme);
        let balance = balance(&coverage);
        let structure = judgement::structure(&an, &sections, &points, &p.question_stems);
        let judgement = judgement::judge(&an, &sections, &p.view, &coverage);
        let precision = precision(&an, p.period);
        let words = an.words();
        let flags = flags(
            p,
            &an,
            &coverage,
            &balance,
            &structure,
            &judgement,
            &sent_terms,
        );
        let (level, next_steps) = level::level(
            p, &points, &coverage, &balance, &structure, &judgement, &precision, &flags, words,
        );
        let report = Report {
            engine: ENGINE_VERSION,
            words,
            points,
            coverage,
            balance,
            structure,
            judgement,
            precision,
            level,
            next_steps,
            flags,
            calibration: None,
        };
        seen(&report, &an);
        report
    }
}

/// An answer's content stems for calibration: not stop words or numbers, three letters or
/// more; each once (in the order of their ids, which is cheaper to sort than text).
fn answer_stems<'a>(an: &Parsed<'a>) -> Vec<&'a str> {
    let mut stems: Vec<(StemId, &str)> = an
        .tokens
        .iter()
        .filter(|t| !t.stop && !t.numeric && t.stem.len() >= 3)
        .map(|t| (t.stem_id, t.stem))
        .collect();
    stems.sort_unstable_by_key(|s| s.0);
    stems.dedup_by_key(|s| s.0);
    stems.into_iter().map(|s| s.1).collect()
}

/// Builds an engine whose vocabulary and IDF weights come from the part of a library that
/// every visitor may read: each published question's text, mark scheme and free plan is one
/// document. Drafts and model essays (premium) are left out, so that no score — which moves
/// with these weights — can tell whether a word occurs in text a visitor may not read.
pub fn engine_for_library(lib: &Library) -> Engine {
    let mut builder = Engine::builder();
    for q in &lib.questions {
        builder.learn_question(q);
    }
    builder.build()
}

/// The texts a published question gives the engine's statistics ([`statistics_texts`] of its
/// question, plan and scheme).
pub fn question_texts(q: &studypack_domain::Question) -> Vec<&str> {
    statistics_texts(
        &q.text,
        &q.plan,
        q.mark_scheme.bullets.iter().map(|b| b.text.as_str()),
    )
}

/// The texts one published question gives the engine's statistics, each counted as one
/// document: its question, its plan and each point of its scheme (`bullets`, as written).
pub fn statistics_texts<'a>(
    question: &'a str,
    plan: &'a str,
    bullets: impl IntoIterator<Item = &'a str>,
) -> Vec<&'a str> {
    let mut texts = vec![question, plan];
    for b in bullets {
        texts.extend(studypack_domain::sub_points(b));
    }
    texts
}
