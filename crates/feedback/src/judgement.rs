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
    AGREE_CUES, ASSERTION_FRAMES, BALANCED_CUES, CLAUSE_BREAKS, CONCESSION_FRAMES,
    CONCLUSION_OPENERS, CONTINUING_CONNECTIVES, DISAGREE_CUES, EVALUATIONS, GENERAL_EQUIVALENTS,
    JUDGEMENT_WORDS, NEGATORS, PRIMACY_ADJECTIVES, PRIMACY_CUES, QUESTION_FRAME_WORDS,
    RANKED_NOUNS, Signal,
};

/// Weight of a primacy cue whose clause names the view's factor (+) or another one (−), and
/// of a "more … than" / "rather than" comparison of the factor with another thing.
pub(crate) const PRIMACY_WEIGHT: f32 = 1.0;
/// Weight of a primacy cue whose clause names nothing ("so it was the main reason"), as the
/// plain cues "the main reason", "most important" weigh.
pub(crate) const UNNAMED_WEIGHT: f32 = 0.5;
/// Weight of an assertion frame ("I would argue that…") whose clause names the view's factor
/// and has no other cue.
pub(crate) const FRAME_WEIGHT: f32 = 0.6;
/// Weight of a sentence restating the claim of a view that names no factor ("the Berlin
/// Crisis changed relations"), negated or not, when it has no other cue.
pub(crate) const CLAIM_WEIGHT: f32 = 0.6;
/// Share of such a view's content stems a sentence must contain to restate its claim.
pub(crate) const CLAIM_SHARE: f32 = 0.6;
/// How many words before a hedge ("to some extent") or a limiter ("limited extent", "only
/// partly") an agree cue is taken as qualified by it ("valid to some extent").
pub(crate) const HEDGE_REACH_BACK: usize = 2;
pub(crate) const LIMITER_REACH_BACK: usize = 4;

/// How many words may come between *limited* and *extent* / *degree* for the two to read as
/// "limited extent" ("to a limited, though significant, extent").
pub(crate) const INTERRUPTION: usize = 3;
/// The weight of "limited extent" in the disagree cues.
const LIMITED_EXTENT_WEIGHT: f32 = 1.0;

/// Shortest stem that matches a longer one it begins ("dynast" ~ "dynasti").
pub(crate) const MIN_SHARED_STEM: usize = 5;

/// The view as far as stance needs it: for a comparative view ("more X than Y", "X rather
/// than Y") the two things compared; for a view naming one factor as the main one ("due above
/// all to X", "caused mainly by X", "X was the main reason for…", "was X responsible for…")
/// the factor's stems and the rest of the view's; for any other view its content stems (its
/// claim).
#[derive(Debug, Clone, Default)]
pub(crate) struct ViewModel {
    pub compared: Option<(String, String)>,
    pub factor: Vec<String>,
    pub rest: Vec<String>,
}

/// Whether two stems are the same word or one derives from the other ("dynast", "dynasti"):
/// equal, or one a prefix of the other of at least `MIN_SHARED_STEM` letters.
fn same_stem(a: &str, b: &str) -> bool {
    a == b || {
        let (s, l) = if a.len() < b.len() { (a, b) } else { (b, a) };
        s.len() >= MIN_SHARED_STEM && l.starts_with(s)
    }
}

/// A word of a view's content: not a stop word, number, or word of the question's frame.
fn view_content(t: &LexedToken) -> bool {
    !t.stop
        && !t.numeric
        && !QUESTION_FRAME_WORDS.contains(&t.word)
        && !JUDGEMENT_WORDS.contains(&t.word)
}

fn content_stems(toks: &[LexedToken]) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for t in toks.iter().filter(|t| view_content(t)) {
        let s = canon(t.stem).to_string();
        if !v.contains(&s) {
            v.push(s);
        }
    }
    v
}

/// The concession frames and assertion frames as words.
static CONCESSION_WORDS: LazyLock<Vec<Vec<&'static str>>> = LazyLock::new(|| {
    CONCESSION_FRAMES
        .iter()
        .map(|f| f.split(' ').collect())
        .collect()
});
static FRAME_WORDS: LazyLock<Vec<Vec<&'static str>>> = LazyLock::new(|| {
    ASSERTION_FRAMES
        .iter()
        .map(|f| f.split(' ').collect())
        .collect()
});

