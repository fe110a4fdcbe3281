//! Runs the benchmark's report (a 1,000-word essay against a 40-point scheme) a number of
//! times, for profilers that count instructions (`valgrind --tool=callgrind`) or sample
//! (`perf record`): `cargo run --release -p studypack-feedback --example report_loop -- 2000`.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

#[path = "../benches/support/question.rs"]
mod bench_question;
use bench_question::{BenchQuestion, ESSAY};

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
    let bench = BenchQuestion::new();
    let engine = &bench.engine;
    let prepared = engine.prepare(&bench.input());
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
