//! The studypack feedback engine.
//!
//! Given a question (its text and view, mark scheme, period, rubric and topic glossary) and a
//! student's essay, [`Engine::assess`] returns a [`Report`]: which mark-scheme points the essay
//! earns and with which sentences, coverage and balance, structure, the stance of the
//! introduction and conclusion, precision, an indicative level on the board's rubric, next
//! steps and flags. It is pure and deterministic: the same input gives the same output, and
//! nothing written in the essay is treated as an instruction.

mod bits;
mod fx;
pub mod matching;
pub mod reading;
pub mod report;
pub mod vocabulary;

mod judgement;
mod level;

use std::sync::Arc;

use crate::fx::FxHashSet;

use studypack_domain::{GlossaryEntry, MarkScheme, Period, Rubric, Side};

use bits::BitMatrix;
use matching::scheme::{Alternative, PreparedPoint, PreparedScheme, SentenceTerms};
use reading::{Analysed, ParagraphKind};
pub use report::*;
use vocabulary::stems::{Idf, Layer, Lexicon, StemId, Stems};
use vocabulary::tokens::{LexedToken, Parsed, scan};

/// Version of the engine's rules, reported with every result.
pub const ENGINE_VERSION: &str = "studypack-feedback/1";

/// Global settings. The same values hold for every question and every mark scheme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Score at or above which a point is covered.
    pub covered: f32,
    /// Score at or above which a point is partly covered.
    pub partial: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            covered: 0.6,
            partial: 0.35,
        }
    }
}

/// The question side of an assessment.
#[derive(Debug, Clone, Copy)]
pub struct QuestionInput<'a> {
    pub text: &'a str,
    pub view: Option<&'a str>,
    pub scheme: &'a MarkScheme,
    pub period: Option<Period>,
    pub rubric: Option<&'a Rubric>,
    pub glossary: &'a [GlossaryEntry],
    /// The question's model essay, only to detect copying; never shown in a report.
    pub model_essay: Option<&'a str>,
    pub marks: Option<u32>,
}

impl<'a> QuestionInput<'a> {
    /// A question known only by its wording and a mark scheme, such as a teacher's own: no
    /// view, period, rubric (so no level), glossary or model essay.
    pub fn bare(text: &'a str, scheme: &'a MarkScheme) -> QuestionInput<'a> {
        QuestionInput {
            text,
            view: None,
            scheme,
            period: None,
            rubric: None,
            glossary: &[],
            model_essay: None,
            marks: None,
        }
    }
}

/// A question prepared once and assessed against many essays.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The engine's vocabulary when the question was prepared, and the question's own words
    /// above it: the stem ids below refer to these.
    vocabulary: Arc<Layer>,
    words: Layer,
    scheme: PreparedScheme,
    view: judgement::ViewModel,
    /// The question's content stems, sorted.
    question_stems: Vec<StemId>,
    period: Option<Period>,
    rubric: Option<Rubric>,
    model_shingles: FxHashSet<u64>,
    scheme_shingles: FxHashSet<u64>,
    expected_words: usize,
}

/// The engine: a stemmer with the library's vocabulary and IDF weights.
#[derive(Debug, Default)]
pub struct Engine {
    stems: Stems,
    idf: Idf,
    settings: Settings,
}

/// Essays larger than this are refused by callers; the engine itself stays linear.
pub const MAX_ESSAY_BYTES: usize = 1024 * 1024;

const COMMAND_STEMS: &[&str] = &[
    "assess", "valid", "view", "extent", "agre", "far", "year", "how", "evalu", "explain",
    "discuss", "signific", "import", "accur",
];

