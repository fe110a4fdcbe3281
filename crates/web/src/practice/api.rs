//! The practice API: feedback on an essay, and a student's drafts (autosave).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use studypack_accounts::now;
use studypack_domain::MarkScheme;
use studypack_domain::scheme_text::parse_scheme_text;
use studypack_feedback::{QuestionInput, Report};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use super::marking::{MAX_SCHEME, assess, check_essay, run_blocking};
use crate::catalogue::practisable;
use crate::error::WebError;
use crate::extract::{ApiError, ApiJson, ErrorBody};
use crate::guard::{CsrfHeader, SignedIn};
use crate::session::Visitor;
use crate::state::AppState;

/// The essay and exactly one of `question` or `scheme` (its schema is written out below:
/// a derive cannot say "exactly one").
#[derive(Deserialize)]
pub(crate) struct FeedbackRequest {
    question: Option<String>,
    scheme: Option<String>,
    text: String,
}

/// A schema given as its JSON. Our own literal: a failure is a bug, caught by the document's
/// snapshot test.
fn schema_of(v: serde_json::Value) -> RefOr<Schema> {
    RefOr::T(serde_json::from_value(v).expect("a valid schema literal"))
}

impl PartialSchema for FeedbackRequest {
    fn schema() -> RefOr<Schema> {
        let text = serde_json::json!({ "type": "string", "description": "The essay, at most 100 kB of UTF-8" });
        schema_of(serde_json::json!({
            "description": "The essay (`text`, at most 100 kB) and exactly one of `question` or `scheme`",
            "oneOf": [
                { "type": "object", "required": ["text", "question"], "not": { "required": ["scheme"] }, "properties": {
                    "question": { "type": "string", "description": "A question's slug" }, "text": text } },
                { "type": "object", "required": ["text", "scheme"], "not": { "required": ["question"] }, "properties": {
                    "scheme": { "type": "string", "description": "A plain-text mark scheme, at most 20 kB of UTF-8" }, "text": text } }
            ]
        }))
    }
}
impl ToSchema for FeedbackRequest {}

/// The engine's report (the feedback crate's `Report`; its fields are described in
/// `docs/feedback.md`).
pub(crate) struct FeedbackReport;

impl PartialSchema for FeedbackReport {
    fn schema() -> RefOr<Schema> {
        schema_of(serde_json::json!({
            "type": "object",
            "description": "The report: see docs/feedback.md",
            "required": ["points", "coverage", "judgement", "level", "flags"],
            "properties": {
                "calibration": {
                    "type": "object",
                    "description": "Present when the question has an active calibration (docs/calibration.md): its id and version, and the mark it predicts on the teacher's scale",
                    "required": ["id", "version", "score", "out_of", "levels"],
                    "properties": {
                        "id": { "type": "string" },
                        "version": { "type": "integer", "minimum": 1 },
                        "score": { "type": "integer", "minimum": 0 },
                        "out_of": { "type": "integer", "minimum": 0 },
                        "levels": { "type": "boolean" }
                    }
                }
            }
        }))
    }
}
impl ToSchema for FeedbackReport {}

/// `POST /api/v1/feedback`: the engine's report on `text` against a library question or a
/// plain-text mark scheme. Rate limited per user or address.
#[utoipa::path(
    post,
    path = "/feedback",
    operation_id = "feedback",
    summary = "The feedback engine's report on an essay, against a question's mark scheme or one of your own (rate limited; essays up to 100 kB)",
    request_body = FeedbackRequest,
    responses(
        (status = 200, description = "The report (see docs/feedback.md)", body = FeedbackReport),
        (status = 400, description = "Invalid body (including a NUL character anywhere in the request)", body = ErrorBody),
        (status = 403, description = "A missing or wrong CSRF token (cookie sessions)", body = ErrorBody),
        (status = 404, description = "No such question", body = ErrorBody),
        (status = 413, description = "The body is larger than 1 MiB", body = ErrorBody),
        (status = 429, description = "Rate limited: see the Retry-After header", body = ErrorBody),
        (status = 500, description = "Server error", body = ErrorBody),
    )
)]
pub(crate) async fn feedback(
    v: Visitor,
    State(st): State<AppState>,
    _: CsrfHeader,
    ApiJson(req): ApiJson<FeedbackRequest>,
) -> Result<Json<Report>, ApiError> {
    check_essay(&req.text)?;
    st.accounts
        .spend_rate(
            &format!("feedback:{}", v.rate_key()),
            st.accounts.limits.feedback,
        )
        .await?;
    let report = match (req.question, req.scheme) {
        (Some(slug), None) => {
            let (q, topic) = practisable(&st, &v, &slug).await?;
            assess(&st, &v, &q, &topic, req.text).await?
        }
        (None, Some(scheme)) => {
            if scheme.len() > MAX_SCHEME {
                return Err(WebError::BadRequest(format!("The mark scheme is longer than {} kB.", MAX_SCHEME / 1024)).into());
            }
            let scheme: MarkScheme = parse_scheme_text("scheme", &scheme).map_err(|e| WebError::BadRequest(e.to_string()))?;
            let engine = st.engine();
            run_blocking(move || {
                engine.assess(&QuestionInput::bare("", &scheme), &req.text)
            })
            .await?
        }
        _ => return Err(WebError::BadRequest("give either \"question\" (a slug) or \"scheme\" (a mark scheme as text), with \"text\"".into()).into()),
    };
    Ok(Json(report))
}

