//! Flags: what is wrong with an essay as a whole (one-sided, no conclusion, too short, off
//! topic, a list not prose, copied…).

use crate::copying::{COPY_THRESHOLD, content_stems, overlap};
use crate::matching::SentenceTerms;
use crate::question::Prepared;
use crate::reading::ParagraphKind;
use crate::report::{Balance, Coverage, Judgement, Stance, Structure};
use crate::vocabulary::tokens::Parsed;

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
    if words >= 20
        && c.covered == 0
        && c.partial == 0
        && (question_hits() < 2 || any_term() * 5 < an.sentences.len())
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
