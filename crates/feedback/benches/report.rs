//! Throughput of the engine: a 1,000-word essay against a 40-point scheme, one core.
//! Inputs: `bench/inputs/` (made by `bench/make_bench_inputs.py`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use studypack_domain::scheme_text::parse_scheme_text;
use studypack_feedback::{Engine, QuestionInput, engine_for_library};

/// The allocator the `studypack` program uses, so that the figure is the program's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SCHEME: &str = include_str!("../../../bench/inputs/scheme40.txt");
const ESSAY: &str = include_str!("../../../bench/inputs/essay1000.txt");

fn report(c: &mut Criterion) {
    let scheme = parse_scheme_text("scheme40.txt", SCHEME).unwrap();
    assert_eq!(scheme.points().len(), 40);
    let lib = studypack_demo::library();
    let topic = lib
        .topics
        .iter()
        .find(|t| t.slug.as_str() == "aqa-7042-1h-russia-1855-1964")
        .unwrap();
    let engine: Engine = engine_for_library(&lib);
    let input = QuestionInput {
        text: "‘There were more similarities than differences between Stalin and Khrushchev as Soviet leaders.’ Assess the validity of this view.",
        view: Some(
            "There were more similarities than differences between Stalin and Khrushchev as Soviet leaders.",
        ),
        scheme: &scheme,
        period: Some(topic.period),
        rubric: topic.rubric.as_ref(),
        glossary: &topic.glossary,
        model_essay: None,
        marks: Some(25),
    };
    let prepared = engine.prepare(&input);
    let mut g = c.benchmark_group("feedback");
    g.throughput(Throughput::Elements(1));
    g.bench_function("report_1000_words_40_points", |b| {
        b.iter(|| engine.report(&prepared, std::hint::black_box(ESSAY)))
    });
    g.bench_function("prepare_and_report_1000_words_40_points", |b| {
        b.iter(|| engine.assess(&input, std::hint::black_box(ESSAY)))
    });
    g.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
