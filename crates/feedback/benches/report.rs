//! Throughput of the engine: a 1,000-word essay against a 40-point scheme, one core.
//! Inputs: `bench/inputs/` (made by `bench/make_bench_inputs.py`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use studypack_feedback::calibration::{Calibration, Kind, LearnedTerm, Model};

#[path = "support/question.rs"]
mod bench_question;
use bench_question::{BenchQuestion, ESSAY};

/// The allocator the `studypack` program uses, so that the figure is the program's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn report(c: &mut Criterion) {
    let bench = BenchQuestion::new();
    let input = bench.input();
    let engine = &bench.engine;
    let prepared = engine.prepare(&input);
    let mut g = c.benchmark_group("feedback");
    g.throughput(Throughput::Elements(1));
    g.bench_function("report_1000_words_40_points", |b| {
        b.iter(|| engine.report(&prepared, std::hint::black_box(ESSAY)))
    });
    // A calibration at its costliest: weights for the most terms learning keeps (words of the
    // essay), each stem of the essay looked up among them, and 25 cuts.
    let scheme: Vec<String> = prepared.point_texts();
    let mut words: Vec<String> = ESSAY
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 3)
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.dedup();
    words.truncate(studypack_feedback::calibration::MAX_TERMS);
    let calibration = Calibration {
        format: studypack_feedback::calibration::CALIBRATION_FORMAT,
        id: String::new(),
        version: 1,
        scheme: scheme.clone(),
        scale: [0, 25],
        levels: false,
        points_for: Vec::new(),
        answers: 200,
        model: Model {
            kind: Kind::Terms,
            intercept: 0.5,
            covered: 0.4,
            uncalibrated: 0.6,
            points: vec![0.1; scheme.len()],
            terms: words
                .into_iter()
                .map(|term| LearnedTerm {
                    term,
                    weight: 0.01,
                    answers: 10,
                })
                .collect(),
            cuts: (0..25).map(|k| k as f32 + 0.5).collect(),
        },
    }
    .validated()
    .expect("a valid calibration");
    g.bench_function("calibrated_report_1000_words_40_points", |b| {
        b.iter(|| engine.report_calibrated(&prepared, &calibration, std::hint::black_box(ESSAY)))
    });
    g.bench_function("prepare_and_report_1000_words_40_points", |b| {
        b.iter(|| engine.assess(&input, std::hint::black_box(ESSAY)))
    });
    g.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
