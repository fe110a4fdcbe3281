//! Full-text search over the library with tantivy.
//!
//! Indexed: title, question, topic, mark scheme and plan, stemmed with the English Snowball
//! stemmer (the feedback engine uses the same one). Model essays are premium and are never
//! indexed, so no result or snippet can show them. Drafts are never indexed either, so no
//! result or suggestion comes from one.
//!
//! Search forgives: hyphens and case (`de-Stalinisation` = `destalinisation`), British and
//! American spellings (`-isation` = `-ization`; see [`analysis`]), misspelt names (a query word
//! the index does not know matches names [`spelling::edits_allowed`] edits away: one from five
//! letters, "Khruschev"; two from eight, "Kruschev"), and when nothing matches, the results
//! carry a "did you mean" query built from the index's own vocabulary.

mod analysis;
mod kept;
pub mod spelling;

use std::ops::Bound;
use std::sync::Mutex;

use serde::Serialize;
use studypack_domain::{Library, Question, Topic};
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, QueryParser, RangeQuery,
    TermQuery,
};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use analysis::{TOKENIZER, WORDS_TOKENIZER, analyzer, join_compounds, words_analyzer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index is unavailable")]
    Poisoned,
    #[error("cannot keep the search index in {dir}: {reason}")]
    Directory { dir: String, reason: String },
}

pub type Result<T> = std::result::Result<T, SearchError>;

/// What to search for. Empty `q` lists everything that matches the filters.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub q: String,
    pub board: Option<String>,
    pub level: Option<String>,
    pub topic: Option<String>,
    pub command: Option<String>,
    pub year_from: Option<i64>,
    pub year_to: Option<i64>,
    pub limit: usize,
    pub offset: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    pub slug: String,
    pub title: String,
    pub question: String,
    pub board: Option<String>,
    pub level: Option<String>,
    pub topic: String,
    pub topic_slug: String,
    pub year: i64,
    /// HTML: the matching passage with matches in `<mark>`; all other text escaped.
    pub snippet_html: String,
    pub score: f32,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Facets {
    pub board: Vec<FacetCount>,
    pub level: Vec<FacetCount>,
    pub topic: Vec<FacetCount>,
    pub year: Vec<FacetCount>,
    pub command: Vec<FacetCount>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// When nothing matched: the query with its unknown words replaced by the nearest words
    /// the index holds, if that query finds something (with the same filters).
    pub suggestion: Option<String>,
}

#[derive(Clone, Copy)]
struct Fields {
    slug: Field,
    title: Field,
    question: Field,
    topic: Field,
    topic_slug: Field,
    scheme: Field,
    plan: Field,
    /// Proper names from the title, question, topic and mark scheme: the small dictionary that
    /// typo-tolerant search runs over.
    names: Field,
    /// Every word of the searched fields as written (not stemmed): the vocabulary "did you
    /// mean" suggestions are drawn from.
    words: Field,
    board: Field,
    level: Field,
    year: Field,
    facets: Field,
}

/// The search index: in memory, or kept in a directory on local disk (see [`SearchIndex::open`]),
/// where it records with each commit the library version its contents are for.
pub struct SearchIndex {
    /// The one status of the questions this index holds: the public index holds published
    /// questions, the editors' index drafts. Kept apart so that no draft moves a public
    /// result, count, score or suggestion.
    holds: studypack_domain::Status,
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    f: Fields,
    analyzer: TextAnalyzer,
    words_analyzer: TextAnalyzer,
    /// What each commit records: the library it holds, and the version (see [`kept`]).
    record: kept::Record,
}

/// A rebuild of a [`SearchIndex`] in progress (see [`SearchIndex::rebuilding`]); it holds the
/// index's writer, so changes wait for it.
pub struct Rebuild<'a> {
    index: &'a SearchIndex,
    writer: std::sync::MutexGuard<'a, IndexWriter>,
    finished: bool,
}

