//! Importer for revision-site pages in the scraped plain-text format of `shared/seed/`:
//! a question, `Level` / `Year Examined` / `Topic` labels each followed by a value, a
//! "Complete Model Essay", the site's marketing block, a "Free Essay Plan" and
//! "Extracts from Mark Schemes" with supporting and challenging bullets.

use crate::error::ContentError;
use crate::model::*;
use crate::scheme_text::{bullet_text, heading_side};
use crate::text::{fold_ascii, normalise_label};

/// Everything a page holds, as found on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrapedPage {
    pub question: String,
    pub level: Level,
    pub year: u16,
    pub topic: String,
    pub model_essay: String,
    pub plan: String,
    pub supporting: Vec<String>,
    pub challenging: Vec<String>,
}

/// Whether a text looks like a scraped page rather than an authoring-format file.
pub fn looks_like_page(text: &str) -> bool {
    let head: String = text.chars().take(200).collect();
    head.trim_start().starts_with("top of page")
        || (text.contains("Year Examined") && text.contains("Extracts from Mark Schemes"))
}

/// Lines that belong to the site's chrome and marketing, never to the content.
fn is_chrome(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    l.is_empty()
        || l == "top of page"
        || l == "bottom of page"
        || l.starts_with("note: history study pack")
        || l.starts_with("score big with")
        || l.starts_with("prepare effortlessly")
        || l == "history study pack."
        || l == "history study pack"
        || l.starts_with("1200+ model essays")
        || l.starts_with("exam boards covered")
}

/// Where the model essay stops: the first marketing line.
fn ends_essay(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    l.starts_with("note: history study pack")
        || l.starts_with("score big with")
        || is_marker(line, "free essay plan")
}

/// A section marker such as "👑Complete Model Essay" or "🍃 Free Essay Plan": the line is the
/// marker's words, perhaps behind an emoji.
fn is_marker(line: &str, words: &str) -> bool {
    let l: String = line.chars().filter(|c| c.is_ascii()).collect();
    normalise_label(&l) == words
}

fn words_only(s: &str) -> String {
    fold_ascii(s)
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses a page. Every part that is missing is named in the error.
pub fn parse_page(file: &str, text: &str) -> Result<ScrapedPage, ContentError> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            (
                i + 1,
                l.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'),
            )
        })
        .collect();
    let find = |pred: &dyn Fn(&str) -> bool, from: usize| {
        lines
            .iter()
            .skip(from)
            .position(|(_, l)| pred(l))
            .map(|p| p + from)
    };
    let mut missing: Vec<&str> = Vec::new();

    let level_at = find(&|l| l == "Level", 0);
    let value_after = |label_at: Option<usize>| -> Option<(usize, &str)> {
        let i = label_at?;
        lines[i + 1..]
            .iter()
            .find(|(_, l)| !l.is_empty())
            .map(|(n, l)| (*n, *l))
    };
    // The question: the content lines before the "Level" label.
    let question = match level_at {
        Some(i) => lines[..i]
            .iter()
            .filter(|(_, l)| !is_chrome(l))
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()
            .join(" "),
        None => String::new(),
    };
    if question.is_empty() {
        missing.push("the question (the text before the 'Level' label)");
    }
    let level = match value_after(level_at) {
        Some((n, v)) => Some(
            v.parse::<Level>()
                .map_err(|e| ContentError::new(file, e.0).at_line(n).field("Level"))?,
        ),
        None => {
            missing.push("'Level' followed by the level");
            None
        }
    };
    let year_at = find(&|l| l == "Year Examined", 0);
    let year = match value_after(year_at) {
        Some((n, v)) => Some(
            v.parse::<u16>()
                .ok()
                .filter(|y| (1900..=2100).contains(y))
                .ok_or_else(|| {
                    ContentError::new(file, format!("expected a year, found {v:?}"))
                        .at_line(n)
                        .field("Year Examined")
                })?,
        ),
        None => {
            missing.push("'Year Examined' followed by the year");
            None
        }
    };
    let topic_at = find(&|l| l == "Topic", 0);
    let topic = value_after(topic_at).map(|(_, v)| v.to_string());
    if topic.is_none() {
        missing.push("'Topic' followed by the topic");
    }

    let qwords = words_only(&question);
    let is_question_repeat = |l: &str| !qwords.is_empty() && words_only(l) == qwords;

    let essay_at = find(&|l| is_marker(l, "complete model essay"), 0);
    let plan_at = find(&|l| is_marker(l, "free essay plan"), essay_at.unwrap_or(0));
    let scheme_at = find(
        &|l| is_marker(l, "extracts from mark schemes"),
        plan_at.or(essay_at).unwrap_or(0),
    );

    let collect = |from: usize, stop: &dyn Fn(&str) -> bool| -> String {
        let mut paras: Vec<String> = Vec::new();
        let mut started = false;
        for (_, l) in &lines[from..] {
            if stop(l) {
                break;
            }
            if is_chrome(l) {
                continue;
            }
            if !started && is_question_repeat(l) {
                continue;
            }
            started = true;
            paras.push(as_markdown(l));
        }
        paras.join("\n\n")
    };
    let model_essay = match essay_at {
        Some(i) => collect(i + 1, &|l| {
            ends_essay(l) || is_marker(l, "extracts from mark schemes")
        }),
        None => String::new(),
    };
    if essay_at.is_none() {
        missing.push("the 'Complete Model Essay' section");
    } else if model_essay.is_empty() {
        missing.push("the text of the model essay");
    }
    let plan = match plan_at {
        Some(i) => collect(i + 1, &|l| is_marker(l, "extracts from mark schemes")),
        None => String::new(),
    };
    if plan_at.is_none() {
        missing.push("the 'Free Essay Plan' section");
    } else if plan.is_empty() {
        missing.push("the text of the essay plan");
    }

    let mut supporting = Vec::new();
    let mut challenging = Vec::new();
    if let Some(i) = scheme_at {
        let mut side: Option<Side> = None;
        for (n, l) in &lines[i + 1..] {
            if is_chrome(l) {
                continue;
            }
            if let Some(b) = bullet_text(l) {
                match side {
                    Some(Side::Supporting) => supporting.push(b.to_string()),
                    Some(Side::Challenging) => challenging.push(b.to_string()),
                    _ => {
                        return Err(ContentError::new(file, "a mark-scheme bullet before 'Arguments supporting the view' or 'Arguments challenging the view'")
                            .at_line(*n)
                            .field("Extracts from Mark Schemes"));
                    }
                }
            } else if let Some(s) = heading_side(l) {
                side = Some(s);
            }
        }
    } else {
        missing.push("the 'Extracts from Mark Schemes' section");
    }
    if scheme_at.is_some() && supporting.is_empty() {
        missing.push("the mark scheme's 'Arguments supporting the view' bullets");
    }
    if scheme_at.is_some() && challenging.is_empty() {
        missing.push("the mark scheme's 'Arguments challenging the view' bullets");
    }

    if !missing.is_empty() {
        return Err(ContentError::new(
            file,
            format!("not a complete page: missing {}", missing.join("; ")),
        ));
    }
    Ok(ScrapedPage {
        question,
        level: level.expect("checked above"),
        year: year.expect("checked above"),
        topic: topic.expect("checked above"),
        model_essay,
        plan,
        supporting,
        challenging,
    })
}

