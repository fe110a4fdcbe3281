use super::*;
use studypack_domain::Library;
use studypack_domain::page::{parse_page, to_question};
use studypack_feedback::engine_for_library;

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/seed/000_359a0cc6bd3e9193.txt"
);

fn lib() -> Library {
    studypack_demo::library()
}

fn kinds(f: &[Finding]) -> Vec<&'static str> {
    f.iter().map(|x| x.kind).collect()
}

#[test]
fn the_seed_page_has_both_faults() {
    let lib = lib();
    let page = parse_page(
        "seed",
        &std::fs::read_to_string(SEED).expect("the seed page"),
    )
    .unwrap();
    let (_, q) = to_question("seed", &page, &lib.topics).unwrap();
    let topic = lib.topic(&q.topic).unwrap();
    let findings = check(&engine_for_library(&lib), &q, topic);
    let mismatch = findings
        .iter()
        .find(|f| f.kind == "judgement-mismatch" && f.target == Target::Plan)
        .expect("plan v essay mismatch");
    assert!(
        mismatch
            .sentence
            .as_ref()
            .unwrap()
            .text
            .contains("more different than alike")
    );
    let office = findings
        .iter()
        .find(|f| f.kind == "office-conflict")
        .expect("the Presidium sentence");
    assert_eq!(office.target, Target::ModelEssay);
    let s = office.sentence.as_ref().unwrap();
    assert!(
        s.text
            .contains("Khrushchev later establishing the Presidium in 1952"),
        "{}",
        s.text
    );
    assert_eq!(&q.model_essay[s.start..s.end], s.text);
    assert!(office.message.contains("1953-09-07"), "{}", office.message);
}

