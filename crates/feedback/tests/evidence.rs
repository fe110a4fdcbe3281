//! The evidence the engine must show, on the real seed page and the external ASAP data in
//! `../shared`. These read the files from there and fail if they are missing.

use studypack_domain::page::{parse_page, to_question};
use studypack_domain::scheme_text::parse_scheme_text;
use studypack_feedback::*;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

fn read(path: &str) -> String {
    let p = format!("{SHARED}/{path}");
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p} must exist: {e}"))
}

fn seed_reports() -> (Report, Report) {
    let lib = studypack_demo::library();
    let page = parse_page("seed", &read("seed/000_359a0cc6bd3e9193.txt")).unwrap();
    let (_, q) = to_question("seed", &page, &lib.topics).unwrap();
    let topic = lib.topic(&q.topic).unwrap();
    let engine = engine_for_library(&lib);
    // The seed's own mark scheme, its AQA rubric; no model essay to compare with (the
    // model essay is what is being assessed).
    let mut input = question_input(&q, topic);
    input.model_essay = None;
    let prepared = engine.prepare(&input);
    (
        engine.report(&prepared, &q.model_essay),
        engine.report(&prepared, &q.plan),
    )
}

#[test]
fn seed_model_essay_reaches_level_4_and_agrees() {
    let (essay, _) = seed_reports();
    assert!(
        essay.coverage.bullets_covered >= 8,
        "{} of 10 bullets",
        essay.coverage.bullets_covered
    );
    assert_eq!(essay.coverage.bullets_total, 10);
    assert!(
        essay.level.level.unwrap() >= 4,
        "level {:?} ({:?})",
        essay.level.level,
        essay.level.reasons
    );
    assert_eq!(essay.judgement.introduction, Stance::Agrees);
    assert_eq!(essay.judgement.conclusion, Stance::Agrees);
}

