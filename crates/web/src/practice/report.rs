//! The report as the page shows it to a student: a plain summary (the level and the three
//! most useful next steps), the essay cut into sentences, each marked with the scheme points
//! it earns, and the points by side and by how far they were made. The engine's own terms
//! (flag ids, bullets, per-100-word figures) stay in the JSON API; the page keeps the figures
//! in words behind a "Details" disclosure.

use studypack_domain::{Rubric, Side};
use studypack_feedback::{PointStatus, Report, Stance};

// ------------------------------------------------------------------------------ the report

/// A point a marked sentence earns, as the label beside the highlight shows it.
pub(crate) struct Tag {
    /// "S2" (supporting point 2).
    pub(crate) label: String,
    /// CSS class of the side: `supporting`, `challenging` or `neutral`.
    pub(crate) side: &'static str,
    /// The side's symbol, shown with the label so that it reads without colour.
    pub(crate) symbol: &'static str,
    /// For screen readers: the side in words and the point.
    pub(crate) spoken: String,
}

pub(crate) struct Segment {
    pub(crate) text: String,
    /// The points this sentence earns.
    pub(crate) tags: Vec<Tag>,
    /// CSS class: `supporting`, `challenging`, `neutral`, `mixed` or empty.
    pub(crate) class: &'static str,
    /// A teacher's comments on the sentence that ends this segment.
    pub(crate) notes: Vec<String>,
}

impl ReportView {
    /// Places comments anchored to bytes `[start, end)` of `essay` after the text they are
    /// on: a segment is cut where a comment's sentence ends, so the comment follows it. A
    /// comment whose anchor lies outside the essay goes after the last segment.
    pub(crate) fn place_notes(&mut self, essay: &str, notes: &[(usize, String)]) {
        for (end, note) in notes {
            let mut at = 0;
            let mut placed = false;
            for i in 0..self.segments.len() {
                let len = self.segments[i].text.len();
                let seg_end = at + len;
                if *end > at && *end <= seg_end {
                    let cut = end - at;
                    if cut < len && self.segments[i].tags.is_empty() {
                        let text = &self.segments[i].text;
                        if text.is_char_boundary(cut) {
                            let rest = text[cut..].to_string();
                            self.segments[i].text.truncate(cut);
                            self.segments.insert(
                                i + 1,
                                Segment {
                                    text: rest,
                                    tags: vec![],
                                    class: "",
                                    notes: vec![],
                                },
                            );
                        }
                    }
                    self.segments[i].notes.push(note.clone());
                    placed = true;
                    break;
                }
                at = seg_end;
            }
            if !placed {
                match self.segments.last_mut() {
                    Some(last) => last.notes.push(note.clone()),
                    None => self.segments.push(Segment {
                        text: essay.to_string(),
                        tags: vec![],
                        class: "",
                        notes: vec![note.clone()],
                    }),
                }
            }
        }
    }
}

pub(crate) struct PointItem {
    pub(crate) label: String,
    pub(crate) text: String,
    pub(crate) side: &'static str,
    pub(crate) symbol: &'static str,
    /// For a partly made point: the sentence that came closest.
    pub(crate) near: Option<String>,
}

/// The points of one side with one status ("Made", "Partly made", "Missing").
pub(crate) struct StatusGroup {
    pub(crate) status: &'static str,
    pub(crate) heading: &'static str,
    /// Open by default: what the student made; the rest is one click away.
    pub(crate) open: bool,
    pub(crate) points: Vec<PointItem>,
}

pub(crate) struct SideGroup {
    pub(crate) id: &'static str,
    pub(crate) heading: &'static str,
    pub(crate) symbol: &'static str,
    pub(crate) letter: char,
    pub(crate) summary: String,
    pub(crate) groups: Vec<StatusGroup>,
}

