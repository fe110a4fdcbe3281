//! Events named by a person and one word: "Beria's arrest", "the execution of Bukharin",
//! "Stalin's death", "Wolsey's dismissal". The topic's timeline says who was arrested,
//! executed, dismissed … and when ("Beria is arrested at a meeting of the Presidium",
//! "Death of Henry VII", "Wilhelm II dismisses Bismarck"); a text that dates such an event to a
//! year the timeline contradicts is reported as a `date-conflict`.

use studypack_domain::Topic;
use studypack_feedback::{Analysed, Engine, Token};

use super::{Finding, Severity, Target, years_near};

/// The event nouns the check knows, each with the words a timeline entry may use for it: a
/// closed list of things that happen to one person once.
pub const EVENT_NOUNS: &[(&str, &[&str])] = &[
    ("arrest", &["arrest", "arrests", "arrested"]),
    ("execution", &["execution", "executes", "executed"]),
    ("death", &["death", "dies", "died"]),
    ("dismissal", &["dismissal", "dismisses", "dismissed"]),
    ("assassination", &["assassination", "assassinated"]),
    ("murder", &["murder", "murdered"]),
    ("abdication", &["abdication", "abdicates", "abdicated"]),
    ("exile", &["exile", "exiled"]),
    ("resignation", &["resignation", "resigns", "resigned"]),
    ("accession", &["accession"]),
    ("coronation", &["coronation", "crowned"]),
];

/// Forms whose person is their subject even in the active ("Stalin dies").
const INTRANSITIVE: &[&str] = &[
    "dies",
    "died",
    "abdicates",
    "abdicated",
    "resigns",
    "resigned",
];

/// Words that make a participle passive ("Beria is arrested"): its person is the subject.
const BE: &[&str] = &["is", "are", "was", "were", "be", "been"];

/// One dated event of the timeline that happened to a person.
pub(crate) struct PersonEvent {
    noun: &'static str,
    /// The lowercase words of the person's name as the timeline gives it ("duke",
    /// "northumberland").
    person: Vec<String>,
    year: i32,
    date: String,
    event: String,
}

/// Whether the text between two tokens is only spaces (no comma, bracket or clause break).
fn adjacent(an: &Analysed, a: &Token, b: &Token) -> bool {
    an.text[a.end..b.start].chars().all(char::is_whitespace)
}

/// The capitalised name that starts at `toks[k]` ("Henry VIII", "Duke of Northumberland"):
/// its words without "of", and the index of the token after it.
fn name_at(an: &Analysed, toks: &[Token], k: usize) -> Option<(Vec<String>, usize)> {
    let first = toks.get(k)?;
    if !first.capital || first.stop {
        return None;
    }
    let mut words = vec![first.word.to_string()];
    let mut j = k;
    loop {
        match (toks.get(j + 1), toks.get(j + 2)) {
            (Some(n), _) if n.capital && !n.stop && adjacent(an, &toks[j], n) => {
                words.push(n.word.to_string());
                j += 1;
            }
            (Some(of), Some(n))
                if of.word == "of"
                    && n.capital
                    && adjacent(an, &toks[j], of)
                    && adjacent(an, of, n) =>
            {
                words.push(n.word.to_string());
                j += 2;
            }
            _ => return Some((words, j + 1)),
        }
    }
}

/// Every capitalised name in `toks`.
fn names_in(an: &Analysed, toks: &[Token]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        let starts = toks[k].capital
            && !toks[k].stop
            && !(k > 0 && toks[k - 1].capital && adjacent(an, &toks[k - 1], &toks[k]));
        match name_at(an, toks, k).filter(|_| starts) {
            Some((name, end)) => {
                k = end;
                out.push(name);
            }
            None => k += 1,
        }
    }
    out
}