impl Engine {
    /// An engine whose IDF weights come from the library's texts (one document each).
    pub fn with_library<'a>(texts: impl IntoIterator<Item = &'a str>) -> Engine {
        let mut stems = Stems::default();
        let idf = stems.learn(texts);
        Engine {
            stems,
            idf,
            settings: Settings::default(),
        }
    }

    pub fn with_settings(mut self, settings: Settings) -> Engine {
        self.settings = settings;
        self
    }

    pub fn settings(&self) -> Settings {
        self.settings
    }

    pub fn prepare(&self, q: &QuestionInput) -> Prepared {
        let question_text = match q.view {
            Some(v) => format!("{} {}", q.text, v),
            None => q.text.to_string(),
        };
        let mut lexicon = Lexicon::new(&self.stems);
        let scheme = PreparedScheme::new(
            q.scheme,
            &question_text,
            q.glossary,
            &mut lexicon,
            &self.idf,
        );
        let qa = scan(&question_text, &mut lexicon).resolve(&lexicon);
        let mut question_stems: Vec<StemId> = qa
            .tokens
            .iter()
            .filter(|t| !t.stop && !COMMAND_STEMS.contains(&t.stem))
            .map(|t| t.stem_id)
            .collect();
        question_stems.sort_unstable();
        question_stems.dedup();
        let view_text = q.view.unwrap_or(q.text);
        let view = judgement::ViewModel::new(&scan(view_text, &mut lexicon).resolve(&lexicon));
        let model_shingles = q
            .model_essay
            .map(|m| {
                let an = scan(m, &mut lexicon).resolve(&lexicon);
                shingles(&content_stems(&an), 5)
            })
            .unwrap_or_default();
        let scheme_text: Vec<String> = q
            .scheme
            .bullets
            .iter()
            .map(|b| b.text.replace(';', " "))
            .collect();
        let scheme_text = scheme_text.join(". ");
        let an = scan(&scheme_text, &mut lexicon).resolve(&lexicon);
        let scheme_shingles = shingles(&content_stems(&an), 4);
        let marks = q.marks.or(q.rubric.map(|r| r.max_marks)).unwrap_or(25);
        Prepared {
            vocabulary: Arc::clone(self.stems.vocabulary()),
            words: lexicon.into_layer(),
            scheme,
            view,
            question_stems,
            period: q.period,
            rubric: q.rubric.cloned(),
            model_shingles,
            scheme_shingles,
            expected_words: (marks as usize * 30).max(60),
        }
    }

    /// Splits a text into paragraphs, sentences and tokens, as the engine reads it.
    pub fn analyse<'a>(&self, text: &'a str) -> Analysed<'a> {
        vocabulary::analyse(text, &self.stems)
    }

    /// Prepares the question and assesses one essay.
    pub fn assess(&self, q: &QuestionInput, essay: &str) -> Report {
        self.report(&self.prepare(q), essay)
    }

    /// Assesses an essay against a prepared question.
    pub fn report(&self, p: &Prepared, essay: &str) -> Report {
        let mut lexicon = Lexicon::for_question(&self.stems, &p.vocabulary, &p.words);
        let an = scan(essay, &mut lexicon).resolve(&lexicon);
        let sent_terms = p.scheme.sentence_terms(&an);
        let points = self.match_points(p, &an, &sent_terms);
        let coverage = coverage(&points, &p.scheme);
        let balance = balance(&coverage);
        let sections = judgement::sections(&an);
        let structure = judgement::structure(&an, &sections, &points, &p.question_stems);
        let judgement = judgement::judge(&an, &sections, &p.view, &coverage);
        let precision = precision(&an, p.period);
        let words = an.words();
        let flags = flags(
            p,
            &an,
            &coverage,
            &balance,
            &structure,
            &judgement,
            &sent_terms,
        );
        let (level, next_steps) = level::level(
            p, &points, &coverage, &balance, &structure, &judgement, &precision, &flags, words,
        );
        Report {
            engine: ENGINE_VERSION,
            words,
            points,
            coverage,
            balance,
            structure,
            judgement,
            precision,
            level,
            next_steps,
            flags,
        }
    }

    fn match_points(&self, p: &Prepared, an: &Parsed, terms: &SentenceTerms) -> Vec<PointResult> {
        let term_sentences = terms.transpose();
        let mut alt_terms = AlternativeTerms::default();
        // The terms the best window holds, for the point being reported.
        let mut matched: Vec<u32> = Vec::new();
        p.scheme
            .points
            .iter()
            .enumerate()
            .map(|(id, pt)| {
                let (score, s, e, ai, distinct) =
                    best_window(pt, an, &term_sentences, &mut alt_terms);
                let alt = &pt.alternatives[ai.min(pt.alternatives.len().saturating_sub(1))];
                let n_required = alt.required.len();
                let min_terms = n_required.min(2);
                let status = if score >= self.settings.covered && distinct >= min_terms {
                    Status::Covered
                } else if score >= self.settings.partial && distinct >= 1 {
                    Status::Partial
                } else {
                    Status::Missing
                };
                matched.clear();
                if score > 0.0 && status != Status::Missing {
                    matched.extend(
                        alt.required
                            .iter()
                            .chain(&alt.optional)
                            .map(|&(t, _)| t)
                            .filter(|&t| (s..=e).any(|k| terms.contains(k, t as usize))),
                    );
                }
                let evidence = if status == Status::Missing {
                    Vec::new()
                } else {
                    (s..=e)
                        .filter(|&k| matched.iter().any(|&t| terms.contains(k, t as usize)))
                        .map(|k| evidence(an, k))
                        .collect()
                };
                // In the order of the names, by their ranks: equal ranks are equal names.
                let matched_names: Vec<Arc<str>> = if status == Status::Missing {
                    Vec::new()
                } else {
                    matched.sort_unstable_by_key(|&t| p.scheme.name_rank[t as usize]);
                    matched
                        .iter()
                        .map(|&t| p.scheme.term_names[t as usize].clone())
                        .collect()
                };
                PointResult {
                    id,
                    bullet: pt.bullet,
                    text: pt.text.clone(),
                    side: pt.side,
                    status,
                    score: round2(score),
                    evidence,
                    matched: matched_names,
                }
            })
            .collect()
    }
}

