//! The JSON API, version 1.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use studypack_domain::views::QuestionDetail;
use studypack_domain::{Board, Level};
use studypack_search::{SearchRequest, SearchResults};
use studypack_store::{QuestionFilter, QuestionSummary};

use crate::error::WebError;
use crate::premium::teaser;
use crate::session::Visitor;
use crate::{AppState, openapi};

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

impl From<studypack_accounts::AccountError> for ApiError {
    fn from(e: studypack_accounts::AccountError) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let body = serde_json::json!({ "error": { "code": self.0.code(), "message": self.0.public_message() } });
        let mut res = (self.0.status(), Json(body)).into_response();
        if let Some(s) = self.0.retry_after() {
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(s.max(1)),
            );
        }
        res
    }
}

/// A JSON body, with errors in the API's shape.
pub struct ApiJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError(WebError::PayloadTooLarge(crate::BODY_LIMIT)))
            }
            Err(e) => Err(ApiError(WebError::BadRequest(e.body_text()))),
        }
    }
}

/// A query string, with errors in the API's shape (a repeated or malformed parameter is a
/// 400 with the JSON error body, not axum's plain text).
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(ApiError(WebError::BadRequest(e.body_text()))),
        }
    }
}

/// Rejects a parameter given with an empty value (`page=`): in the API an integer parameter
/// is a number or absent.
fn no_empty(name: &str, v: &Option<String>) -> Result<(), WebError> {
    match v {
        Some(s) if s.trim().is_empty() => Err(WebError::BadRequest(format!(
            "{name} is empty: give a number or leave the parameter out"
        ))),
        _ => Ok(()),
    }
}

#[derive(Deserialize)]
pub(crate) struct SessionRequest {
    email: String,
    password: String,
}

/// `POST /api/v1/session`: signs in; the token works as a bearer token and is also set as
/// the session cookie.
pub(crate) async fn create_session(
    State(st): State<AppState>,
    v: Visitor,
    ApiJson(req): ApiJson<SessionRequest>,
) -> Result<Response, ApiError> {
    let new = st
        .accounts
        .sign_in(&req.email, &req.password, &v.address)
        .await?;
    // As the sign-in form does: the session this client held before ends.
    if let Some(old) = &v.token {
        st.accounts.sign_out(old).await?;
    }
    let body = serde_json::json!({
        "token": new.token,
        "csrf_token": new.session.csrf,
        "expires_at": new.session.expires_at,
        "user": { "email": new.session.user.email, "role": new.session.user.role.label() },
    });
    let mut res = Json(body).into_response();
    if let Some(c) = crate::account::session_cookie(&v, &new.token) {
        res.headers_mut().append(axum::http::header::SET_COOKIE, c);
    }
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// `DELETE /api/v1/session`: signs out.
pub(crate) async fn end_session(
    State(st): State<AppState>,
    v: Visitor,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    // A missing, expired or made-up token is not a session to end.
    v.require_user()?;
    v.check_api_csrf(&headers)?;
    if let Some(t) = &v.token {
        st.accounts.sign_out(t).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    if let Some(c) = crate::session::cookie(crate::SESSION_COOKIE, "", Some(0), v.secure, "Lax") {
        res.headers_mut().append(axum::http::header::SET_COOKIE, c);
    }
    Ok(res)
}

#[derive(Deserialize)]
pub(crate) struct RedeemRequest {
    code: String,
}

/// `POST /api/v1/redeem`: redeems a licence code for the signed-in user.
pub(crate) async fn redeem(
    State(st): State<AppState>,
    v: Visitor,
    headers: axum::http::HeaderMap,
    ApiJson(req): ApiJson<RedeemRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let user = v.require_user()?;
    v.check_api_csrf(&headers)?;
    let e = st.accounts.redeem(user, &req.code).await?;
    let scope: studypack_domain::PackScope = e
        .scope
        .parse()
        .map_err(|_| WebError::Internal(format!("stored scope {:?}", e.scope)))?;
    Ok(Json(serde_json::json!({
        "pack": e.scope,
        "covers": scope.describe(),
        "expires_at": e.expires_at,
    })))
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

/// `GET /api/v1/questions/{slug}`: the question; its complete model essay only for a reader
/// whose Study Pack covers it.
#[derive(Serialize)]
pub struct QuestionBody {
    #[serde(flatten)]
    pub detail: QuestionDetail,
    pub model_essay_teaser: Option<String>,
    /// The question has a premium model essay.
    pub premium: bool,
    /// The reader may read it: then `model_essay` holds it (otherwise it is `null`).
    pub unlocked: bool,
    pub url: String,
}

/// A published question as `access` may see it.
pub async fn question_body(
    st: &AppState,
    slug: &str,
    access: &studypack_accounts::Access,
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
    let premium = detail.model_essay.is_some();
    let unlocked = premium && access.can_read(&topic);
    if !unlocked {
        detail.model_essay = None;
    }
    let body = QuestionBody {
        model_essay_teaser: teaser(&q.model_essay),
        premium,
        unlocked,
        url: format!("/questions/{}", q.slug),
        detail,
    };
    Ok((body, q, topic))
}

pub(crate) async fn get_question(
    State(st): State<AppState>,
    v: Visitor,
    Path(slug): Path<String>,
) -> Result<Json<QuestionBody>, ApiError> {
    let access = v.access(&st).await?;
    Ok(Json(question_body(&st, &slug, &access).await?.0))
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

pub(crate) async fn openapi_json() -> Json<serde_json::Value> {
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
