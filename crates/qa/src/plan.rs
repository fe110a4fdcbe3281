//! The plan generator: an essay plan built from a question's mark scheme, structured like the
//! free plans on the seed page — an introduction with a line of argument, the arguments
//! supporting and challenging the view as headed paragraphs, specific evidence from the
//! topic's timeline, and a conclusion that weighs the sides. Deterministic.

use studypack_domain::{Question, SchemeBullet, Side, Topic};
use studypack_feedback::Engine;

/// Content stems of a text (no stop words, no numbers).
fn stems(engine: &Engine, text: &str) -> Vec<String> {
    let an = engine.analyse(text);
    let mut v: Vec<String> = an
        .tokens
        .iter()
        .filter(|t| !t.stop && !t.numeric && t.word.len() > 2)
        .map(|t| t.stem.to_string())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Up to `n` timeline entries that share the most words with `text` (at least two).
fn evidence(
    engine: &Engine,
    topic: &Topic,
    period: Option<studypack_domain::Period>,
    text: &str,
    n: usize,
) -> Vec<String> {
    let want = stems(engine, text);
    let mut scored: Vec<(usize, usize, String)> = topic
        .timeline
        .iter()
        .enumerate()
        .filter(|(_, e)| period.is_none_or(|p| p.contains(e.date.year)))
        .map(|(i, e)| {
            let have = stems(engine, &e.event);
            let shared = have
                .iter()
                .filter(|s| want.binary_search(s).is_ok())
                .count();
            (
                shared,
                i,
                format!("{} ({})", e.event.trim_end_matches('.'), e.date),
            )
        })
        .filter(|(shared, _, _)| *shared >= 2)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(n).map(|(_, _, s)| s).collect()
}

fn sentence(s: &str) -> String {
    let s = s.trim().trim_end_matches(['.', ';']);
    let mut c = s.chars();
    match c.next() {
        Some(f) => format!("{}{}.", f.to_uppercase(), c.as_str()),
        None => String::new(),
    }
}

fn heading(b: &SchemeBullet) -> String {
    let first = b.sub_points().next().unwrap_or(&b.text);
    let mut words: Vec<&str> = first.split_whitespace().take(10).collect();
    while words.len() > 3
        && words.last().is_some_and(|w| {
            matches!(
                w.to_lowercase().as_str(),
                "and"
                    | "or"
                    | "but"
                    | "of"
                    | "the"
                    | "a"
                    | "an"
                    | "to"
                    | "in"
                    | "with"
                    | "by"
                    | "for"
            )
        })
    {
        words.pop();
    }
    sentence(&words.join(" ")).trim_end_matches('.').to_string()
}

fn section(
    out: &mut String,
    engine: &Engine,
    topic: &Topic,
    q: &Question,
    title: &str,
    bullets: &[&SchemeBullet],
) {
    out.push_str(&format!("## {title}\n\n"));
    for (i, b) in bullets.iter().enumerate() {
        out.push_str(&format!("### {}. {}\n\n", i + 1, heading(b)));
        let points: Vec<String> = b.sub_points().map(sentence).collect();
        out.push_str(&points.join(" "));
        let ev = evidence(engine, topic, q.period, &b.text, 2);
        if !ev.is_empty() {
            out.push_str(&format!(" Evidence: {}.", ev.join("; ")));
        }
        out.push_str("\n\n");
    }
}

/// A plan for `q` from its mark scheme and its topic's timeline.
pub fn generate_plan(engine: &Engine, q: &Question, topic: &Topic) -> String {
    let sup: Vec<&SchemeBullet> = q.mark_scheme.side(Side::Supporting).collect();
    let cha: Vec<&SchemeBullet> = q.mark_scheme.side(Side::Challenging).collect();
    let weight = |bs: &[&SchemeBullet]| bs.iter().map(|b| b.sub_points().count()).sum::<usize>();
    let (ws, wc) = (weight(&sup), weight(&cha));
    let view = q.view.clone().unwrap_or_else(|| q.text.clone());
    let view = view.trim_end_matches(['.', '?']);
    let (line, judgement) = if ws > wc + wc / 4 {
        (
            "the view is largely valid",
            "the arguments supporting the view outweigh those against it",
        )
    } else if wc > ws + ws / 4 {
        (
            "the view is largely invalid",
            "the arguments challenging the view outweigh those supporting it",
        )
    } else {
        (
            "the view is valid only in part",
            "the two sides are closely balanced, so the view holds only in part",
        )
    };
    let mut out = String::new();
    out.push_str("## Introduction\n\n");
    out.push_str(&format!(
        "This essay will weigh the view that {}. It will argue that {line}: the mark scheme offers {} argument(s) for it and {} against it.\n\n",
        view.trim_start_matches(['‘', '\'', '"']).trim_end_matches(['’', '\'', '"']),
        sup.len(),
        cha.len()
    ));
    if !sup.is_empty() {
        section(
            &mut out,
            engine,
            topic,
            q,
            "Arguments supporting the view",
            &sup,
        );
    }
    if !cha.is_empty() {
        section(
            &mut out,
            engine,
            topic,
            q,
            "Arguments challenging the view",
            &cha,
        );
    }
    let neutral: Vec<&SchemeBullet> = q.mark_scheme.side(Side::Neutral).collect();
    if !neutral.is_empty() {
        section(
            &mut out,
            engine,
            topic,
            q,
            "Other points to weigh",
            &neutral,
        );
    }
    out.push_str("## Conclusion\n\n");
    let strongest = |bs: &[&SchemeBullet]| {
        bs.iter()
            .max_by_key(|b| (b.sub_points().count(), std::cmp::Reverse(b.text.len())))
            .map(|b| heading(b).to_lowercase())
    };
    out.push_str(&format!("In conclusion, {judgement}."));
    if let (Some(s), Some(c)) = (strongest(&sup), strongest(&cha)) {
        out.push_str(&format!(
            " The strongest case for the view is that {s}; the strongest against it is that {c}."
        ));
    }
    out.push_str(&format!(" Overall, {line}.\n"));
    out
}