/// The seed's model essay written as students paste it: each variant reads like the
/// Markdown original (same level, stances and points).
#[test]
fn seed_model_essay_pasted_as_plain_text_reads_the_same() {
    let lib = studypack_demo::library();
    let page = parse_page("seed", &read("seed/000_359a0cc6bd3e9193.txt")).unwrap();
    let (_, q) = to_question("seed", &page, &lib.topics).unwrap();
    let topic = lib.topic(&q.topic).unwrap();
    let engine = engine_for_library(&lib);
    let mut input = question_input(&q, topic);
    input.model_essay = None;
    let prepared = engine.prepare(&input);
    let md = &q.model_essay;
    assert!(
        md.contains("\n## Conclusion"),
        "the seed essay has Markdown headings"
    );
    let plain: String = md
        .lines()
        .map(|l| l.trim_start_matches('#').trim_start())
        .collect::<Vec<_>>()
        .join("\n");
    let bold: String = md
        .lines()
        .map(|l| match l.strip_prefix("## ") {
            Some(h) => format!("**{h}**"),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    // From a word processor: CRLF, non-breaking spaces, curly quotes, trailing spaces.
    let word = plain
        .replace("\n", " \r\n")
        .replace(", ", ",\u{a0}")
        .replace('\'', "\u{2019}");
    // Single newlines between paragraphs, tabs and stray spaces, soft hyphens and zero-width
    // spaces inside long words (as word processors and web pages leave them).
    let single = plain.replace("\n\n", "\n");
    let stray = plain.replace("\n\n", "\n \t\n").replace(". ", ".  ");
    let soft: String = plain
        .split(' ')
        .map(|w| {
            if w.chars().count() > 9 && w.chars().all(char::is_alphabetic) {
                let mid = w.char_indices().nth(4).unwrap().0;
                format!("{}\u{ad}{}", &w[..mid], &w[mid..])
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    let zero_width = soft.replace('\u{ad}', "\u{200b}");
    let original = engine.report(&prepared, md);
    let covered = |r: &Report| -> Vec<usize> {
        r.points
            .iter()
            .filter(|p| p.status == PointStatus::Covered)
            .map(|p| p.id)
            .collect()
    };
    for (name, text) in [
        ("plain headings", &plain),
        ("bold headings", &bold),
        ("word processor", &word),
        ("single newlines", &single),
        ("stray whitespace", &stray),
        ("soft hyphens", &soft),
        ("zero-width spaces", &zero_width),
    ] {
        let r = engine.report(&prepared, text);
        assert_eq!(
            r.level.level, original.level.level,
            "{name}: {:?}",
            r.level.reasons
        );
        assert_eq!(r.judgement.conclusion, Stance::Agrees, "{name}");
        assert_eq!(
            r.judgement.introduction, original.judgement.introduction,
            "{name}"
        );
        assert_eq!(
            r.structure.paragraphs, original.structure.paragraphs,
            "{name}"
        );
        assert_eq!(covered(&r), covered(&original), "{name}");
        assert_eq!(r.flags, original.flags, "{name}");
    }
    assert!(original.level.level.unwrap() >= 4);
}

/// The seed's model essay cut before its conclusion (with Markdown or plain headings): it
/// stops after a body paragraph, so it has no conclusion, is flagged for it, and reaches no
/// higher level than the whole essay.
#[test]
fn an_essay_that_stops_after_a_body_paragraph_has_no_conclusion() {
    let lib = studypack_demo::library();
    let page = parse_page("seed", &read("seed/000_359a0cc6bd3e9193.txt")).unwrap();
    let (_, q) = to_question("seed", &page, &lib.topics).unwrap();
    let topic = lib.topic(&q.topic).unwrap();
    let engine = engine_for_library(&lib);
    let mut input = question_input(&q, topic);
    input.model_essay = None;
    let prepared = engine.prepare(&input);
    let whole = engine.report(&prepared, &q.model_essay);
    let cut = &q.model_essay[..q.model_essay.find("## Conclusion").unwrap()];
    let plain_cut = cut.replace("## ", "");
    for (name, text) in [("markdown", cut), ("plain", plain_cut.as_str())] {
        let r = engine.report(&prepared, text);
        assert_eq!(r.judgement.conclusion, Stance::Absent, "{name}");
        assert!(!r.structure.conclusion.present, "{name}");
        assert!(r.flags.contains(&"no-conclusion"), "{name}: {:?}", r.flags);
        assert!(r.level.level <= whole.level.level, "{name}");
    }
}

#[test]
fn seed_plan_concludes_the_opposite() {
    let (_, plan) = seed_reports();
    assert_eq!(plan.judgement.conclusion, Stance::Disagrees);
}

/// Quadratic weighted kappa, as `shared/eval/qwk.py` computes it.
fn qwk(gold: &[i32], pred: &[i32]) -> f64 {
    let lo = *gold.iter().chain(pred).min().unwrap();
    let hi = *gold.iter().chain(pred).max().unwrap();
    let n = (hi - lo + 1) as usize;
    let mut o = vec![vec![0f64; n]; n];
    for (g, p) in gold.iter().zip(pred) {
        o[(g - lo) as usize][(p - lo) as usize] += 1.0;
    }
    let ha: Vec<f64> = o.iter().map(|r| r.iter().sum()).collect();
    let hb: Vec<f64> = (0..n).map(|j| o.iter().map(|r| r[j]).sum()).collect();
    let total = gold.len() as f64;
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..n {
        for j in 0..n {
            let w = ((i as f64 - j as f64).powi(2)) / (((n - 1) as f64).powi(2)).max(1.0);
            num += w * o[i][j];
            den += w * ha[i] * hb[j] / total;
        }
    }
    1.0 - num / den
}

/// The rubric in `rubric.txt`: 4+ elements → 3, 3 → 2, 1–2 → 1, none → 0.
fn asap_score(covered: usize) -> i32 {
    match covered {
        0 => 0,
        1 | 2 => 1,
        3 => 2,
        _ => 3,
    }
}

#[test]
fn asap_set5_quadratic_weighted_kappa_is_at_least_070() {
    let scheme = parse_scheme_text("scheme.txt", &read("eval/asap-sas-set5/scheme.txt")).unwrap();
    let prompt = read("eval/asap-sas-set5/prompt.txt");
    let engine = engine_for_library(&studypack_demo::library());
    let prepared = engine.prepare(&QuestionInput::bare(&prompt, &scheme));
    let (mut gold, mut pred) = (Vec::new(), Vec::new());
    for line in read("eval/asap-sas-set5/responses.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        gold.push(v["score"].as_i64().unwrap() as i32);
        pred.push(asap_score(
            engine
                .report(&prepared, v["text"].as_str().unwrap())
                .coverage
                .covered,
        ));
    }
    assert_eq!(gold.len(), 598);
    let k = qwk(&gold, &pred);
    eprintln!("ASAP set 5 QWK {k:.4}");
    assert!(k >= 0.70, "QWK {k:.4}");
}

#[test]
fn hostile_inputs_stay_bounded() {
    let lib = studypack_demo::library();
    for q in &lib.questions {
        let engine = engine_for_library(&lib);
        let prepared = engine.prepare(&question_input(q, lib.topic(&q.topic).unwrap()));
        // A year outside every demo question's period, in every one of 13,000 sentences.
        let one_mb: String =
            "The secret police arrested many people in 1037 and the purges removed rivals. "
                .repeat(1024 * 1024 / 78);
        let one_sentence = "stalin khrushchev party economy terror reform ".repeat(20_000 / 6);
        let capitals = q.model_essay.to_uppercase();
        let normal = serde_json::to_string(&engine.report(&prepared, &q.model_essay))
            .unwrap()
            .len();
        for text in [one_mb.as_str(), one_sentence.as_str(), capitals.as_str()] {
            let r = engine.report(&prepared, text);
            assert_eq!(r.coverage.total, prepared_points(&r));
            // What a report lists is bounded, not proportional to the essay.
            assert!(r.precision.out_of_period.len() <= studypack_feedback::MAX_OUT_OF_PERIOD);
            let size = serde_json::to_string(&r).unwrap().len();
            assert!(
                size <= 2 * normal + 16 * 1024,
                "{}: a {}-byte essay gave a {size}-byte report (the model essay's: {normal})",
                q.slug,
                text.len()
            );
        }
    }
}

fn prepared_points(r: &Report) -> usize {
    r.points.len()
}

/// The whole report, as JSON, for every demo question's model essay and plan read against its
/// own scheme (`tests/snapshots/`): any change to what the engine says shows up in review, and a
/// refactoring of the engine must leave these byte-identical.
#[test]
fn reports_on_the_demo_essays_are_as_recorded() {
    let lib = studypack_demo::library();
    let engine = engine_for_library(&lib);
    for q in &lib.questions {
        let topic = lib.topic(&q.topic).unwrap();
        // Without the model essay in the question, so that the essay is not "copied".
        let input = QuestionInput {
            model_essay: None,
            ..question_input(q, topic)
        };
        let prepared = engine.prepare(&input);
        for (what, text) in [("essay", &q.model_essay), ("plan", &q.plan)] {
            let report = engine.report(&prepared, text);
            insta::assert_json_snapshot!(format!("{}-{what}", q.slug), report);
        }
    }
}

/// The stances a teacher gives the labelled introductions and conclusions in
/// `tests/data/stances.tsv` (written for this project; the labelling rule is at the top of the
/// file): each paragraph is read in its role in an essay on its demo question, and the
/// engine's stance must agree with the label on at least 90% of them. Prints the accuracy, the
/// confusion matrix and the misread paragraphs
/// (`cargo test -p studypack-feedback --test evidence stance -- --nocapture`).
#[test]
fn stance_agrees_with_the_labelled_set_at_least_090() {
    const STANCES: [&str; 5] = ["agrees", "disagrees", "balanced", "unclear", "absent"];
    let lib = studypack_demo::library();
    let engine = engine_for_library(&lib);
    let data = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/stances.tsv"
    ))
    .unwrap();
    let mut prepared = std::collections::BTreeMap::new();
    // Neutral paragraphs around the one read: they describe and take no position.
    let neutral_intro =
        "This essay looks at the events of the period and the people involved in them.";
    let neutral_body = [
        "The first part of the period saw several important events. Many people were affected by them, and the government had to respond.",
        "The later years brought further developments. Historians have written a great deal about them and about the people involved.",
    ];
    let neutral_conclusion = "These events shaped the rest of the period in several ways.";
    let mut matrix = [[0usize; 5]; 5];
    let (mut n, mut right) = (0usize, 0usize);
    let mut by_role = std::collections::BTreeMap::<&str, (usize, usize)>::new();
    let mut misread = Vec::new();
    for line in data
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let [slug, role, expected, text] = cols[..] else {
            panic!("four tab-separated columns: {line}")
        };
        let p = prepared.entry(slug).or_insert_with(|| {
            let q = lib
                .questions
                .iter()
                .find(|q| q.slug.as_str() == slug)
                .unwrap_or_else(|| panic!("{slug}"));
            let input = QuestionInput {
                model_essay: None,
                ..question_input(q, lib.topic(&q.topic).unwrap())
            };
            engine.prepare(&input)
        });
        let (essay, got) = match role {
            "introduction" => {
                let essay = format!(
                    "{text}\n\n{}\n\n{}\n\n## Conclusion\n\n{neutral_conclusion}\n",
                    neutral_body[0], neutral_body[1]
                );
                let r = engine.report(p, &essay);
                (essay, r.judgement.introduction)
            }
            "conclusion" => {
                let essay = format!(
                    "{neutral_intro}\n\n{}\n\n{}\n\n## Conclusion\n\n{text}\n",
                    neutral_body[0], neutral_body[1]
                );
                let r = engine.report(p, &essay);
                (essay, r.judgement.conclusion)
            }
            _ => panic!("role {role}"),
        };
        let e = STANCES
            .iter()
            .position(|s| *s == expected)
            .unwrap_or_else(|| panic!("{expected}"));
        let g = STANCES.iter().position(|s| *s == got.label()).unwrap();
        matrix[e][g] += 1;
        n += 1;
        let r = by_role.entry(role).or_default();
        r.0 += 1;
        if e == g {
            right += 1;
            r.1 += 1;
        } else {
            misread.push(format!(
                "{slug} {role}: {expected} read as {}: {text}",
                got.label()
            ));
        }
        assert!(essay.len() < 4096);
    }
    let accuracy = right as f64 / n as f64;
    eprintln!("stance: {right} of {n} paragraphs agree with the label, accuracy {accuracy:.3}");
    for (role, (all, ok)) in &by_role {
        eprintln!("  {role}: {ok} of {all}");
    }
    eprintln!("| label \\ engine | {} |", STANCES.join(" | "));
    eprintln!("|---|---|---|---|---|---|");
    for (e, row) in matrix.iter().enumerate().take(4) {
        let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
        eprintln!("| {} | {} |", STANCES[e], cells.join(" | "));
    }
    for m in &misread {
        eprintln!("misread: {m}");
    }
    assert!(n >= 150, "{n} paragraphs");
    assert!(accuracy >= 0.90, "stance accuracy {accuracy:.3}");
}

/// The stances of every demo model essay and plan, as a teacher reads them (they are also in
/// the report snapshots): a change to the cue reading must keep all of them.
#[test]
fn demo_essays_and_plans_keep_their_stances() {
    use Stance::*;
    let expected: &[(&str, [Stance; 4])] = &[
        (
            "aqa-2019-henry-vii-foreign-policy-dynasty",
            [Agrees, Agrees, Agrees, Agrees],
        ),
        (
            "aqa-2019-khrushchev-destalinisation-style-substance",
            [Agrees, Agrees, Agrees, Agrees],
        ),
        (
            "aqa-2021-cromwell-break-with-rome",
            [Disagrees, Disagrees, Disagrees, Disagrees],
        ),
        (
            "aqa-2023-elizabeth-catholic-threat",
            [Disagrees, Disagrees, Disagrees, Disagrees],
        ),
        (
            "aqa-2023-stalin-leadership-war-victory",
            [Disagrees, Disagrees, Disagrees, Disagrees],
        ),
        (
            "aqa-2024-khrushchev-fall-agriculture",
            [Disagrees, Disagrees, Disagrees, Disagrees],
        ),
        (
            "cie-2019-february-revolution-first-world-war",
            [Agrees, Agrees, Agrees, Agrees],
        ),
        (
            "cie-2021-october-provisional-government-weakness",
            [Disagrees, Disagrees, Disagrees, Disagrees],
        ),
        (
            "cie-2023-civil-war-white-weaknesses",
            [Agrees, Agrees, Agrees, Agrees],
        ),
        (
            "ocr-2018-ussr-responsibility-cold-war-origins",
            [Disagrees, Disagrees, Disagrees, Disagrees],
        ),
        (
            "ocr-2021-berlin-crisis-superpower-relations",
            [Agrees, Agrees, Agrees, Agrees],
        ),
        (
            "ocr-2023-gorbachev-end-cold-war-europe",
            [Agrees, Agrees, Agrees, Agrees],
        ),
    ];
    let lib = studypack_demo::library();
    let engine = engine_for_library(&lib);
    assert_eq!(lib.questions.len(), expected.len());
    let mut changed = Vec::new();
    for (slug, [ei, ec, pi, pc]) in expected {
        let q = lib
            .questions
            .iter()
            .find(|q| q.slug.as_str() == *slug)
            .unwrap();
        let input = QuestionInput {
            model_essay: None,
            ..question_input(q, lib.topic(&q.topic).unwrap())
        };
        let prepared = engine.prepare(&input);
        let essay = engine.report(&prepared, &q.model_essay).judgement;
        let plan = engine.report(&prepared, &q.plan).judgement;
        for (what, got, want) in [
            ("essay introduction", essay.introduction, *ei),
            ("essay conclusion", essay.conclusion, *ec),
            ("plan introduction", plan.introduction, *pi),
            ("plan conclusion", plan.conclusion, *pc),
        ] {
            if got != want {
                changed.push(format!(
                    "{slug} {what}: {} read as {}",
                    want.label(),
                    got.label()
                ));
            }
        }
    }
    assert!(changed.is_empty(), "{changed:#?}");
}