/// The timeline's events that happened to a person, read with the engine's reader (so names
/// are folded as in the texts checked).
pub(crate) fn person_events(engine: &Engine, topic: &Topic) -> Vec<PersonEvent> {
    let mut out = Vec::new();
    for e in &topic.timeline {
        let an = engine.analyse(&e.event);
        let toks = &an.tokens;
        // Clauses: "Death of Henry VII; accession of Henry VIII."
        let mut bounds = vec![0];
        for k in 1..toks.len() {
            if an.text[toks[k - 1].end..toks[k].start].contains([';', ':']) {
                bounds.push(k);
            }
        }
        bounds.push(toks.len());
        for w in bounds.windows(2) {
            let clause = &toks[w[0]..w[1]];
            for (k, t) in clause.iter().enumerate() {
                let Some((noun, _)) = EVENT_NOUNS
                    .iter()
                    .find(|(_, forms)| forms.contains(&t.word.as_str()))
                else {
                    continue;
                };
                let of = clause.get(k + 1).is_some_and(|n| n.word == "of");
                let persons: Vec<Vec<String>> = if t.word == *noun && of {
                    // "Death of X", "the execution of X".
                    name_at(&an, clause, k + 2)
                        .map(|n| n.0)
                        .into_iter()
                        .collect()
                } else if t.word == *noun {
                    Vec::new()
                } else if INTRANSITIVE.contains(&t.word.as_str())
                    || clause[..k].iter().any(|b| BE.contains(&b.word.as_str()))
                {
                    // "X dies", "X and his family are executed".
                    names_in(&an, &clause[..k])
                } else {
                    // "Y dismisses X".
                    name_at(&an, clause, k + 1)
                        .map(|n| n.0)
                        .into_iter()
                        .collect()
                };
                for person in persons {
                    out.push(PersonEvent {
                        noun,
                        person,
                        year: e.date.year,
                        date: e.date.to_string(),
                        event: e.event.clone(),
                    });
                }
            }
        }
    }
    out
}

/// Whether a token is written with a possessive `'s`.
fn possessive(an: &Analysed, t: &Token) -> bool {
    let raw = &an.text[t.start..t.end];
    raw.ends_with("'s") || raw.ends_with("\u{2019}s")
}

/// The person events of `an` ("X's arrest", "the arrest of X") given a year that none of the
/// timeline's events of that kind for that person has. A person the timeline gives several
/// such events years apart (two Henrys' deaths) is ambiguous and not checked.
pub(crate) fn person_event_conflicts(
    an: &Analysed,
    events: &[PersonEvent],
    target: Target,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if events.is_empty() {
        return out;
    }
    for s in 0..an.sentences.len() {
        let toks = an.sentence_tokens(s);
        for k in 0..toks.len() {
            let Some(noun) = EVENT_NOUNS
                .iter()
                .map(|(n, _)| *n)
                .find(|n| toks[k].word == *n)
            else {
                continue;
            };
            // (the person's words, the first and last token of the phrase)
            let named = if k > 0 && toks[k - 1].capital && possessive(an, &toks[k - 1]) {
                // "Henry VIII's death": the name runs back from the possessive.
                let mut j = k - 1;
                while j > 0
                    && toks[j - 1].capital
                    && !toks[j - 1].stop
                    && adjacent(an, &toks[j - 1], &toks[j])
                {
                    j -= 1;
                }
                Some((
                    toks[j..k].iter().map(|t| t.word.to_string()).collect(),
                    j,
                    k + 1,
                ))
            } else if toks.get(k + 1).is_some_and(|t| t.word == "of") {
                // "the death of Stalin".
                name_at(an, toks, k + 2).map(|(name, end)| (name, k, end))
            } else {
                None
            };
            let Some((person, start, end)) = named else {
                continue;
            };
            let matching: Vec<&PersonEvent> = events
                .iter()
                .filter(|e| e.noun == noun && person.iter().all(|w| e.person.contains(w)))
                .collect();
            let Some(first) = matching.first() else {
                continue;
            };
            let lo = matching.iter().map(|e| e.year).min().unwrap_or(first.year);
            let hi = matching.iter().map(|e| e.year).max().unwrap_or(first.year);
            if hi - lo > 3 {
                continue;
            }
            let near = years_near(an, toks, start, end);
            // Shown from "the" in "the arrest of X".
            let shown = if start > 0 && toks[start - 1].word == "the" && start == k {
                start - 1
            } else {
                start
            };
            if !near.is_empty() && !near.iter().any(|y| (lo..=hi).contains(y)) {
                out.push(Finding {
                    kind: "date-conflict",
                    severity: Severity::Error,
                    message: format!(
                        "“{}” is dated {} here; the topic timeline has {}: {}",
                        &an.text[toks[shown].start..toks[end - 1].end],
                        near.iter()
                            .map(|y| y.to_string())
                            .collect::<Vec<_>>()
                            .join(", "),
                        first.date,
                        first.event
                    ),
                    target,
                    sentence: Some(studypack_feedback::evidence_of(an, s)),
                });
            }
        }
    }
    out
}
