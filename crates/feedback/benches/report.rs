//! Throughput of the engine: a 1,000-word essay against a 40-point scheme, one core.
//! Inputs: `bench/inputs/` (made by `bench/make_bench_inputs.py`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

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
    g.bench_function("prepare_and_report_1000_words_40_points", |b| {
        b.iter(|| engine.assess(&input, std::hint::black_box(ESSAY)))
    });
    g.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
