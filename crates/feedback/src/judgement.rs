//! Structure (introduction, body, conclusion) and judgement: the stance of the introduction
//! and the conclusion toward the view in the question.

use crate::fx::FxHashMap;
use std::sync::LazyLock;

use crate::coverage::side_share;
use crate::reading::ParagraphKind;
use crate::report::evidence;
use crate::report::*;
use crate::vocabulary::stems::StemId;
use crate::vocabulary::tokens::{LexedToken, Parsed};
use crate::vocabulary::wordlists::{
    AGREE_CUES, BALANCED_CUES, CONCLUSION_OPENERS, DISAGREE_CUES, GENERAL_EQUIVALENTS, NEGATORS,
    Signal,
};

/// The view as far as stance needs it: for a comparative view ("more X than Y", "X rather
/// than Y") the two things compared.
#[derive(Debug, Clone, Default)]
pub(crate) struct ViewModel {
    pub compared: Option<(String, String)>,
}

fn canon(stem: &str) -> &str {
    GENERAL_EQUIVALENTS
        .iter()
        .find(|(a, _)| *a == stem)
        .map(|(_, b)| *b)
        .unwrap_or(stem)
}

/// Finds "more … X than Y" or "X rather than Y" in tokens: (X, Y) stems.
fn comparison(toks: &[LexedToken]) -> Option<(String, String, usize)> {
    for (i, t) in toks.iter().enumerate() {
        let is_than = t.word == "than";
        if !is_than {
            continue;
        }
        let rather = i > 0 && toks[i - 1].word == "rather";
        let has_more = toks[i.saturating_sub(5)..i]
            .iter()
            .any(|x| matches!(x.word, "more" | "greater" | "stronger" | "deeper"));
        if !rather && !has_more {
            continue;
        }
        let x = toks[i.saturating_sub(4)..i]
            .iter()
            .rev()
            .find(|x| !x.stop && !x.numeric)?;
        let y = toks[i + 1..(i + 5).min(toks.len())]
            .iter()
            .find(|y| !y.stop && !y.numeric)?;
        return Some((canon(x.stem).to_string(), canon(y.stem).to_string(), i));
    }
    None
}

impl ViewModel {
    /// The model of an analysed view.
    pub(crate) fn new(view: &Parsed) -> ViewModel {
        ViewModel {
            compared: comparison(&view.tokens).map(|(x, y, _)| (x, y)),
        }
    }
}

fn words_match(toks: &[LexedToken], i: usize, phrase: &[&str]) -> bool {
    phrase
        .iter()
        .enumerate()
        .all(|(k, w)| toks.get(i + k).is_some_and(|t| t.word == *w))
}

fn negated(toks: &[LexedToken], i: usize) -> bool {
    toks[i.saturating_sub(3)..i]
        .iter()
        .any(|t| NEGATORS.contains(&t.word))
}

/// Sentences that restate the question rather than answer it ("This essay will assess
/// whether…", "…the view that…") unless they also take a position.
fn restates_question(toks: &[LexedToken]) -> bool {
    let frames = toks.iter().any(|t| {
        matches!(
            t.word,
            "assess" | "consider" | "examine" | "explore" | "discuss" | "whether" | "question"
        )
    }) || toks
        .windows(3)
        .any(|x| x[0].word == "the" && x[1].word == "view" && x[2].word == "that");
    let takes_position = toks.iter().any(|t| {
        matches!(
            t.word,
            "argue"
                | "argues"
                | "conclude"
                | "concludes"
                | "agree"
                | "agrees"
                | "disagree"
                | "disagrees"
                | "accept"
                | "reject"
        )
    });
    frames && !takes_position
}

#[derive(Debug, Default, Clone, Copy)]
struct Lean {
    pos: f32,
    neg: f32,
    balanced: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CueKind {
    Agree,
    Disagree,
    Balanced,
}

struct Cue {
    words: Vec<&'static str>,
    weight: f32,
    kind: CueKind,
    /// The cue itself starts with a negator ("cannot be sustained"): it is not flipped.
    negator_led: bool,
}

/// Every judgement cue, indexed by its first word.
static CUES: LazyLock<FxHashMap<&'static str, Vec<Cue>>> = LazyLock::new(|| {
    let mut m: FxHashMap<&'static str, Vec<Cue>> = FxHashMap::default();
    let all = AGREE_CUES
        .iter()
        .map(|(c, w)| (*c, *w, CueKind::Agree))
        .chain(
            DISAGREE_CUES
                .iter()
                .map(|(c, w)| (*c, *w, CueKind::Disagree)),
        )
        .chain(BALANCED_CUES.iter().map(|c| (*c, 1.0, CueKind::Balanced)));
    for (text, weight, kind) in all {
        let words: Vec<&'static str> = text.split(' ').collect();
        let negator_led = NEGATORS.contains(&words[0]);
        m.entry(words[0]).or_default().push(Cue {
            words,
            weight,
            kind,
            negator_led,
        });
    }
    m
});