/// Which of an alternative's terms each sentence holds, to score windows of sentences.
#[derive(Default)]
struct AlternativeTerms {
    /// `u64` words per sentence in `present`.
    words: usize,
    /// For each sentence, bit `j` is set if it holds the alternative's `j`-th term, counting
    /// required terms first.
    present: Vec<u64>,
    /// The sentences holding any of the terms, in order.
    sentences: Vec<usize>,
    /// The weight of each term, in the same order.
    weights: Vec<f32>,
    /// How many of the terms are required: they come first.
    required: usize,
}

impl AlternativeTerms {
    /// Finds the terms of `alt` in the sentences. `term_sentences` lists each term's
    /// sentences.
    fn set(&mut self, alt: &Alternative, term_sentences: &BitMatrix, sentences: usize) {
        let terms = alt.required.iter().chain(&alt.optional);
        self.weights.clear();
        self.weights.extend(terms.clone().map(|&(_, w)| w));
        self.required = alt.required.len();
        self.words = self.weights.len().div_ceil(64).max(1);
        self.present.clear();
        self.present.resize(sentences * self.words, 0);
        self.sentences.clear();
        for (j, &(t, _)) in terms.enumerate() {
            for k in bits::ones(term_sentences.row(t as usize)) {
                self.present[k * self.words + j / 64] |= 1 << (j % 64);
                self.sentences.push(k);
            }
        }
        self.sentences.sort_unstable();
        self.sentences.dedup();
    }

    fn row(&self, k: usize) -> &[u64] {
        &self.present[k * self.words..(k + 1) * self.words]
    }

    /// Whether the window of sentences `s..=e` could score more than those tried before it:
    /// whether it holds a term and, if it has two sentences, whether the second adds one (if
    /// not, the window scores as the first sentence alone, which is tried just before).
    fn worth_trying(&self, s: usize, e: usize) -> bool {
        let (first, last) = (self.row(s), self.row(e));
        if s == e {
            first.iter().any(|&w| w != 0)
        } else {
            last.iter().zip(first).any(|(l, f)| l & !f != 0)
        }
    }

