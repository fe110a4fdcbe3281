//! Flags: what is wrong with an essay as a whole (one-sided, no conclusion, too short, off
//! topic, a list not prose, copied…).

use crate::copying::{COPY_THRESHOLD, content_stems, overlap};
use crate::matching::SentenceTerms;
use crate::precision::name_words;
use crate::question::Prepared;
use crate::reading::ParagraphKind;
use crate::report::{Balance, Coverage, Judgement, Stance, Structure};
use crate::vocabulary::stems::WordId;
use crate::vocabulary::tokens::Parsed;

/// A mark scheme that names at least this many people, places, bodies or events is one any
/// answer names some of (history schemes name dozens; science and short-answer schemes,
/// which this test leaves alone, name few). Sensitivity in `docs/feedback.md`.
pub(crate) const MIN_SCHEME_NAMES: usize = 8;
/// An essay that names (capitalised, as names) fewer than this many of them, and none of the
/// question's own, is about something else. Sensitivity in `docs/feedback.md`.
pub(crate) const MIN_SHARED_NAMES: usize = 3;

/// How the essay's names meet the question's: (names of the question and scheme, how many
/// of them the essay names, names of the question itself, how many of those it names).
pub(crate) fn name_counts(p: &Prepared, an: &Parsed) -> (usize, usize, usize, usize) {
    let named = name_words(an, |_| true);
    let used = |names: &[WordId]| {
        named
            .iter()
            .filter(|w| names.binary_search(w).is_ok())
            .count()
    };
    (
        p.scheme_names.len(),
        used(&p.scheme_names),
        p.question_names.len(),
        used(&p.question_names),
    )
}

/// The essay names almost none of its mark scheme's people, places and events, and not two
/// (or all) of the question's own, in a question whose scheme names many: it answers another
/// question, whatever ordinary words it shares with this one.
pub(crate) fn answers_another_question(
    (scheme, shared, question, shared_question): (usize, usize, usize, usize),
    min_scheme: usize,
    min_shared: usize,
) -> bool {
    scheme >= min_scheme && shared < min_shared && shared_question < question.min(2)
}

pub(crate) fn flags(
    p: &Prepared,
    an: &Parsed,
    c: &Coverage,
    b: &Balance,
    st: &Structure,
    j: &Judgement,
    sent_terms: &SentenceTerms,
) -> Vec<&'static str> {
    let mut f = Vec::new();
    let words = an.words();
    if b.verdict == "one-sided" {
        f.push("one-sided");
    }
    if !st.introduction.part.present {
        f.push("no-introduction");
    }
    if !st.conclusion.present {
        f.push("no-conclusion");
    }
    if !j.conclusion.is_clear() {
        f.push("no-judgement");
    }
    if matches!(
        (j.introduction, j.conclusion),
        (Stance::Agrees, Stance::Disagrees) | (Stance::Disagrees, Stance::Agrees)
    ) {
        f.push("inconsistent-judgement");
    }
    if words < p.expected_words * 3 / 10 {
        f.push("too-short");
    }
    let question_hits = || {
        an.tokens
            .iter()
            .filter(|t| !t.stop && p.question_stems.binary_search(&t.stem_id).is_ok())
            .count()
    };
    let any_term = || {
        (0..an.sentences.len())
            .filter(|&s| sent_terms.any(s))
            .count()
    };
    let no_point = c.covered == 0 && c.partial == 0;
    if words >= 20
        && ((no_point && (question_hits() < 2 || any_term() * 5 < an.sentences.len()))
            || answers_another_question(name_counts(p, an), MIN_SCHEME_NAMES, MIN_SHARED_NAMES))
    {
        f.push("off-topic");
    }
    let prose_paras = an
        .paragraphs
        .iter()
        .filter(|p| p.kind != ParagraphKind::Heading)
        .count()
        .max(1);
    let bullets = an
        .paragraphs
        .iter()
        .filter(|p| p.kind == ParagraphKind::Bullet)
        .count();
    let stop_ratio = an.tokens.iter().filter(|t| t.stop).count() as f32 / words.max(1) as f32;
    let mean_sentence = words as f32 / an.sentences.len().max(1) as f32;
    if words >= 12
        && (bullets * 2 >= prose_paras
            || stop_ratio < 0.2
            || (an.sentences.len() >= 5 && mean_sentence < 5.0))
    {
        f.push("list-not-prose");
    }
    let stems = if words >= 20 {
        content_stems(an)
    } else {
        Vec::new()
    };
    if words >= 25 && overlap(&stems, &p.model_shingles, 5) >= COPY_THRESHOLD {
        f.push("copied-model-essay");
    }
    if words >= 20 && overlap(&stems, &p.scheme_shingles, 4) >= COPY_THRESHOLD {
        f.push("copied-mark-scheme");
    }
    f
}
