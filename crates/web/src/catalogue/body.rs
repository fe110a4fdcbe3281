//! The catalogue API's bodies. Each type is both what the answer serialises and the schema
//! the OpenAPI document shows, so the two cannot drift apart; the store's, the domain's and
//! the index's types stay out of the wire format.

use serde::Serialize;
use studypack_domain::views::QuestionDetail;
use utoipa::ToSchema;

use super::question::QuestionBody;

/// A page of published questions.
#[derive(Serialize, ToSchema)]
pub(crate) struct QuestionList {
    /// Questions that match, on every page.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<QuestionSummary>,
}

/// A question as listed, without its long texts.
#[derive(Serialize, ToSchema)]
pub(crate) struct QuestionSummary {
    pub slug: String,
    pub title: String,
    /// Exam board, e.g. `AQA`.
    pub board: Option<String>,
    /// Qualification level, e.g. `A Level`.
    pub level: Option<String>,
    /// The paper's code and title.
    pub component: Option<String>,
    pub topic: String,
    pub topic_slug: String,
    /// Year examined.
    pub year: u16,
    pub marks: u32,
    /// The command wording, e.g. `How far do you agree`.
    pub command: String,
    /// The question as set.
    pub question: String,
    /// `published` (drafts are never listed).
    pub status: String,
}

impl From<studypack_store::QuestionSummary> for QuestionSummary {
    fn from(q: studypack_store::QuestionSummary) -> Self {
        QuestionSummary {
            slug: q.slug,
            title: q.title,
            board: q.board.map(|b| b.label().to_string()),
            level: q.level.map(|l| l.label().to_string()),
            component: q.component,
            topic: q.topic,
            topic_slug: q.topic_slug,
            year: q.year,
            marks: q.marks,
            command: q.command,
            question: q.question,
            status: q.status.label().to_string(),
        }
    }
}

/// A paper of a qualification.
#[derive(Serialize, ToSchema)]
pub(crate) struct Component {
    pub code: String,
    pub title: String,
}

/// The years a question covers.
#[derive(Serialize, ToSchema)]
pub(crate) struct Period {
    pub start: i32,
    pub end: i32,
}

/// A mark scheme's bullets by side, one string per bullet as written.
#[derive(Serialize, ToSchema)]
pub(crate) struct MarkScheme {
    pub supporting: Vec<String>,
    pub challenging: Vec<String>,
    pub neutral: Vec<String>,
}

/// One published question as the reader may see it.
#[derive(Serialize, ToSchema)]
pub(crate) struct Question {
    pub slug: String,
    pub title: String,
    pub board: Option<String>,
    pub level: Option<String>,
    pub component: Option<Component>,
    pub topic: String,
    pub topic_slug: String,
    pub year: u16,
    pub question: String,
    pub marks: u32,
    pub command: String,
    /// The view the question asks about, where it quotes one.
    pub view: Option<String>,
    pub period: Option<Period>,
    pub status: String,
    pub mark_scheme: MarkScheme,
    /// The free essay plan (Markdown).
    pub plan: String,
    /// The plan was made by the plan generator, not written by an editor.
    pub plan_generated: bool,
    /// The complete model essay: `null` unless the reader's Study Pack covers the question.
    pub model_essay: Option<String>,
    /// The opening of the model essay, for readers without the pack.
    pub model_essay_teaser: Option<String>,
    /// The question has a premium model essay.
    pub premium: bool,
    /// The reader's Study Pack covers this question: `model_essay` holds the essay.
    pub unlocked: bool,
    /// The question's page.
    pub url: String,
}

impl From<QuestionBody> for Question {
    fn from(b: QuestionBody) -> Self {
        let QuestionDetail {
            slug,
            title,
            board,
            level,
            component,
            topic,
            topic_slug,
            year,
            question,
            marks,
            command,
            view,
            period,
            status,
            mark_scheme,
            plan,
            plan_generated,
            model_essay,
        } = b.detail;
        Question {
            slug,
            title,
            board: board.map(|b| b.label().to_string()),
            level: level.map(|l| l.label().to_string()),
            component: component.map(|c| Component {
                code: c.code,
                title: c.title,
            }),
            topic,
            topic_slug,
            year,
            question,
            marks,
            command,
            view,
            period: period.map(|p| Period {
                start: p.start,
                end: p.end,
            }),
            status: status.label().to_string(),
            mark_scheme: MarkScheme {
                supporting: mark_scheme.supporting,
                challenging: mark_scheme.challenging,
                neutral: mark_scheme.neutral,
            },
            plan,
            plan_generated,
            model_essay,
            model_essay_teaser: b.model_essay_teaser,
            premium: b.premium,
            unlocked: b.unlocked,
            url: b.url,
        }
    }
}

/// Search results with facets.
#[derive(Serialize, ToSchema)]
pub(crate) struct SearchResults {
    /// Questions that match, on every page.
    pub total: usize,
    pub hits: Vec<SearchHit>,
    pub facets: Facets,
    /// When nothing matched: a query built from words the library holds ("Did you mean …?")
    /// that finds something with the same filters; otherwise null.
    pub suggestion: Option<String>,
}

/// One matching question.
#[derive(Serialize, ToSchema)]
pub(crate) struct SearchHit {
    pub slug: String,
    pub title: String,
    pub question: String,
    pub board: Option<String>,
    pub level: Option<String>,
    pub topic: String,
    pub topic_slug: String,
    pub year: i64,
    /// Escaped HTML: the matching passage with matches in `<mark>`.
    pub snippet_html: String,
    pub score: f32,
}

/// How many matching questions have each value.
#[derive(Serialize, ToSchema)]
pub(crate) struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// Counts of the matching questions by board, level, topic, year and command.
#[derive(Serialize, ToSchema)]
pub(crate) struct Facets {
    pub board: Vec<FacetCount>,
    pub level: Vec<FacetCount>,
    pub topic: Vec<FacetCount>,
    pub year: Vec<FacetCount>,
    pub command: Vec<FacetCount>,
}

impl From<studypack_search::SearchResults> for SearchResults {
    fn from(r: studypack_search::SearchResults) -> Self {
        let counts = |v: Vec<studypack_search::FacetCount>| {
            v.into_iter()
                .map(|c| FacetCount {
                    value: c.value,
                    count: c.count,
                })
                .collect()
        };
        SearchResults {
            total: r.total,
            hits: r
                .hits
                .into_iter()
                .map(|h| SearchHit {
                    slug: h.slug,
                    title: h.title,
                    question: h.question,
                    board: h.board,
                    level: h.level,
                    topic: h.topic,
                    topic_slug: h.topic_slug,
                    year: h.year,
                    snippet_html: h.snippet_html,
                    score: h.score,
                })
                .collect(),
            facets: Facets {
                board: counts(r.facets.board),
                level: counts(r.facets.level),
                topic: counts(r.facets.topic),
                year: counts(r.facets.year),
                command: counts(r.facets.command),
            },
            suggestion: r.suggestion,
        }
    }
}