/// A page line as Markdown: short title-like lines become headings; numbered titles
/// become third-level headings so they are not read as lists.
fn as_markdown(line: &str) -> String {
    let words = line.split_whitespace().count();
    let ends_sentence = line.ends_with(['.', '?', '!', ':', ';', ',', '\'', '’', '"', '”']);
    let text = line.trim_start_matches('#').trim();
    if words <= 10 && !ends_sentence {
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && text[digits..].starts_with(". ") {
            return format!("### {text}");
        }
        return format!("## {text}");
    }
    text.to_string()
}

fn board_prefix(board: Option<Board>) -> &'static str {
    match board {
        Some(Board::Aqa) => "aqa",
        Some(Board::Ocr) => "ocr",
        Some(Board::CambridgeInternational) => "cie",
        Some(Board::PearsonEdexcel) => "edexcel",
        Some(Board::WjecEduqas) => "eduqas",
        None => "q",
    }
}

/// The view a question quotes: the text between the opening quotation marks at its start.
pub fn quoted_view(question: &str) -> Option<String> {
    let q = question.trim();
    let (open, close) = match q.chars().next()? {
        '‘' => ('‘', '’'),
        '“' => ('“', '”'),
        '\'' => ('\'', '\''),
        '"' => ('"', '"'),
        _ => return None,
    };
    let rest = &q[open.len_utf8()..];
    // The closing mark is the one followed by a space or the end, not an apostrophe inside a word.
    let mut idx = None;
    for (i, c) in rest.char_indices() {
        if c == close {
            let next = rest[i + c.len_utf8()..].chars().next();
            if next.is_none_or(|n| n.is_whitespace()) {
                idx = Some(i);
                break;
            }
        }
    }
    let view = rest[..idx?].trim();
    (!view.is_empty()).then(|| view.to_string())
}

/// The period a question names: "the years 1941 to 1964", "1941–1964", "from 1941 to 1964".
pub fn named_period(question: &str) -> Option<Period> {
    let q = fold_ascii(question);
    let years: Vec<(usize, i32)> = q
        .char_indices()
        .filter(|(i, _)| *i == 0 || !q.as_bytes()[i - 1].is_ascii_digit())
        .filter_map(|(i, _)| {
            let s = q.get(i..i + 4)?;
            let after = q.as_bytes().get(i + 4);
            (s.bytes().all(|b| b.is_ascii_digit()) && after.is_none_or(|b| !b.is_ascii_digit()))
                .then(|| (i, s.parse().ok()))
                .and_then(|(i, y)| y.map(|y| (i, y)))
        })
        .collect();
    for w in years.windows(2) {
        let between = q[w[0].0 + 4..w[1].0].trim().to_lowercase();
        if matches!(between.as_str(), "to" | "-" | "and") {
            return Period::new(w[0].1, w[1].1).ok();
        }
    }
    None
}

