//! One published question as a given reader may see it: the lookup every surface shares.

use std::sync::Arc;

use studypack_domain::views::QuestionDetail;
use studypack_domain::{Question, Slug, Status, Topic};
use studypack_store::OwnQuestion;

use super::premium::teaser;
use crate::error::WebError;
use crate::session::Visitor;
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

/// A teacher's own question as the engine and the practice page take it: never published,
/// so no library surface (browse, search, the page cache, the engine's statistics) shows it.
pub(crate) fn own_question(o: &OwnQuestion) -> Result<Question, WebError> {
    let scheme = studypack_domain::scheme_text::parse_scheme_text("the mark scheme", &o.scheme)
        .map_err(|e| WebError::BadRequest(e.to_string()))?;
    Ok(Question {
        slug: Slug::own_question(o.id),
        title: o.title.clone(),
        topic: Slug::parse(&o.topic_slug).map_err(|e| WebError::Internal(e.to_string()))?,
        year: 0,
        marks: u32::try_from(o.marks).unwrap_or(0),
        command: studypack_domain::command_wording(&o.text)
            .unwrap_or_default()
            .to_string(),
        view: studypack_domain::page::quoted_view(&o.text),
        period: None,
        status: Status::Draft,
        text: o.text.clone(),
        mark_scheme: scheme,
        plan: o.plan.clone(),
        plan_generated: false,
        model_essay: o.model_essay.clone(),
    })
}

/// The question behind `slug` for any surface that marks an essay already written for it
/// (a teacher's marking, a student's own attempt): a library question, published or not,
/// or a teacher's own question. The caller has checked who may see it.
pub(crate) async fn markable(
    st: &AppState,
    slug: &str,
) -> Result<(Question, Arc<Topic>), WebError> {
    let q = match Slug::own_question_id(slug) {
        Some(id) => {
            let o = st.store.own_question(id).await?.ok_or(WebError::NotFound)?;
            let mut q = own_question(&o)?;
            // The teacher's model answer is theirs: no one else's report depends on it.
            q.model_essay.clear();
            q
        }
        None => st.store.question(slug).await?.ok_or(WebError::NotFound)?,
    };
    let topic = st
        .topic(q.topic.as_str())
        .await?
        .ok_or(WebError::NotFound)?;
    Ok((q, topic))
}

/// The question behind `slug` as `v` may practise it: a published library question for
/// anyone; a draft for editors (they preview and practise what they may edit); a teacher's
/// own question for its teacher (with their model answer, for the copying check) and for
/// the students of a class it is set for. Anything else is "not found".
pub(crate) async fn practisable(
    st: &AppState,
    v: &Visitor,
    slug: &str,
) -> Result<(Question, Arc<Topic>), WebError> {
    let q = match Slug::own_question_id(slug) {
        Some(id) => {
            let user = v.user().ok_or(WebError::NotFound)?;
            let o = st.store.own_question(id).await?.ok_or(WebError::NotFound)?;
            let owner = o.owner_id == user.id && user.teacher;
            if !owner && !st.store.set_for_member(slug, user.id).await? {
                return Err(WebError::NotFound);
            }
            let mut q = own_question(&o)?;
            if !owner {
                q.model_essay.clear();
            }
            q
        }
        None => {
            let q = st.store.question(slug).await?.ok_or(WebError::NotFound)?;
            let editor = v.user().is_some_and(|u| u.role.edits());
            if q.status != Status::Published && !editor {
                return Err(WebError::NotFound);
            }
            q
        }
    };
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
