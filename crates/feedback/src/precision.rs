//! Precision: dates, named people and places, figures and quotations, and years outside the
//! question's period.

use studypack_domain::Period;

use crate::fx::FxHashSet;
use crate::report::{OutOfPeriod, Precision, evidence, round2};
use crate::vocabulary::stems::WordId;
use crate::vocabulary::tokens::{LexedToken, Parsed};

/// The words written in lower case anywhere in a text (so common words, even where a title
/// capitalises them: "Treaty", "Power"), sorted and distinct.
pub(crate) fn lower_case_words(an: &Parsed) -> Vec<WordId> {
    let mut v: Vec<WordId> = an
        .tokens
        .iter()
        .filter(|t| !t.capital && !t.all_caps && !t.numeric)
        .map(|t| t.word_id)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Whether the token at `i` of its sentence names someone or something: a capitalised word
/// that does not open the sentence and is not a stop word, or an acronym.
fn is_name(t: &LexedToken, i: usize) -> bool {
    (t.capital && i > 0 && !t.stop && t.word != "i") || (t.all_caps && t.word.len() >= 2)
}

/// Month and day names: capitalised in English, but no name of a person, place or event.
const CALENDAR: &[&str] = &[
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
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The names in a text (people, places, bodies, events) that `keep` keeps, as words (not
/// stems: "Protestant" is no "protest"), sorted and distinct.
pub(crate) fn name_words(an: &Parsed, keep: impl Fn(&str) -> bool) -> Vec<WordId> {
    let mut v: Vec<WordId> = an
        .sentences
        .iter()
        .flat_map(|s| {
            an.tokens[s.tokens.clone()]
                .iter()
                .enumerate()
                .filter(|&(i, t)| {
                    is_name(t, i) && !t.numeric && !CALENDAR.contains(&t.word) && keep(t.word)
                })
                .map(|(_, t)| t.word_id)
        })
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn is_year(t: &LexedToken) -> Option<i32> {
    let w = t.word;
    let digits = w.strip_suffix('s').unwrap_or(w);
    if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = digits.parse().ok()?;
        if (1000..=2100).contains(&y) {
            return Some(y);
        }
    }
    None
}

/// The most out-of-period years a report lists (each with its sentence), so that the report
/// stays small whatever the essay: a student needs the first few to check their dates.
pub const MAX_OUT_OF_PERIOD: usize = 20;

pub(crate) fn precision(an: &Parsed, period: Option<Period>) -> Precision {
    let mut dates = 0;
    let mut named = 0;
    let mut figures = 0;
    let mut out_of_period = Vec::new();
    let mut reported: FxHashSet<(i32, usize)> = FxHashSet::default();
    for (si, s) in an.sentences.iter().enumerate() {
        let toks = &an.tokens[s.tokens.clone()];
        let mut in_name = false;
        for (i, t) in toks.iter().enumerate() {
            if let Some(y) = is_year(t) {
                dates += 1;
                if let Some(p) = period
                    && !p.contains(y)
                    && out_of_period.len() < MAX_OUT_OF_PERIOD
                    && reported.insert((y, si))
                {
                    out_of_period.push(OutOfPeriod {
                        year: y,
                        sentence: evidence(an, si),
                    });
                }
                in_name = false;
                continue;
            }
            if t.numeric
                || matches!(
                    t.word,
                    "million" | "millions" | "billion" | "thousand" | "percent"
                )
            {
                if !(t.numeric
                    && toks
                        .get(i + 1)
                        .is_some_and(|n| matches!(n.word, "million" | "billion" | "thousand")))
                {
                    figures += 1;
                }
                in_name = false;
                continue;
            }
            let is_name = is_name(t, i);
            if is_name && !in_name {
                named += 1;
            }
            in_name = is_name;
        }
    }
    let quotations = count_quotations(an.text);
    let words = an.words().max(1) as f32;
    let per = |n: usize| round2(n as f32 * 100.0 / words);
    Precision {
        dates,
        named,
        figures,
        quotations,
        dates_per_100_words: per(dates),
        named_per_100_words: per(named),
        figures_per_100_words: per(figures),
        quotations_per_100_words: per(quotations),
        out_of_period,
    }
}

/// Quoted spans of three to sixty words: “…”, "…" or ‘…’ (an apostrophe inside a word is not a quote).
fn count_quotations(text: &str) -> usize {
    let mut count = 0;
    let mut from = 0;
    // The opening marks are `"` and, starting with the byte 0xE2, “ and ‘.
    while let Some(at) = memchr::memchr2(b'"', 0xE2, &text.as_bytes()[from..]) {
        let pos = from + at;
        let Some(c) = text[pos..].chars().next() else {
            break;
        };
        from = pos + c.len_utf8();
        let prev = text[..pos].chars().next_back().unwrap_or(' ');
        let close = match c {
            '\u{201C}' => '\u{201D}',
            '"' if !prev.is_alphanumeric() => '"',
            '\u{2018}' if !prev.is_alphanumeric() => '\u{2019}',
            _ => continue,
        };
        // The closing mark within 600 characters, not before a letter or digit, nor after a
        // blank line.
        let mut ahead = text[from..].char_indices();
        let mut found = None;
        for _ in 1..600 {
            let Some((at, d)) = ahead.next() else {
                break;
            };
            let next = ahead.clone().next().map(|x| x.1);
            if d == close && !next.unwrap_or(' ').is_alphanumeric() {
                found = Some(from + at);
                break;
            }
            if d == '\n' && next == Some('\n') {
                break;
            }
        }
        if let Some(at) = found {
            if (3..=60).contains(&text[from..at].split_whitespace().count()) {
                count += 1;
            }
            from = at + close.len_utf8();
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotations_are_counted() {
        for (text, n) in [
            ("He said “this was the end of it” and left.", 1),
            (
                "The \"Secret Speech of 1956\" mattered; “two words” did not.",
                1,
            ),
            ("Stalin’s ‘Great Turn’ of 1929", 0),
            (
                "‘Socialism in one country’ was his aim, ‘and so it stayed’.",
                2,
            ),
            ("a\"b c d\" e", 0),
            ("“open but\n\nnever closed”", 0),
            ("", 0),
        ] {
            assert_eq!(count_quotations(text), n, "{text}");
        }
    }
}