/// A short title for a question: its view, or its text, cut at about ten words.
pub fn short_title(question: &str) -> String {
    let base = quoted_view(question).unwrap_or_else(|| question.to_string());
    let base = base.trim_end_matches(['.', '?', '!']).to_string();
    let words: Vec<&str> = base.split_whitespace().collect();
    if words.len() <= 12 {
        words.join(" ")
    } else {
        format!("{}…", words[..10].join(" "))
    }
}

/// Turns a parsed page into a question, placing it in a known topic when the page's topic
/// matches one (by title or alias); otherwise a new topic is made from the page.
pub fn to_question(
    file: &str,
    page: &ScrapedPage,
    known: &[Topic],
) -> Result<(Option<Topic>, Question), ContentError> {
    let period = named_period(&page.question);
    let (topic, new_topic) = match known.iter().find(|t| t.is_called(&page.topic)) {
        Some(t) => {
            if let Some(l) = t.level
                && l != page.level
            {
                return Err(ContentError::new(
                    file,
                    format!(
                        "the page says {} but topic '{}' in the library is {}",
                        page.level, t.slug, l
                    ),
                )
                .field("Level"));
            }
            (t.clone(), false)
        }
        None => {
            let topic_period = named_period(&page.topic).or(period).unwrap_or(Period {
                start: page.year as i32 - 100,
                end: page.year as i32,
            });
            (
                Topic {
                    slug: Slug::from_words("", &page.topic, 12),
                    title: page.topic.clone(),
                    aliases: vec![],
                    board: None,
                    level: Some(page.level),
                    subject: "History".into(),
                    period: topic_period,
                    component: None,
                    rubric: None,
                    glossary: vec![],
                    timeline: vec![],
                    offices: vec![],
                },
                true,
            )
        }
    };
    let view = quoted_view(&page.question);
    let prefix = format!("{}-{}", board_prefix(topic.board), page.year);
    let slug = Slug::from_words(&prefix, view.as_deref().unwrap_or(&page.question), 8);
    let mut bullets: Vec<SchemeBullet> = Vec::new();
    bullets.extend(page.supporting.iter().map(|t| SchemeBullet {
        side: Side::Supporting,
        text: t.clone(),
    }));
    bullets.extend(page.challenging.iter().map(|t| SchemeBullet {
        side: Side::Challenging,
        text: t.clone(),
    }));
    let question = Question {
        slug,
        title: short_title(&page.question),
        topic: topic.slug.clone(),
        year: page.year,
        marks: topic.rubric.as_ref().map(|r| r.max_marks).unwrap_or(25),
        command: command_wording(&page.question)
            .unwrap_or("Essay")
            .to_string(),
        view,
        period,
        status: Status::Published,
        text: page.question.clone(),
        mark_scheme: MarkScheme { bullets },
        plan: page.plan.clone(),
        plan_generated: false,
        model_essay: page.model_essay.clone(),
    };
    Ok((new_topic.then_some(topic), question))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_views() {
        assert_eq!(
            quoted_view("‘A was B.’ Assess the validity of this view.").as_deref(),
            Some("A was B.")
        );
        assert_eq!(
            quoted_view("‘Stalin’s rule was harsh.’ How far do you agree?").as_deref(),
            Some("Stalin’s rule was harsh.")
        );
        assert_eq!(quoted_view("To what extent was X?"), None);
    }

    #[test]
    fn named_periods() {
        assert_eq!(
            named_period("of the years 1941 to 1964."),
            Some(Period {
                start: 1941,
                end: 1964
            })
        );
        assert_eq!(
            named_period("Russia, 1855–1964"),
            Some(Period {
                start: 1855,
                end: 1964
            })
        );
        assert_eq!(named_period("in 1956"), None);
    }

    #[test]
    fn missing_parts_are_all_named() {
        let err = parse_page(
            "p.txt",
            "top of page\nA question?\nLevel\nA Level\nbottom of page\n",
        )
        .unwrap_err();
        let m = err.to_string();
        for part in [
            "Year Examined",
            "Topic",
            "Complete Model Essay",
            "Free Essay Plan",
            "Extracts from Mark Schemes",
        ] {
            assert!(m.contains(part), "{part} not named in: {m}");
        }
        assert!(!m.contains("the question"), "{m}");
    }

    #[test]
    fn markdown_headings_from_title_lines() {
        assert_eq!(as_markdown("Conclusion"), "## Conclusion");
        assert_eq!(
            as_markdown("1. Shared belief in strong leadership and control"),
            "### 1. Shared belief in strong leadership and control"
        );
        assert_eq!(
            as_markdown("Both men were strong."),
            "Both men were strong."
        );
    }
}
