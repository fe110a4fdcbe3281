use super::*;
use proptest::prelude::*;

const QUESTION: &str = r#"+++
slug = "aqa-2019-khrushchev-destalinisation"
title = "Khrushchev and de-Stalinisation"
topic = "aqa-7042-1h-russia-1855-1964"
year = 2019
marks = 25
command = "Assess the validity of this view"
view = "De-Stalinisation was more a change of style than of substance."
period = [1953, 1964]
status = "published"
+++

# Question

‘De-Stalinisation was more a change of style than of substance.’ Assess the validity of this view.

# Mark scheme

## Supporting the view

- the one-party state remained; the KGB kept watch
- the command economy stayed; Gosplan still planned

## Challenging the view

- the gulags were emptied; millions released

# Plan

Intro.

## Arguments supporting the view

Body.

# Model essay

An essay.

Second paragraph.
"#;

const TOPIC: &str = r#"slug = "aqa-7042-1h-russia-1855-1964"
title = "Tsarist and Communist Russia, 1855–1964"
board = "AQA"
level = "A Level"
period = [1855, 1964]

[component]
code = "7042/1H"
title = "Tsarist and Communist Russia, 1855–1964"

[rubric]
name = "AQA"
max_marks = 25

[[rubric.levels]]
level = 2
marks = [11, 25]
criteria = "Good."

[[rubric.levels]]
level = 1
marks = [1, 10]
criteria = "Weak."

[[glossary]]
term = "secret police"
aliases = ["NKVD", "KGB"]

[[timeline]]
date = "1953-03-05"
event = "Death of Stalin."

[[offices]]
person = "Nikita Khrushchev"
office = "First Secretary"
start = "1953-09-07"
end = "1964-10-14"
"#;

#[test]
fn parses_a_question() {
    let q = parse_question("q.md", QUESTION).unwrap();
    assert_eq!(q.slug.as_str(), "aqa-2019-khrushchev-destalinisation");
    assert_eq!(q.year, 2019);
    assert_eq!(
        q.period,
        Some(Period {
            start: 1953,
            end: 1964
        })
    );
    assert_eq!(q.mark_scheme.side(Side::Supporting).count(), 2);
    assert_eq!(q.mark_scheme.side(Side::Challenging).count(), 1);
    assert_eq!(q.mark_scheme.points().len(), 6);
    assert_eq!(
        q.plan,
        "Intro.\n\n## Arguments supporting the view\n\nBody."
    );
    assert_eq!(q.model_essay, "An essay.\n\nSecond paragraph.");
}

#[test]
fn question_round_trip_is_identical() {
    let q = parse_question("q.md", QUESTION).unwrap();
    let once = render_question(&q);
    let q2 = parse_question("q.md", &once).unwrap();
    assert_eq!(q, q2);
    assert_eq!(render_question(&q2), once);
}

#[test]
fn parses_and_round_trips_a_topic() {
    let t = parse_topic("topic.toml", TOPIC).unwrap();
    assert_eq!(t.board, Some(Board::Aqa));
    assert_eq!(t.glossary[0].aliases, ["NKVD", "KGB"]);
    assert_eq!(t.offices[0].end.unwrap().to_string(), "1964-10-14");
    let once = render_topic(&t);
    let t2 = parse_topic("topic.toml", &once).unwrap();
    assert_eq!(t, t2);
    assert_eq!(render_topic(&t2), once);
}

fn err_q(text: &str) -> ContentError {
    parse_question("content/q.md", text).unwrap_err()
}

#[test]
fn empty_file_is_a_clear_error() {
    let e = err_q("");
    assert!(e.to_string().contains("empty"), "{e}");
    assert!(
        parse_topic("topic.toml", "  \n")
            .unwrap_err()
            .to_string()
            .contains("empty")
    );
}

#[test]
fn broken_toml_names_the_line() {
    let text = QUESTION.replace("year = 2019", "year = = 2019");
    let e = err_q(&text);
    assert_eq!(e.line, Some(5), "{e}");
    assert!(e.to_string().starts_with("content/q.md:5:"), "{e}");
}

#[test]
fn invalid_field_names_line_and_field() {
    let e = err_q(&QUESTION.replace("year = 2019", "year = 1066"));
    assert_eq!((e.line, e.field.as_deref()), (Some(5), Some("year")), "{e}");
    let e = err_q(&QUESTION.replace("slug = \"aqa-2019", "slug = \"AQA 2019"));
    assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("slug")), "{e}");
    let e = err_q(&QUESTION.replace("status = \"published\"", "status = \"live\""));
    assert_eq!(e.field.as_deref(), Some("status"), "{e}");
    let e = err_q(&QUESTION.replace("marks = 25", "marks = \"25\""));
    assert_eq!(e.line, Some(6), "{e}");
}

#[test]
fn unknown_field_is_rejected() {
    let e = err_q(&QUESTION.replace("marks = 25", "marks = 25\nmark = 3"));
    assert!(e.to_string().contains("mark"), "{e}");
}

