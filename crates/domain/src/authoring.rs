//! The authoring format: a `topic.toml` per topic and one Markdown file with TOML front matter
//! per question. See `docs/content-format.md`. Parsing validates everything and names the
//! file, line and field of the first problem; rendering writes the canonical form, so that
//! `render(parse(render(x))) == render(x)`.

use serde::Deserialize;
use toml::Spanned;

use crate::error::{ContentError, InvalidValue};
use crate::model::*;
use crate::text::tidy_block;

/// The largest content file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;

/// Checks size and encoding of raw file bytes and returns the text.
pub fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, ContentError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ContentError::new(
            file,
            format!("the file is above the limit of {MAX_FILE_BYTES} bytes for one content file"),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.strip_prefix('\u{feff}').unwrap_or(s)),
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(ContentError::new(
                file,
                format!("not valid UTF-8 (invalid byte at offset {at})"),
            )
            .at_line(line))
        }
    }
}

fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Turns a TOML error into a located content error. `first_line` is the file line of the TOML's first line.
fn toml_error(file: &str, text: &str, first_line: usize, e: toml::de::Error) -> ContentError {
    let mut err = ContentError::new(file, e.message().trim().to_string());
    if let Some(span) = e.span() {
        let line = line_at(text, span.start);
        err = err.at_line(line + first_line - 1);
        let line_text = text.lines().nth(line - 1).unwrap_or("");
        if let Some((key, _)) = line_text.split_once('=') {
            let key = key.trim();
            if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                err = err.field(key);
            }
        }
    }
    err
}

struct Locator<'a> {
    file: &'a str,
    text: &'a str,
    first_line: usize,
}

