//! The report as the page shows it: the essay cut into sentences, each marked with the
//! scheme points it earns, the points by side, flags in words.

use studypack_domain::Side;
use studypack_feedback::{PointStatus, Report};

// ------------------------------------------------------------------------------ the report

pub(crate) struct Segment {
    pub(crate) text: String,
    /// Labels of the points this sentence earns, e.g. "S2" (supporting point 2).
    pub(crate) labels: Vec<String>,
    /// CSS class: `supporting`, `challenging`, `neutral`, `mixed` or empty.
    pub(crate) class: &'static str,
    pub(crate) title: String,
}

pub(crate) struct PointLine {
    pub(crate) label: String,
    pub(crate) text: String,
    pub(crate) side: &'static str,
    pub(crate) status: &'static str,
}

/// The report as the page shows it.
pub(crate) struct ReportView {
    pub(crate) level: Option<u8>,
    /// No level because the essay answers another question.
    pub(crate) off_topic: bool,
    pub(crate) marks: Option<[u32; 2]>,
    pub(crate) mark: Option<u32>,
    pub(crate) rubric: String,
    pub(crate) criteria: String,
    pub(crate) reasons: Vec<String>,
    pub(crate) words: usize,
    pub(crate) covered: usize,
    pub(crate) partial: usize,
    pub(crate) total: usize,
    pub(crate) points: Vec<PointLine>,
    pub(crate) segments: Vec<Segment>,
    pub(crate) flags: Vec<(String, String)>,
    pub(crate) intro: &'static str,
    pub(crate) conclusion: &'static str,
    pub(crate) consistent: bool,
    pub(crate) substantiated: bool,
    pub(crate) balance: &'static str,
    pub(crate) add: Vec<String>,
    pub(crate) lift: String,
}

fn side_label(s: Side) -> &'static str {
    match s {
        Side::Supporting => "supporting",
        Side::Challenging => "challenging",
        Side::Neutral => "neutral",
    }
}

fn status_label(s: PointStatus) -> &'static str {
    match s {
        PointStatus::Covered => "covered",
        PointStatus::Partial => "partial",
        PointStatus::Missing => "missing",
    }
}

/// What a flag means, for a student.
fn flag_text(id: &str) -> &'static str {
    match id {
        "one-sided" => "The essay argues one side only; the mark scheme rewards weighing both.",
        "no-introduction" => "There is no introduction setting out your line of argument.",
        "no-conclusion" => "There is no conclusion reaching a judgement.",
        "no-judgement" => "The essay does not reach a clear judgement on the view in the question.",
        "inconsistent-judgement" => "The introduction and the conclusion argue different things.",
        "too-short" => "The essay is much shorter than the exam expects.",
        "off-topic" => "Little of the essay matches the question and its mark scheme.",
        "list-not-prose" => "The essay is a list, not paragraphs of argument.",
        "copied-model-essay" => {
            "Much of the essay repeats the model essay: write it in your own words."
        }
        "copied-mark-scheme" => {
            "Much of the essay repeats the mark scheme: explain and support the points instead."
        }
        _ => "See the report for details.",
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
fn point_labels(report: &Report) -> Vec<String> {
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

pub(crate) fn report_view(report: &Report, essay: &str) -> ReportView {
    let labels = point_labels(report);
    // Sentences that earn points, by byte range.
    let mut spans: std::collections::BTreeMap<(usize, usize), Vec<usize>> = Default::default();
    for (i, p) in report.points.iter().enumerate() {
        // A sentence is marked with the points it earns outright; partial credit is listed
        // in the table of points.
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
                labels: vec![],
                class: "",
                title: String::new(),
            });
        }
        let sides: std::collections::BTreeSet<&str> = points
            .iter()
            .map(|&i| side_label(report.points[i].side))
            .collect();
        segments.push(Segment {
            text: essay[start..end].to_string(),
            labels: points.iter().map(|&i| labels[i].clone()).collect(),
            class: if sides.len() == 1 {
                sides.into_iter().next().unwrap_or("")
            } else {
                "mixed"
            },
            title: points
                .iter()
                .map(|&i| format!("{}: {}", labels[i], report.points[i].text))
                .collect::<Vec<_>>()
                .join(" · "),
        });
        at = end;
    }
    if at < essay.len() {
        segments.push(Segment {
            text: essay[at..].to_string(),
            labels: vec![],
            class: "",
            title: String::new(),
        });
    }
    ReportView {
        level: report.level.level,
        off_topic: report.flags.contains(&"off-topic"),
        marks: report.level.marks,
        mark: report.level.mark,
        rubric: report.level.rubric.clone().unwrap_or_default(),
        criteria: report.level.criteria.clone().unwrap_or_default(),
        reasons: report.level.reasons.clone(),
        words: report.words,
        covered: report.coverage.covered,
        partial: report.coverage.partial,
        total: report.coverage.total,
        points: report
            .points
            .iter()
            .zip(&labels)
            .map(|(p, l)| PointLine {
                label: l.clone(),
                text: p.text.to_string(),
                side: side_label(p.side),
                status: status_label(p.status),
            })
            .collect(),
        segments,
        flags: report
            .flags
            .iter()
            .map(|f| (f.to_string(), flag_text(f).to_string()))
            .collect(),
        intro: report.judgement.introduction.label(),
        conclusion: report.judgement.conclusion.label(),
        consistent: report.judgement.consistent,
        substantiated: report.judgement.substantiated,
        balance: report.balance.verdict,
        add: report.next_steps.add.clone(),
        lift: report.next_steps.lift.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    /// Every sentence of a full demo essay, marked on the page, carries exactly the labels of
    /// the points whose evidence is that sentence (covered points; partial ones are listed in
    /// the table only), and every such sentence is marked.
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
            let view = report_view(&report, essay);
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
                if !s.labels.is_empty() {
                    shown.insert(range, s.labels.iter().cloned().collect());
                }
                at = range.1;
            }
            assert_eq!(at, essay.len(), "the segments are the whole essay");
            assert_eq!(shown, expected, "{}", q.slug);
            checked += expected.len();
        }
        assert!(checked > 100, "{checked} marked sentences");
    }
}
