//! The catalogue API: questions listed and filtered, one question, search.

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use studypack_search::{SearchRequest, SearchResults};
use studypack_store::QuestionSummary;

use super::params::{ListParams, SearchParams, no_empty};
use super::question::{QuestionBody, question_body};
use crate::error::WebError;
use crate::extract::{ApiError, ApiQuery};
use crate::session::Visitor;
use crate::state::AppState;

#[derive(Serialize)]
struct QuestionList {
    total: u64,
    page: u32,
    per_page: u32,
    items: Vec<QuestionSummary>,
}

pub(crate) async fn list_questions(
    State(st): State<AppState>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<serde_json::Value>, ApiError> {
    for (name, v) in [
        ("page", &p.page),
        ("per_page", &p.per_page),
        ("year", &p.year),
    ] {
        no_empty(name, v)?;
    }
    let filter = p.filter()?;
    let listing = st.store.questions(&filter).await?;
    let body = QuestionList {
        total: listing.total,
        page: p.page()?,
        per_page: p.per_page()?,
        items: listing.items,
    };
    Ok(Json(
        serde_json::to_value(body).map_err(|e| WebError::Internal(e.to_string()))?,
    ))
}

pub(crate) async fn get_question(
    State(st): State<AppState>,
    v: Visitor,
    Path(slug): Path<String>,
) -> Result<Json<QuestionBody>, ApiError> {
    let access = v.access(&st).await?;
    Ok(Json(question_body(&st, &slug, &access).await?.0))
}

pub(crate) async fn search(
    State(st): State<AppState>,
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
    Ok(Json(run_search(&st, req).await?))
}

pub async fn run_search(st: &AppState, req: SearchRequest) -> Result<SearchResults, WebError> {
    let search = st.search.clone();
    tokio::task::spawn_blocking(move || search.search(&req))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(Into::into)
}