/// A draft's text, and the sitting it belongs to.
#[derive(Deserialize, ToSchema)]
pub(crate) struct DraftRequest {
    text: String,
    /// When this sitting began (seconds since 1970), as the practice page gave it. A save
    /// for a sitting that has been submitted is refused (409). Omitted: the current draft's
    /// sitting, or a new one.
    #[serde(default)]
    started_at: Option<i64>,
}

/// A student's unsubmitted essay for one question.
#[derive(Serialize, ToSchema)]
pub(crate) struct Draft {
    body: String,
    /// Seconds since 1970.
    started_at: i64,
    /// Seconds since 1970.
    updated_at: i64,
}

impl From<studypack_store::Draft> for Draft {
    fn from(d: studypack_store::Draft) -> Self {
        Draft {
            body: d.body,
            started_at: d.started_at,
            updated_at: d.updated_at,
        }
    }
}

/// `PUT /api/v1/drafts/{slug}`: saves the signed-in student's draft.
#[utoipa::path(
    put,
    path = "/drafts/{slug}",
    operation_id = "saveDraft",
    summary = "Save the signed-in student's draft (autosave)",
    security(("bearer" = []), ("cookie" = [])),
    params(("slug" = String, Path, description = "The question's slug")),
    request_body = DraftRequest,
    responses(
        (status = 200, description = "Saved", body = Draft),
        (status = 400, description = "Invalid body (including a NUL character anywhere in the request)", body = ErrorBody),
        (status = 401, description = "Sign in first", body = ErrorBody),
        (status = 403, description = "A missing or wrong CSRF token (cookie sessions)", body = ErrorBody),
        (status = 404, description = "No such question", body = ErrorBody),
        (status = 409, description = "That sitting was submitted: a submitted attempt is final", body = ErrorBody),
        (status = 413, description = "The body is larger than 1 MiB", body = ErrorBody),
        (status = 500, description = "Server error", body = ErrorBody),
    )
)]
pub(crate) async fn save_draft(
    SignedIn { user, visitor: v }: SignedIn,
    State(st): State<AppState>,
    _: CsrfHeader,
    Path(slug): Path<String>,
    ApiJson(req): ApiJson<DraftRequest>,
) -> Result<Json<Draft>, ApiError> {
    check_essay(&req.text)?;
    practisable(&st, &v, &slug).await?;
    let at = now();
    let started_at = match req.started_at {
        Some(s) => s,
        None => st
            .store
            .draft(user.id, &slug)
            .await?
            .map(|d| d.started_at)
            .unwrap_or(at),
    };
    match st
        .store
        .save_draft(user.id, &slug, &req.text, started_at, at)
        .await
    {
        Ok(d) => Ok(Json(d.into())),
        Err(studypack_store::StoreError::Conflict(_)) => Err(WebError::Conflict(
            "This essay has been submitted, so it is not saved again. Practise again to start a new attempt.".into(),
        )
        .into()),
        Err(e) => Err(WebError::from(e).into()),
    }
}

/// `GET /api/v1/drafts/{slug}`: the signed-in student's draft.
#[utoipa::path(
    get,
    path = "/drafts/{slug}",
    operation_id = "getDraft",
    summary = "The signed-in student's draft for a question",
    security(("bearer" = []), ("cookie" = [])),
    params(("slug" = String, Path, description = "The question's slug")),
    responses(
        (status = 200, description = "The draft", body = Draft),
        (status = 204, description = "No draft"),
        (status = 400, description = "Invalid parameters (including a NUL character anywhere in the request)", body = ErrorBody),
        (status = 401, description = "Sign in first", body = ErrorBody),
        (status = 500, description = "Server error", body = ErrorBody),
    )
)]
pub(crate) async fn get_draft(
    SignedIn { user, .. }: SignedIn,
    State(st): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    match st.store.draft(user.id, &slug).await? {
        Some(d) => Ok(Json(Draft::from(d)).into_response()),
        None => Ok(StatusCode::NO_CONTENT.into_response()),
    }
}