/// The report as the page shows it.
pub(crate) struct ReportView {
    /// "Level 3 of 5 (11–15 marks)", or why there is no level.
    pub(crate) headline: String,
    /// "About 13 marks out of 25", if there is a mark.
    pub(crate) mark_line: String,
    /// "Marked to your teachers' standard …", when the question is calibrated.
    pub(crate) calibrated: String,
    /// "To reach level 4 (16–20 marks):" and the steps.
    pub(crate) steps_heading: String,
    pub(crate) steps: Vec<String>,
    pub(crate) words: usize,
    pub(crate) points_summary: String,
    pub(crate) sides: Vec<SideGroup>,
    pub(crate) segments: Vec<Segment>,
    pub(crate) marked: bool,
    /// The engine's figures in words, for the "Details" disclosure.
    pub(crate) details: Vec<String>,
    /// What the rubric says about this level: its name, the level and the criteria.
    pub(crate) criteria: Option<(String, u8, String)>,
}

fn side_class(s: Side) -> &'static str {
    match s {
        Side::Supporting => "supporting",
        Side::Challenging => "challenging",
        Side::Neutral => "neutral",
    }
}

fn side_symbol(s: Side) -> &'static str {
    match s {
        Side::Supporting => "+",
        Side::Challenging => "−",
        Side::Neutral => "•",
    }
}

fn side_words(s: Side) -> &'static str {
    match s {
        Side::Supporting => "supports the view",
        Side::Challenging => "challenges the view",
        Side::Neutral => "other point",
    }
}

/// What a flag means, for a student (the Details list; the id itself stays in the API).
fn flag_text(id: &str) -> &'static str {
    match id {
        "one-sided" => "The essay argues only one side. The mark scheme rewards weighing both.",
        "no-introduction" => "There is no introduction that sets out your answer.",
        "no-conclusion" => "There is no conclusion that gives your answer.",
        "no-judgement" => "The essay does not give a clear answer to the question.",
        "inconsistent-judgement" => "The introduction and the conclusion give different answers.",
        "too-short" => "The essay is much shorter than the exam expects.",
        "off-topic" => "Little of the essay is about this question.",
        "list-not-prose" => "The essay is a list, not paragraphs.",
        "copied-model-essay" => "Much of the essay repeats the model essay.",
        "copied-mark-scheme" => "Much of the essay repeats the mark scheme.",
        _ => "The essay has a problem the checks found.",
    }
}

fn point_label(side: Side, n: usize) -> String {
    let letter = match side {
        Side::Supporting => 'S',
        Side::Challenging => 'C',
        Side::Neutral => 'N',
    };
    format!("{letter}{n}")
}

/// Each point's label ("S1", "C2"), numbered per side as the page lists them.
pub(crate) fn point_labels(report: &Report) -> Vec<String> {
    let mut counters = [0usize; 3];
    report
        .points
        .iter()
        .map(|p| {
            let i = match p.side {
                Side::Supporting => 0,
                Side::Challenging => 1,
                Side::Neutral => 2,
            };
            counters[i] += 1;
            point_label(p.side, counters[i])
        })
        .collect()
}