impl Rebuild<'_> {
    /// Adds the question `q` of topic `t`, when it is of the status the index holds.
    pub fn add(&mut self, q: &Question, t: &Topic) -> Result<()> {
        if q.status == self.index.holds {
            self.writer.add_document(self.index.document(q, t))?;
        }
        Ok(())
    }

    /// Commits the rebuilt index as the library's version `version`, merged into one segment
    /// (once, here, rather than in the background while the index serves).
    pub fn finish(mut self, version: i64) -> Result<()> {
        let index = self.index;
        index.commit(&mut self.writer, version)?;
        self.finished = true;
        let segments = index.index.searchable_segment_ids()?;
        if segments.len() > 1 {
            self.writer.merge(&segments).wait()?;
            index.reader.reload()?;
        }
        Ok(())
    }
}

impl Drop for Rebuild<'_> {
    fn drop(&mut self) {
        if !self.finished {
            // Back to the last commit: the deletion of everything and the questions added.
            // (tantivy's rollback makes the writer anew, with its default merge policy.)
            match self.writer.rollback() {
                Ok(_) => self.writer.set_merge_policy(merge_policy()),
                Err(e) => tracing::warn!(error = %e, "an unfinished rebuild was not rolled back"),
            }
        }
    }
}

/// What the index holds of a question for the feedback engine's statistics: the texts of it
/// that every visitor may read, as they were indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTexts {
    pub slug: String,
    pub question: String,
    pub plan: String,
    /// The mark scheme's bullets, one each, as written.
    pub bullets: Vec<String>,
}