/// The cues whose words start at token `i`.
fn cues_at<'a>(toks: &'a [LexedToken], i: usize) -> impl Iterator<Item = &'static Cue> + 'a {
    let t = &toks[i];
    t.starts_cue
        .then(|| CUES.get(t.word))
        .flatten()
        .into_iter()
        .flatten()
        .filter(move |c| words_match(toks, i, &c.words))
}

fn sentence_lean(toks: &[LexedToken], view: &ViewModel) -> Lean {
    let mut l = Lean::default();
    if restates_question(toks) {
        return l;
    }
    // Hedged positions ("partly valid", "to some extent") are balanced: the words they cover
    // do not count again as agreement or disagreement.
    let mut hedged = vec![false; toks.len()];
    for i in 0..toks.len() {
        for cue in cues_at(toks, i).filter(|c| c.kind == CueKind::Balanced) {
            l.balanced += 1.0;
            // the hedge and the two words after it ("partly valid", "to some extent agree")
            for h in hedged.iter_mut().skip(i).take(cue.words.len() + 2) {
                *h = true;
            }
        }
    }
    for (i, &hedged) in hedged.iter().enumerate() {
        if hedged {
            continue;
        }
        for cue in cues_at(toks, i) {
            match cue.kind {
                CueKind::Agree if negated(toks, i) => l.neg += cue.weight,
                CueKind::Agree => l.pos += cue.weight,
                CueKind::Disagree if !cue.negator_led && negated(toks, i) => {
                    l.pos += cue.weight * 0.5
                }
                CueKind::Disagree => l.neg += cue.weight,
                CueKind::Balanced => {}
            }
        }
    }
    if let Some((vx, vy)) = &view.compared {
        let is_x = |t: &LexedToken| canon(t.stem) == vx;
        let is_y = |t: &LexedToken| canon(t.stem) == vy;
        if let Some((x, y, _)) = comparison(toks) {
            if &x == vx && &y == vy {
                l.pos += 1.5;
            } else if &x == vy && &y == vx {
                l.neg += 1.5;
            }
        }
        for (i, t) in toks.iter().enumerate() {
            if t.word.starts_with("outweigh") {
                // "X outweighs Y"; the passive "X is outweighed by Y" reads the other way.
                let passive = toks.get(i + 1).is_some_and(|n| n.word == "by");
                let before = toks[..i].iter().rev().find(|x| is_x(x) || is_y(x));
                let after = toks[i + 1..].iter().find(|x| is_x(x) || is_y(x));
                let sign = match (before, after) {
                    (Some(b), _) if is_x(b) => 1.0,
                    (Some(b), _) if is_y(b) => -1.0,
                    (None, Some(a)) if is_y(a) => 1.0,
                    (None, Some(a)) if is_x(a) => -1.0,
                    _ => 0.0,
                };
                let sign = if negated(toks, i) != passive {
                    -sign
                } else {
                    sign
                };
                if sign > 0.0 {
                    l.pos += 1.5
                } else if sign < 0.0 {
                    l.neg += 1.5
                }
            }
            if matches!(t.word, "more" | "greater" | "deeper" | "stronger")
                && toks.get(i + 1).is_none_or(|n| n.word != "than")
            {
                // "the similarities were more profound": the compared thing just before.
                if let Some(b) = toks[i.saturating_sub(3)..i]
                    .iter()
                    .rev()
                    .find(|x| is_x(x) || is_y(x))
                {
                    if toks[i + 1..(i + 4).min(toks.len())]
                        .iter()
                        .any(|x| x.word == "than")
                    {
                        continue;
                    }
                    if is_x(b) { l.pos += 1.0 } else { l.neg += 1.0 }
                }
            }
        }
    }
    l
}

fn classify(l: Lean) -> Stance {
    let net = l.pos - l.neg;
    if l.pos + l.neg < 0.4 {
        return if l.balanced > 0.0 {
            Stance::Balanced
        } else {
            Stance::Unclear
        };
    }
    if l.balanced > 0.0 && net.abs() < 1.0 {
        return Stance::Balanced;
    }
    if net >= 0.4 {
        Stance::Agrees
    } else if net <= -0.4 {
        Stance::Disagrees
    } else {
        Stance::Balanced
    }
}