impl Locator<'_> {
    fn err<T>(&self, span: &Spanned<T>, field: &str, e: InvalidValue) -> ContentError {
        ContentError::new(self.file, e.0)
            .at_line(line_at(self.text, span.span().start) + self.first_line - 1)
            .field(field)
    }
    fn string(&self, v: &Spanned<String>, field: &str, max: usize) -> Result<String, ContentError> {
        let s = v.get_ref().trim();
        if s.is_empty() {
            return Err(self.err(v, field, InvalidValue("must not be empty".into())));
        }
        if s.chars().count() > max {
            return Err(self.err(v, field, InvalidValue(format!("at most {max} characters"))));
        }
        Ok(s.to_string())
    }
    fn parse<T: std::str::FromStr<Err = InvalidValue>>(
        &self,
        v: &Spanned<String>,
        field: &str,
    ) -> Result<T, ContentError> {
        v.get_ref().parse().map_err(|e| self.err(v, field, e))
    }
    fn period(&self, v: &Spanned<Vec<i64>>, field: &str) -> Result<Period, ContentError> {
        match v.get_ref().as_slice() {
            [a, b] => Period::new(*a as i32, *b as i32).map_err(|e| self.err(v, field, e)),
            _ => Err(self.err(
                v,
                field,
                InvalidValue("expected two years, [first, last]".into()),
            )),
        }
    }
    fn int(&self, v: &Spanned<i64>, field: &str, lo: i64, hi: i64) -> Result<i64, ContentError> {
        let n = *v.get_ref();
        if (lo..=hi).contains(&n) {
            Ok(n)
        } else {
            Err(self.err(
                v,
                field,
                InvalidValue(format!("expected an integer from {lo} to {hi}, found {n}")),
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Topic files

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    slug: Spanned<String>,
    title: Spanned<String>,
    #[serde(default)]
    aliases: Vec<String>,
    board: Option<Spanned<String>>,
    level: Option<Spanned<String>>,
    #[serde(default = "default_subject")]
    subject: String,
    period: Spanned<Vec<i64>>,
    component: Option<RawComponent>,
    rubric: Option<Spanned<RawRubric>>,
    #[serde(default)]
    glossary: Vec<Spanned<RawGlossary>>,
    #[serde(default)]
    timeline: Vec<RawTimeline>,
    #[serde(default)]
    offices: Vec<RawOffice>,
}

fn default_subject() -> String {
    "History".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComponent {
    code: Spanned<String>,
    title: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRubric {
    name: Spanned<String>,
    max_marks: Spanned<i64>,
    levels: Vec<RawRubricLevel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRubricLevel {
    level: Spanned<i64>,
    marks: Spanned<Vec<i64>>,
    criteria: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGlossary {
    term: Spanned<String>,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTimeline {
    date: Spanned<String>,
    event: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffice {
    person: Spanned<String>,
    office: Spanned<String>,
    start: Spanned<String>,
    end: Option<Spanned<String>>,
}

/// Parses a topic file.
pub fn parse_topic(file: &str, text: &str) -> Result<Topic, ContentError> {
    if text.trim().is_empty() {
        return Err(ContentError::new(
            file,
            "the file is empty; a topic file needs slug, title and period",
        ));
    }
    let raw: RawTopic = toml::from_str(text).map_err(|e| toml_error(file, text, 1, e))?;
    let loc = Locator {
        file,
        text,
        first_line: 1,
    };
    let slug = Slug::parse(raw.slug.get_ref()).map_err(|e| loc.err(&raw.slug, "slug", e))?;
    let title = loc.string(&raw.title, "title", 200)?;
    let board = raw
        .board
        .as_ref()
        .map(|b| loc.parse::<Board>(b, "board"))
        .transpose()?;
    let level = raw
        .level
        .as_ref()
        .map(|l| loc.parse::<Level>(l, "level"))
        .transpose()?;
    let period = loc.period(&raw.period, "period")?;
    let component = match &raw.component {
        Some(c) => Some(Component {
            code: loc.string(&c.code, "component.code", 40)?,
            title: loc.string(&c.title, "component.title", 200)?,
        }),
        None => None,
    };
    let rubric = match &raw.rubric {
        Some(r) => {
            let ri = r.get_ref();
            let mut levels = Vec::new();
            for (i, l) in ri.levels.iter().enumerate() {
                let field = format!("rubric.levels[{i}]");
                let marks = match l.marks.get_ref().as_slice() {
                    [a, b] if *a >= 0 && *b >= 0 && *b <= 1000 => (*a as u32, *b as u32),
                    _ => {
                        return Err(loc.err(
                            &l.marks,
                            &format!("{field}.marks"),
                            InvalidValue("expected two marks, [low, high]".into()),
                        ));
                    }
                };
                levels.push(RubricLevel {
                    level: loc.int(&l.level, &format!("{field}.level"), 0, 20)? as u8,
                    marks,
                    criteria: loc.string(&l.criteria, &format!("{field}.criteria"), 4000)?,
                });
            }
            let rubric = Rubric {
                name: loc.string(&ri.name, "rubric.name", 200)?,
                max_marks: loc.int(&ri.max_marks, "rubric.max_marks", 1, 1000)? as u32,
                levels,
            };
            rubric.validate().map_err(|e| loc.err(r, "rubric", e))?;
            Some(rubric)
        }
        None => None,
    };
    let mut glossary = Vec::new();
    for (i, g) in raw.glossary.iter().enumerate() {
        let gi = g.get_ref();
        let term = loc.string(&gi.term, &format!("glossary[{i}].term"), 200)?;
        let aliases: Vec<String> = gi
            .aliases
            .iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        glossary.push(GlossaryEntry { term, aliases });
    }
    let mut timeline = Vec::new();
    for (i, t) in raw.timeline.iter().enumerate() {
        timeline.push(TimelineEvent {
            date: loc.parse(&t.date, &format!("timeline[{i}].date"))?,
            event: loc.string(&t.event, &format!("timeline[{i}].event"), 1000)?,
        });
    }
    let mut offices = Vec::new();
    for (i, o) in raw.offices.iter().enumerate() {
        let start: HistDate = loc.parse(&o.start, &format!("offices[{i}].start"))?;
        let end: Option<HistDate> = o
            .end
            .as_ref()
            .map(|e| loc.parse(e, &format!("offices[{i}].end")))
            .transpose()?;
        if let (Some(end), Some(span)) = (end, &o.end)
            && end.end_key() < start.start_key()
        {
            return Err(loc.err(
                span,
                &format!("offices[{i}].end"),
                InvalidValue(format!("ends ({end}) before it starts ({start})")),
            ));
        }
        offices.push(Office {
            person: loc.string(&o.person, &format!("offices[{i}].person"), 200)?,
            office: loc.string(&o.office, &format!("offices[{i}].office"), 300)?,
            start,
            end,
        });
    }
    Ok(Topic {
        slug,
        title,
        aliases: raw
            .aliases
            .iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect(),
        board,
        level,
        subject: raw.subject.trim().to_string(),
        period,
        component,
        rubric,
        glossary,
        timeline,
        offices,
    })
}

/// A TOML basic string, escaped.
fn tq(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn tq_list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| tq(s)).collect();
    format!("[{}]", inner.join(", "))
}

/// Writes a topic in canonical form.
pub fn render_topic(t: &Topic) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "slug = {}", tq(t.slug.as_str()));
    let _ = writeln!(s, "title = {}", tq(&t.title));
    if !t.aliases.is_empty() {
        let _ = writeln!(s, "aliases = {}", tq_list(&t.aliases));
    }
    if let Some(b) = t.board {
        let _ = writeln!(s, "board = {}", tq(b.label()));
    }
    if let Some(l) = t.level {
        let _ = writeln!(s, "level = {}", tq(l.label()));
    }
    let _ = writeln!(s, "subject = {}", tq(&t.subject));
    let _ = writeln!(s, "period = [{}, {}]", t.period.start, t.period.end);
    if let Some(c) = &t.component {
        let _ = write!(
            s,
            "\n[component]\ncode = {}\ntitle = {}\n",
            tq(&c.code),
            tq(&c.title)
        );
    }
    if let Some(r) = &t.rubric {
        let _ = write!(
            s,
            "\n[rubric]\nname = {}\nmax_marks = {}\n",
            tq(&r.name),
            r.max_marks
        );
        for l in &r.levels {
            let _ = write!(
                s,
                "\n[[rubric.levels]]\nlevel = {}\nmarks = [{}, {}]\ncriteria = {}\n",
                l.level,
                l.marks.0,
                l.marks.1,
                tq(&l.criteria)
            );
        }
    }
    for g in &t.glossary {
        let _ = write!(
            s,
            "\n[[glossary]]\nterm = {}\naliases = {}\n",
            tq(&g.term),
            tq_list(&g.aliases)
        );
    }
    for e in &t.timeline {
        let _ = write!(
            s,
            "\n[[timeline]]\ndate = {}\nevent = {}\n",
            tq(&e.date.to_string()),
            tq(&e.event)
        );
    }
    for o in &t.offices {
        let _ = write!(
            s,
            "\n[[offices]]\nperson = {}\noffice = {}\nstart = {}\n",
            tq(&o.person),
            tq(&o.office),
            tq(&o.start.to_string())
        );
        if let Some(end) = o.end {
            let _ = writeln!(s, "end = {}", tq(&end.to_string()));
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Question files

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestionMeta {
    slug: Spanned<String>,
    title: Spanned<String>,
    topic: Spanned<String>,
    year: Spanned<i64>,
    marks: Spanned<i64>,
    command: Spanned<String>,
    view: Option<Spanned<String>>,
    period: Option<Spanned<Vec<i64>>>,
    status: Option<Spanned<String>>,
    #[serde(default)]
    plan_generated: bool,
}

const SECTIONS: [&str; 4] = ["Question", "Mark scheme", "Plan", "Model essay"];

/// Parses a question file.
pub fn parse_question(file: &str, text: &str) -> Result<Question, ContentError> {
    if text.trim().is_empty() {
        return Err(ContentError::new(
            file,
            "the file is empty; a question file starts with TOML front matter between '+++' lines",
        ));
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "+++" {
        return Err(ContentError::new(
            file,
            "a question file must start with a '+++' line opening its TOML front matter",
        )
        .at_line(1));
    }
    let fm_start = first.len();
    let mut offset = fm_start;
    let mut fm_end = None;
    let mut line_no = 1;
    for l in lines.by_ref() {
        line_no += 1;
        if l.trim_end() == "+++" {
            fm_end = Some((offset, offset + l.len(), line_no));
            break;
        }
        offset += l.len();
    }
    let Some((fm_stop, body_start, close_line)) = fm_end else {
        return Err(ContentError::new(
            file,
            "the front matter is not closed by a second '+++' line",
        )
        .at_line(1));
    };
    let fm = &text[fm_start..fm_stop];
    let raw: RawQuestionMeta = toml::from_str(fm).map_err(|e| toml_error(file, fm, 2, e))?;
    let loc = Locator {
        file,
        text: fm,
        first_line: 2,
    };
    let slug = Slug::parse(raw.slug.get_ref()).map_err(|e| loc.err(&raw.slug, "slug", e))?;
    let topic = Slug::parse(raw.topic.get_ref()).map_err(|e| loc.err(&raw.topic, "topic", e))?;
    let title = loc.string(&raw.title, "title", 200)?;
    let year = loc.int(&raw.year, "year", 1900, 2100)? as u16;
    let marks = loc.int(&raw.marks, "marks", 1, 100)? as u32;
    let command = loc.string(&raw.command, "command", 200)?;
    let view = raw
        .view
        .as_ref()
        .map(|v| loc.string(v, "view", 2000))
        .transpose()?;
    let period = raw
        .period
        .as_ref()
        .map(|p| loc.period(p, "period"))
        .transpose()?;
    let status = match &raw.status {
        Some(s) => loc.parse::<Status>(s, "status")?,
        None => Status::Published,
    };

    let body = &text[body_start..];
    let sections = split_sections(file, body, close_line + 1)?;
    let question_text = tidy_block(&sections[0].1);
    if question_text.is_empty() {
        return Err(ContentError::new(file, "the question text is empty")
            .at_line(sections[0].0)
            .field("Question"));
    }
    let mark_scheme = parse_scheme_section(file, &sections[1].1, sections[1].0 + 1)?;
    if mark_scheme.is_empty() {
        return Err(ContentError::new(file, "the mark scheme has no bullets")
            .at_line(sections[1].0)
            .field("Mark scheme"));
    }
    Ok(Question {
        slug,
        title,
        topic,
        year,
        marks,
        command,
        view,
        period,
        status,
        text: question_text,
        mark_scheme,
        plan: tidy_block(&sections[2].1),
        plan_generated: raw.plan_generated,
        model_essay: tidy_block(&sections[3].1),
    })
}

/// Splits the body into the four sections; returns (heading line number, text) in order.
fn split_sections(
    file: &str,
    body: &str,
    first_line: usize,
) -> Result<Vec<(usize, String)>, ContentError> {
    let mut found: Vec<(usize, String)> = Vec::new();
    for (i, line) in body.lines().enumerate() {
        let n = first_line + i;
        if let Some(h) = line.strip_prefix("# ") {
            let name = h.trim();
            let Some(idx) = SECTIONS.iter().position(|s| s.eq_ignore_ascii_case(name)) else {
                return Err(ContentError::new(
                    file,
                    format!(
                        "unknown section '# {name}'; sections are {}; use '##' for headings inside a section",
                        SECTIONS.map(|s| format!("'# {s}'")).join(", ")
                    ),
                )
                .at_line(n));
            };
            if idx != found.len() {
                let expected = SECTIONS.get(found.len()).copied().unwrap_or("nothing");
                return Err(ContentError::new(
                    file,
                    format!(
                        "section '# {}' is out of order or repeated; expected '# {expected}' next",
                        SECTIONS[idx]
                    ),
                )
                .at_line(n));
            }
            found.push((n, String::new()));
        } else if let Some(cur) = found.last_mut() {
            cur.1.push_str(line);
            cur.1.push('\n');
        } else if !line.trim().is_empty() {
            return Err(ContentError::new(
                file,
                "text before the first section; start with '# Question'",
            )
            .at_line(n));
        }
    }
    if found.len() < SECTIONS.len() {
        let missing: Vec<String> = SECTIONS[found.len()..]
            .iter()
            .map(|s| format!("'# {s}'"))
            .collect();
        return Err(
            ContentError::new(file, format!("missing section(s): {}", missing.join(", ")))
                .field(SECTIONS[found.len()]),
        );
    }
    Ok(found)
}

fn parse_scheme_section(
    file: &str,
    text: &str,
    first_line: usize,
) -> Result<MarkScheme, ContentError> {
    let mut side: Option<Side> = None;
    let mut bullets: Vec<SchemeBullet> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = first_line + i;
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(h) = t.strip_prefix("## ") {
            side = Some(h.trim().parse::<Side>().map_err(|e| {
                ContentError::new(
                    file,
                    format!("{e} (use 'Supporting the view', 'Challenging the view' or 'Neutral')"),
                )
                .at_line(n)
                .field("Mark scheme")
            })?);
        } else if let Some(b) = crate::scheme_text::bullet_text(t) {
            let Some(side) = side else {
                return Err(ContentError::new(
                    file,
                    "a bullet before any side heading ('## Supporting the view', ...)",
                )
                .at_line(n)
                .field("Mark scheme"));
            };
            if b.is_empty() {
                return Err(ContentError::new(file, "an empty bullet")
                    .at_line(n)
                    .field("Mark scheme"));
            }
            bullets.push(SchemeBullet {
                side,
                text: b.to_string(),
            });
        } else if line.starts_with(' ') || line.starts_with('\t') {
            match bullets.last_mut() {
                Some(b) => {
                    b.text.push(' ');
                    b.text.push_str(t);
                }
                None => {
                    return Err(ContentError::new(
                        file,
                        "an indented line with no bullet above it",
                    )
                    .at_line(n)
                    .field("Mark scheme"));
                }
            }
        } else {
            return Err(ContentError::new(
                file,
                format!(
                    "expected a '- ' bullet or a '## ' side heading, found {:?}",
                    truncate(t, 40)
                ),
            )
            .at_line(n)
            .field("Mark scheme"));
        }
    }
    Ok(MarkScheme { bullets }.canonical())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

fn side_heading(side: Side) -> &'static str {
    match side {
        Side::Supporting => "Supporting the view",
        Side::Challenging => "Challenging the view",
        Side::Neutral => "Neutral",
    }
}

/// Writes a question in canonical form.
/// A question's details (every field but the plan and the model essay) in the authoring
/// format: what a `details` revision keeps. [`parse_question`] reads it back.
pub fn render_details(q: &Question) -> String {
    render_question(&Question {
        plan: String::new(),
        plan_generated: false,
        model_essay: String::new(),
        ..q.clone()
    })
}

pub fn render_question(q: &Question) -> String {
    use std::fmt::Write;
    let mut s = String::from("+++\n");
    let _ = writeln!(s, "slug = {}", tq(q.slug.as_str()));
    let _ = writeln!(s, "title = {}", tq(&q.title));
    let _ = writeln!(s, "topic = {}", tq(q.topic.as_str()));
    let _ = writeln!(s, "year = {}", q.year);
    let _ = writeln!(s, "marks = {}", q.marks);
    let _ = writeln!(s, "command = {}", tq(&q.command));
    if let Some(v) = &q.view {
        let _ = writeln!(s, "view = {}", tq(v));
    }
    if let Some(p) = q.period {
        let _ = writeln!(s, "period = [{}, {}]", p.start, p.end);
    }
    let _ = writeln!(s, "status = {}", tq(q.status.label()));
    if q.plan_generated {
        s.push_str("plan_generated = true\n");
    }
    s.push_str("+++\n\n# Question\n\n");
    push_block(&mut s, &q.text);
    s.push_str("# Mark scheme\n\n");
    for side in Side::ALL {
        let bullets: Vec<&SchemeBullet> = q.mark_scheme.side(*side).collect();
        if bullets.is_empty() {
            continue;
        }
        let _ = writeln!(s, "## {}\n", side_heading(*side));
        for b in bullets {
            let _ = writeln!(s, "- {}", b.text);
        }
        s.push('\n');
    }
    s.push_str("# Plan\n\n");
    push_block(&mut s, &q.plan);
    s.push_str("# Model essay\n\n");
    push_block(&mut s, &q.model_essay);
    while s.ends_with("\n\n") {
        s.pop();
    }
    s
}

fn push_block(s: &mut String, text: &str) {
    let t = tidy_block(text);
    if !t.is_empty() {
        s.push_str(&t);
        s.push_str("\n\n");
    }
}

/// The file name a question is exported under.
pub fn question_file_name(q: &Question) -> String {
    format!("{}.md", q.slug)
}

/// The file name of a topic file.
pub const TOPIC_FILE_NAME: &str = "topic.toml";

#[cfg(test)]
mod tests;
