//! Runs the benchmark's report (a 1,000-word essay against a 40-point scheme) a number of
//! times, for profilers that count instructions (`valgrind --tool=callgrind`) or sample
//! (`perf record`): `cargo run --release -p studypack-feedback --example report_loop -- 2000`.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use studypack_domain::scheme_text::parse_scheme_text;
use studypack_feedback::{QuestionInput, engine_for_library};

const SCHEME: &str = include_str!("../../../bench/inputs/scheme40.txt");
const ESSAY: &str = include_str!("../../../bench/inputs/essay1000.txt");

/// The allocator the `studypack` program uses (mimalloc), counting allocations.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let scheme = parse_scheme_text("scheme40.txt", SCHEME).expect("the bench scheme parses");
    let lib = studypack_demo::library();
    let topic = lib
        .topics
        .iter()
        .find(|t| t.slug.as_str() == "aqa-7042-1h-russia-1855-1964")
        .expect("the demo library has the Russia topic");
    let engine = engine_for_library(&lib);
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
    let mut covered = 0;
    let allocations = ALLOCATIONS.load(Ordering::Relaxed);
    let started = Instant::now();
    for _ in 0..n {
        let report = engine.report(&prepared, std::hint::black_box(ESSAY));
        covered += report.coverage.covered;
    }
    let took = started.elapsed();
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - allocations;
    eprintln!(
        "{n} reports in {took:.2?}: {:.1} µs each, {:.0}/s ({covered} points covered in all; {} allocations per report)",
        took.as_secs_f64() * 1e6 / f64::from(n.max(1)),
        f64::from(n) / took.as_secs_f64(),
        allocations / u64::from(n.max(1))
    );
}
