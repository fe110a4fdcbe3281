//! The JSON API, version 1.

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use studypack_domain::views::QuestionDetail;
use studypack_domain::{Board, Level};
use studypack_search::{SearchRequest, SearchResults};
use studypack_store::{QuestionFilter, QuestionSummary};

use crate::error::WebError;
use crate::premium::teaser;
use crate::{AppState, openapi};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/questions", get(list_questions))
        .route("/questions/{slug}", get(get_question))
        .route("/search", get(search))
        .route("/openapi.json", get(openapi_json))
        .fallback(not_found)
}

/// The API's error body: `{"error": {"code", "message"}}`.
pub struct ApiError(pub WebError);

impl From<WebError> for ApiError {
    fn from(e: WebError) -> Self {
        ApiError(e)
    }
}

impl From<studypack_store::StoreError> for ApiError {
    fn from(e: studypack_store::StoreError) -> Self {
        ApiError(e.into())
    }
}

impl From<studypack_search::SearchError> for ApiError {
    fn from(e: studypack_search::SearchError) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let body = serde_json::json!({ "error": { "code": self.0.code(), "message": self.0.public_message() } });
        (self.0.status(), Json(body)).into_response()
    }
}

async fn not_found() -> ApiError {
    ApiError(WebError::NotFound)
}

/// Filters shared by the browse page and `GET /api/v1/questions`.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct ListParams {
    pub board: Option<String>,
    pub level: Option<String>,
    pub topic: Option<String>,
    pub year: Option<String>,
    pub command: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

fn blank(o: &Option<String>) -> Option<&str> {
    o.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl ListParams {
    pub fn page(&self) -> Result<u32, WebError> {
        match blank(&self.page) {
            None => Ok(1),
            Some(p) => p
                .parse::<u32>()
                .ok()
                .filter(|p| (1..=100_000).contains(p))
                .ok_or_else(|| {
                    WebError::BadRequest(format!("page must be a whole number from 1, found {p:?}"))
                }),
        }
    }
    pub fn per_page(&self) -> Result<u32, WebError> {
        match blank(&self.per_page) {
            None => Ok(20),
            Some(p) => p
                .parse::<u32>()
                .ok()
                .filter(|p| (1..=100).contains(p))
                .ok_or_else(|| {
                    WebError::BadRequest(format!("per_page must be from 1 to 100, found {p:?}"))
                }),
        }
    }
    pub fn filter(&self) -> Result<QuestionFilter, WebError> {
        let per_page = self.per_page()?;
        Ok(QuestionFilter {
            board: blank(&self.board)
                .map(|b| b.parse::<Board>())
                .transpose()
                .map_err(|e| WebError::BadRequest(e.0))?,
            level: blank(&self.level)
                .map(|l| l.parse::<Level>())
                .transpose()
                .map_err(|e| WebError::BadRequest(e.0))?,
            topic: blank(&self.topic).map(str::to_string),
            year: blank(&self.year)
                .map(|y| {
                    y.parse::<u16>().map_err(|_| {
                        WebError::BadRequest(format!(
                            "year must be a year such as 2022, found {y:?}"
                        ))
                    })
                })
                .transpose()?,
            command: blank(&self.command).map(str::to_string),
            include_drafts: false,
            limit: Some(per_page),
            offset: (self.page()? - 1) * per_page,
        })
    }
}

#[derive(Serialize)]
struct QuestionList {
    total: u64,
    page: u32,
    per_page: u32,
    items: Vec<QuestionSummary>,
}

async fn list_questions(
    State(st): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<serde_json::Value>, ApiError> {
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

/// `GET /api/v1/questions/{slug}`: the question without its premium essay.
#[derive(Serialize)]
pub struct QuestionBody {
    #[serde(flatten)]
    pub detail: QuestionDetail,
    pub model_essay_teaser: Option<String>,
    pub premium: bool,
    pub url: String,
}

pub async fn public_question(
    st: &AppState,
    slug: &str,
) -> Result<
    (
        QuestionBody,
        studypack_domain::Question,
        std::sync::Arc<studypack_domain::Topic>,
    ),
    WebError,
> {
    let q = st
        .store
        .question(slug)
        .await?
        .filter(|q| q.status == studypack_domain::Status::Published)
        .ok_or(WebError::NotFound)?;
    let topic = st
        .topic(q.topic.as_str())
        .await?
        .ok_or(WebError::NotFound)?;
    let mut detail = QuestionDetail::new(&q, &topic);
    let premium = detail.model_essay.take().is_some();
    let body = QuestionBody {
        model_essay_teaser: teaser(&q.model_essay),
        premium,
        url: format!("/questions/{}", q.slug),
        detail,
    };
    Ok((body, q, topic))
}

async fn get_question(
    State(st): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<QuestionBody>, ApiError> {
    Ok(Json(public_question(&st, &slug).await?.0))
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct SearchParams {
    pub q: Option<String>,
    pub board: Option<String>,
    pub level: Option<String>,
    pub topic: Option<String>,
    pub command: Option<String>,
    pub year_from: Option<String>,
    pub year_to: Option<String>,
    pub page: Option<String>,
}

/// The longest query accepted, in characters.
pub const MAX_QUERY: usize = 500;

impl SearchParams {
    pub fn request(&self, per_page: usize) -> Result<SearchRequest, WebError> {
        let q = self.q.clone().unwrap_or_default();
        if q.chars().count() > MAX_QUERY {
            return Err(WebError::BadRequest(format!(
                "the query is longer than {MAX_QUERY} characters"
            )));
        }
        let year = |v: &Option<String>, name: &str| -> Result<Option<i64>, WebError> {
            blank(v)
                .map(|y| {
                    y.parse::<i64>()
                        .ok()
                        .filter(|y| (1900..=2100).contains(y))
                        .ok_or_else(|| {
                            WebError::BadRequest(format!("{name} must be a year such as 2022"))
                        })
                })
                .transpose()
        };
        let page = ListParams {
            page: self.page.clone(),
            ..Default::default()
        }
        .page()?;
        Ok(SearchRequest {
            q,
            board: blank(&self.board).map(str::to_string),
            level: blank(&self.level).map(str::to_string),
            topic: blank(&self.topic).map(str::to_string),
            command: blank(&self.command).map(str::to_string),
            year_from: year(&self.year_from, "year_from")?,
            year_to: year(&self.year_to, "year_to")?,
            limit: per_page,
            offset: (page as usize - 1) * per_page,
        })
    }
}

pub async fn run_search(st: &AppState, req: SearchRequest) -> Result<SearchResults, WebError> {
    let search = st.search.clone();
    tokio::task::spawn_blocking(move || search.search(&req))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(Into::into)
}

async fn search(
    State(st): State<AppState>,
    Query(p): Query<SearchParams>,
) -> Result<Json<SearchResults>, ApiError> {
    let req = p.request(20)?;
    Ok(Json(run_search(&st, req).await?))
}

async fn openapi_json() -> Json<serde_json::Value> {
    Json(openapi::document())
}

pub async fn healthz(State(st): State<AppState>) -> Response {
    match st.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(
                serde_json::json!({ "status": "ok", "database": "ok", "indexed": st.search.len() }),
            ),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable", "database": "unreachable" })),
            )
                .into_response()
        }
    }
}
