//! Extractors of the API: a JSON body and a query string whose errors come back in the API's
//! JSON shape, and that shape ([`ApiError`]).

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::error::{ErrorAs, Render, WebError};

/// Errors shown as the API's JSON body: `{"error": {"code", "message"}}`.
pub struct Json;

/// An error of an API handler, shown as JSON.
pub type ApiError = ErrorAs<Json>;

/// The API's error body, for the document.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong: a stable `code` and a message for people.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorDetail {
    /// `bad_request`, `unauthorized`, `bad_credentials`, `forbidden`, `not_found`,
    /// `payload_too_large`, `rate_limited` or `internal`.
    pub code: String,
    pub message: String,
}

impl Render for Json {
    fn render(e: &WebError) -> Response {
        let body =
            serde_json::json!({ "error": { "code": e.code(), "message": e.public_message() } });
        (e.status(), axum::Json(body)).into_response()
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
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(WebError::PayloadTooLarge(crate::config::BODY_LIMIT).into())
            }
            Err(e) => Err(WebError::BadRequest(e.body_text()).into()),
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
            Err(e) => Err(WebError::BadRequest(e.body_text()).into()),
        }
    }
}