/// A sentence made from a mark-scheme point: starts with a capital, ends with a full stop.
fn sentence(s: &str) -> String {
    let s = s.trim();
    let mut chars = s.chars();
    let mut out: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The side with fewer points earned (covered 1, partial ½), as the engine's next steps and
/// its `one-sided` flag read it.
fn weaker_side(report: &Report) -> Side {
    let earned = |s: &studypack_feedback::SideCoverage| s.covered as f32 + 0.5 * s.partial as f32;
    if earned(&report.coverage.supporting) <= earned(&report.coverage.challenging) {
        Side::Supporting
    } else {
        Side::Challenging
    }
}

/// The three most useful things to do next, in plain words, most useful first: what stops
/// the essay being marked as an essay (copying, a list, far too short), then the judgement,
/// then the weaker side's missing points, the rest of the missing points, and how the essay
/// argues (backing the conclusion, analysis, exact evidence).
fn next_steps(report: &Report) -> Vec<String> {
    let has = |f: &str| report.flags.contains(&f);
    let mut steps: Vec<String> = Vec::new();
    if has("off-topic") {
        steps.push(
            "Read the question again. Write about the view it gives: argue for it and against it."
                .into(),
        );
        steps.push("Look at the free essay plan to see what this question is about.".into());
        steps.push("End by saying how far you agree with the view, and why.".into());
        return steps;
    }
    if has("copied-model-essay") || has("copied-mark-scheme") {
        steps.push("Write the essay in your own words. Much of it repeats the model essay or the mark scheme.".into());
    }
    if has("list-not-prose") {
        steps.push("Write in paragraphs, not a list. In each paragraph, make a point, give evidence and explain what it shows.".into());
    }
    if has("too-short") {
        steps.push("Write more. The essay is much shorter than the exam expects. Explain each point and back it up with evidence.".into());
    }
    let j = &report.judgement;
    if j.conclusion == Stance::Absent {
        steps
            .push("Finish with a conclusion. Say how far you agree with the view, and why.".into());
    } else if has("no-judgement") || !j.conclusion.is_clear() {
        steps.push("Give a clear answer in your conclusion. Say how far you agree with the view, and why one side is stronger.".into());
    } else if has("inconsistent-judgement") {
        steps.push("Make your conclusion match your introduction. At the moment they give different answers.".into());
    }
    // Missing points, the weaker side's first (the engine's own order, one per bullet).
    let weaker = weaker_side(report);
    let leans = has("one-sided") || report.balance.verdict.starts_with("leans");
    for (n, text) in report.next_steps.add.iter().enumerate() {
        let side = report
            .points
            .iter()
            .find(|p| &*p.text == text.as_str())
            .map(|p| p.side);
        let step = match side {
            Some(s) if n == 0 && leans && s == weaker => format!(
                "Argue the other side too. Add a point that {}, such as: {}",
                side_words(s),
                sentence(text)
            ),
            _ => format!("Add this point: {}", sentence(text)),
        };
        steps.push(step);
    }
    if !j.substantiated && j.conclusion.is_clear() {
        steps.push(
            "Back up your conclusion. Your paragraphs should prove the side you come down on."
                .into(),
        );
    }
    if !report.structure.introduction.part.present {
        steps
            .push("Start with a short introduction that gives your answer to the question.".into());
    }
    let body = &report.structure.body;
    let analytical = body.iter().filter(|b| b.kind == "analytical").count();
    if !body.is_empty() && analytical * 2 < body.len() {
        steps.push("Explain, don't just tell the story. End each paragraph by saying how it answers the question.".into());
    }
    let pr = &report.precision;
    if pr.dates_per_100_words + pr.named_per_100_words < 1.5 {
        steps
            .push("Use exact evidence: dates, the names of people and groups, and figures.".into());
    }
    if steps.is_empty() {
        steps.push("Weigh the two sides. Say which reason matters most, and why.".into());
    }
    steps.truncate(3);
    steps
}

fn stance_phrase(s: Stance, part: &str) -> String {
    match s {
        Stance::Agrees => format!("the {part} agrees with the view"),
        Stance::Disagrees => format!("the {part} disagrees with the view"),
        Stance::Balanced => format!("the {part} takes a balanced position"),
        Stance::Unclear => format!("the {part} takes no clear position"),
        Stance::Absent => format!("there is no {part}"),
    }
}

fn balance_words(verdict: &str) -> &'static str {
    match verdict {
        "balanced" => "balanced",
        "leans-supporting" => "leans towards the supporting side",
        "leans-challenging" => "leans towards the challenging side",
        "one-sided" => "only one side is argued",
        "none-earned" => "no points earned yet",
        _ => "the mark scheme has only one side",
    }
}