#[test]
fn missing_sections_are_named() {
    let cut = QUESTION.split("# Plan").next().unwrap();
    let e = err_q(cut);
    assert!(e.to_string().contains("'# Plan', '# Model essay'"), "{e}");
    let e = err_q(&QUESTION.replace("# Mark scheme", "# Markscheme"));
    assert!(e.to_string().contains("unknown section"), "{e}");
    assert_eq!(e.line, Some(17));
    let e = err_q(&QUESTION.replace("+++\n\n# Question", "\n# Question"));
    assert!(e.to_string().contains("not closed"), "{e}");
}

#[test]
fn sections_out_of_order() {
    let swapped = QUESTION
        .replace("# Plan", "# TMP")
        .replace("# Model essay", "# Plan")
        .replace("# TMP", "# Model essay");
    assert!(err_q(&swapped).to_string().contains("out of order"));
}

#[test]
fn bullets_need_a_side() {
    let e = err_q(&QUESTION.replace("## Supporting the view\n", ""));
    assert!(e.to_string().contains("side heading"), "{e}");
    let e = err_q(&QUESTION.replace("## Challenging the view", "## Sideways"));
    assert_eq!(e.field.as_deref(), Some("Mark scheme"), "{e}");
}

#[test]
fn non_utf8_is_a_clear_error() {
    let mut bytes = QUESTION.as_bytes().to_vec();
    bytes.insert(30, 0xff);
    let e = decode("q.md", &bytes).unwrap_err();
    assert!(e.to_string().contains("UTF-8"), "{e}");
    assert_eq!(e.line, Some(2));
}

#[test]
fn ten_megabyte_file_is_refused() {
    let big = vec![b'a'; 10 * 1024 * 1024];
    let e = decode("big.md", &big).unwrap_err();
    assert!(e.to_string().contains("above the limit"), "{e}");
}

#[test]
fn topic_errors_are_located() {
    let e = parse_topic("topic.toml", &TOPIC.replace("1953-03-05", "1953-02-30")).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("timeline[0].date"), "{e}");
    assert_eq!(e.line, Some(30), "{e}");
    let e = parse_topic(
        "topic.toml",
        &TOPIC.replace("board = \"AQA\"", "board = \"Hogwarts\""),
    )
    .unwrap_err();
    assert_eq!(
        (e.line, e.field.as_deref()),
        (Some(3), Some("board")),
        "{e}"
    );
    let e = parse_topic(
        "topic.toml",
        &TOPIC.replace("end = \"1964-10-14\"", "end = \"1950\""),
    )
    .unwrap_err();
    assert!(e.to_string().contains("before it starts"), "{e}");
    let e = parse_topic(
        "topic.toml",
        &TOPIC.replace("marks = [1, 10]", "marks = [1, 30]"),
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("rubric"), "{e}");
}

fn text_strategy() -> impl Strategy<Value = String> {
    // Paragraph text without lines that would start a section or a heading of the front matter.
    proptest::collection::vec("[A-Za-z0-9’‘,.;:!?()é –-]{1,60}", 0..4).prop_map(|ps| {
        ps.into_iter()
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
    })
}

proptest! {
    #[test]
    fn any_question_round_trips(
        title in "[A-Za-z’\" \\\\]{1,40}",
        year in 1900u16..2100,
        view in proptest::option::of("[A-Za-z’\"\\\\ .]{1,80}"),
        text in "[A-Za-z0-9 ?’]{1,80}",
        sup in proptest::collection::vec("[A-Za-z0-9 ;,’]{1,60}", 1..5),
        plan in text_strategy(),
        essay in text_strategy(),
    ) {
        let title = title.trim().to_string();
        let view = view.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let text = text.trim().to_string();
        prop_assume!(!title.is_empty() && !text.is_empty());
        let bullets: Vec<SchemeBullet> = sup.iter().map(|s| s.trim()).filter(|s| !s.is_empty() && !s.replace(';', "").trim().is_empty())
            .map(|s| SchemeBullet { side: Side::Supporting, text: s.to_string() }).collect();
        prop_assume!(!bullets.is_empty());
        let q = Question {
            slug: Slug::parse("a-b-c").unwrap(), title, topic: Slug::parse("top-ic").unwrap(), year, marks: 25,
            command: "Assess".into(), view, period: None, status: Status::Draft, text,
            mark_scheme: MarkScheme { bullets }, plan, plan_generated: false, model_essay: essay,
        };
        let once = render_question(&q);
        let back = parse_question("q.md", &once).unwrap();
        prop_assert_eq!(&back, &q);
        prop_assert_eq!(render_question(&back), once);
    }

    #[test]
    fn question_parser_never_panics(s in "\\PC{0,400}") {
        let _ = parse_question("q.md", &s);
        let _ = parse_question("q.md", &format!("+++\n{s}\n+++\n# Question\n{s}"));
        let _ = parse_topic("t.toml", &s);
    }
}