    /// The score of the window of sentences `s..=e` for the alternative whose terms were
    /// [`set`](Self::set), and the number of its required terms the window holds. The weights
    /// are added in the order of the terms, as they are listed.
    fn score(&self, need: f32, s: usize, e: usize) -> (f32, usize) {
        let mut got = 0.0f32;
        let mut distinct = 0;
        for (w, (a, b)) in self.row(s).iter().zip(self.row(e)).enumerate() {
            let mut bits = a | b;
            while bits != 0 {
                let j = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                got += self.weights[j];
                distinct += usize::from(j < self.required);
            }
        }
        ((got / need).min(1.0), distinct)
    }
}

/// The best window of one or two sentences of a paragraph for any of a point's alternatives:
/// (score, first sentence, last sentence, alternative, distinct required terms). Windows are
/// tried in order, and a later one must score strictly more to be preferred.
/// `term_sentences` lists each term's sentences; `alt_terms` is scratch space.
fn best_window(
    pt: &PreparedPoint,
    an: &Parsed,
    term_sentences: &BitMatrix,
    alt_terms: &mut AlternativeTerms,
) -> (f32, usize, usize, usize, usize) {
    let n = an.sentences.len();
    let paragraph = |k: usize| an.sentences[k].paragraph;
    let mut best = (0.0f32, 0usize, 0usize, 0usize, 0usize);
    for (ai, alt) in pt.alternatives.iter().enumerate() {
        let ceiling = best_possible(alt);
        if ceiling <= best.0 + 1e-6 {
            continue;
        }
        alt_terms.set(alt, term_sentences, n);
        // Only windows holding one of the alternative's terms can score, so windows start at
        // such a sentence or just before it.
        let mut next_start = 0;
        'windows: for &k in &alt_terms.sentences {
            for s in k.saturating_sub(1).max(next_start)..=k {
                for e in s..(s + 2).min(n) {
                    if !alt_terms.worth_trying(s, e) || paragraph(e) != paragraph(s) {
                        continue;
                    }
                    let (score, distinct) = alt_terms.score(alt.need, s, e);
                    if score > best.0 + 1e-6 {
                        best = (score, s, e, ai, distinct);
                        if ceiling <= best.0 + 1e-6 {
                            break 'windows;
                        }
                    }
                }
            }
            next_start = k + 1;
        }
    }
    best
}

/// The score of a window holding all of an alternative's terms: no window scores more, as
/// the weights are positive and are added in the same order.
fn best_possible(alt: &Alternative) -> f32 {
    let got = alt
        .required
        .iter()
        .chain(&alt.optional)
        .fold(0.0f32, |got, &(_, w)| got + w);
    (got / alt.need).min(1.0)
}

pub(crate) fn round2(x: f32) -> f32 {
    (x * 100.0).round() / 100.0
}

/// Sentence `s` of an analysed text as evidence (its text and byte offsets).
pub fn evidence_of(an: &Analysed, s: usize) -> Evidence {
    evidence(an, s)
}

pub(crate) fn evidence<T>(an: &Analysed<T>, s: usize) -> Evidence {
    let sent = &an.sentences[s];
    let raw = &an.text[sent.start..sent.end];
    let lead = raw.len() - raw.trim_start().len();
    let text = raw.trim();
    Evidence {
        sentence: s,
        text: text.to_string(),
        start: sent.start + lead,
        end: sent.start + lead + text.len(),
    }
}

fn coverage(points: &[PointResult], scheme: &PreparedScheme) -> Coverage {
    let mut c = Coverage {
        total: points.len(),
        bullets_total: scheme.bullets,
        ..Default::default()
    };
    let mut bullets_covered = FxHashSet::default();
    for p in points {
        let side = match p.side {
            Side::Supporting => &mut c.supporting,
            Side::Challenging => &mut c.challenging,
            Side::Neutral => &mut c.neutral,
        };
        side.total += 1;
        match p.status {
            Status::Covered => {
                c.covered += 1;
                side.covered += 1;
                bullets_covered.insert(p.bullet);
            }
            Status::Partial => {
                c.partial += 1;
                side.partial += 1;
            }
            Status::Missing => {
                c.missing += 1;
                side.missing += 1;
            }
        }
    }
    c.bullets_covered = bullets_covered.len();
    c
}