/// The index's schema: each field, how it is analysed and what is stored.
fn schema() -> (Schema, Fields) {
    let mut sb = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let f = Fields {
        slug: sb.add_text_field("slug", STRING | STORED),
        title: sb.add_text_field("title", text.clone()),
        question: sb.add_text_field("question", text.clone()),
        topic: sb.add_text_field("topic", text.clone()),
        topic_slug: sb.add_text_field("topic_slug", STRING | STORED),
        scheme: sb.add_text_field("scheme", text.clone()),
        plan: sb.add_text_field("plan", text.clone()),
        names: sb.add_text_field(
            "names",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(TOKENIZER)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
        words: sb.add_text_field(
            "words",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(WORDS_TOKENIZER)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
        board: sb.add_text_field("board", STRING | STORED),
        level: sb.add_text_field("level", STRING | STORED),
        year: sb.add_i64_field(
            "year",
            NumericOptions::default()
                .set_indexed()
                .set_fast()
                .set_stored(),
        ),
        facets: sb.add_facet_field("facets", FacetOptions::default()),
    };
    (sb.build(), f)
}

/// Segments with more documents than this are not merged in the background (see
/// [`SearchIndex::open`]); changes make segments of a few documents each.
const MAX_DOCS_MERGED_LIVE: usize = 10_000;

/// Segments made by changes merge among themselves; the large ones a rebuild made are left
/// alone, so that merging in the background never rewrites the whole index while it serves
/// (at 100,000 questions that stalled commits for seconds).
fn merge_policy() -> Box<dyn tantivy::merge_policy::MergePolicy> {
    let mut policy = tantivy::merge_policy::LogMergePolicy::default();
    policy.set_max_docs_before_merge(MAX_DOCS_MERGED_LIVE);
    Box::new(policy)
}

/// Facet path segments may not contain '/'.
fn seg(s: &str) -> String {
    s.replace('/', "∕")
}

impl SearchIndex {
    /// An index of the published questions, in memory.
    pub fn in_memory() -> Result<SearchIndex> {
        Self::in_memory_of(studypack_domain::Status::Published)
    }

    /// An index of the draft questions (what editors may search), in memory.
    pub fn in_memory_drafts() -> Result<SearchIndex> {
        Self::in_memory_of(studypack_domain::Status::Draft)
    }

    /// The index of the questions of status `holds` kept in `dir` for the library `library`
    /// (an identity that tells one database from another): opened as it was left, when the
    /// directory holds an index of this kind for this library, or made anew and empty there
    /// (its [`SearchIndex::version`] is then `None`). One instance at a time may use a
    /// directory: another gets [`SearchError::Directory`].
    pub fn open(
        dir: &std::path::Path,
        library: &str,
        holds: studypack_domain::Status,
    ) -> Result<SearchIndex> {
        let (schema, f) = schema();
        let (index, version) = kept::open_or_create(dir, &schema, library, holds)?;
        Self::with_index(index, f, holds, kept::Record::new(library, version)).map_err(
            |e| match e {
                SearchError::Index(tantivy::TantivyError::LockFailure(..)) => {
                    SearchError::Directory {
                        dir: dir.display().to_string(),
                        reason: "another studypack instance is using it (each needs its own)"
                            .into(),
                    }
                }
                e => e,
            },
        )
    }

    fn in_memory_of(holds: studypack_domain::Status) -> Result<SearchIndex> {
        let (schema, f) = schema();
        Self::with_index(
            Index::create_in_ram(schema),
            f,
            holds,
            kept::Record::new("memory", None),
        )
    }

    fn with_index(
        index: Index,
        f: Fields,
        holds: studypack_domain::Status,
        record: kept::Record,
    ) -> Result<SearchIndex> {
        index.tokenizers().register(TOKENIZER, analyzer());
        index
            .tokenizers()
            .register(WORDS_TOKENIZER, words_analyzer());
        let writer = index.writer_with_num_threads(1, 50_000_000)?;
        writer.set_merge_policy(merge_policy());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            holds,
            index,
            reader,
            writer: Mutex::new(writer),
            f,
            analyzer: analyzer(),
            words_analyzer: words_analyzer(),
            record,
        })
    }

    /// The library version the index's contents are for, as its last commit recorded it;
    /// `None` for an index nothing was committed to.
    pub fn version(&self) -> Option<i64> {
        self.record.version()
    }

    fn document(&self, q: &Question, t: &Topic) -> TantivyDocument {
        let f = self.f;
        let scheme: Vec<String> = q
            .mark_scheme
            .bullets
            .iter()
            .map(|b| b.text.clone())
            .collect();
        // The scheme one value per bullet: each is kept as written, for the engine's
        // statistics ([`SearchIndex::stored_texts`]).
        let mut d = doc!(
            f.slug => q.slug.as_str(),
            f.title => q.title.as_str(),
            f.question => q.text.as_str(),
            f.topic => t.title.as_str(),
            f.topic_slug => t.slug.as_str(),
            f.plan => q.plan.as_str(),
            f.names => proper_names(&[q.title.as_str(), q.text.as_str(), t.title.as_str(), &scheme.join(" ")]),
            f.year => q.year as i64,
        );
        for bullet in &scheme {
            d.add_text(f.scheme, bullet);
        }
        for text in [
            q.title.as_str(),
            q.text.as_str(),
            t.title.as_str(),
            &scheme.join("\n"),
            q.plan.as_str(),
        ] {
            d.add_text(f.words, text);
        }
        if let Some(b) = t.board {
            d.add_text(f.board, b.label());
            d.add_facet(f.facets, Facet::from_path(["board", &seg(b.label())]));
        }
        if let Some(l) = t.level {
            d.add_text(f.level, l.label());
            d.add_facet(f.facets, Facet::from_path(["level", &seg(l.label())]));
        }
        d.add_facet(f.facets, Facet::from_path(["topic", &seg(t.slug.as_str())]));
        d.add_facet(f.facets, Facet::from_path(["year", &q.year.to_string()]));
        d.add_facet(f.facets, Facet::from_path(["command", &seg(&q.command)]));
        d
    }

    /// Replaces the whole index with the questions of `lib` it holds (published, or drafts),
    /// as the library's version `version`.
    pub fn rebuild(&self, lib: &Library, version: i64) -> Result<()> {
        let mut r = self.rebuilding()?;
        for q in &lib.questions {
            if let Some(t) = lib.topic(&q.topic) {
                r.add(q, t)?;
            }
        }
        r.finish(version)
    }

    /// Starts replacing the whole index, a question at a time ([`Rebuild::add`]), so that the
    /// library need never be in memory at once. Until [`Rebuild::finish`] the index serves
    /// what it held; a rebuild dropped unfinished changes nothing.
    pub fn rebuilding(&self) -> Result<Rebuild<'_>> {
        let writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        writer.delete_all_documents()?;
        Ok(Rebuild {
            index: self,
            writer,
            finished: false,
        })
    }

    /// Adds or replaces the questions `items` (by slug; one of another status, a draft in the
    /// public index, is removed), removes the questions `gone`, and records the library's
    /// version `version`: one commit.
    pub fn apply(
        &self,
        items: &[(&Question, &Topic)],
        gone: &[String],
        version: i64,
    ) -> Result<()> {
        let mut w = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        for (q, t) in items {
            w.delete_term(Term::from_field_text(self.f.slug, q.slug.as_str()));
            if q.status == self.holds {
                w.add_document(self.document(q, t))?;
            }
        }
        for slug in gone {
            w.delete_term(Term::from_field_text(self.f.slug, slug));
        }
        self.commit(&mut w, version)
    }

    fn commit(&self, w: &mut IndexWriter, version: i64) -> Result<()> {
        let mut commit = w.prepare_commit()?;
        commit.set_payload(&self.record.payload(self.holds, version));
        commit.commit()?;
        self.record.committed(version);
        self.reader.reload()?;
        Ok(())
    }

    /// The query for the question `slug`.
    fn by_slug(&self, slug: &str) -> TermQuery {
        TermQuery::new(
            Term::from_field_text(self.f.slug, slug),
            IndexRecordOption::Basic,
        )
    }

    /// Whether the index holds the question `slug`.
    pub fn holds(&self, slug: &str) -> Result<bool> {
        Ok(self.reader.searcher().search(&self.by_slug(slug), &Count)? > 0)
    }

    /// The texts the index holds of the question `slug` for the engine's statistics, if it
    /// holds the question.
    pub fn stored_texts(&self, slug: &str) -> Result<Option<StoredTexts>> {
        let searcher = self.reader.searcher();
        let top = searcher.search(
            &self.by_slug(slug),
            &TopDocs::with_limit(1).order_by_score(),
        )?;
        match top.first() {
            Some((_, addr)) => Ok(Some(self.texts_of(&searcher.doc(*addr)?))),
            None => Ok(None),
        }
    }

    /// Calls `each` with the texts of every question the index holds, in no set order.
    pub fn each_stored(&self, mut each: impl FnMut(StoredTexts)) -> Result<()> {
        let searcher = self.reader.searcher();
        for segment in searcher.segment_readers() {
            let store = segment
                .get_store_reader(1)
                .map_err(tantivy::TantivyError::from)?;
            for d in store.iter::<TantivyDocument>(segment.alive_bitset()) {
                each(self.texts_of(&d?));
            }
        }
        Ok(())
    }

    fn texts_of(&self, d: &TantivyDocument) -> StoredTexts {
        let first = |field: Field| {
            d.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        StoredTexts {
            slug: first(self.f.slug),
            question: first(self.f.question),
            plan: first(self.f.plan),
            bullets: d
                .get_all(self.f.scheme)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        }
    }

    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn stemmed(&self, word: &str) -> Option<String> {
        let mut a = self.analyzer.clone();
        let mut ts = a.token_stream(word);
        let mut out = None;
        while ts.advance() {
            out = Some(ts.token().text.clone());
        }
        out
    }

    fn text_query(&self, q: &str, all_words: bool) -> Box<dyn Query> {
        let f = self.f;
        let mut parser = QueryParser::for_index(
            &self.index,
            vec![f.title, f.question, f.topic, f.scheme, f.plan],
        );
        parser.set_field_boost(f.title, 3.0);
        parser.set_field_boost(f.question, 2.5);
        parser.set_field_boost(f.topic, 1.5);
        parser.set_field_boost(f.plan, 0.5);
        if all_words {
            parser.set_conjunction_by_default();
        }
        let (parsed, _errors) = parser.parse_query_lenient(q);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, parsed)];
        // Typo tolerance: words outside quotes, long enough to allow an edit, that the index
        // does not know as they are written (a known word needs no guessing, and a fuzzy search
        // over a term dictionary is the slowest part of a query).
        let searcher = self.reader.searcher();
        let known = |stem: &str| {
            [f.title, f.question, f.topic, f.scheme, f.plan]
                .iter()
                .any(|&field| {
                    searcher
                        .doc_freq(&Term::from_field_text(field, stem))
                        .unwrap_or(0)
                        > 0
                })
        };
        let unquoted: String = q.split('"').step_by(2).collect::<Vec<_>>().join(" ");
        for word in unquoted.split(|c: char| !c.is_alphanumeric()) {
            let edits = spelling::edits_allowed(word.chars().count());
            if edits == 0 {
                continue;
            }
            if let Some(stem) = self.stemmed(word).filter(|s| !known(s)) {
                let fuzzy = FuzzyTermQuery::new(Term::from_field_text(f.names, &stem), edits, true);
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(fuzzy), 1.0)),
                ));
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    fn facet_filter(&self, kind: &str, value: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_facet(self.f.facets, &Facet::from_path([kind, &seg(value)])),
            IndexRecordOption::Basic,
        ))
    }

    /// Searches for questions with every word of the query; when none has them all, for
    /// questions with any of them; when none has any, suggests a query that finds some.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        let mut results = self.search_words(req)?;
        if results.total == 0 && !req.q.trim().is_empty() {
            results.suggestion = self.suggest(req)?;
        }
        Ok(results)
    }

    fn search_words(&self, req: &SearchRequest) -> Result<SearchResults> {
        let req = SearchRequest {
            q: join_compounds(&req.q),
            ..req.clone()
        };
        let all = self.run(&req, true)?;
        let words = req
            .q
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .count();
        if all.total == 0 && words > 1 {
            self.run(&req, false)
        } else {
            Ok(all)
        }
    }

    /// The vocabulary form of a query word (lowercased, accents folded, compound joined), or
    /// `None` for a stop word or number.
    fn vocabulary_form(&self, word: &str) -> Option<String> {
        let mut a = self.words_analyzer.clone();
        let mut ts = a.token_stream(word);
        let mut out = None;
        while ts.advance() {
            out = Some(ts.token().text.clone());
        }
        out
    }

    /// "Did you mean": each query word the index does not hold, replaced by the nearest word it
    /// does (fewest edits, then the most questions); offered only if that query finds
    /// something with the same filters. Words come only from live (published) questions.
    fn suggest(&self, req: &SearchRequest) -> Result<Option<String>> {
        let searcher = self.reader.searcher();
        let f = self.f;
        // The query's words with their byte ranges: runs of letters and digits, with the
        // hyphens inside compounds.
        let q = req.q.as_str();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut start = None;
        let chars: Vec<(usize, char)> = q.char_indices().collect();
        for (k, &(i, c)) in chars.iter().enumerate() {
            let inner_hyphen = c == '-'
                && start.is_some()
                && chars.get(k + 1).is_some_and(|(_, n)| n.is_alphabetic());
            if c.is_alphanumeric() || inner_hyphen {
                start.get_or_insert(i);
            } else if let Some(s) = start.take() {
                spans.push((s, i));
            }
        }
        if let Some(s) = start {
            spans.push((s, q.len()));
        }
        // The words to replace: long enough to allow an edit, not in the vocabulary.
        let mut unknown: Vec<(usize, usize, Vec<char>, usize)> = Vec::new();
        for &(s, e) in &spans {
            let word = &q[s..e];
            let Some(form) = self.vocabulary_form(word) else {
                continue;
            };
            let edits = spelling::edits_allowed(form.chars().count()) as usize;
            let held = searcher
                .doc_freq(&Term::from_field_text(f.words, &form))
                .unwrap_or(0)
                > 0;
            if edits > 0 && !held {
                unknown.push((s, e, form.chars().collect(), edits));
            }
        }
        if unknown.is_empty() {
            return Ok(None);
        }
        // Candidates for each unknown word: (edits, questions, word), from every segment's
        // term dictionary (which may still hold the words of deleted questions: checked below).
        let mut candidates: Vec<Vec<(usize, u32, String)>> = vec![Vec::new(); unknown.len()];
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(f.words)?;
            let mut stream = inverted
                .terms()
                .stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let term_chars: Vec<char> = term.chars().collect();
                for (u, (_, _, word, edits)) in unknown.iter().enumerate() {
                    if let Some(d) = spelling::distance_within(word, &term_chars, *edits) {
                        let n = stream.value().doc_freq;
                        match candidates[u].iter_mut().find(|c| c.2 == term) {
                            Some(c) => c.1 += n,
                            None => candidates[u].push((d, n, term.to_string())),
                        }
                    }
                }
            }
        }
        let mut out = String::with_capacity(q.len());
        let mut at = 0;
        let mut replaced = false;
        for ((s, e, _, _), mut cands) in unknown.iter().zip(candidates) {
            cands.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
            // The first candidate held by a live question.
            let mut best = None;
            for (_, _, word) in cands {
                let live = searcher.search(
                    &TermQuery::new(
                        Term::from_field_text(f.words, &word),
                        IndexRecordOption::Basic,
                    ),
                    &Count,
                )?;
                if live > 0 {
                    best = Some(word);
                    break;
                }
            }
            if let Some(word) = best {
                out.push_str(&q[at..*s]);
                // Capitalised as typed.
                if q[*s..].chars().next().is_some_and(char::is_uppercase) {
                    let mut cs = word.chars();
                    out.extend(cs.next().into_iter().flat_map(char::to_uppercase));
                    out.push_str(cs.as_str());
                } else {
                    out.push_str(&word);
                }
                at = *e;
                replaced = true;
            }
        }
        if !replaced {
            return Ok(None);
        }
        out.push_str(&q[at..]);
        let check = SearchRequest {
            q: out.clone(),
            limit: 1,
            offset: 0,
            ..req.clone()
        };
        Ok((self.search_words(&check)?.total > 0).then_some(out))
    }

    fn run(&self, req: &SearchRequest, all_words: bool) -> Result<SearchResults> {
        let f = self.f;
        let searcher = self.reader.searcher();
        let text: Box<dyn Query> = if req.q.trim().is_empty() {
            Box::new(AllQuery)
        } else {
            self.text_query(&req.q, all_words)
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text.box_clone())];
        for (kind, v) in [
            ("board", &req.board),
            ("level", &req.level),
            ("topic", &req.topic),
            ("command", &req.command),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                clauses.push((Occur::Must, self.facet_filter(kind, v)));
            }
        }
        if req.year_from.is_some() || req.year_to.is_some() {
            let lo = req
                .year_from
                .map(|y| Bound::Included(Term::from_field_i64(f.year, y)))
                .unwrap_or(Bound::Unbounded);
            let hi = req
                .year_to
                .map(|y| Bound::Included(Term::from_field_i64(f.year, y)))
                .unwrap_or(Bound::Unbounded);
            clauses.push((Occur::Must, Box::new(RangeQuery::new(lo, hi))));
        }
        let query = BooleanQuery::new(clauses);
        let mut facets = FacetCollector::for_field("facets");
        for k in ["/board", "/level", "/topic", "/year", "/command"] {
            facets.add_facet(k);
        }
        let limit = req.limit.clamp(1, 100);
        let (top, total, counts) = searcher.search(
            &query,
            &(
                TopDocs::with_limit(limit)
                    .and_offset(req.offset.min(10_000))
                    .order_by_score(),
                Count,
                facets,
            ),
        )?;
        let list = |k: &str| -> Vec<FacetCount> {
            let mut v: Vec<FacetCount> = counts
                .get(k)
                .map(|(facet, n)| FacetCount {
                    value: facet
                        .to_path()
                        .last()
                        .map(|s| s.replace('∕', "/"))
                        .unwrap_or_default(),
                    count: n,
                })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
            v
        };
        let facets = Facets {
            board: list("/board"),
            level: list("/level"),
            topic: list("/topic"),
            year: list("/year"),
            command: list("/command"),
        };

        let mut hits = Vec::with_capacity(top.len());
        // Snippets come from the question, else the mark scheme, else the plan; a field's
        // generator is made only when a hit needs it.
        let snippet_fields = [f.question, f.scheme, f.plan];
        let gens: [std::cell::OnceCell<Option<SnippetGenerator>>; 3] = Default::default();
        let generator = |i: usize| {
            gens[i]
                .get_or_init(|| {
                    SnippetGenerator::create(&searcher, &*text, snippet_fields[i])
                        .ok()
                        .map(|mut g| {
                            g.set_max_num_chars(220);
                            g
                        })
                })
                .as_ref()
        };
        let highlight = !req.q.trim().is_empty();
        // The first five letters of each query word: enough to find inflected forms (purge/purges).
        let query_words: Vec<String> = req
            .q
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(|w| w.to_lowercase().chars().take(5).collect())
            .collect();
        // (The query's compounds are joined; so are the lines searched for them.)
        for (score, addr) in top {
            let d: TantivyDocument = searcher.doc(addr)?;
            let s = |field: Field| {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let question = s(f.question);
            let snippet_html = (0..snippet_fields.len())
                .filter(|_| highlight)
                .filter_map(|i| {
                    let g = generator(i)?;
                    if i == 0 {
                        return Some(g.snippet(&question));
                    }
                    // Long fields: highlight only the first bullet or line of the plan
                    // holding the start of a query word, rather than tokenising the whole field.
                    d.get_all(snippet_fields[i])
                        .filter_map(|v| v.as_str())
                        .flat_map(str::lines)
                        .find(|l| contains_any(l, &query_words))
                        .map(|line| g.snippet(line))
                })
                .find(|sn| !sn.highlighted().is_empty())
                .map(|mut sn| {
                    sn.set_snippet_prefix_postfix("<mark>", "</mark>");
                    sn.to_html()
                })
                .unwrap_or_else(|| escape(&cut(&question, 220)));
            hits.push(Hit {
                slug: s(f.slug),
                title: s(f.title),
                board: Some(s(f.board)).filter(|b| !b.is_empty()),
                level: Some(s(f.level)).filter(|l| !l.is_empty()),
                topic: s(f.topic),
                topic_slug: s(f.topic_slug),
                year: d.get_first(f.year).and_then(|v| v.as_i64()).unwrap_or(0),
                question,
                snippet_html,
                score,
            });
        }
        Ok(SearchResults {
            total,
            hits,
            facets,
            suggestion: None,
        })
    }
}

