//! The practice API: feedback on an essay, and a student's drafts (autosave).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use studypack_accounts::now;
use studypack_domain::MarkScheme;
use studypack_domain::scheme_text::parse_scheme_text;
use studypack_feedback::{QuestionInput, Report};

use super::marking::{MAX_SCHEME, assess, check_essay, run_blocking};
use crate::catalogue::published;
use crate::error::WebError;
use crate::extract::{ApiError, ApiJson};
use crate::guard::{CsrfHeader, SignedIn};
use crate::session::Visitor;
use crate::state::AppState;

#[derive(Deserialize)]
pub(crate) struct FeedbackRequest {
    question: Option<String>,
    scheme: Option<String>,
    text: String,
}

/// `POST /api/v1/feedback`: the engine's report on `text` against a library question or a
/// plain-text mark scheme. Rate limited per user or address.
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
            let (q, topic) = published(&st, &slug).await?;
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

#[derive(Deserialize)]
pub(crate) struct DraftRequest {
    text: String,
}

/// `PUT /api/v1/drafts/{slug}`: saves the signed-in student's draft.
pub(crate) async fn save_draft(
    SignedIn { user, .. }: SignedIn,
    State(st): State<AppState>,
    _: CsrfHeader,
    Path(slug): Path<String>,
    ApiJson(req): ApiJson<DraftRequest>,
) -> Result<Json<studypack_store::Draft>, ApiError> {
    check_essay(&req.text)?;
    published(&st, &slug).await?;
    Ok(Json(
        st.store
            .save_draft(user.id, &slug, &req.text, now())
            .await?,
    ))
}

/// `GET /api/v1/drafts/{slug}`: the signed-in student's draft.
pub(crate) async fn get_draft(
    SignedIn { user, .. }: SignedIn,
    State(st): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    match st.store.draft(user.id, &slug).await? {
        Some(d) => Ok(Json(d).into_response()),
        None => Ok(StatusCode::NO_CONTENT.into_response()),
    }
}