/// The ranking cues as words, indexed by their first word.
type RankingCues = FxHashMap<&'static str, Vec<(Vec<&'static str>, f32)>>;
static PRIMACY_BY_FIRST: LazyLock<RankingCues> = LazyLock::new(|| {
    let mut m: RankingCues = FxHashMap::default();
    for (c, s) in PRIMACY_CUES {
        let words: Vec<&'static str> = c.split(' ').collect();
        m.entry(words[0]).or_default().push((words, *s));
    }
    m
});

/// The primacy cue at token `i`: (words, sign).
fn primacy_at(toks: &[LexedToken], i: usize) -> Option<(usize, f32)> {
    let w = toks[i].word;
    // "The most important decision was to…", "the decisive moment was…": the cue ranks the
    // noun it qualifies among its own kind (decisions, moments), not among the causes, unless
    // the noun is one of the ranked nouns ("the most important reason was…").
    let ranks_own_kind = |len: usize| {
        toks.get(i + len)
            .is_some_and(|t| !t.stop && !t.numeric && !RANKED_NOUNS.contains(&t.word))
            && toks
                .get(i + len + 1)
                .is_some_and(|t| matches!(t.word, "was" | "were" | "is" | "are"))
    };
    if PRIMACY_ADJECTIVES.contains(&w) {
        if ranks_own_kind(1) {
            return None;
        }
        let next = &toks[i + 1..(i + 3).min(toks.len())];
        let ranks = next.is_empty()
            || next
                .iter()
                .any(|t| RANKED_NOUNS.contains(&t.word) || matches!(t.word, "was" | "were" | "is"));
        return ranks.then_some((1, 1.0));
    }
    let found = PRIMACY_BY_FIRST
        .get(w)?
        .iter()
        .filter(|(words, _)| words_match(toks, i, words))
        .max_by_key(|(words, _)| words.len())
        .map(|(words, s)| (words.len(), *s))?;
    // "largely valid" grades an evaluation; "mainly when…" ranks a condition; "as important
    // as" ranks nothing.
    let next = toks.get(i + found.0).map(|t| t.word);
    let of_follows = toks.get(i + found.0 + 1).is_some_and(|t| t.word == "of");
    let grades = next.is_some_and(|n| {
        EVALUATIONS.contains(&n) || (CLAUSE_BREAKS.contains(&n) && !(n == "because" && of_follows))
    });
    let equal = (i > 0 && toks[i - 1].word == "as")
        || toks[i.saturating_sub(3)..i]
            .iter()
            .any(|t| t.word == "both");
    (!grades && !equal && !ranks_own_kind(found.0)).then_some(found)
}

/// The factor a view names as the main one, and the rest of its content stems.
fn factor_of(toks: &[LexedToken]) -> Option<(Vec<String>, Vec<String>)> {
    let n = toks.len();
    // "due (above all) to X", "caused (mainly) by X", "the result of X", "because of X"
    for (i, t) in toks.iter().enumerate() {
        let follow = match t.word {
            "due" | "owing" => "to",
            "because" | "result" | "product" | "consequence" => "of",
            "caused" | "driven" | "explained" | "determined" => "by",
            _ => continue,
        };
        if let Some(j) = (i + 1..(i + 4).min(n)).find(|&j| toks[j].word == follow) {
            let factor = content_stems(&toks[j + 1..]);
            if !factor.is_empty() {
                let rest = content_stems(&toks[..i]);
                return Some((
                    factor.clone(),
                    rest.into_iter().filter(|s| !factor.contains(s)).collect(),
                ));
            }
        }
    }
    // "X was the main reason for…", "X was primarily responsible for…"
    for i in 0..n {
        if let Some((len, sign)) = primacy_at(toks, i)
            && sign > 0.0
        {
            let factor = content_stems(&toks[..i]);
            if !factor.is_empty() {
                let rest = content_stems(&toks[i + len..]);
                return Some((
                    factor.clone(),
                    rest.into_iter().filter(|s| !factor.contains(s)).collect(),
                ));
            }
        }
    }
    None
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
        let compared = comparison(&view.tokens).map(|(x, y, _)| (x, y));
        let (factor, rest) = match compared {
            Some(_) => (vec![], vec![]),
            None => {
                factor_of(&view.tokens).unwrap_or_else(|| (vec![], content_stems(&view.tokens)))
            }
        };
        ViewModel {
            compared,
            factor,
            rest,
        }
    }
}