/// Whether `text`, lowercased, starts with `prefix`, which is lowercase ASCII.
fn starts_with_lowercase(text: &str, prefix: &str) -> bool {
    match text.as_bytes().get(..prefix.len()) {
        Some(head) if head.is_ascii() => head.eq_ignore_ascii_case(prefix.as_bytes()),
        // For an ASCII prefix, lowercasing the start of the text character by character is
        // the same as lowercasing all of it first.
        _ => text
            .chars()
            .flat_map(char::to_lowercase)
            .take(prefix.chars().count())
            .eq(prefix.chars()),
    }
}

/// Whether sentence `s` opens with a concluding phrase (in any case).
fn opens_conclusion(an: &Parsed, s: usize) -> bool {
    let text = an.sentence_text(s);
    CONCLUSION_OPENERS
        .iter()
        .any(|o| starts_with_lowercase(text, o))
}

fn part(an: &Parsed, paras: &[usize]) -> Part {
    match (paras.first(), paras.last()) {
        (Some(&a), Some(&b)) => Part {
            present: true,
            paragraph: Some(a),
            start: Some(an.paragraphs[a].start),
            end: Some(an.paragraphs[b].end),
        },
        _ => Part {
            present: false,
            paragraph: None,
            start: None,
            end: None,
        },
    }
}

/// Paragraph indexes of the introduction, body and conclusion.
pub(crate) struct Sections {
    pub introduction: Vec<usize>,
    pub body: Vec<usize>,
    pub conclusion: Vec<usize>,
}

/// Finds the introduction, body and conclusion of a text. Without a "Conclusion" heading,
/// the last paragraph concludes only if it says so ("In conclusion", "Overall", …) or takes
/// a position on the view; otherwise the essay has no conclusion (it stopped after a body
/// paragraph).
pub(crate) fn sections(an: &Parsed, view: &ViewModel) -> Sections {
    let prose: Vec<usize> = an.prose_paragraphs().map(|(i, _)| i).collect();
    if prose.len() < 2 {
        return Sections {
            introduction: vec![],
            body: prose,
            conclusion: vec![],
        };
    }
    // A "Conclusion" heading: everything after it concludes.
    let heading = an
        .paragraphs
        .iter()
        .enumerate()
        .rev()
        .find(|(i, p)| {
            *i > prose[0]
                && p.kind == ParagraphKind::Heading
                && an.text[p.start..p.end].to_lowercase().contains("conclu")
        })
        .map(|(i, _)| i);
    let intro = vec![prose[0]];
    let mut conclusion: Vec<usize> = match heading {
        Some(h) => prose.iter().copied().filter(|&i| i > h).collect(),
        None => vec![],
    };
    if conclusion.is_empty() {
        let last = *prose.last().unwrap();
        let first_sentence = an.paragraphs[last].sentences.start;
        let takes_position = || {
            paragraph_lean(an, &[last], view, &mut Vec::new())
                .map(classify)
                .is_some_and(Stance::is_clear)
        };
        if opens_conclusion(an, first_sentence) || takes_position() {
            conclusion.push(last);
        }
    }
    let body = prose
        .iter()
        .copied()
        .filter(|i| !intro.contains(i) && !conclusion.contains(i))
        .collect();
    Sections {
        introduction: intro,
        body,
        conclusion,
    }
}

