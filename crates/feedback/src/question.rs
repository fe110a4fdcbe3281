//! The question side of an assessment: what the engine is given about a question, and the
//! question prepared once to assess many essays against it.

use std::sync::Arc;

use studypack_domain::{GlossaryEntry, MarkScheme, Period, Rubric};

use crate::copying::{content_stems, shingles};
use crate::fx::FxHashSet;
use crate::judgement::ViewModel;
use crate::matching::PreparedScheme;
use crate::precision::{lower_case_words, name_words};
use crate::vocabulary::stems::{Idf, Layer, Lexicon, StemId, Stems, WordId};
use crate::vocabulary::tokens::scan;

/// The question side of an assessment.
#[derive(Debug, Clone, Copy)]
pub struct QuestionInput<'a> {
    pub text: &'a str,
    pub view: Option<&'a str>,
    pub scheme: &'a MarkScheme,
    pub period: Option<Period>,
    pub rubric: Option<&'a Rubric>,
    pub glossary: &'a [GlossaryEntry],
    /// The question's model essay, only to detect copying; never shown in a report.
    pub model_essay: Option<&'a str>,
    pub marks: Option<u32>,
}

impl<'a> QuestionInput<'a> {
    /// A question known only by its wording and a mark scheme, such as a teacher's own: no
    /// view, period, rubric (so no level), glossary or model essay.
    pub fn bare(text: &'a str, scheme: &'a MarkScheme) -> QuestionInput<'a> {
        QuestionInput {
            text,
            view: None,
            scheme,
            period: None,
            rubric: None,
            glossary: &[],
            model_essay: None,
            marks: None,
        }
    }
}

/// The engine's view of a library question.
pub fn question_input<'a>(
    q: &'a studypack_domain::Question,
    topic: &'a studypack_domain::Topic,
) -> QuestionInput<'a> {
    QuestionInput {
        text: &q.text,
        view: q.view.as_deref(),
        scheme: &q.mark_scheme,
        period: q.period.or(Some(topic.period)),
        rubric: topic.rubric.as_ref(),
        glossary: &topic.glossary,
        model_essay: Some(q.model_essay.as_str()).filter(|m| !m.is_empty()),
        marks: Some(q.marks),
    }
}

/// A question prepared once and assessed against many essays.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The engine's vocabulary when the question was prepared, and the question's own words
    /// above it: the stem ids below refer to these.
    pub(crate) vocabulary: Arc<Layer>,
    pub(crate) words: Layer,
    pub(crate) scheme: PreparedScheme,
    pub(crate) view: ViewModel,
    /// The question's content stems, sorted.
    pub(crate) question_stems: Vec<StemId>,
    /// The names (people, places, bodies, events) the question and its mark scheme use,
    /// sorted: an answer to the question names some of them.
    pub(crate) scheme_names: Vec<WordId>,
    /// Those of them the question itself uses (its people, places and events), sorted.
    pub(crate) question_names: Vec<WordId>,
    pub(crate) period: Option<Period>,
    pub(crate) rubric: Option<Rubric>,
    pub(crate) model_shingles: FxHashSet<u64>,
    pub(crate) scheme_shingles: FxHashSet<u64>,
    pub(crate) expected_words: usize,
}

const COMMAND_STEMS: &[&str] = &[
    "assess", "valid", "view", "extent", "agre", "far", "year", "how", "evalu", "explain",
    "discuss", "signific", "import", "accur",
];

impl Prepared {
    /// The mark scheme's points as the engine reads them (sub-points split), in order: what a
    /// report's `points` list, and what a calibration is learned for.
    pub fn point_texts(&self) -> Vec<String> {
        self.scheme
            .points
            .iter()
            .map(|p| p.text.to_string())
            .collect()
    }

    /// Prepares a question with the engine's vocabulary (`stems`) and IDF weights.
    pub(crate) fn new(stems: &Stems, idf: &Idf, q: &QuestionInput) -> Prepared {
        let question_text = match q.view {
            Some(v) => format!("{} {}", q.text, v),
            None => q.text.to_string(),
        };
        let mut lexicon = Lexicon::new(stems);
        let scheme = PreparedScheme::new(q.scheme, &question_text, q.glossary, &mut lexicon, idf);
        let qa = scan(&question_text, &mut lexicon).resolve(&lexicon);
        let mut question_stems: Vec<StemId> = qa
            .tokens
            .iter()
            .filter(|t| !t.stop && !COMMAND_STEMS.contains(&t.stem))
            .map(|t| t.stem_id)
            .collect();
        question_stems.sort_unstable();
        question_stems.dedup();
        // A name is a word the library never writes in lower case.
        let proper = |w: &str| !idf.written_lower(w);
        let question_names = name_words(&qa, proper);
        let question_lower = lower_case_words(&qa);
        let view_text = q.view.unwrap_or(q.text);
        let view = ViewModel::new(&scan(view_text, &mut lexicon).resolve(&lexicon));
        let model_shingles = q
            .model_essay
            .map(|m| {
                let an = scan(m, &mut lexicon).resolve(&lexicon);
                shingles(&content_stems(&an), 5)
            })
            .unwrap_or_default();
        let scheme_text: Vec<String> = q
            .scheme
            .bullets
            .iter()
            .map(|b| b.text.replace(';', " "))
            .collect();
        let scheme_text = scheme_text.join(". ");
        let an = scan(&scheme_text, &mut lexicon).resolve(&lexicon);
        let scheme_shingles = shingles(&content_stems(&an), 4);
        let mut scheme_names = name_words(&an, proper);
        scheme_names.extend(question_names.iter().copied());
        scheme_names.sort_unstable();
        scheme_names.dedup();
        let mut common = lower_case_words(&an);
        common.extend(question_lower);
        common.sort_unstable();
        scheme_names.retain(|s| common.binary_search(s).is_err());
        let mut question_names = question_names;
        question_names.retain(|s| common.binary_search(s).is_err());
        let marks = q.marks.or(q.rubric.map(|r| r.max_marks)).unwrap_or(25);
        Prepared {
            vocabulary: Arc::clone(stems.vocabulary()),
            words: lexicon.into_layer(),
            scheme,
            view,
            question_stems,
            scheme_names,
            question_names,
            period: q.period,
            rubric: q.rubric.cloned(),
            model_shingles,
            scheme_shingles,
            expected_words: (marks as usize * 30).max(60),
        }
    }
}
