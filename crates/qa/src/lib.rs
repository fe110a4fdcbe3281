//! Editorial QA: checks a question's plan and model essay before students see them.
//!
//! The checker works from rules and the topic's own reference data — its timeline of dated
//! events and its list of who held which office when — not from a list of known mistakes:
//!
//! - `judgement-mismatch`: the plan and the essay conclude opposite ways, or a text's
//!   introduction and conclusion do;
//! - `date-conflict`: a named event (a multi-word name from the timeline, such as "Secret
//!   Speech" or "20th Party Congress"), or an event named by a person and one word ("Beria's
//!   arrest", "the execution of Bukharin"; the nouns are [`EVENT_NOUNS`]), given a year the
//!   timeline contradicts;
//! - `office-conflict`: a person credited with an action in a year in which they held none of
//!   their listed offices;
//! - `out-of-period`: a year outside the question's period used without words of context;
//! - `low-coverage`, `too-short`, `one-sided`: from the feedback engine's reading of the essay.

mod events;
mod plan;

pub use events::EVENT_NOUNS;
pub use plan::generate_plan;

use serde::Serialize;
use studypack_domain::{Question, Topic};
use studypack_feedback::{Analysed, Engine, Evidence, PointStatus, Stance, Token, question_input};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Plan,
    ModelEssay,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub kind: &'static str,
    pub severity: Severity,
    pub message: String,
    pub target: Target,
    /// The sentence concerned, with byte offsets into the target text.
    pub sentence: Option<Evidence>,
}

/// The shortest model essay that is not flagged, in words.
pub const MIN_ESSAY_WORDS: usize = 600;
/// The shortest plan that is not flagged, in words.
pub const MIN_PLAN_WORDS: usize = 150;

/// Checks a question's plan and model essay.
pub fn check(engine: &Engine, q: &Question, topic: &Topic) -> Vec<Finding> {
    let mut input = question_input(q, topic);
    input.model_essay = None; // the essay is what is checked, not a copy of something
    let prepared = engine.prepare(&input);
    let mut out = Vec::new();
    let texts = [
        (Target::ModelEssay, q.model_essay.as_str()),
        (Target::Plan, q.plan.as_str()),
    ];
    let mut conclusions = Vec::new();
    let person_events = events::person_events(engine, topic);
    for (target, text) in texts {
        if text.trim().is_empty() {
            continue;
        }
        let report = engine.report(&prepared, text);
        let an = engine.analyse(text);
        let (intro, concl) = (report.judgement.introduction, report.judgement.conclusion);
        if opposite(intro, concl) {
            out.push(Finding {
                kind: "judgement-mismatch",
                severity: Severity::Error,
                message: format!(
                    "The introduction {} the view but the conclusion {} it.",
                    verb(intro),
                    verb(concl)
                ),
                target,
                sentence: report.judgement.evidence.last().cloned(),
            });
        }
        conclusions.push((target, concl, report.judgement.evidence.last().cloned()));
        out.extend(date_conflicts(&an, topic, target));
        out.extend(events::person_event_conflicts(&an, &person_events, target));
        out.extend(office_conflicts(&an, topic, target));
        if let Some(period) = q.period.or(Some(topic.period)) {
            for o in &report.precision.out_of_period {
                let text = o.sentence.text.to_lowercase();
                let context = CONTEXT_WORDS
                    .iter()
                    .any(|w| text.split(|c: char| !c.is_alphanumeric()).any(|x| x == *w));
                if !context {
                    out.push(Finding {
                        kind: "out-of-period",
                        severity: Severity::Info,
                        message: format!("{} lies outside the question's period ({}–{}) and is used as evidence, not as context.", o.year, period.start, period.end),
                        target,
                        sentence: Some(o.sentence.clone()),
                    });
                }
            }
        }
        let min = if target == Target::ModelEssay {
            MIN_ESSAY_WORDS
        } else {
            MIN_PLAN_WORDS
        };
        if report.words < min {
            out.push(Finding {
                kind: "too-short",
                severity: Severity::Warning,
                message: format!("{} words; at least {min} are expected.", report.words),
                target,
                sentence: None,
            });
        }
        if target == Target::ModelEssay {
            if report.flags.contains(&"one-sided") {
                out.push(Finding {
                    kind: "one-sided",
                    severity: Severity::Warning,
                    message: "The essay argues only one side of the mark scheme.".into(),
                    target,
                    sentence: None,
                });
            }
            for b in 0..report.coverage.bullets_total {
                let points: Vec<_> = report.points.iter().filter(|p| p.bullet == b).collect();
                if !points.is_empty() && points.iter().all(|p| p.status == PointStatus::Missing) {
                    out.push(Finding {
                        kind: "low-coverage",
                        severity: Severity::Warning,
                        message: format!(
                            "No point of this mark-scheme bullet is made: {}",
                            q.mark_scheme.bullets[b].text
                        ),
                        target,
                        sentence: None,
                    });
                }
            }
        }
    }
    if let [(_, essay, _), (_, plan, plan_ev)] = conclusions.as_slice()
        && opposite(*essay, *plan)
    {
        out.push(Finding {
                kind: "judgement-mismatch",
                severity: Severity::Error,
                message: format!("The plan's conclusion {} the view but the model essay's conclusion {} it: students get opposite advice.", verb(*plan), verb(*essay)),
                target: Target::Plan,
                sentence: plan_ev.clone(),
            });
    }
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then((a.target as u8).cmp(&(b.target as u8)))
            .then(
                a.sentence
                    .as_ref()
                    .map(|s| s.start)
                    .cmp(&b.sentence.as_ref().map(|s| s.start)),
            )
    });
    out
}

