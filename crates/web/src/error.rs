//! One error type for the web layer. Internal details are logged, never shown.

use axum::http::StatusCode;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("storage: {0}")]
    Store(#[from] studypack_store::StoreError),
    #[error("search: {0}")]
    Search(#[from] studypack_search::SearchError),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    #[error("internal: {0}")]
    Internal(String),
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            WebError::NotFound => "not_found",
            WebError::BadRequest(_) => "bad_request",
            _ => "internal",
        }
    }

    /// What the client is told: for server errors, nothing about the cause.
    pub fn public_message(&self) -> String {
        match self {
            WebError::NotFound => "There is nothing at this address.".into(),
            WebError::BadRequest(m) => m.clone(),
            _ => "Something went wrong on our side. Please try again.".into(),
        }
    }

    pub fn log(&self) {
        if self.status().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
    }
}