fn words_match(toks: &[LexedToken], i: usize, phrase: &[&str]) -> bool {
    phrase
        .iter()
        .enumerate()
        .all(|(k, w)| toks.get(i + k).is_some_and(|t| t.word == *w))
}

/// "Most decisive of all, …", "Most important of all, …": a sentence that opens by adding the
/// last and greatest item to an argument.
fn climax_opener(toks: &[LexedToken]) -> bool {
    toks.first().is_some_and(|t| t.word == "most")
        && (2..5.min(toks.len())).any(|k| toks[k].word == "all" && toks[k - 1].word == "of")
}

fn negated(toks: &[LexedToken], i: usize) -> bool {
    toks[i.saturating_sub(3)..i]
        .iter()
        .any(|t| NEGATORS.contains(&t.word))
}

/// Whether the cue at `i` is negated: a negator in the three words before it with no content
/// word between ("was not the main reason", not "X, not Y, was responsible").
fn cue_negated(toks: &[LexedToken], i: usize) -> bool {
    for t in toks[i.saturating_sub(3)..i].iter().rev() {
        if NEGATORS.contains(&t.word) {
            return true;
        }
        if !t.stop {
            return false;
        }
    }
    false
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
        .filter(move |c| !narrates_an_act(toks, i, c))
}

/// An agreement verb whose object is a name ("Convocation accepted Henry as Supreme Head",
/// "Gorbachev accepted Solidarity's landslide") narrates what someone did; the writer agrees
/// with a claim, not with a person or body ("I accept that…", "one must accept the view").
fn narrates_an_act(toks: &[LexedToken], i: usize, c: &Cue) -> bool {
    c.kind == CueKind::Agree
        && matches!(c.words[..], ["accept" | "accepted" | "agreed" | "agrees"])
        && toks.get(i + 1).is_some_and(|t| t.capital)
}

/// Clause spans of a sentence: split at `;` and `:` and before a clause break word.
fn clauses(text: &str, toks: &[LexedToken]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut a = 0;
    for k in 1..toks.len() {
        let gap = text.get(toks[k - 1].end..toks[k].start).unwrap_or("");
        let word_break = CLAUSE_BREAKS.contains(&toks[k].word)
            && !(toks[k].word == "because" && toks.get(k + 1).is_some_and(|t| t.word == "of"));
        let and_clause = gap.contains(',') && matches!(toks[k].word, "and" | "or");
        if gap.contains([';', ':']) || word_break || and_clause {
            spans.push((a, k));
            a = k;
        }
    }
    spans.push((a, toks.len()));
    spans
}

/// What `toks[range]` names: the view's factor (not negated), the factor denied ("not X"),
/// something else.
fn names(
    toks: &[LexedToken],
    range: std::ops::Range<usize>,
    view: &ViewModel,
    skip: &[bool],
) -> (bool, bool, bool, usize) {
    let (mut named, mut denied, mut other) = (Vec::new(), false, false);
    for k in range {
        let t = &toks[k];
        if skip[k] || !view_content(t) {
            continue;
        }
        let s = canon(t.stem);
        if let Some(f) = view.factor.iter().find(|f| same_stem(f, s)) {
            let s = f.as_str();
            if toks[k.saturating_sub(2)..k]
                .iter()
                .any(|x| NEGATORS.contains(&x.word))
            {
                denied = true;
            } else if !named.contains(&s) {
                named.push(s);
            }
        } else if !view.rest.iter().any(|r| same_stem(r, s)) && t.signal != Some(Signal::Analysis) {
            // connectives ("nevertheless", "because") name nothing
            other = true;
        }
    }
    // The factor is named when at least half its stems are, or some are and nothing else is
    // ("security came first" for "the need to secure his dynasty"; not "his foreign policy
    // setbacks" for "the failure of his agricultural policies").
    let factor = named.len() * 2 >= view.factor.len() || (!named.is_empty() && !other);
    (!named.is_empty() && factor, denied, other, named.len())
}

