//! The indicative level on the board's rubric, the reasons for it and the next steps.

use studypack_domain::Side;

use crate::question::Prepared;
use crate::report::round2;
use crate::report::*;

/// Weights of the parts of the quality score; they sum to 1.
const W_KNOWLEDGE: f32 = 0.40;
const W_BALANCE: f32 = 0.15;
const W_STRUCTURE: f32 = 0.15;
const W_JUDGEMENT: f32 = 0.20;
const W_PRECISION: f32 = 0.10;

/// What `capped_by` holds when a leaning balance keeps an essay from the top level.
const LEANS: &str = "leans";

/// Covering this share of the points earns full credit for knowledge: a mark scheme is
/// indicative content, and no essay is expected to make every point.
const FULL_KNOWLEDGE_SHARE: f32 = 0.5;

#[allow(clippy::too_many_arguments)]
pub(crate) fn level(
    p: &Prepared,
    points: &[PointResult],
    c: &Coverage,
    b: &Balance,
    st: &Structure,
    j: &Judgement,
    pr: &Precision,
    flags: &[&'static str],
    words: usize,
) -> (LevelResult, NextSteps) {
    let earned = c.covered as f32 + 0.5 * c.partial as f32;
    let knowledge = if c.total == 0 {
        0.0
    } else {
        (earned / (FULL_KNOWLEDGE_SHARE * c.total as f32)).min(1.0)
    };
    let balance = match b.verdict {
        "not-applicable" => 1.0,
        "none-earned" => 0.0,
        _ => (b.ratio * 1.25).min(1.0),
    };
    let analytical = st.body.iter().filter(|bp| bp.kind == "analytical").count();
    let structure = 0.25 * st.introduction.part.present as u8 as f32
        + 0.25 * st.conclusion.present as u8 as f32
        + 0.25 * (st.body.len() as f32 / 3.0).min(1.0)
        + 0.25
            * if st.body.is_empty() {
                0.0
            } else {
                analytical as f32 / st.body.len() as f32
            };
    let judgement = match j.conclusion {
        Stance::Agrees | Stance::Disagrees | Stance::Balanced => {
            0.6 + 0.2 * j.consistent as u8 as f32 + 0.2 * j.substantiated as u8 as f32
        }
        Stance::Unclear => 0.2,
        Stance::Absent => 0.0,
    };
    let specifics = pr.dates_per_100_words
        + pr.named_per_100_words
        + pr.figures_per_100_words
        + pr.quotations_per_100_words;
    let precision = (specifics / 4.0).min(1.0);
    let mut quality = W_KNOWLEDGE * knowledge
        + W_BALANCE * balance
        + W_STRUCTURE * structure
        + W_JUDGEMENT * judgement
        + W_PRECISION * precision;
    let half = p.expected_words / 2;
    if words < half {
        quality *= words as f32 / half.max(1) as f32;
    }
    if c.covered == 0 && c.partial == 0 {
        quality = quality.min(0.1);
    }

    let mut reasons = vec![
        format!(
            "Knowledge and understanding: {} of {} mark-scheme points made, {} partly; {} of {} bullets have a point made.",
            c.covered, c.total, c.partial, c.bullets_covered, c.bullets_total
        ),
        match b.verdict {
            "not-applicable" => "Balance: the mark scheme has only one side.".to_string(),
            v => format!(
                "Balance: {:.0}% of the supporting and {:.0}% of the challenging points earned ({}).",
                b.supporting * 100.0,
                b.challenging * 100.0,
                v.replace('-', " ")
            ),
        },
        format!(
            "Organisation: {} introduction, {} body {} ({} analytical), {} conclusion.",
            if st.introduction.part.present {
                "an"
            } else {
                "no"
            },
            st.body.len(),
            if st.body.len() == 1 {
                "paragraph"
            } else {
                "paragraphs"
            },
            analytical,
            if st.conclusion.present { "a" } else { "no" }
        ),
        format!(
            "Judgement: {}, and {}{}{}.",
            stance_clause("the introduction", j.introduction),
            stance_clause("the conclusion", j.conclusion),
            if j.consistent {
                "; they are consistent"
            } else {
                ""
            },
            if j.substantiated {
                "; the conclusion is supported by the body"
            } else if j.conclusion.is_clear() {
                "; the conclusion is not yet supported by the body"
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

    let mut capped_by: Vec<&'static str> = Vec::new();
    let off_topic = flags.contains(&"off-topic");
    let (level, marks, mark, criteria) = match &p.rubric {
        // An essay on another question earns no level on this one.
        Some(_) if off_topic => {
            capped_by.push("off-topic");
            (None, None, None, None)
        }
        Some(r) if !r.levels.is_empty() => {
            let n = r.levels.len();
            let mut lv = ((quality * n as f32).ceil() as usize).clamp(1, n);
            let cap = |frac: f32| ((n as f32 * frac).round() as usize).max(1);
            let caps: [(&'static str, usize); 8] = [
                ("copied-model-essay", 1),
                ("copied-mark-scheme", 1),
                ("off-topic", 1),
                ("list-not-prose", cap(0.4)),
                ("too-short", cap(0.4)),
                ("one-sided", cap(0.6)),
                ("no-judgement", cap(0.6)),
                ("inconsistent-judgement", cap(0.8)),
            ];
            for (flag, max) in caps {
                if flags.contains(&flag) && lv > max {
                    lv = max;
                    capped_by.push(flag);
                }
            }
            // Every top level asks for competing arguments weighed against each other: an
            // essay that leans to one side (less than half as much of the other earned) stops
            // one level below it.
            if b.verdict.starts_with("leans") && n > 1 && lv == n {
                lv = n - 1;
                capped_by.push(LEANS);
            }
            // A level is never given to an essay that earns no point.
            if words == 0 || (c.covered == 0 && c.partial == 0) {
                (
                    Some(0u8),
                    Some([0, 0]),
                    Some(0),
                    Some("Nothing creditable was found.".to_string()),
                )
            } else {
                // Levels are listed highest first; level index from the bottom.
                let rl = &r.levels[n - lv];
                let band = 1.0 / n as f32;
                let within = ((quality - band * (lv - 1) as f32) / band).clamp(0.0, 1.0);
                let within = if capped_by.is_empty() { within } else { 0.5 };
                let span = rl.marks.1 - rl.marks.0;
                let mark = rl.marks.0 + (within * span as f32).round() as u32;
                (
                    Some(rl.level),
                    Some([rl.marks.0, rl.marks.1]),
                    Some(mark),
                    Some(rl.criteria.clone()),
                )
            }
        }
        _ => (None, None, None, None),
    };
    if off_topic && p.rubric.is_some() {
        reasons.insert(
            0,
            "No level: the essay does not answer this question. It makes none of the mark scheme's points, or names almost none of the people, places and events the question is about.".to_string(),
        );
    }
    if let (Some(r), Some(l)) = (&p.rubric, level) {
        reasons.insert(
            0,
            format!(
                "Indicative level {l} of {} on the {}.",
                r.top_level(),
                r.name
            ),
        );
    }
    for f in &capped_by {
        reasons.push(format!("The level is held down by: {}.", flag_words(f)));
    }

    let next = next_steps(points, c, b, st, j, pr, flags);
    (
        LevelResult {
            level,
            marks,
            mark,
            rubric: p.rubric.as_ref().map(|r| r.name.clone()),
            criteria,
            quality: round2(quality),
            reasons,
            capped_by,
        },
        next,
    )
}

/// What one part of the essay does with the view, as a whole clause: "the introduction
/// agrees with the view", "the conclusion is missing".
fn stance_clause(part: &str, s: Stance) -> String {
    match s {
        Stance::Agrees => format!("{part} agrees with the view"),
        Stance::Disagrees => format!("{part} disagrees with the view"),
        Stance::Balanced => format!("{part} takes a balanced position on the view"),
        Stance::Unclear => format!("{part} takes no clear position on the view"),
        Stance::Absent => format!("{part} is missing"),
    }
}

pub(crate) fn flag_words(flag: &str) -> &'static str {
    match flag {
        "one-sided" => "the essay argues only one side",
        LEANS => {
            "the essay weighs one side much more than the other, and the top level asks for both weighed throughout"
        }
        "no-introduction" => "there is no introduction",
        "no-conclusion" => "there is no conclusion",
        "no-judgement" => "the conclusion reaches no clear judgement",
        "inconsistent-judgement" => "the conclusion contradicts the introduction",
        "too-short" => "the essay is too short for the marks",
        "off-topic" => "the essay does not address this question",
        "list-not-prose" => "the answer is a list, not continuous prose",
        "copied-model-essay" => "much of the essay repeats the model essay",
        "copied-mark-scheme" => "much of the essay repeats the mark scheme",
        _ => "a problem with the essay",
    }
}

fn next_steps(
    points: &[PointResult],
    c: &Coverage,
    b: &Balance,
    st: &Structure,
    j: &Judgement,
    pr: &Precision,
    flags: &[&'static str],
) -> NextSteps {
    // The weaker side first (by points earned, as `one-sided` is), then the longest points.
    let earned = |s: &SideCoverage| s.covered as f32 + 0.5 * s.partial as f32;
    let weaker = if earned(&c.supporting) <= earned(&c.challenging) {
        Side::Supporting
    } else {
        Side::Challenging
    };
    let mut missing: Vec<&PointResult> = points
        .iter()
        .filter(|p| p.status != PointStatus::Covered)
        .collect();
    missing.sort_by(|a, b| {
        (b.side == weaker)
            .cmp(&(a.side == weaker))
            .then(
                (a.status == PointStatus::Partial)
                    .cmp(&(b.status == PointStatus::Partial))
                    .reverse(),
            )
            .then(b.text.len().cmp(&a.text.len()))
            .then(a.id.cmp(&b.id))
    });
    // One point per bullet, at most three.
    let mut add = Vec::new();
    let mut bullets = Vec::new();
    for m in missing {
        if !bullets.contains(&m.bullet) {
            bullets.push(m.bullet);
            add.push(m.text.to_string());
        }
        if add.len() == 3 {
            break;
        }
    }
    let first_missing = add.first().cloned().unwrap_or_default();
    let has = |f: &str| flags.contains(&f);
    let analytical = st.body.iter().filter(|bp| bp.kind == "analytical").count();
    let lift = if has("copied-model-essay") || has("copied-mark-scheme") {
        "Write the essay in your own words: explain and weigh the evidence rather than repeating the model essay or the mark scheme.".to_string()
    } else if has("off-topic") {
        "Answer the question that was set: take its view and argue for and against it.".to_string()
    } else if has("list-not-prose") {
        "Write in paragraphs of continuous prose: make a point, support it with evidence and explain its significance.".to_string()
    } else if has("too-short") {
        if first_missing.is_empty() {
            "Develop the essay: it is too short for the marks available. Explain each point and support it with evidence.".to_string()
        } else {
            format!(
                "Develop the essay: it is too short for the marks available. Start by adding: {first_missing}"
            )
        }
    } else if has("no-judgement") {
        "End with a clear judgement: say whether, and how far, you agree with the view, and why one side outweighs the other.".to_string()
    } else if has("inconsistent-judgement") {
        "Make your conclusion reach the judgement your introduction promised, or change the introduction to match.".to_string()
    } else if has("one-sided") || b.verdict.starts_with("leans") {
        let side = if weaker == Side::Supporting {
            "supporting"
        } else {
            "challenging"
        };
        format!("Add the {side} side of the argument, for example: {first_missing}")
    } else if !j.substantiated && j.conclusion.is_clear() {
        "Back your conclusion with the body: make sure the side you come down on is the one your paragraphs prove.".to_string()
    } else if c.covered * 4 < c.total {
        format!("Cover more of the mark scheme's content, starting with: {first_missing}")
    } else if !st.body.is_empty() && analytical * 2 < st.body.len() {
        "Analyse rather than describe: end each paragraph by explaining how the evidence bears on the view.".to_string()
    } else if pr.dates_per_100_words + pr.named_per_100_words < 1.5 {
        "Use more precise evidence: dates, named people and bodies, and figures.".to_string()
    } else if !first_missing.is_empty() {
        format!("Widen the range of evidence, for example: {first_missing}")
    } else {
        "Sharpen the judgement: weigh the most important factor against the others explicitly."
            .to_string()
    };
    NextSteps { add, lift }
}
