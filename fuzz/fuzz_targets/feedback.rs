//! The feedback engine on arbitrary essays: it must never panic, and evidence offsets must
//! lie on character boundaries of the essay.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use studypack_domain::scheme_text::parse_scheme_text;
use studypack_domain::{GlossaryEntry, MarkScheme, Period};
use studypack_feedback::{Engine, Prepared, QuestionInput};

static SCHEME: LazyLock<MarkScheme> = LazyLock::new(|| {
    parse_scheme_text(
        "fuzz",
        "Supporting\n- both relied on the secret police; propaganda praised the leader\n- neither tolerated opposition; Beria was executed in 1953\nChallenging\n- Khrushchev released prisoners from the gulags (amnesty) or denounced Stalin in the Secret Speech\n",
    )
    .unwrap()
});
static GLOSSARY: LazyLock<Vec<GlossaryEntry>> =
    LazyLock::new(|| vec![GlossaryEntry { term: "secret police".into(), aliases: vec!["NKVD".into(), "KGB".into()] }]);
static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::default);
static PREPARED: LazyLock<Prepared> = LazyLock::new(|| {
    ENGINE.prepare(&QuestionInput {
        text: "‘There were more similarities than differences.’ Assess the validity of this view.",
        view: Some("There were more similarities than differences."),
        scheme: &SCHEME,
        period: Some(Period { start: 1941, end: 1964 }),
        rubric: None,
        glossary: &GLOSSARY,
        model_essay: Some("Both leaders relied on the secret police and neither tolerated opposition."),
        marks: Some(25),
    })
});

fuzz_target!(|data: &[u8]| {
    let essay = String::from_utf8_lossy(data);
    let report = ENGINE.report(&PREPARED, &essay);
    for p in &report.points {
        for e in &p.evidence {
            assert!(essay.is_char_boundary(e.start) && essay.is_char_boundary(e.end) && e.start <= e.end);
        }
    }
});