/// The engine's figures, in words, for the Details disclosure.
fn details(report: &Report) -> Vec<String> {
    let c = &report.coverage;
    let st = &report.structure;
    let j = &report.judgement;
    let pr = &report.precision;
    let analytical = st.body.iter().filter(|b| b.kind == "analytical").count();
    let mut d = vec![
        format!(
            "Points: {} of {} made, {} partly made. {} of {} bullets of the mark scheme have a point made.",
            c.covered, c.total, c.partial, c.bullets_covered, c.bullets_total
        ),
        if report.balance.verdict == "not-applicable" {
            "Balance: the mark scheme has only one side.".to_string()
        } else {
            format!(
                "Balance: {:.0}% of the supporting points and {:.0}% of the challenging points earned ({}).",
                report.balance.supporting * 100.0,
                report.balance.challenging * 100.0,
                balance_words(report.balance.verdict)
            )
        },
        format!(
            "Organisation: {}, {} ({} analytical), {}.",
            if st.introduction.part.present {
                "an introduction"
            } else {
                "no introduction"
            },
            plural(st.body.len(), "body paragraph", "body paragraphs"),
            analytical,
            if st.conclusion.present {
                "a conclusion"
            } else {
                "no conclusion"
            }
        ),
        format!(
            "Judgement: {}; {}.{}{}",
            stance_phrase(j.introduction, "introduction"),
            stance_phrase(j.conclusion, "conclusion"),
            if j.consistent {
                " The two are consistent."
            } else {
                ""
            },
            if j.substantiated {
                " The body supports the conclusion."
            } else {
                ""
            }
        ),
        format!(
            "Precision: {:.1} dates, {:.1} named people or bodies, {:.1} figures and {:.1} quotations per 100 words.",
            pr.dates_per_100_words,
            pr.named_per_100_words,
            pr.figures_per_100_words,
            pr.quotations_per_100_words
        ),
    ];
    for o in &pr.out_of_period {
        d.push(format!(
            "The year {} is outside the period of the question: “{}”",
            o.year, o.sentence.text
        ));
    }
    for f in &report.flags {
        d.push(format!("Check: {}", flag_text(f)));
    }
    d
}

