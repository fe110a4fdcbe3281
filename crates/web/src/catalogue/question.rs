//! One published question as a given reader may see it: the lookup every surface shares.

use std::sync::Arc;

use studypack_domain::views::QuestionDetail;
use studypack_domain::{Question, Status, Topic};

use super::premium::teaser;
use crate::error::WebError;
use crate::state::AppState;

/// A published question and its topic, or 404 (a draft is not found either).
pub(crate) async fn published(
    st: &AppState,
    slug: &str,
) -> Result<(Question, Arc<Topic>), WebError> {
    let q = st
        .store
        .question(slug)
        .await?
        .filter(|q| q.status == Status::Published)
        .ok_or(WebError::NotFound)?;
    let topic = st
        .topic(q.topic.as_str())
        .await?
        .ok_or(WebError::NotFound)?;
    Ok((q, topic))
}

/// `GET /api/v1/questions/{slug}`: the question; its complete model essay only for a reader
/// whose Study Pack covers it.
pub(crate) struct QuestionBody {
    pub detail: QuestionDetail,
    pub model_essay_teaser: Option<String>,
    /// The question has a premium model essay.
    pub premium: bool,
    /// The reader may read it: then `model_essay` holds it (otherwise it is `null`).
    pub unlocked: bool,
    pub url: String,
}

/// A published question as `access` may see it.
pub(crate) async fn question_body(
    st: &AppState,
    slug: &str,
    access: &studypack_accounts::Access,
) -> Result<(QuestionBody, Question, Arc<Topic>), WebError> {
    let (q, topic) = published(st, slug).await?;
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