pub(crate) fn side_share(s: &SideCoverage) -> f32 {
    if s.total == 0 {
        0.0
    } else {
        (s.covered as f32 + 0.5 * s.partial as f32) / s.total as f32
    }
}

fn balance(c: &Coverage) -> Balance {
    let (sup, cha) = (side_share(&c.supporting), side_share(&c.challenging));
    if c.supporting.total == 0 || c.challenging.total == 0 {
        return Balance {
            supporting: round2(sup),
            challenging: round2(cha),
            ratio: 1.0,
            verdict: "not-applicable",
        };
    }
    let (lo, hi) = if sup < cha { (sup, cha) } else { (cha, sup) };
    let ratio = if hi == 0.0 { 1.0 } else { lo / hi };
    let earned = |s: &SideCoverage| s.covered as f32 + 0.5 * s.partial as f32;
    let verdict = if hi == 0.0 {
        "none-earned"
    } else if (earned(&c.supporting) < 1.0 || earned(&c.challenging) < 1.0) && hi >= 0.15 {
        "one-sided"
    } else if ratio >= 0.5 {
        "balanced"
    } else if sup > cha {
        "leans-supporting"
    } else {
        "leans-challenging"
    };
    Balance {
        supporting: round2(sup),
        challenging: round2(cha),
        ratio: round2(ratio),
        verdict,
    }
}

fn is_year(t: &LexedToken) -> Option<i32> {
    let w = t.word;
    let digits = w.strip_suffix('s').unwrap_or(w);
    if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = digits.parse().ok()?;
        if (1000..=2100).contains(&y) {
            return Some(y);
        }
    }
    None
}

/// The most out-of-period years a report lists (each with its sentence), so that the report
/// stays small whatever the essay: a student needs the first few to check their dates.
pub const MAX_OUT_OF_PERIOD: usize = 20;

fn precision(an: &Parsed, period: Option<Period>) -> Precision {
    let mut dates = 0;
    let mut named = 0;
    let mut figures = 0;
    let mut out_of_period = Vec::new();
    let mut reported: FxHashSet<(i32, usize)> = FxHashSet::default();
    for (si, s) in an.sentences.iter().enumerate() {
        let toks = &an.tokens[s.tokens.clone()];
        let mut in_name = false;
        for (i, t) in toks.iter().enumerate() {
            if let Some(y) = is_year(t) {
                dates += 1;
                if let Some(p) = period
                    && !p.contains(y)
                    && out_of_period.len() < MAX_OUT_OF_PERIOD
                    && reported.insert((y, si))
                {
                    out_of_period.push(OutOfPeriod {
                        year: y,
                        sentence: evidence(an, si),
                    });
                }
                in_name = false;
                continue;
            }
            if t.numeric
                || matches!(
                    t.word,
                    "million" | "millions" | "billion" | "thousand" | "percent"
                )
            {
                if !(t.numeric
                    && toks
                        .get(i + 1)
                        .is_some_and(|n| matches!(n.word, "million" | "billion" | "thousand")))
                {
                    figures += 1;
                }
                in_name = false;
                continue;
            }
            let is_name = (t.capital && i > 0 && !t.stop && t.word != "i")
                || (t.all_caps && t.word.len() >= 2);
            if is_name && !in_name {
                named += 1;
            }
            in_name = is_name;
        }
    }
    let quotations = count_quotations(an.text);
    let words = an.words().max(1) as f32;
    let per = |n: usize| round2(n as f32 * 100.0 / words);
    Precision {
        dates,
        named,
        figures,
        quotations,
        dates_per_100_words: per(dates),
        named_per_100_words: per(named),
        figures_per_100_words: per(figures),
        quotations_per_100_words: per(quotations),
        out_of_period,
    }
}

