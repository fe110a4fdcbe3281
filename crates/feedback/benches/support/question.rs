//! The benchmark's question and essay: a 40-point mark scheme (`bench/inputs/scheme40.txt`)
//! on the AQA Russia topic of the demo library, and a 1,000-word essay
//! (`bench/inputs/essay1000.txt`), both made by `bench/make_bench_inputs.py`. Shared by the
//! criterion benchmark and the `report_loop` example.

use studypack_domain::scheme_text::parse_scheme_text;
use studypack_domain::{Library, MarkScheme};
use studypack_feedback::{Engine, QuestionInput, engine_for_library};

pub const ESSAY: &str = include_str!("../../../../bench/inputs/essay1000.txt");
const SCHEME: &str = include_str!("../../../../bench/inputs/scheme40.txt");
const TOPIC: &str = "aqa-7042-1h-russia-1855-1964";
const VIEW: &str = "There were more similarities than differences between Stalin and Khrushchev as Soviet leaders.";
const QUESTION: &str = "‘There were more similarities than differences between Stalin and Khrushchev as Soviet leaders.’ Assess the validity of this view.";

/// The demo library's engine and the benchmark's mark scheme.
pub struct BenchQuestion {
    pub engine: Engine,
    library: Library,
    scheme: MarkScheme,
}

impl BenchQuestion {
    pub fn new() -> BenchQuestion {
        let scheme = parse_scheme_text("scheme40.txt", SCHEME).expect("the bench scheme parses");
        assert_eq!(scheme.points().len(), 40);
        let library = studypack_demo::library();
        BenchQuestion {
            engine: engine_for_library(&library),
            library,
            scheme,
        }
    }

    /// The question as the engine takes it.
    pub fn input(&self) -> QuestionInput<'_> {
        let topic = self
            .library
            .topics
            .iter()
            .find(|t| t.slug.as_str() == TOPIC)
            .expect("the demo library has the Russia topic");
        QuestionInput {
            text: QUESTION,
            view: Some(VIEW),
            scheme: &self.scheme,
            period: Some(topic.period),
            rubric: topic.rubric.as_ref(),
            glossary: &topic.glossary,
            model_essay: None,
            marks: Some(25),
        }
    }
}
