//! The catalogue API: questions listed and filtered, one question, search.

use axum::Json;
use axum::extract::{Path, State};
use studypack_search::SearchRequest;

use super::body::{Question, QuestionList, SearchResults};
use super::params::{ListParams, SearchParams, no_empty};
use super::question::question_body;
use crate::error::WebError;
use crate::extract::{ApiError, ApiQuery, ErrorBody};
use crate::session::Visitor;
use crate::state::AppState;

/// `GET /api/v1/questions`.
#[utoipa::path(
    get,
    path = "/questions",
    operation_id = "listQuestions",
    summary = "List published questions with filters and pagination",
    params(ListParams),
    responses(
        (status = 200, description = "A page of questions", body = QuestionList),
        (status = 400, description = "Invalid parameters (including a NUL character anywhere in the request)", body = ErrorBody),
        (status = 500, description = "Server error", body = ErrorBody),
    )
)]
pub(crate) async fn list_questions(
    State(st): State<AppState>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<QuestionList>, ApiError> {
    for (name, v) in [
        ("page", &p.page),
        ("per_page", &p.per_page),
        ("year", &p.year),
    ] {
        no_empty(name, v)?;
    }
    let filter = p.filter()?;
    let listing = st.store.questions(&filter).await?;
    Ok(Json(QuestionList {
        total: listing.total,
        page: p.page()?,
        per_page: p.per_page()?,
        items: listing.items.into_iter().map(Into::into).collect(),
    }))
}

/// `GET /api/v1/questions/{slug}`: the complete model essay only for a reader whose Study
/// Pack covers it.
#[utoipa::path(
    get,
    path = "/questions/{slug}",
    operation_id = "getQuestion",
    summary = "One question: mark scheme, plan, and the model essay (or its teaser)",
    params(("slug" = String, Path, description = "The question's slug")),
    responses(
        (status = 200, description = "The question", body = Question),
        (status = 400, description = "Invalid parameters (including a NUL character anywhere in the request)", body = ErrorBody),
        (status = 404, description = "No such question", body = ErrorBody),
        (status = 500, description = "Server error", body = ErrorBody),
    )
)]
pub(crate) async fn get_question(
    v: Visitor,
    State(st): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Question>, ApiError> {
    let access = v.access(&st).await?;
    Ok(Json(question_body(&st, &slug, &access).await?.0.into()))
}

/// `GET /api/v1/search`.
#[utoipa::path(
    get,
    path = "/search",
    operation_id = "search",
    summary = "Full-text search with facets and highlighted snippets",
    params(SearchParams),
    responses(
        (status = 200, description = "Results", body = SearchResults),
        (status = 400, description = "Invalid parameters (including a NUL character anywhere in the request)", body = ErrorBody),
        (status = 500, description = "Server error", body = ErrorBody),
    )
)]
pub(crate) async fn search(
    State(st): State<AppState>,
    visitor: Visitor,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<Json<SearchResults>, ApiError> {
    for (name, v) in [
        ("page", &p.page),
        ("year_from", &p.year_from),
        ("year_to", &p.year_to),
    ] {
        no_empty(name, v)?;
    }
    let req = p.request(20)?;
    st.caught_up_for(visitor.user().map(|u| u.id)).await;
    Ok(Json(run_search(&st, req).await?.into()))
}

/// Searches the published questions.
pub(crate) async fn run_search(
    st: &AppState,
    req: SearchRequest,
) -> Result<studypack_search::SearchResults, WebError> {
    search_index(st.search.clone(), req).await
}

/// Searches `index` off the async threads.
pub(crate) async fn search_index(
    index: std::sync::Arc<studypack_search::SearchIndex>,
    req: SearchRequest,
) -> Result<studypack_search::SearchResults, WebError> {
    tokio::task::spawn_blocking(move || index.search(&req))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(Into::into)
}