/// The structure of a text; `question_stems` are the question's content stems, sorted.
pub(crate) fn structure(
    an: &Parsed,
    sections: &Sections,
    points: &[PointResult],
    question_stems: &[StemId],
) -> Structure {
    let intro = &sections.introduction;
    let addresses_question = intro.first().is_some_and(|&i| {
        let p = &an.paragraphs[i];
        let toks = &an.tokens[an.sentences[p.sentences.start].tokens.start
            ..an.sentences[p.sentences.end - 1].tokens.end];
        let mut hit: Vec<StemId> = toks
            .iter()
            .map(|t| t.stem_id)
            .filter(|s| question_stems.binary_search(s).is_ok())
            .collect();
        hit.sort_unstable();
        hit.dedup();
        !question_stems.is_empty() && hit.len() * 10 >= question_stems.len() * 3
    });
    let body = sections
        .body
        .iter()
        .map(|&pi| {
            let p = &an.paragraphs[pi];
            let opening = p.sentences.start..(p.sentences.start + 2).min(p.sentences.end);
            let point = points
                .iter()
                .filter(|pt| {
                    pt.status != PointStatus::Missing
                        && pt.evidence.iter().any(|e| opening.contains(&e.sentence))
                })
                .max_by(|a, b| a.score.total_cmp(&b.score).then(b.id.cmp(&a.id)))
                .map(|pt| pt.id);
            let toks = &an.tokens[an.sentences[p.sentences.start].tokens.start
                ..an.sentences[p.sentences.end - 1].tokens.end];
            let analysis_words = toks
                .iter()
                .filter(|t| t.signal == Some(Signal::Analysis))
                .count();
            let narrative_words = toks
                .iter()
                .filter(|t| t.signal == Some(Signal::Narrative) || (t.numeric && t.word.len() == 4))
                .count();
            let kind = if analysis_words >= narrative_words && analysis_words > 0 {
                "analytical"
            } else if narrative_words > analysis_words * 2 {
                "narrative"
            } else {
                "mixed"
            };
            BodyParagraph {
                paragraph: pi,
                start: p.start,
                end: p.end,
                point,
                analysis_words,
                narrative_words,
                kind,
            }
        })
        .collect();
    Structure {
        paragraphs: an.prose_paragraphs().count(),
        introduction: Introduction {
            part: part(an, intro),
            addresses_question,
        },
        body,
        conclusion: part(an, &sections.conclusion),
    }
}

fn paragraph_lean(
    an: &Parsed,
    paras: &[usize],
    view: &ViewModel,
    ev: &mut Vec<Evidence>,
) -> Option<Lean> {
    if paras.is_empty() {
        return None;
    }
    let mut total = Lean::default();
    for &pi in paras {
        for s in an.paragraphs[pi].sentences.clone() {
            let l = sentence_lean(an.sentence_tokens(s), view);
            let k = if opens_conclusion(an, s) { 1.5 } else { 1.0 };
            if l.pos + l.neg + l.balanced > 0.0 {
                ev.push(evidence(an, s));
            }
            total.pos += l.pos * k;
            total.neg += l.neg * k;
            total.balanced += l.balanced;
        }
    }
    Some(total)
}

pub(crate) fn judge(an: &Parsed, sections: &Sections, view: &ViewModel, c: &Coverage) -> Judgement {
    let mut ev = Vec::new();
    let intro_stance = paragraph_lean(an, &sections.introduction, view, &mut ev)
        .map(classify)
        .unwrap_or(Stance::Absent);
    let concl_stance = paragraph_lean(an, &sections.conclusion, view, &mut ev)
        .map(classify)
        .unwrap_or(Stance::Absent);
    let consistent = intro_stance.is_clear()
        && concl_stance.is_clear()
        && !matches!(
            (intro_stance, concl_stance),
            (Stance::Agrees, Stance::Disagrees) | (Stance::Disagrees, Stance::Agrees)
        );
    let earned = |s: &SideCoverage| s.covered as f32 + 0.5 * s.partial as f32;
    let (sup, cha) = (earned(&c.supporting), earned(&c.challenging));
    let substantiated = match concl_stance {
        Stance::Agrees => {
            sup >= 2.0
                && (side_share(&c.supporting) >= side_share(&c.challenging) * 0.6
                    || c.challenging.total == 0)
        }
        Stance::Disagrees => {
            cha >= 2.0
                && (side_share(&c.challenging) >= side_share(&c.supporting) * 0.6
                    || c.supporting.total == 0)
        }
        Stance::Balanced => sup >= 1.0 && cha >= 1.0,
        _ => false,
    };
    ev.dedup_by_key(|e| e.sentence);
    Judgement {
        introduction: intro_stance,
        conclusion: concl_stance,
        consistent,
        substantiated,
        evidence: ev,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_start_with_cue_words() {
        assert!(
            CUES.keys()
                .all(|w| crate::vocabulary::wordlists::starts_cue(w))
        );
    }

    #[test]
    fn lowercase_prefixes() {
        for (text, expected) in [
            ("In conclusion, yes.", true),
            ("IN CONCLUSION", true),
            ("In conclusio", false),
            ("İn conclusion", false),
            ("In conclusión", false),
            ("IN CONCLUSION É", true),
            ("É", false),
        ] {
            assert_eq!(
                starts_with_lowercase(text, "in conclusion"),
                text.to_lowercase().starts_with("in conclusion"),
                "{text}"
            );
            assert_eq!(
                starts_with_lowercase(text, "in conclusion"),
                expected,
                "{text}"
            );
        }
    }
}