/// The report as the page shows it, for an essay on a question with `rubric`.
pub(crate) fn report_view(report: &Report, essay: &str, rubric: Option<&Rubric>) -> ReportView {
    let labels = point_labels(report);
    let off_topic = report.flags.contains(&"off-topic");
    let top = rubric.map(|r| r.top_level()).unwrap_or(0);
    let engine_level = match (report.level.level, report.level.marks) {
        _ if off_topic => "No level: this essay does not answer this question".to_string(),
        (Some(0), _) => format!("Level 0 of {top}: no part of the essay earns marks yet"),
        (Some(l), Some([lo, hi])) => format!("Level {l} of {top} ({lo}–{hi} marks)"),
        (Some(l), None) => format!("Level {l} of {top}"),
        (None, _) => "No level: this mark scheme has no levels".to_string(),
    };
    let engine_mark = match (report.level.mark, rubric) {
        (Some(m), Some(r)) if report.level.level.is_some_and(|l| l > 0) => {
            Some(format!("about {m} marks out of {}", r.max_marks))
        }
        _ => None,
    };
    // A calibrated mark is the one measured against the teachers' own marks: it leads, and
    // the engine's reading follows as what it was calibrated from. (An essay off the question
    // gets no mark either way.)
    let calibration = report.calibration.as_ref().filter(|_| !off_topic);
    let (headline, mark_line) = match (calibration, &engine_mark) {
        (Some(c), _) => (
            match c.levels {
                true => format!(
                    "Level {} of {}, to your teachers' standard",
                    c.score, c.out_of
                ),
                false => format!(
                    "About {} marks out of {}, to your teachers' standard",
                    c.score, c.out_of
                ),
            },
            format!(
                "Before that standard, the engine's own reading: {}{}. Both are estimates, not exam marks.",
                lower_first(&engine_level),
                engine_mark
                    .as_ref()
                    .map(|m| format!(", {m}"))
                    .unwrap_or_default()
            ),
        ),
        (None, Some(m)) => (
            engine_level,
            format!("{}. This is an estimate, not an exam mark.", upper_first(m)),
        ),
        (None, None) => (engine_level, String::new()),
    };
    // The level the next steps lead on from: the calibrated one when it is on the rubric's
    // scale (a level of it, or a mark out of its total), else the engine's.
    let standing = match (calibration, rubric) {
        (Some(c), Some(r)) if c.levels && c.out_of == u32::from(r.top_level()) => {
            u8::try_from(c.score).ok()
        }
        (Some(c), Some(r)) if !c.levels && c.out_of == r.max_marks => r
            .levels
            .iter()
            .find(|l| (l.marks.0..=l.marks.1).contains(&c.score))
            .map(|l| l.level)
            // Below the lowest level's marks: no level yet, the next steps lead to the first.
            .or_else(|| r.levels.iter().all(|l| c.score < l.marks.0).then_some(0)),
        _ => report.level.level,
    };
    let next = standing.and_then(|l| rubric.and_then(|r| r.level(l + 1)));
    let steps_heading = match (standing, next) {
        _ if off_topic => "What to do next:".to_string(),
        (_, Some(n)) => format!(
            "To reach level {} ({}–{} marks):",
            n.level, n.marks.0, n.marks.1
        ),
        (Some(l), None) if l > 0 && l == top => {
            "This is the top level. To make it even stronger:".to_string()
        }
        _ => "What to do next:".to_string(),
    };

    // Sentences that earn points, by byte range.
    let mut spans: std::collections::BTreeMap<(usize, usize), Vec<usize>> = Default::default();
    for (i, p) in report.points.iter().enumerate() {
        // A sentence is marked with the points it earns outright; partial credit is listed
        // with the points.
        if p.status != PointStatus::Covered {
            continue;
        }
        for e in &p.evidence {
            if e.start < e.end
                && e.end <= essay.len()
                && essay.is_char_boundary(e.start)
                && essay.is_char_boundary(e.end)
            {
                spans.entry((e.start, e.end)).or_default().push(i);
            }
        }
    }
    let mut segments = Vec::new();
    let mut at = 0;
    for ((start, end), points) in spans {
        if start < at {
            continue; // overlapping evidence: the first sentence wins
        }
        if start > at {
            segments.push(Segment {
                text: essay[at..start].to_string(),
                tags: vec![],
                class: "",
                notes: vec![],
            });
        }
        let sides: std::collections::BTreeSet<&str> = points
            .iter()
            .map(|&i| side_class(report.points[i].side))
            .collect();
        segments.push(Segment {
            text: essay[start..end].to_string(),
            tags: points
                .iter()
                .map(|&i| {
                    let p = &report.points[i];
                    Tag {
                        label: labels[i].clone(),
                        side: side_class(p.side),
                        symbol: side_symbol(p.side),
                        spoken: format!("{}, point {}: {}", side_words(p.side), labels[i], p.text),
                    }
                })
                .collect(),
            class: if sides.len() == 1 {
                sides.into_iter().next().unwrap_or("")
            } else {
                "mixed"
            },
            notes: vec![],
        });
        at = end;
    }
    if at < essay.len() {
        segments.push(Segment {
            text: essay[at..].to_string(),
            tags: vec![],
            class: "",
            notes: vec![],
        });
    }

    let c = &report.coverage;
    let sides = [
        (
            Side::Supporting,
            "supporting",
            "Points that support the view",
            &c.supporting,
        ),
        (
            Side::Challenging,
            "challenging",
            "Points that challenge the view",
            &c.challenging,
        ),
        (Side::Neutral, "neutral", "Other points", &c.neutral),
    ]
    .into_iter()
    .filter(|(_, _, _, sc)| sc.total > 0)
    .map(|(side, id, heading, sc)| {
        let groups = [
            (PointStatus::Covered, "made", "Made", true),
            (PointStatus::Partial, "partly", "Partly made", true),
            (
                PointStatus::Missing,
                "missing",
                "Not in your essay yet",
                false,
            ),
        ]
        .into_iter()
        .map(|(status, class, heading, open)| StatusGroup {
            status: class,
            heading,
            open,
            points: report
                .points
                .iter()
                .zip(&labels)
                .filter(|(p, _)| p.side == side && p.status == status)
                .map(|(p, l)| PointItem {
                    label: l.clone(),
                    text: p.text.to_string(),
                    side: side_class(side),
                    symbol: side_symbol(side),
                    near: (status == PointStatus::Partial)
                        .then(|| p.evidence.first().map(|e| e.text.clone()))
                        .flatten(),
                })
                .collect(),
        })
        .filter(|g| !g.points.is_empty())
        .collect();
        SideGroup {
            id,
            heading,
            symbol: side_symbol(side),
            letter: point_label(side, 0).chars().next().unwrap_or('N'),
            summary: format!(
                "You made {} and partly made {}, out of {}.",
                sc.covered, sc.partial, sc.total
            ),
            groups,
        }
    })
    .collect();

    let calibrated = match calibration {
        Some(c) => format!(
            "Marked to your teachers' standard (calibration version {}), learned from essays they marked.",
            c.version
        ),
        None => String::new(),
    };
    ReportView {
        headline,
        mark_line,
        calibrated,
        steps_heading,
        steps: next_steps(report),
        words: report.words,
        points_summary: format!(
            "You made {} of the mark scheme's {} points and partly made {} more. No essay needs them all: the best essays make the most important ones well.",
            c.covered, c.total, c.partial
        ),
        sides,
        marked: segments.iter().any(|s| !s.tags.is_empty()),
        segments,
        details: details(report),
        criteria: match (
            report.level.level,
            &report.level.criteria,
            &report.level.rubric,
        ) {
            (Some(l), Some(text), Some(name)) if l > 0 && !off_topic => {
                Some((name.clone(), l, text.clone()))
            }
            _ => None,
        },
    }
}

