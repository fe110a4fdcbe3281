//! The page importer against the real seed page in `../shared/seed/`.

use studypack_domain::page::{looks_like_page, parse_page, to_question};
use studypack_domain::*;

pub const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/seed/000_359a0cc6bd3e9193.txt"
);

fn seed_text() -> String {
    std::fs::read_to_string(SEED).unwrap_or_else(|e| panic!("the seed page must be at {SEED}: {e}"))
}

fn first_sentence(s: &str) -> &str {
    let end = s.find(". ").map(|i| i + 1).unwrap_or(s.len());
    &s[..end]
}

fn last_paragraph(s: &str) -> &str {
    s.rsplit("\n\n").next().unwrap()
}

#[test]
fn seed_page_parts_are_all_extracted() {
    let text = seed_text();
    assert!(looks_like_page(&text));
    let page = parse_page("seed.txt", &text).unwrap();
    assert_eq!(
        page.question,
        "‘There were more similarities than differences between Stalin and Khrushchev as Soviet leaders.’ Assess the validity of this view of the years 1941 to 1964."
    );
    assert_eq!(page.level, Level::ALevel);
    assert_eq!(page.year, 2022);
    assert_eq!(page.topic, "Tsarist and Communist Russia, 1855-1964");
    assert_eq!(page.supporting.len(), 5);
    assert_eq!(page.challenging.len(), 5);
    assert!(page.supporting[0].starts_with("a belief in strong leadership/personal power;"));
    assert!(page.supporting[4].ends_with("anti-Semitic outlook."));
    assert!(page.challenging[0].starts_with("Stalin was stiff and remote;"));
    assert!(page.challenging[4].ends_with("introduce limited reform."));

    assert_eq!(
        first_sentence(&page.model_essay),
        "Following the tumultuous years of World War Two, the Soviet Union witnessed a period of transition under the leadership of Nikita Khrushchev."
    );
    assert!(
        last_paragraph(&page.model_essay)
            .ends_with("influencing the actions of his successor in significant ways.")
    );
    assert!(
        page.model_essay
            .contains("## Similarities in Leadership and Control")
    );
    for chrome in [
        "Study Pack",
        "1200+",
        "Score Big",
        "top of page",
        "bottom of page",
        "Free Essay Plan",
    ] {
        assert!(!page.model_essay.contains(chrome), "essay holds {chrome:?}");
        assert!(!page.plan.contains(chrome), "plan holds {chrome:?}");
    }
    assert_eq!(
        first_sentence(&page.plan),
        "This essay will assess the validity of the view that there were more similarities than differences between Stalin and Khrushchev as Soviet leaders."
    );
    assert!(
        last_paragraph(&page.plan)
            .ends_with("to enhance the Soviet Union’s position in the world.")
    );
    assert!(
        page.plan
            .contains("### 1. Shared belief in strong leadership and control")
    );
    assert!(!page.plan.contains("Extracts from Mark Schemes"));
}

#[test]
fn seed_page_becomes_a_question_in_a_known_topic() {
    let page = parse_page("seed.txt", &seed_text()).unwrap();
    let known = Topic {
        slug: Slug::parse("aqa-7042-1h-russia-1855-1964").unwrap(),
        title: "Tsarist and Communist Russia, 1855–1964".into(),
        aliases: vec![],
        board: Some(Board::Aqa),
        level: Some(Level::ALevel),
        subject: "History".into(),
        period: Period::new(1855, 1964).unwrap(),
        component: Some(Component {
            code: "7042/1H".into(),
            title: "Tsarist and Communist Russia, 1855–1964".into(),
        }),
        rubric: None,
        glossary: vec![],
        timeline: vec![],
        offices: vec![],
    };
    let (new_topic, q) = to_question("seed.txt", &page, std::slice::from_ref(&known)).unwrap();
    assert!(
        new_topic.is_none(),
        "the topic is known, by title with an en dash"
    );
    assert_eq!(q.topic, known.slug);
    assert_eq!(
        q.slug.as_str(),
        "aqa-2022-there-were-more-similarities-than-differences-between-stalin"
    );
    assert_eq!(
        q.view.as_deref(),
        Some(
            "There were more similarities than differences between Stalin and Khrushchev as Soviet leaders."
        )
    );
    assert_eq!(
        q.period,
        Some(Period {
            start: 1941,
            end: 1964
        })
    );
    assert_eq!(q.command, "Assess the validity of this view");
    assert!(q.mark_scheme.points().len() > 10);

    // The question survives the authoring format unchanged.
    let md = authoring::render_question(&q);
    assert_eq!(authoring::parse_question("x.md", &md).unwrap(), q);

    // Unknown topic: a new topic is made, with no board.
    let (new_topic, q2) = to_question("seed.txt", &page, &[]).unwrap();
    let t = new_topic.expect("a new topic");
    assert_eq!(t.board, None);
    assert_eq!(
        t.period,
        Period {
            start: 1855,
            end: 1964
        }
    );
    assert_eq!(q2.topic, t.slug);
    assert!(q2.slug.as_str().starts_with("q-2022-"));
}

#[test]
fn a_page_missing_its_mark_scheme_says_so() {
    let text = seed_text();
    let cut = text.split("Extracts from Mark Schemes").next().unwrap();
    let err = parse_page("seed.txt", cut).unwrap_err().to_string();
    assert!(
        err.contains("missing the 'Extracts from Mark Schemes' section"),
        "{err}"
    );
    let no_year = text.replace("Year Examined", "Year");
    let err = parse_page("seed.txt", &no_year).unwrap_err().to_string();
    assert!(
        err.contains("'Year Examined' followed by the year"),
        "{err}"
    );
}
