//! Benchmark helpers: a synthetic library, and a search-latency run.

use std::time::Instant;

use anyhow::Result;
use studypack_domain::{Library, MarkScheme, Question, Slug, Status};
use studypack_search::{SearchIndex, SearchRequest};
use studypack_store::LibraryStore;

/// A small deterministic generator (xorshift64*), so the same N gives the same library.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn first_words(s: &str, n: usize) -> String {
    s.split_whitespace().take(n).collect::<Vec<_>>().join(" ")
}

/// Adds `n` synthetic questions built from the demo library's topics and vocabulary.
pub async fn generate(store: &dyn LibraryStore, n: usize) -> Result<()> {
    let demo = studypack_demo::library();
    let vocab: Vec<String> = demo
        .questions
        .iter()
        .flat_map(|q| {
            q.model_essay
                .split_whitespace()
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
                .collect::<Vec<_>>()
        })
        .filter(|w| w.len() > 3)
        .collect();
    let commands = [
        "Assess the validity of this view",
        "How far do you agree",
        "To what extent",
        "How significant",
    ];
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let batch_size = 2000;
    let started = Instant::now();
    let mut done = 0;
    while done < n {
        let mut questions = Vec::with_capacity(batch_size);
        for i in done..(done + batch_size).min(n) {
            let t = &demo.questions[rng.below(demo.questions.len())];
            let words: Vec<&str> = (0..14)
                .map(|_| vocab[rng.below(vocab.len())].as_str())
                .collect();
            let mut bullets = t.mark_scheme.bullets.clone();
            let shift = rng.below(bullets.len().max(1));
            bullets.rotate_left(shift);
            questions.push(Question {
                slug: Slug::parse(&format!("bench-{i:07}")).map_err(|e| anyhow::anyhow!(e.0))?,
                title: format!("{} {}", words[..5].join(" "), i),
                topic: t.topic.clone(),
                year: 2000 + (rng.below(25) as u16),
                marks: t.marks,
                command: commands[rng.below(commands.len())].to_string(),
                view: Some(format!("{}.", words[..9].join(" "))),
                period: t.period,
                status: Status::Published,
                text: format!(
                    "‘{}.’ {} with reference to {}.",
                    words.join(" "),
                    commands[rng.below(commands.len())],
                    t.title
                ),
                mark_scheme: MarkScheme { bullets },
                plan: first_words(&t.plan, 80),
                plan_generated: false,
                model_essay: first_words(&t.model_essay, 120),
            });
        }
        done += questions.len();
        store
            .import(
                &Library {
                    topics: demo.topics.clone(),
                    questions,
                },
                studypack_accounts::now(),
            )
            .await?;
        eprint!("\r{done}/{n} questions");
    }
    eprintln!();
    println!(
        "generated {n} questions in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Queries of the kinds students type: names, misspelt names, phrases, topics, filtered,
/// other spellings, and one that finds nothing (and so gets a suggestion).
const QUERIES: &[&str] = &[
    "Khrushchev",
    "Khruschev",
    "Stalin terror purges",
    "\"Virgin Lands\"",
    "collectivisation",
    "Cold War Berlin",
    "Gorbachev",
    "Cromwell break with Rome",
    "Elizabeth Catholic threat",
    "Provisional Government",
    "Bolsheviks civil war",
    "de-Stalinisation",
    "Kruschev",
    "destalinization",
    // Nothing matches: the "did you mean" suggestion is computed.
    "collectivisaton",
];

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// Builds the index from the store and times every query `rounds` times.
pub async fn search_latency(store: &dyn LibraryStore, rounds: usize) -> Result<()> {
    let lib = store.library().await?;
    let index = SearchIndex::in_memory()?;
    let started = Instant::now();
    index.rebuild(&lib, 0)?;
    println!(
        "indexed {} questions in {:.1} s",
        index.len(),
        started.elapsed().as_secs_f64()
    );
    let mut times = Vec::new();
    let mut per_query: Vec<Vec<f64>> = vec![Vec::new(); QUERIES.len()];
    for round in 0..rounds + 1 {
        for (i, q) in QUERIES.iter().enumerate() {
            let req = SearchRequest {
                q: q.to_string(),
                board: (i % 3 == 0).then(|| "AQA".to_string()),
                year_from: (i % 4 == 1).then_some(2010),
                year_to: (i % 4 == 1).then_some(2020),
                limit: 20,
                ..Default::default()
            };
            let t = Instant::now();
            let r = index.search(&req)?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            std::hint::black_box(r);
            if round > 0 {
                times.push(ms);
                per_query[i].push(ms);
            }
        }
    }
    times.sort_by(f64::total_cmp);
    for (q, t) in QUERIES.iter().zip(per_query.iter_mut()) {
        t.sort_by(f64::total_cmp);
        if !t.is_empty() {
            println!(
                "  {:<28} p50 {:.2} ms  p99 {:.2} ms",
                q,
                percentile(t, 0.5),
                percentile(t, 0.99)
            );
        }
    }
    println!(
        "search latency over {} queries at {} questions: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        index.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or(0.0)
    );
    Ok(())
}