fn sentence_lean(text: &str, toks: &[LexedToken], view: &ViewModel) -> Lean {
    let mut l = Lean::default();
    let n = toks.len();
    let factor_view = !view.factor.is_empty();
    // Where the sentence asks ("whether", "if") or quotes the view ("the view that…").
    let asked_from = toks
        .iter()
        .position(|t| matches!(t.word, "whether" | "if"))
        .unwrap_or(n);
    let quoted_from = toks
        .windows(3)
        .position(|x| {
            x[0].word == "the"
                && matches!(
                    x[1].word,
                    "view" | "claim" | "argument" | "idea" | "suggestion" | "interpretation"
                )
                && x[2].word == "that"
        })
        .map_or(n, |p| p + 3)
        .min(asked_from);
    // A conceded case ("There is a strong case that…") ranks nothing for the writer.
    let conceded_from = CONCESSION_WORDS
        .iter()
        .filter_map(|words| (0..n).find(|&i| words_match(toks, i, words)))
        .min()
        .unwrap_or(n);
    let quoted_from = quoted_from.min(conceded_from);
    let primacy: Vec<Option<(usize, f32)>> = (0..n).map(|i| primacy_at(toks, i)).collect();
    let is_primacy_span =
        |i: usize, len: usize| (i..(i + len).min(n)).any(|k| primacy[k].is_some());
    // Hedged positions ("partly valid", "to some extent") are balanced: the words they cover,
    // and an agree cue just before them ("valid to some extent"), do not count again as
    // agreement or disagreement. A hedge after "only" is a limiter ("only partly"), which the
    // disagree cues carry. A limiter likewise qualifies an agree cue just before it.
    let mut hedged = vec![false; n];
    let mut qualified = vec![false; n];
    let mut hedged_clause_at = vec![false; n];
    for i in 0..n {
        for cue in cues_at(toks, i) {
            let limiter = cue.kind == CueKind::Disagree
                && (cue.words.contains(&"limited") || cue.words[0] == "only");
            if cue.kind == CueKind::Balanced {
                if i == 0 || toks[i - 1].word != "only" {
                    l.balanced += 1.0;
                }
                for h in hedged.iter_mut().skip(i).take(cue.words.len() + 2) {
                    *h = true;
                }
                for q in &mut qualified[i.saturating_sub(HEDGE_REACH_BACK)..i] {
                    *q = true;
                }
                hedged_clause_at[i] = true;
            } else if limiter {
                for q in &mut qualified[i.saturating_sub(LIMITER_REACH_BACK)..i] {
                    *q = true;
                }
                hedged_clause_at[i] = true;
            }
        }
    }
    let mut evaluates = false;
    for i in 0..n {
        if hedged[i] {
            continue;
        }
        for cue in cues_at(toks, i) {
            if cue.kind == CueKind::Balanced || (factor_view && is_primacy_span(i, cue.words.len()))
            {
                continue;
            }
            if i < asked_from {
                evaluates = true;
            }
            match cue.kind {
                CueKind::Agree if qualified[i] => {}
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
    // An interrupted limiter: "to a limited, though significant, extent" weighs as "limited
    // extent" (which is read as a cue when uninterrupted).
    for i in 0..n {
        if toks[i].word == "limited"
            && !hedged[i]
            && (i + 2..(i + 2 + INTERRUPTION).min(n))
                .any(|k| matches!(toks[k].word, "extent" | "degree"))
            && toks
                .get(i + 1)
                .is_none_or(|t| !matches!(t.word, "extent" | "degree"))
        {
            l.neg += LIMITED_EXTENT_WEIGHT;
            evaluates = evaluates || i < asked_from;
        }
    }
    if restates_question(toks) && !evaluates {
        return Lean::default();
    }
    if let Some((vx, vy)) = &view.compared {
        compared_lean(toks, vx, vy, &mut l);
    }
    if factor_view {
        factor_lean(
            text,
            toks,
            view,
            &primacy,
            &hedged_clause_at,
            quoted_from,
            &mut l,
        );
    } else if view.compared.is_none() && !view.rest.is_empty() && l.pos + l.neg == 0.0 {
        claim_lean(toks, view, quoted_from, &mut l);
    }
    // "X and Y both weakened him", "both X and Y explain it": the view's factor and another
    // thing given equal weight, when nothing else in the sentence takes a side.
    if factor_view
        && l.pos + l.neg == 0.0
        && toks.iter().any(|t| t.word == "both")
        && toks.iter().any(|t| t.word == "and")
    {
        let skip = vec![false; n];
        let (_, _, other, named) = names(toks, 0..quoted_from, view, &skip);
        if named > 0 && other {
            l.balanced += 1.0;
        }
    }
    l
}

/// A view naming one factor: primacy cues and comparisons, clause by clause, and assertion
/// frames.
fn factor_lean(
    text: &str,
    toks: &[LexedToken],
    view: &ViewModel,
    primacy: &[Option<(usize, f32)>],
    hedged_clause_at: &[bool],
    quoted_from: usize,
    l: &mut Lean,
) {
    let n = toks.len();
    let mut skip = vec![false; n];
    for (i, p) in primacy.iter().enumerate() {
        if let Some((len, _)) = p {
            for s in &mut skip[i..(i + len).min(n)] {
                *s = true;
            }
        }
    }
    let add = |v: f32, l: &mut Lean| {
        if v > 0.0 {
            l.pos += v
        } else if v < 0.0 {
            l.neg -= v
        }
    };
    let before = l.pos + l.neg;
    for (a, b) in clauses(text, toks) {
        let b = b.min(quoted_from);
        if a >= b {
            continue;
        }
        let hedged_clause = (a..b).any(|k| hedged_clause_at[k] || toks[k].word == "limited");
        // "X was more important than Y", "X rather than Y", "less … than".
        let than = (a..b).find_map(|k| {
            (toks[k].word == "than")
                .then(|| {
                    (k.saturating_sub(3).max(a)..k)
                        .find(|&j| matches!(toks[j].word, "more" | "rather" | "less" | "greater"))
                        .map(|m| (m, k))
                })
                .flatten()
        });
        if let Some((m, k)) = than {
            // The side that names more of the factor is the one ranked.
            let (_, da, _, ca) = names(toks, a..m, view, &skip);
            let (_, db, _, cb) = names(toks, k + 1..b, view, &skip);
            let ca = if da { 0 } else { ca };
            let cb = if db { 0 } else { cb };
            let sign = if toks[m].word == "less" { -1.0 } else { 1.0 };
            let v: f32 = match ca.cmp(&cb) {
                std::cmp::Ordering::Greater => 1.0,
                std::cmp::Ordering::Less => -1.0,
                std::cmp::Ordering::Equal => 0.0,
            };
            let v = if negated(toks, m) { -v } else { v };
            add(v * sign * PRIMACY_WEIGHT, l);
            continue;
        }
        if let Some(k) = (a..b).find(|&k| primacy[k].is_some()) {
            let (_, sign) = primacy[k].unwrap();
            let (f, d, o, _) = names(toks, a..b, view, &skip);
            let v: f32 = if f && !d {
                1.0
            } else if d || o {
                -1.0
            } else {
                // Nothing named ("so he was the main reason"): the plain cue's weight.
                UNNAMED_WEIGHT / PRIMACY_WEIGHT
            };
            let v = if cue_negated(toks, k) { -v } else { v } * sign;
            // A hedged clause ("responsible to some extent") does not rank its factor first.
            if !(hedged_clause && v > 0.0) {
                add(v * PRIMACY_WEIGHT, l);
            }
        }
    }
    if l.pos + l.neg == before && before == 0.0 {
        for words in FRAME_WORDS.iter() {
            if let Some(i) = (0..n).find(|&i| words_match(toks, i, words)) {
                let e = i + words.len();
                let end = clauses(text, toks)
                    .into_iter()
                    .find(|&(a, b)| a <= e && e < b)
                    .map_or(n, |(_, b)| b)
                    .min(quoted_from);
                let (f, d, _, _) = names(toks, e..end.max(e), view, &skip);
                if d {
                    l.neg += FRAME_WEIGHT;
                } else if f {
                    l.pos += FRAME_WEIGHT;
                }
                break;
            }
        }
    }
}

/// A view that names no factor and compares nothing: a sentence with no other cue that
/// restates its claim (most of its content stems) agrees, or disagrees when a negator comes
/// among them ("did not change relations", "changed little").
fn claim_lean(toks: &[LexedToken], view: &ViewModel, quoted_from: usize, l: &mut Lean) {
    let n = quoted_from.min(toks.len());
    let hits: Vec<usize> = (0..n)
        .filter(|&k| view_content(&toks[k]) && view.rest.iter().any(|r| r == canon(toks[k].stem)))
        .collect();
    let mut distinct: Vec<&str> = hits.iter().map(|&k| canon(toks[k].stem)).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if (distinct.len() as f32) < CLAIM_SHARE * view.rest.len() as f32 {
        return;
    }
    let (first, last) = (hits[0], *hits.last().unwrap());
    let negation = toks[first.saturating_sub(3)..(last + 3).min(n)]
        .iter()
        .any(|t| NEGATORS.contains(&t.word));
    if negation {
        l.neg += CLAIM_WEIGHT;
    } else {
        l.pos += CLAIM_WEIGHT;
    }
}

/// A comparative view ("more X than Y"): the same or the reverse comparison, "outweighs",
/// and "X were more profound".
fn compared_lean(toks: &[LexedToken], vx: &str, vy: &str, l: &mut Lean) {
    let is_x = |t: &LexedToken| canon(t.stem) == vx;
    let is_y = |t: &LexedToken| canon(t.stem) == vy;
    let has = |r: &[LexedToken], is: &dyn Fn(&LexedToken) -> bool| r.iter().any(is);
    if let Some((x, y, _)) = comparison(toks) {
        if x == vx && y == vy {
            l.pos += 1.5;
        } else if x == vy && y == vx {
            l.neg += 1.5;
        } else if let Some(k) = toks.iter().position(|t| t.word == "than") {
            // "changed the style of leadership more than its substance": the sides of "than".
            let (a, b) = (&toks[..k], &toks[k + 1..]);
            if has(a, &is_x) && has(b, &is_y) && !has(a, &is_y) {
                l.pos += 1.5;
            } else if has(a, &is_y) && has(b, &is_x) && !has(a, &is_x) {
                l.neg += 1.5;
            }
        }
    } else if let Some(k) =
        (0..toks.len()).find(|&k| primacy_at(toks, k).is_some_and(|(_, s)| s > 0.0))
    {
        // "mostly about style", "mainly a change of substance": the one side named.
        if has(toks, &is_x) != has(toks, &is_y) {
            let v = if has(toks, &is_x) { 1.0 } else { -1.0 };
            let v = if negated(toks, k) { -v } else { v };
            if v > 0.0 {
                l.pos += PRIMACY_WEIGHT
            } else {
                l.neg += PRIMACY_WEIGHT
            }
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

/// The words without which a sentence carries no lean: the first words of the ranking cues
/// and assertion frames, the ranking adjectives, and the words of comparisons. (The first
/// words of the plain cues are marked on the tokens; "outweigh…" and a claim view's own
/// words are checked apart.)
static LEAN_TRIGGERS: LazyLock<crate::fx::FxHashSet<&'static str>> = LazyLock::new(|| {
    PRIMACY_CUES
        .iter()
        .map(|(c, _)| *c)
        .chain(ASSERTION_FRAMES.iter().copied())
        .filter_map(|c| c.split(' ').next())
        .chain(PRIMACY_ADJECTIVES.iter().copied())
        .chain([
            "than", "both", "more", "less", "greater", "deeper", "stronger", "limited",
        ])
        .collect()
});

/// Whether a sentence may carry a lean at all: [`sentence_lean`] is zero without one of
/// these words, so most body sentences are passed over at the cost of a look-up per word.
fn may_lean(toks: &[LexedToken], view: &ViewModel) -> bool {
    let claim = view.factor.is_empty() && view.compared.is_none();
    toks.iter().enumerate().any(|(i, t)| {
        cues_at(toks, i).next().is_some()
            || LEAN_TRIGGERS.contains(t.word)
            || t.word.starts_with("outweigh")
            || (claim && view.rest.iter().any(|r| r == canon(t.stem)))
    })
}

/// The stance one sentence takes toward the view, read as a paragraph of one sentence is.
pub(crate) fn sentence_stance(text: &str, toks: &[LexedToken], view: &ViewModel) -> Stance {
    if !may_lean(toks, view) {
        return Stance::Unclear;
    }
    classify(sentence_lean(text, toks, view))
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
    /// Whether the conclusion is the last paragraph read as one only because it takes a
    /// position (no "Conclusion" heading, no concluding opener): the engine checks that it
    /// weighs the argument rather than makes a point of its own ([`Sections::demote_conclusion`]).
    pub conclusion_by_position: bool,
}

impl Sections {
    /// The sentences of a conclusion found only by its position, if there is one.
    pub(crate) fn position_conclusion(&self, an: &Parsed) -> Option<std::ops::Range<usize>> {
        match (self.conclusion_by_position, self.conclusion.as_slice()) {
            (true, &[last]) => Some(an.paragraphs[last].sentences.clone()),
            _ => None,
        }
    }

    /// Reads the conclusion as the last body paragraph: the essay has no conclusion.
    pub(crate) fn demote_conclusion(&mut self) {
        self.body.append(&mut self.conclusion);
        self.conclusion_by_position = false;
    }
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
            conclusion_by_position: false,
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
    let mut conclusion_by_position = false;
    if conclusion.is_empty() {
        let last = *prose.last().unwrap();
        let first_sentence = an.paragraphs[last].sentences.start;
        let takes_position = || {
            paragraph_lean(an, &[last], view, &mut Vec::new())
                .map(classify)
                .is_some_and(Stance::is_clear)
        };
        // A paragraph that opens on its judgement of the view concludes, unless it opens by
        // adding to or turning from the paragraph before ("However, …"); one that judges only
        // further on may be a body paragraph ending on the verdict of its point.
        let opens_on_position = || {
            let toks = an.sentence_tokens(first_sentence);
            let continues = CONTINUING_CONNECTIVES.iter().any(|c| {
                c.split(' ')
                    .enumerate()
                    .all(|(k, w)| toks.get(k).is_some_and(|t| t.word == w))
            }) || climax_opener(toks);
            !continues && sentence_stance(an.text, toks, view).is_clear()
        };
        if opens_conclusion(an, first_sentence) || opens_on_position() {
            conclusion.push(last);
        } else if takes_position() {
            conclusion.push(last);
            conclusion_by_position = true;
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
        conclusion_by_position,
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
            let l = sentence_lean(an.text, an.sentence_tokens(s), view);
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
#[cfg(test)]
mod narrated_acts {
    use super::*;
    use crate::vocabulary::stems::{Lexicon, Stems};
    use crate::vocabulary::tokens::scan;

    /// Issue 13: "Convocation accepted Henry as Supreme Head" narrates an act, so the
    /// Cromwell essay's praemunire sentence argues no side (it read as agreeing with the
    /// view, took the supporting side and lost its challenging points); "I accept that…"
    /// still agrees.
    #[test]
    fn accepting_a_name_is_not_agreeing_with_the_view() {
        let stems = Stems::default();
        let stance = |view: &str, s: &str| {
            let mut lx = Lexicon::new(&stems);
            let view = ViewModel::new(&scan(view, &mut lx).resolve(&lx));
            let mut lx = Lexicon::new(&stems);
            let an = scan(s, &mut lx).resolve(&lx);
            sentence_stance(s, an.sentence_tokens(0), &view)
        };
        let view = "Thomas Cromwell was responsible for the break with Rome.";
        assert_ne!(
            stance(
                view,
                "In 1530–1531 the whole clergy were charged with praemunire, and in February 1531 Convocation accepted Henry as Supreme Head 'as far as the law of Christ allows'."
            ),
            Stance::Agrees
        );
        assert_eq!(
            stance(
                view,
                "I accept that Cromwell was responsible for the break."
            ),
            Stance::Agrees
        );
    }
}