/// The capitalised words of `texts`, once each: names of people, places, bodies and events.
fn proper_names(texts: &[&str]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for text in texts {
        for w in text.split_whitespace() {
            let word = w.trim_matches(|c: char| !c.is_alphanumeric());
            if word.chars().next().is_some_and(char::is_uppercase) && !names.contains(&word) {
                names.push(word);
            }
        }
    }
    names.join(" ")
}

/// Whether `text` contains any of `words` (lowercase), ignoring case and hyphens.
fn contains_any(text: &str, words: &[String]) -> bool {
    let lower = text.to_lowercase().replace('-', "");
    words.iter().any(|w| lower.contains(w.as_str()))
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// Escapes text for HTML element content and attribute values.
/// Whether every word of `query`, stemmed as the index stems, is in one of `texts`: how the few
/// questions kept out of the index, a teacher's own, are searched for their teacher. An empty
/// query matches nothing.
pub fn matches_all_words(query: &str, texts: &[&str]) -> bool {
    let mut a = analyzer();
    let mut stems = std::collections::HashSet::new();
    for text in texts {
        let mut ts = a.token_stream(text);
        while ts.advance() {
            stems.insert(ts.token().text.clone());
        }
    }
    let mut ts = a.token_stream(query);
    let mut any = false;
    while ts.advance() {
        any = true;
        if !stems.contains(&ts.token().text) {
            return false;
        }
    }
    any
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
