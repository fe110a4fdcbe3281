//! One error type for the web layer. Internal details are logged, never shown.

use axum::http::StatusCode;
use studypack_accounts::AccountError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("sign in required")]
    Unauthorized,
    /// A sign-in with a wrong email or password (401, without saying which).
    #[error("{0}")]
    BadCredentials(String),
    /// The request body is larger than the limit, in bytes.
    #[error("body over {0} bytes")]
    PayloadTooLarge(usize),
    #[error("{0}")]
    Forbidden(String),
    /// The request contradicts what is stored (a save to an essay already submitted).
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts: try again after this many seconds.
    #[error("rate limited for {0} s")]
    TooManyRequests(i64),
    #[error("storage: {0}")]
    Store(#[from] studypack_store::StoreError),
    #[error("search: {0}")]
    Search(#[from] studypack_search::SearchError),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<AccountError> for WebError {
    fn from(e: AccountError) -> WebError {
        match e {
            AccountError::Invalid(m) => WebError::BadRequest(m),
            AccountError::BadCredentials => WebError::BadCredentials(e.to_string()),
            AccountError::RateLimited(s) => WebError::TooManyRequests(s),
            AccountError::Store(s) => WebError::Store(s),
            AccountError::Internal(m) => WebError::Internal(m),
        }
    }
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Unauthorized | WebError::BadCredentials(_) => StatusCode::UNAUTHORIZED,
            WebError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            WebError::NotFound => "not_found",
            WebError::BadRequest(_) => "bad_request",
            WebError::Unauthorized => "unauthorized",
            WebError::BadCredentials(_) => "bad_credentials",
            WebError::PayloadTooLarge(_) => "payload_too_large",
            WebError::Forbidden(_) => "forbidden",
            WebError::Conflict(_) => "conflict",
            WebError::TooManyRequests(_) => "rate_limited",
            _ => "internal",
        }
    }

    /// What the client is told: for server errors, nothing about the cause.
    pub fn public_message(&self) -> String {
        match self {
            WebError::NotFound => "There is nothing at this address.".into(),
            WebError::BadRequest(m)
            | WebError::Forbidden(m)
            | WebError::BadCredentials(m)
            | WebError::Conflict(m) => m.clone(),
            WebError::PayloadTooLarge(n) => {
                format!("The request is too large: the limit is {} KiB.", n / 1024)
            }
            WebError::Unauthorized => "Sign in first.".into(),
            WebError::TooManyRequests(s) => {
                format!("Too many attempts. Try again in {} minutes.", (s + 59) / 60)
            }
            _ => "Something went wrong on our side. Please try again.".into(),
        }
    }

    /// Seconds for a `Retry-After` header.
    pub fn retry_after(&self) -> Option<i64> {
        match self {
            WebError::TooManyRequests(s) => Some(*s),
            _ => None,
        }
    }

    pub fn log(&self) {
        if self.status().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
    }
}

/// How a [`WebError`] becomes a response: as a page ([`crate::render::Page`]) or as the
/// API's JSON ([`crate::extract::Json`]).
pub trait Render {
    fn render(error: &WebError) -> axum::response::Response;
}

/// A [`WebError`] on its way to the client in the rendering `R`: handlers of pages return
/// `Result<_, PageError>`, handlers of the API `Result<_, ApiError>`; `?` converts every
/// error of the layers below.
pub struct ErrorAs<R> {
    pub error: WebError,
    render: std::marker::PhantomData<fn() -> R>,
}

impl<R> ErrorAs<R> {
    pub fn new(error: WebError) -> ErrorAs<R> {
        ErrorAs {
            error,
            render: std::marker::PhantomData,
        }
    }
}

impl<R> std::fmt::Debug for ErrorAs<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl<R> From<WebError> for ErrorAs<R> {
    fn from(e: WebError) -> Self {
        ErrorAs::new(e)
    }
}
impl<R> From<studypack_store::StoreError> for ErrorAs<R> {
    fn from(e: studypack_store::StoreError) -> Self {
        ErrorAs::new(e.into())
    }
}
impl<R> From<studypack_search::SearchError> for ErrorAs<R> {
    fn from(e: studypack_search::SearchError) -> Self {
        ErrorAs::new(e.into())
    }
}
impl<R> From<AccountError> for ErrorAs<R> {
    fn from(e: AccountError) -> Self {
        ErrorAs::new(e.into())
    }
}
impl<R> From<askama::Error> for ErrorAs<R> {
    fn from(e: askama::Error) -> Self {
        ErrorAs::new(e.into())
    }
}

impl<R: Render> axum::response::IntoResponse for ErrorAs<R> {
    fn into_response(self) -> axum::response::Response {
        self.error.log();
        let mut res = R::render(&self.error);
        if let Some(s) = self.error.retry_after() {
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(s.max(1)),
            );
        }
        res
    }
}