/// Quoted spans of three to sixty words: “…”, "…" or ‘…’ (an apostrophe inside a word is not a quote).
fn count_quotations(text: &str) -> usize {
    let mut count = 0;
    let mut from = 0;
    // The opening marks are `"` and, starting with the byte 0xE2, “ and ‘.
    while let Some(at) = memchr::memchr2(b'"', 0xE2, &text.as_bytes()[from..]) {
        let pos = from + at;
        let Some(c) = text[pos..].chars().next() else {
            break;
        };
        from = pos + c.len_utf8();
        let prev = text[..pos].chars().next_back().unwrap_or(' ');
        let close = match c {
            '\u{201C}' => '\u{201D}',
            '"' if !prev.is_alphanumeric() => '"',
            '\u{2018}' if !prev.is_alphanumeric() => '\u{2019}',
            _ => continue,
        };
        // The closing mark within 600 characters, not before a letter or digit, nor after a
        // blank line.
        let mut ahead = text[from..].char_indices();
        let mut found = None;
        for _ in 1..600 {
            let Some((at, d)) = ahead.next() else {
                break;
            };
            let next = ahead.clone().next().map(|x| x.1);
            if d == close && !next.unwrap_or(' ').is_alphanumeric() {
                found = Some(from + at);
                break;
            }
            if d == '\n' && next == Some('\n') {
                break;
            }
        }
        if let Some(at) = found {
            if (3..=60).contains(&text[from..at].split_whitespace().count()) {
                count += 1;
            }
            from = at + close.len_utf8();
        }
    }
    count
}

/// The stem id of each content token, in order, for the overlap checks. A prepared question
/// and the essays reported against it read their texts through the same vocabulary, so the
/// same stem has the same id in all of them.
fn content_stems(an: &Parsed) -> Vec<u64> {
    an.tokens
        .iter()
        .filter(|t| !t.stop)
        .map(|t| u64::from(t.stem_id))
        .collect()
}