/// `s` with its first letter in lower case ("Level 3 …" → "level 3 …").
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

/// `s` with its first letter in upper case.
fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    /// Runs `test` with an engine for the demo library and its first question with a model
    /// essay, and that question's topic.
    fn with_essay_question(
        test: impl FnOnce(
            &studypack_feedback::Engine,
            &studypack_domain::Question,
            &studypack_domain::Topic,
        ),
    ) {
        let lib = studypack_demo::library();
        let engine = studypack_feedback::engine_for_library(&lib);
        let q = lib
            .questions
            .iter()
            .find(|q| !q.model_essay.is_empty())
            .unwrap();
        test(&engine, q, lib.topic(&q.topic).unwrap());
    }

    /// A calibrated mark leads the summary (it is the one measured against the teachers'
    /// marks); the engine's own reading follows, named as such; the next steps lead on from
    /// the calibrated level when it is on the rubric's scale.
    #[test]
    fn a_calibrated_mark_leads_and_the_engines_reading_follows() {
        with_essay_question(|engine, q, topic| {
            let rubric = topic.rubric.as_ref().unwrap();
            let mut input = studypack_feedback::question_input(q, topic);
            input.model_essay = None;
            let essay = q.model_essay.split("\n\n").next().unwrap();
            let mut report = engine.assess(&input, essay);
            let calibrated = |score, out_of, levels| studypack_feedback::CalibratedScore {
                id: "cal".into(),
                version: 3,
                score,
                out_of,
                levels,
            };
            let plain = report_view(&report, essay, Some(rubric));
            assert!(plain.headline.starts_with("Level "), "{}", plain.headline);
            assert!(plain.calibrated.is_empty());
            let engine_level = report.level.level.unwrap();
            assert!(
                engine_level < rubric.top_level(),
                "the first paragraph is not top level"
            );
            // Calibrated to the top of the rubric's marks.
            report.calibration = Some(calibrated(rubric.max_marks, rubric.max_marks, false));
            let v = report_view(&report, essay, Some(rubric));
            assert_eq!(
                v.headline,
                format!(
                    "About {0} marks out of {0}, to your teachers' standard",
                    rubric.max_marks
                )
            );
            assert!(
                v.mark_line.starts_with(&format!(
                    "Before that standard, the engine's own reading: level {engine_level} of"
                )),
                "{}",
                v.mark_line
            );
            assert!(v.calibrated.contains("calibration version 3"));
            assert!(
                v.steps_heading.starts_with("This is the top level"),
                "{}",
                v.steps_heading
            );
            // A level on the rubric's scale: the next steps lead to the level above it.
            report.calibration = Some(calibrated(1, u32::from(rubric.top_level()), true));
            let v = report_view(&report, essay, Some(rubric));
            assert_eq!(
                v.headline,
                format!(
                    "Level 1 of {}, to your teachers' standard",
                    rubric.top_level()
                )
            );
            assert!(
                v.steps_heading.starts_with("To reach level 2"),
                "{}",
                v.steps_heading
            );
            // No marks: the next steps lead to the first level.
            report.calibration = Some(calibrated(0, rubric.max_marks, false));
            let v = report_view(&report, essay, Some(rubric));
            assert!(
                v.steps_heading.starts_with("To reach level 1"),
                "{}",
                v.steps_heading
            );
            // Another scale (a teacher's 0–3): the engine's level leads the next steps.
            report.calibration = Some(calibrated(3, 3, false));
            let v = report_view(&report, essay, Some(rubric));
            assert_eq!(v.steps_heading, plain.steps_heading);
        });
    }

    /// A teacher's comment goes straight after the text it is anchored to, at any offset (in
    /// marked or unmarked text, inside a multi-byte letter or past the end), and the essay's
    /// text is never changed or lost by placing it.
    #[test]
    fn notes_follow_their_anchor_and_keep_the_text_whole() {
        with_essay_question(|engine, q, topic| {
            let essay = format!("{} Ending with “Śtalin’s” state.", q.model_essay);
            let report = engine.assess(&studypack_feedback::question_input(q, topic), &essay);
            for end in (0..essay.len() + 3).step_by(7) {
                let mut view = report_view(&report, &essay, topic.rubric.as_ref());
                view.place_notes(&essay, &[(end, "note".into())]);
                let whole: String = view.segments.iter().map(|s| s.text.as_str()).collect();
                assert_eq!(whole, essay);
                let mut at = 0;
                let mut placed = None;
                for s in &view.segments {
                    at += s.text.len();
                    if !s.notes.is_empty() {
                        placed = Some(at);
                    }
                }
                let placed = placed.expect("the note is shown");
                // Straight after its anchor: where the text can be cut there (a boundary in
                // unmarked text), or at the end of the marked sentence or letter holding it.
                assert!(placed >= end.min(essay.len()), "{end}: placed at {placed}");
                if end <= essay.len() && essay.is_char_boundary(end) && end > 0 {
                    let seg_of_end = view
                        .segments
                        .iter()
                        .scan(0, |a, s| {
                            *a += s.text.len();
                            Some((*a, !s.tags.is_empty()))
                        })
                        .find(|(a, _)| *a >= end)
                        .unwrap();
                    if !seg_of_end.1 {
                        assert_eq!(
                            placed, end,
                            "in unmarked text the note goes exactly at its anchor"
                        );
                    }
                }
            }
        });
    }

    /// Every sentence of a full demo essay, marked on the page, carries exactly the labels of
    /// the points whose evidence is that sentence (covered points; partial ones are listed
    /// with the points only), and every such sentence is marked.
    #[test]
    fn each_marked_sentence_carries_the_points_it_earned_and_only_those() {
        let lib = studypack_demo::library();
        let engine = studypack_feedback::engine_for_library(&lib);
        let mut checked = 0;
        for q in lib.questions.iter().filter(|q| !q.model_essay.is_empty()) {
            let topic = lib.topic(&q.topic).unwrap();
            let mut input = studypack_feedback::question_input(q, topic);
            input.model_essay = None;
            let essay = &q.model_essay;
            let report = engine.assess(&input, essay);
            let view = report_view(&report, essay, topic.rubric.as_ref());
            // What the report says each sentence earns.
            let label = point_labels(&report);
            let mut expected: BTreeMap<(usize, usize), BTreeSet<String>> = BTreeMap::new();
            for (i, p) in report.points.iter().enumerate() {
                if p.status == PointStatus::Covered {
                    for e in &p.evidence {
                        expected
                            .entry((e.start, e.end))
                            .or_default()
                            .insert(label[i].clone());
                    }
                }
            }
            // What the page marks, by byte range.
            let mut at = 0;
            let mut shown: BTreeMap<(usize, usize), BTreeSet<String>> = BTreeMap::new();
            for s in &view.segments {
                let range = (at, at + s.text.len());
                if !s.tags.is_empty() {
                    shown.insert(range, s.tags.iter().map(|t| t.label.clone()).collect());
                }
                at = range.1;
            }
            assert_eq!(at, essay.len(), "the segments are the whole essay");
            assert_eq!(shown, expected, "{}", q.slug);
            // Every point is listed once, under its side.
            let listed: usize = view
                .sides
                .iter()
                .flat_map(|s| &s.groups)
                .map(|g| g.points.len())
                .sum();
            assert_eq!(listed, report.points.len(), "{}", q.slug);
            checked += expected.len();
        }
        assert!(checked > 100, "{checked} marked sentences");
    }

    /// The summary for each demo essay and for weaker versions of it: a level with its marks
    /// (or why there is none), at most three steps in plain words, and none of the engine's
    /// internal terms.
    #[test]
    fn the_summary_speaks_plainly() {
        let lib = studypack_demo::library();
        let engine = studypack_feedback::engine_for_library(&lib);
        let internal = [
            "no-judgement",
            "too-short",
            "leans-",
            "one-sided",
            "not-applicable",
            "none-earned",
            "bullet",
            "per 100 words",
            "paragraph(s)",
        ];
        let mut seen = 0;
        for q in lib.questions.iter().filter(|q| !q.model_essay.is_empty()) {
            let topic = lib.topic(&q.topic).unwrap();
            let mut input = studypack_feedback::question_input(q, topic);
            input.model_essay = None;
            let paragraphs: Vec<&str> = q.model_essay.split("\n\n").collect();
            // The whole essay, its first half (no conclusion), its first paragraph.
            let half = paragraphs[..paragraphs.len().div_ceil(2)].join("\n\n");
            for essay in [q.model_essay.as_str(), half.as_str(), paragraphs[0]] {
                let report = engine.assess(&input, essay);
                let view = report_view(&report, essay, topic.rubric.as_ref());
                assert!(
                    !view.steps.is_empty() && view.steps.len() <= 3,
                    "{:?}",
                    view.steps
                );
                let shown = format!(
                    "{} {} {} {}",
                    view.headline,
                    view.mark_line,
                    view.steps_heading,
                    view.steps.join(" ")
                );
                for word in internal {
                    assert!(!shown.contains(word), "{word:?} in {shown}");
                }
                if let Some(l) = report.level.level.filter(|&l| l > 0) {
                    assert!(
                        view.headline.starts_with(&format!("Level {l} of ")),
                        "{}",
                        view.headline
                    );
                    assert!(view.headline.contains(" marks)"), "{}", view.headline);
                }
                // The judgement sentence reads as English in every case.
                let judgement = view
                    .details
                    .iter()
                    .find(|d| d.starts_with("Judgement"))
                    .unwrap();
                assert!(!judgement.contains("on and"), "{judgement}");
                seen += 1;
            }
        }
        assert!(seen >= 6, "{seen}");
    }

    #[test]
    fn a_point_becomes_a_sentence() {
        assert_eq!(sentence(" chairman of the GKO "), "Chairman of the GKO.");
        assert_eq!(sentence("Allied aid mattered."), "Allied aid mattered.");
        assert_eq!(sentence("élan?"), "Élan?");
        assert_eq!(sentence(""), ".");
    }

    #[test]
    fn steps_for_an_essay_without_a_conclusion_ask_for_one_first_among_the_argument() {
        with_essay_question(|engine, q, topic| {
            let mut input = studypack_feedback::question_input(q, topic);
            input.model_essay = None;
            let first = q.model_essay.split("\n\n").next().unwrap();
            let report = engine.assess(&input, first);
            let steps = next_steps(&report);
            assert!(
                steps.iter().any(|s| s.contains("conclusion")),
                "{steps:?} for {:?}",
                report.judgement
            );
        });
    }
}