fn opposite(a: Stance, b: Stance) -> bool {
    matches!(
        (a, b),
        (Stance::Agrees, Stance::Disagrees) | (Stance::Disagrees, Stance::Agrees)
    )
}

fn verb(s: Stance) -> &'static str {
    match s {
        Stance::Agrees => "agrees with",
        Stance::Disagrees => "disagrees with",
        Stance::Balanced => "is balanced on",
        _ => "takes no clear position on",
    }
}

/// Words that show a year is background rather than evidence.
const CONTEXT_WORDS: &[&str] = &[
    "since",
    "before",
    "background",
    "earlier",
    "origins",
    "origin",
    "legacy",
    "already",
    "until",
    "previously",
    "long",
    "roots",
    "inherited",
    "prior",
    "after",
];

fn year_of(t: &Token) -> Option<i32> {
    (t.numeric && t.word.len() == 4)
        .then(|| t.word.parse().ok())
        .flatten()
}

/// A named event: the lowercase words of a multi-word capitalised name in a timeline entry.
struct Anchor {
    words: Vec<String>,
    /// The years of every timeline entry that mentions all the name's words: an event that
    /// runs over several entries (a blockade begun and lifted) may be dated within them.
    years: (i32, i32),
    date: String,
    event: String,
}

fn anchors(topic: &Topic) -> Vec<Anchor> {
    let mut found: Vec<Anchor> = Vec::new();
    for e in &topic.timeline {
        let words: Vec<&str> = e
            .event
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
            .filter(|w| !w.is_empty())
            .collect();
        let mut i = 0;
        while i < words.len() {
            let starts_name = |w: &str| {
                w.chars().next().is_some_and(|c| c.is_uppercase())
                    || (w.chars().next().is_some_and(|c| c.is_ascii_digit())
                        && (w.ends_with("th")
                            || w.ends_with("st")
                            || w.ends_with("nd")
                            || w.ends_with("rd")))
            };
            if i > 0 && starts_name(words[i]) {
                let mut j = i;
                while j < words.len()
                    && (starts_name(words[j])
                        || (j > i
                            && j + 1 < words.len()
                            && matches!(words[j], "of" | "the")
                            && starts_name(words[j + 1])))
                {
                    j += 1;
                }
                // "Order No. 227": the number is part of the name.
                if j < words.len()
                    && words[j - 1].eq_ignore_ascii_case("no")
                    && words[j].chars().all(|c| c.is_ascii_digit())
                {
                    j += 1;
                }
                if j - i >= 2 {
                    found.push(Anchor {
                        words: words[i..j].iter().map(|w| w.to_lowercase()).collect(),
                        years: (e.date.year, e.date.year),
                        date: e.date.to_string(),
                        event: e.event.clone(),
                    });
                }
                i = j.max(i + 1);
            } else {
                i += 1;
            }
        }
    }
    // People are not events: drop names made of an office holder's names or ending in a
    // regnal number ("James IV").
    let person_words: Vec<String> = topic
        .offices
        .iter()
        .flat_map(|o| {
            o.person
                .split_whitespace()
                .map(|w| w.to_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    let regnal = |w: &str| !w.is_empty() && w.chars().all(|c| matches!(c, 'i' | 'v' | 'x'));
    found.retain(|a| {
        !a.words
            .iter()
            .all(|w| person_words.contains(w) || regnal(w))
            && !a
                .words
                .last()
                .is_some_and(|w| regnal(w.trim_end_matches("'s")))
    });
    for a in &mut found {
        for e in &topic.timeline {
            let text = e.event.to_lowercase();
            if a.words.iter().all(|w| text.contains(w.as_str())) {
                a.years = (a.years.0.min(e.date.year), a.years.1.max(e.date.year));
            }
        }
    }
    // A name that the timeline dates to more than one year is ambiguous: not an anchor.
    let ambiguous: Vec<Vec<String>> = found
        .iter()
        .filter(|a| a.years.1 - a.years.0 > 3)
        .map(|a| a.words.clone())
        .collect();
    found.retain(|a| !ambiguous.contains(&a.words));
    found.dedup_by(|a, b| a.words == b.words);
    found
}

fn matches_at(toks: &[Token], i: usize, words: &[String]) -> bool {
    let lower = |t: &Token| t.word.replace('-', "");
    words.iter().enumerate().all(|(k, w)| {
        toks.get(i + k)
            .is_some_and(|t| lower(t) == w.replace(['-', '\''], ""))
    })
}

/// The years attached to the words `toks[i..end]`: just after them ("the Secret Speech of
/// 1958", "… Speech (1958)") or just before them ("the 1958 Secret Speech"), with no
/// conjunction or clause break between.
fn years_near(an: &Analysed, toks: &[Token], i: usize, end: usize) -> Vec<i32> {
    let breaks = |t: &Token| matches!(t.word.as_str(), "and" | "but" | "while" | "whereas" | "or");
    let joined =
        |a: usize, b: usize| !an.text[a.min(b)..a.max(b)].contains([';', '.', ':', '–', '—']);
    let (name_start, name_end) = (toks[i].start, toks[end - 1].end);
    let mut near: Vec<i32> = toks[end..(end + 3).min(toks.len())]
        .iter()
        .take_while(|t| !breaks(t))
        .filter(|t| joined(name_end, t.start))
        .filter_map(year_of)
        .collect();
    near.extend(
        toks[i.saturating_sub(2)..i]
            .iter()
            .rev()
            .take_while(|t| !breaks(t) && (t.stop || year_of(t).is_some()))
            .filter(|t| {
                joined(t.end, name_start) && !an.text[t.end..name_start].contains([')', ','])
            })
            .filter_map(year_of),
    );
    near
}

fn date_conflicts(an: &Analysed, topic: &Topic, target: Target) -> Vec<Finding> {
    let anchors = anchors(topic);
    let mut out = Vec::new();
    for s in 0..an.sentences.len() {
        let toks = an.sentence_tokens(s);
        for a in &anchors {
            for i in 0..toks.len() {
                if !matches_at(toks, i, &a.words) {
                    continue;
                }
                let end = i + a.words.len();
                let near = years_near(an, toks, i, end);
                if !near.is_empty() && !near.iter().any(|y| (a.years.0..=a.years.1).contains(y)) {
                    out.push(Finding {
                        kind: "date-conflict",
                        severity: Severity::Error,
                        message: format!(
                            "“{}” is dated {} here; the topic timeline has {}: {}",
                            &an.text[toks[i].start..toks[end - 1].end],
                            near.iter()
                                .map(|y| y.to_string())
                                .collect::<Vec<_>>()
                                .join(", "),
                            a.date,
                            a.event
                        ),
                        target,
                        sentence: Some(studypack_feedback::evidence_of(an, s)),
                    });
                }
            }
        }
    }
    out
}

/// Offices that make their holder a leader.
const LEADING_OFFICES: &[&str] = &[
    "general secretary",
    "first secretary",
    "chairman of the council",
    "premier",
    "prime minister",
    "president",
    "chancellor",
    "king",
    "queen",
    "tsar",
    "emperor",
    "monarch",
    "lord protector",
    "head of state",
    "head of government",
    "leader",
];

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Words that make a person the agent of an action.
fn is_action(t: &Token) -> bool {
    let w = t.word.as_str();
    !t.stop && (w.ends_with("ing") || w.ends_with("ed")) && w.len() > 4
        || matches!(
            w,
            "set"
                | "made"
                | "began"
                | "led"
                | "ran"
                | "took"
                | "gave"
                | "won"
                | "built"
                | "founded"
                | "created"
                | "abolished"
        )
}

fn office_conflicts(an: &Analysed, topic: &Topic, target: Target) -> Vec<Finding> {
    // Surname → the person's offices.
    let mut people: Vec<(Vec<String>, Vec<&studypack_domain::Office>)> = Vec::new();
    // Leaders only: a minister's listed posts rarely cover a whole career, a leader's do.
    let leaders: Vec<&str> = topic
        .offices
        .iter()
        .filter(|o| {
            let office = o.office.to_lowercase();
            LEADING_OFFICES.iter().any(|w| office.contains(w))
        })
        .map(|o| o.person.as_str())
        .collect();
    for o in topic
        .offices
        .iter()
        .filter(|o| leaders.contains(&o.person.as_str()))
    {
        // A person is named by surname, or by name and number for a monarch ("Henry VIII").
        let names: Vec<String> = o
            .person
            .split_whitespace()
            .map(|w| w.to_lowercase())
            .collect();
        let key: Vec<String> = match names.as_slice() {
            [.., first, last] if last.chars().all(|c| matches!(c, 'i' | 'v' | 'x')) => {
                vec![first.clone(), last.clone()]
            }
            [.., last] if last.len() >= 3 => vec![last.clone()],
            _ => continue,
        };
        match people.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(o),
            None => people.push((key, vec![o])),
        }
    }
    let mut out = Vec::new();
    for s in 0..an.sentences.len() {
        let toks = an.sentence_tokens(s);
        for (yi, t) in toks.iter().enumerate() {
            let Some(year) = year_of(t) else { continue };
            // The year must date the action ("… in 1952", "in March 1952"), not its object
            // ("after 1934", "the purges of 1937").
            let dated = toks[yi.saturating_sub(3)..yi]
                .iter()
                .rev()
                .take_while(|p| {
                    p.word == "in"
                        || p.word == "early"
                        || p.word == "late"
                        || MONTHS.contains(&p.word.as_str())
                        || p.numeric
                })
                .any(|p| p.word == "in");
            if !dated {
                continue;
            }
            // The nearest person before the year, with an action between them.
            let window = &toks[yi.saturating_sub(12)..yi];
            let named_at = |k: usize, key: &[String]| {
                key.iter().enumerate().all(|(d, w)| {
                    window
                        .get(k + d)
                        .is_some_and(|t| t.capital && t.word == w.as_str())
                })
            };
            let Some((pi, (_, offices))) = (0..window.len()).rev().find_map(|k| {
                people
                    .iter()
                    .find(|(key, _)| named_at(k, key))
                    .map(|p| (k + p.0.len() - 1, p))
            }) else {
                continue;
            };
            if !window[pi + 1..].iter().any(is_action) {
                continue;
            }
            let held = offices
                .iter()
                .any(|o| o.start.year <= year && o.end.is_none_or(|e| e.year >= year));
            if !held {
                let first = offices
                    .iter()
                    .min_by_key(|o| o.start)
                    .expect("a listed person has an office");
                out.push(Finding {
                    kind: "office-conflict",
                    severity: Severity::Error,
                    message: format!(
                        "{} is credited with an action in {year}, but held none of the offices the topic lists for him or her then (first: {} from {}).",
                        first.person, first.office, first.start
                    ),
                    target,
                    sentence: Some(studypack_feedback::evidence_of(an, s)),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
