//! Sides: which side of the view each sentence argues, so that a point earns credit only from
//! text that argues its side or argues neither (issue 13 item 3).
//!
//! A sentence argues a side by the same cues the judgement reads: it agrees with the view
//! ("…so his leadership was decisive"), or disagrees with it, by naming another factor as the
//! main one ("The more important reason for victory was…", "Above all, the war was won by the
//! Soviet people"). For a view that there were more similarities than differences (or the
//! reverse), a sentence asserting sameness ("both", "neither", "also", "continued", "shared"…)
//! argues the similarities and one asserting contrast ("whereas", "in contrast", "unlike",
//! "differed", "more … than"…) the differences; a sentence with both, or with neither, argues
//! no side. A sentence with no cue of its own argues the side of its paragraph's opening
//! sentence when that argues one (a body paragraph develops its topic sentence), when it is a
//! body paragraph's and does not concede ("admittedly", "although"…).

use std::sync::LazyLock;

use studypack_domain::Side;

use crate::fx::FxHashMap;

use crate::judgement::{Sections, ViewModel, sentence_stance};
use crate::report::Stance;
use crate::vocabulary::tokens::{LexedToken, Parsed};
use crate::vocabulary::wordlists::{
    AGAINST_THE_VIEW, CONTRAST_CUES, FOR_THE_VIEW, GENERAL_EQUIVALENTS, SAMENESS_CUES,
};

/// The phrases of `FOR_THE_VIEW` (`true`) and `AGAINST_THE_VIEW` (`false`) as words, indexed
/// by their first word.
type SidePhrases = FxHashMap<&'static str, Vec<(Vec<&'static str>, bool)>>;
static SIDE_PHRASES: LazyLock<SidePhrases> = LazyLock::new(|| {
    let mut m: SidePhrases = FxHashMap::default();
    let all = FOR_THE_VIEW
        .iter()
        .map(|p| (p, true))
        .chain(AGAINST_THE_VIEW.iter().map(|p| (p, false)));
    for (p, for_view) in all {
        let words: Vec<&'static str> = p.split(' ').collect();
        m.entry(words[0]).or_default().push((words, for_view));
    }
    m
});

/// The side a sentence says it argues ("the case for the view", "against the view",
/// "outweighed"), if it says one and not both.
fn declared_side(toks: &[LexedToken]) -> Option<Side> {
    let (mut for_view, mut against) = (false, false);
    for (i, t) in toks.iter().enumerate() {
        for (words, side) in SIDE_PHRASES.get(t.word).into_iter().flatten() {
            let here = words
                .iter()
                .enumerate()
                .all(|(k, w)| toks.get(i + k).is_some_and(|t| t.word == *w));
            if here {
                if *side {
                    for_view = true
                } else {
                    against = true
                }
            }
        }
    }
    match (for_view, against) {
        (true, false) => Some(Side::Supporting),
        (false, true) => Some(Side::Challenging),
        _ => None,
    }
}

/// Whether a sentence without cues of its own argues its paragraph's side.
pub(crate) const INHERIT_PARAGRAPH_SIDE: bool = true;

/// How a view sets sameness against difference: the side a sentence asserting sameness
/// argues, if the view compares similarities with differences.
fn sameness_side(view: &ViewModel) -> Option<Side> {
    let (x, y) = view.compared.as_ref()?;
    match (canon(x), canon(y)) {
        ("similar", "differ") => Some(Side::Supporting),
        ("differ", "similar") => Some(Side::Challenging),
        _ => None,
    }
}

/// A stem as the view's comparison reads it ("alik", "similar" and "continu" are one).
fn canon(stem: &str) -> &str {
    GENERAL_EQUIVALENTS
        .iter()
        .find(|(a, _)| *a == stem)
        .map_or(stem, |(_, b)| b)
}

fn opposite(side: Side) -> Side {
    match side {
        Side::Supporting => Side::Challenging,
        Side::Challenging => Side::Supporting,
        Side::Neutral => Side::Neutral,
    }
}

/// Whether the sentence asserts sameness, and whether it asserts contrast.
fn sameness_and_contrast(toks: &[LexedToken]) -> (bool, bool) {
    let same = toks.iter().any(|t| SAMENESS_CUES.contains(&t.word));
    // "more … than", "less … than", and a comparative "more"/"less" before a content word
    // ("Khrushchev was more interested in agriculture").
    let contrast = toks.iter().enumerate().any(|(i, t)| {
        CONTRAST_CUES.contains(&t.word)
            || (t.word == "than"
                && toks[i.saturating_sub(4)..i]
                    .iter()
                    .any(|m| matches!(m.word, "more" | "less" | "greater" | "fewer")))
            || (matches!(t.word, "more" | "less")
                && toks.get(i + 1).is_some_and(|n| !n.stop && !n.numeric))
    });
    (same, contrast)
}

/// Words by which a sentence concedes a point to the other side of its paragraph.
const CONCESSIONS: &[&str] = &[
    "admittedly",
    "although",
    "though",
    "nevertheless",
    "nonetheless",
    "however",
    "yet",
    "but",
    "despite",
];

/// The side each sentence of `an` argues (`None`: neither), for `view`; `sections` tells the
/// body paragraphs, whose sentences may take their opening sentence's side.
pub(crate) fn sentence_sides(
    an: &Parsed,
    view: &ViewModel,
    sections: &Sections,
) -> Vec<Option<Side>> {
    let same_side = sameness_side(view);
    let own: Vec<Option<Side>> = (0..an.sentences.len())
        .map(|s| {
            let toks = an.sentence_tokens(s);
            if let Some(side) = declared_side(toks) {
                return Some(side);
            }
            match sentence_stance(an.text, toks, view) {
                Stance::Agrees => return Some(Side::Supporting),
                Stance::Disagrees => return Some(Side::Challenging),
                _ => {}
            }
            let side = same_side?;
            // A sentence naming the similarities or the differences argues the one it names
            // ("there were also notable differences"), or neither if it names both.
            let (x, y) = view.compared.as_ref()?;
            let names = |stem: &str| toks.iter().any(|t| canon(t.stem) == canon(stem));
            match (names(x), names(y)) {
                (true, false) => return Some(side),
                (false, true) => return Some(opposite(side)),
                (true, true) => return None,
                (false, false) => {}
            }
            match sameness_and_contrast(toks) {
                (true, false) => Some(side),
                (false, true) => Some(opposite(side)),
                _ => None,
            }
        })
        .collect();
    if !INHERIT_PARAGRAPH_SIDE {
        return own;
    }
    let mut sides = own.clone();
    for p in sections.body.iter().map(|&i| &an.paragraphs[i]) {
        let Some(first) = (p.sentences.start < p.sentences.end).then_some(p.sentences.start) else {
            continue;
        };
        let Some(side) = own[first] else { continue };
        for (s, argued) in sides
            .iter_mut()
            .enumerate()
            .take(p.sentences.end)
            .skip(first + 1)
        {
            let concedes = an
                .sentence_tokens(s)
                .iter()
                .any(|t| CONCESSIONS.contains(&t.word));
            if argued.is_none() && !concedes {
                *argued = Some(side);
            }
        }
    }
    sides
}