#[test]
fn the_demo_library_has_no_errors() {
    let lib = lib();
    let engine = engine_for_library(&lib);
    for q in &lib.questions {
        let findings = check(&engine, q, lib.topic(&q.topic).unwrap());
        let errors: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {:#?}", q.slug, errors);
    }
}

fn russia_question() -> (Library, Question) {
    let lib = lib();
    let q = lib
        .questions
        .iter()
        .find(|q| q.slug.as_str() == "aqa-2019-khrushchev-destalinisation-style-substance")
        .unwrap()
        .clone();
    (lib, q)
}

#[test]
fn a_wrong_date_for_a_named_event_is_found() {
    let (lib, mut q) = russia_question();
    let engine = engine_for_library(&lib);
    let topic = lib.topic(&q.topic).unwrap();
    q.model_essay
        .push_str("\n\nKhrushchev's Secret Speech of 1958 shocked the delegates.");
    let f = check(&engine, &q, topic);
    let d = f
        .iter()
        .find(|x| x.kind == "date-conflict")
        .expect("date conflict");
    assert!(d.message.contains("1956-02-25"), "{}", d.message);
    // The right year is not a conflict.
    q.model_essay = q
        .model_essay
        .replace("Secret Speech of 1958", "Secret Speech of 1956");
    assert!(!kinds(&check(&engine, &q, topic)).contains(&"date-conflict"));
}

#[test]
fn an_action_out_of_office_is_found() {
    let (lib, mut q) = russia_question();
    let engine = engine_for_library(&lib);
    let topic = lib.topic(&q.topic).unwrap();
    let original = q.model_essay.clone();
    q.model_essay
        .push_str("\n\nIn the same spirit Khrushchev abolished the ministries in 1950.");
    assert!(kinds(&check(&engine, &q, topic)).contains(&"office-conflict"));
    q.model_essay =
        format!("{original}\n\nIn the same spirit Khrushchev abolished the ministries in 1957.");
    assert!(!kinds(&check(&engine, &q, topic)).contains(&"office-conflict"));
}

#[test]
fn a_plan_that_contradicts_its_essay_is_found() {
    let (lib, mut q) = russia_question();
    let engine = engine_for_library(&lib);
    let topic = lib.topic(&q.topic).unwrap();
    assert!(!kinds(&check(&engine, &q, topic)).contains(&"judgement-mismatch"));
    q.plan.push_str("\n\n## Conclusion\n\nIn conclusion, I disagree: the view is unconvincing and exaggerates continuity.");
    let plan_only = q.plan.split("## Conclusion").collect::<Vec<_>>();
    assert!(plan_only.len() >= 2);
    let f = check(&engine, &q, topic);
    assert!(
        f.iter()
            .any(|x| x.kind == "judgement-mismatch" && x.target == Target::Plan),
        "{:#?}",
        kinds(&f)
    );
}

#[test]
fn short_and_thin_essays_are_flagged() {
    let (lib, mut q) = russia_question();
    let engine = engine_for_library(&lib);
    let topic = lib.topic(&q.topic).unwrap();
    q.model_essay =
        "Khrushchev changed the style of Soviet rule. In conclusion, the view is valid.".into();
    let k = kinds(&check(&engine, &q, topic));
    assert!(
        k.contains(&"too-short") && k.contains(&"low-coverage"),
        "{k:?}"
    );
}

#[test]
fn generated_plans_are_structured_deterministic_and_judge_consistently() {
    let lib = lib();
    let engine = engine_for_library(&lib);
    for q in &lib.questions {
        let topic = lib.topic(&q.topic).unwrap();
        let plan = generate_plan(&engine, q, topic);
        assert_eq!(plan, generate_plan(&engine, q, topic), "deterministic");
        for part in [
            "## Introduction",
            "## Arguments supporting the view",
            "## Arguments challenging the view",
            "## Conclusion",
        ] {
            assert!(plan.contains(part), "{}: no {part}", q.slug);
        }
        assert!(
            plan.split_whitespace().count() >= 150,
            "{}: {} words",
            q.slug,
            plan.split_whitespace().count()
        );
        // The plan reads as one judgement from start to end.
        let mut with_plan = q.clone();
        with_plan.plan = plan;
        let findings = check(&engine, &with_plan, topic);
        assert!(
            !findings.iter().any(
                |f| f.kind == "judgement-mismatch" && f.message.starts_with("The introduction")
            ),
            "{}: {:?}",
            q.slug,
            kinds(&findings)
        );
        assert!(
            !findings
                .iter()
                .any(|f| f.kind == "date-conflict" || f.kind == "office-conflict"),
            "{}: {:#?}",
            q.slug,
            findings
                .iter()
                .filter(|f| f.kind.ends_with("conflict"))
                .collect::<Vec<_>>()
        );
    }
    // Timeline evidence is drawn in where the scheme names events.
    let q = lib
        .questions
        .iter()
        .find(|q| q.slug.as_str() == "aqa-2019-khrushchev-destalinisation-style-substance")
        .unwrap();
    let plan = generate_plan(&engine, q, lib.topic(&q.topic).unwrap());
    assert!(plan.contains("Evidence:"), "{plan}");
}

#[test]
fn years_outside_the_period_used_as_evidence_are_found() {
    let (lib, mut q) = russia_question();
    let engine = engine_for_library(&lib);
    let topic = lib.topic(&q.topic).unwrap();
    let original = q.model_essay.clone();
    q.model_essay =
        format!("{original}\n\nKhrushchev's regime crushed the strikers in 1905 without mercy.");
    let f = check(&engine, &q, topic);
    assert!(
        f.iter().any(|x| x.kind == "out-of-period"
            && x.sentence.as_ref().is_some_and(|s| s.text.contains("1905"))),
        "{:?}",
        kinds(&f)
    );
    // The same year as background is context, not evidence.
    q.model_essay = format!("{original}\n\nSince 1905 the party had feared strikes.");
    let f = check(&engine, &q, topic);
    assert!(!f.iter().any(|x| x.kind == "out-of-period"
        && x.sentence.as_ref().is_some_and(|s| s.text.contains("1905"))));
}

#[test]
fn an_essay_arguing_one_side_is_found() {
    let (lib, mut q) = russia_question();
    let engine = engine_for_library(&lib);
    let topic = lib.topic(&q.topic).unwrap();
    assert!(!kinds(&check(&engine, &q, topic)).contains(&"one-sided"));
    let supporting: Vec<String> = q
        .mark_scheme
        .side(studypack_domain::Side::Supporting)
        .map(|b| b.text.replace(';', "."))
        .collect();
    q.model_essay = format!(
        "This essay agrees with the view.\n\n{}\n\nIn conclusion, the view is valid.",
        supporting.join(".\n\n")
    );
    assert!(kinds(&check(&engine, &q, topic)).contains(&"one-sided"));
}

/// The date conflicts found in `sentence`, added to the model essay of the question `slug`.
fn date_conflicts_in(lib: &Library, engine: &Engine, slug: &str, sentence: &str) -> Vec<Finding> {
    let mut q = lib
        .questions
        .iter()
        .find(|q| q.slug.as_str() == slug)
        .unwrap()
        .clone();
    q.model_essay.push_str("\n\n");
    q.model_essay.push_str(sentence);
    check(engine, &q, lib.topic(&q.topic).unwrap())
        .into_iter()
        .filter(|f| {
            f.kind == "date-conflict"
                && f.sentence
                    .as_ref()
                    .is_some_and(|s| s.text.contains(sentence.trim_end_matches('.')))
        })
        .collect()
}

#[test]
fn a_wrong_year_for_an_event_named_by_a_person_and_one_word_is_found() {
    let lib = lib();
    let engine = engine_for_library(&lib);
    let russia = "aqa-2019-khrushchev-destalinisation-style-substance";
    let tudors = "aqa-2021-cromwell-break-with-rome";
    let europe = "cie-2019-february-revolution-first-world-war";
    // (question, phrase, wrong year, right year, the timeline date the finding cites)
    let cases = [
        (russia, "Beria's arrest", 1955, 1953, "1953-06-26"),
        (russia, "the arrest of Beria", 1955, 1953, "1953-06-26"),
        (russia, "the execution of Bukharin", 1936, 1938, "1938-03"),
        (russia, "Beria's execution", 1956, 1953, "1953-12-23"),
        (russia, "Stalin's death", 1951, 1953, "1953-03-05"),
        (russia, "the death of Lenin", 1922, 1924, "1924-01-21"),
        (tudors, "Wolsey's dismissal", 1532, 1529, "1529-10"),
        // The timeline's active form: "Wilhelm II dismisses Bismarck".
        (
            europe,
            "the dismissal of Bismarck",
            1888,
            1890,
            "1890-03-20",
        ),
        (tudors, "Henry VIII's death", 1509, 1547, "1547"),
    ];
    for (slug, phrase, wrong, right, date) in cases {
        let wrong_text = format!("After {phrase} in {wrong} the balance of power shifted.");
        let found = date_conflicts_in(&lib, &engine, slug, &wrong_text);
        assert_eq!(found.len(), 1, "{phrase} in {wrong}: {found:#?}");
        assert!(
            found[0].message.contains(phrase) && found[0].message.contains(date),
            "{}",
            found[0].message
        );
        let right_text = format!("After {phrase} in {right} the balance of power shifted.");
        let found = date_conflicts_in(&lib, &engine, slug, &right_text);
        assert!(found.is_empty(), "{phrase} in {right}: {found:#?}");
    }
    // A year before the phrase counts too; one across a clause break does not.
    assert_eq!(
        date_conflicts_in(&lib, &engine, russia, "The 1955 arrest of Beria mattered.").len(),
        1
    );
    assert!(
        date_conflicts_in(
            &lib,
            &engine,
            russia,
            "Stalin's death came; 1956 brought change."
        )
        .is_empty()
    );
    // A name the timeline gives two such events years apart (Henry VII, Henry VIII) is
    // ambiguous, and a person with no such event in the timeline is not checked.
    assert!(
        date_conflicts_in(&lib, &engine, tudors, "Henry's death in 1560 changed much.").is_empty()
    );
    assert!(
        date_conflicts_in(
            &lib,
            &engine,
            russia,
            "Molotov's death in 1920 changed little."
        )
        .is_empty()
    );
}

#[test]
fn the_event_nouns_are_a_short_closed_list() {
    let nouns: Vec<&str> = EVENT_NOUNS.iter().map(|(n, _)| *n).collect();
    for n in ["arrest", "execution", "death", "dismissal"] {
        assert!(nouns.contains(&n), "{n}");
    }
    assert!(nouns.len() <= 12);
    // Each noun is among its own timeline forms ("the death of X").
    assert!(EVENT_NOUNS.iter().all(|(n, forms)| forms.contains(n)));
}