/// The hash of a run of consecutive content stems.
fn shingle(run: &[u64]) -> u64 {
    run.iter().fold(0u64, |acc, &x| {
        (acc.rotate_left(17) ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    })
}

/// Hashes of each run of `n` consecutive content stems (from [`content_stems`]).
fn shingles(stems: &[u64], n: usize) -> FxHashSet<u64> {
    let mut set = FxHashSet::with_capacity_and_hasher(stems.len(), Default::default());
    set.extend(stems.windows(n).map(shingle));
    set
}

/// The share of a text's distinct shingles of `n` stems that are in `set`.
fn overlap(stems: &[u64], set: &FxHashSet<u64>, n: usize) -> f32 {
    if set.is_empty() {
        return 0.0;
    }
    let (distinct, shared) = distinct_shingles(stems, n, set);
    if distinct < 8 {
        return 0.0;
    }
    shared as f32 / distinct as f32
}

/// The number of distinct shingles of `n` stems in a text, and how many of them are in `set`.
/// They are counted in an open-addressed table of their own hashes (already well mixed), which
/// is quicker than a general set.
fn distinct_shingles(stems: &[u64], n: usize, set: &FxHashSet<u64>) -> (usize, usize) {
    let runs = stems.len().saturating_sub(n - 1);
    let bits = (2 * runs).max(16).next_power_of_two().trailing_zeros();
    let mask = (1usize << bits) - 1;
    // Zero marks an empty slot; a shingle whose hash is zero is counted on its own.
    let mut table = vec![0u64; mask + 1];
    let (mut distinct, mut shared, mut zero) = (0, 0, false);
    for h in stems.windows(n).map(shingle) {
        if h == 0 {
            if !zero {
                zero = true;
                distinct += 1;
                shared += usize::from(set.contains(&h));
            }
            continue;
        }
        let mut slot = (h >> (64 - bits)) as usize;
        loop {
            match table[slot] {
                0 => {
                    table[slot] = h;
                    distinct += 1;
                    shared += usize::from(set.contains(&h));
                    break;
                }
                seen if seen == h => break,
                _ => slot = (slot + 1) & mask,
            }
        }
    }
    (distinct, shared)
}

/// Share of overlap with the model essay above which an essay is flagged as copied.
pub const COPY_THRESHOLD: f32 = 0.4;

fn flags(
    p: &Prepared,
    an: &Parsed,
    c: &Coverage,
    b: &Balance,
    st: &Structure,
    j: &Judgement,
    sent_terms: &SentenceTerms,
) -> Vec<&'static str> {
    let mut f = Vec::new();
    let words = an.words();
    if b.verdict == "one-sided" {
        f.push("one-sided");
    }
    if !st.introduction.part.present {
        f.push("no-introduction");
    }
    if !st.conclusion.present {
        f.push("no-conclusion");
    }
    if !j.conclusion.is_clear() {
        f.push("no-judgement");
    }
    if matches!(
        (j.introduction, j.conclusion),
        (Stance::Agrees, Stance::Disagrees) | (Stance::Disagrees, Stance::Agrees)
    ) {
        f.push("inconsistent-judgement");
    }
    if words < p.expected_words * 3 / 10 {
        f.push("too-short");
    }
    let question_hits = || {
        an.tokens
            .iter()
            .filter(|t| !t.stop && p.question_stems.binary_search(&t.stem_id).is_ok())
            .count()
    };
    let any_term = || {
        (0..an.sentences.len())
            .filter(|&s| sent_terms.any(s))
            .count()
    };
    if words >= 20
        && c.covered == 0
        && c.partial == 0
        && (question_hits() < 2 || any_term() * 5 < an.sentences.len())
    {
        f.push("off-topic");
    }
    let prose_paras = an
        .paragraphs
        .iter()
        .filter(|p| p.kind != ParagraphKind::Heading)
        .count()
        .max(1);
    let bullets = an
        .paragraphs
        .iter()
        .filter(|p| p.kind == ParagraphKind::Bullet)
        .count();
    let stop_ratio = an.tokens.iter().filter(|t| t.stop).count() as f32 / words.max(1) as f32;
    let mean_sentence = words as f32 / an.sentences.len().max(1) as f32;
    if words >= 12
        && (bullets * 2 >= prose_paras
            || stop_ratio < 0.2
            || (an.sentences.len() >= 5 && mean_sentence < 5.0))
    {
        f.push("list-not-prose");
    }
    let stems = if words >= 20 {
        content_stems(an)
    } else {
        Vec::new()
    };
    if words >= 25 && overlap(&stems, &p.model_shingles, 5) >= COPY_THRESHOLD {
        f.push("copied-model-essay");
    }
    if words >= 20 && overlap(&stems, &p.scheme_shingles, 4) >= COPY_THRESHOLD {
        f.push("copied-mark-scheme");
    }
    f
}

#[cfg(test)]
mod tests;

/// Builds an engine whose vocabulary and IDF weights come from the part of a library that
/// every visitor may read: each published question's text, mark scheme and free plan is one
/// document. Drafts and model essays (premium) are left out, so that no score — which moves
/// with these weights — can tell whether a word occurs in text a visitor may not read.
pub fn engine_for_library(lib: &studypack_domain::Library) -> Engine {
    let docs: Vec<String> = lib
        .questions
        .iter()
        .filter(|q| q.status == studypack_domain::Status::Published)
        .flat_map(|q| {
            let scheme: Vec<String> = q.mark_scheme.points().into_iter().map(|p| p.text).collect();
            let mut d = vec![q.text.clone(), q.plan.clone()];
            d.extend(scheme);
            d
        })
        .collect();
    Engine::with_library(docs.iter().map(String::as_str))
}

/// The engine's view of a library question.
pub fn question_input<'a>(
    q: &'a studypack_domain::Question,
    topic: &'a studypack_domain::Topic,
) -> QuestionInput<'a> {
    QuestionInput {
        text: &q.text,
        view: q.view.as_deref(),
        scheme: &q.mark_scheme,
        period: q.period.or(Some(topic.period)),
        rubric: topic.rubric.as_ref(),
        glossary: &topic.glossary,
        model_essay: Some(q.model_essay.as_str()).filter(|m| !m.is_empty()),
        marks: Some(q.marks),
    }
}
