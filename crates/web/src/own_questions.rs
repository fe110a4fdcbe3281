//! A teacher's own questions: their wording, a mark scheme pasted as plain text (side
//! headings, `;` between sub-points, `(also: …)` aliases), an optional plan and model answer,
//! and the library topic whose rubric, board, glossary and period it uses. Only its teacher
//! sees these pages; students reach the question through work set for their class, where
//! the practice page and the report work as for a library question.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use studypack_accounts::now;
use studypack_domain::{Side, Slug};
use studypack_store::{OwnQuestion, User};

use crate::catalogue::own_question;
use crate::error::WebError;
use crate::guard::{Access, CsrfForm, Teacher};
use crate::practice::marking::{MAX_ESSAY, MAX_SCHEME};
use crate::render::{Nav, PageResult, date_time, form_page};
use crate::routes::Table;
use crate::session::Visitor;
use crate::state::AppState;

pub(crate) fn routes() -> Table {
    Table::new()
        .get("/own-questions", Access::Teacher, list_page)
        .post("/own-questions", Access::Teacher, create)
        .get("/own-questions/{own}", Access::Teacher, question_page)
        .post("/own-questions/{own}", Access::Teacher, update)
}

/// Limits on what a teacher writes, in bytes (the scheme and the model answer take the
/// limits of the feedback API and the practice page).
const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 4 * 1024;
const MAX_PLAN: usize = 50 * 1024;
/// The most marks a question may carry.
const MAX_MARKS: i64 = 100;

#[derive(Deserialize, Default, Clone)]
pub(crate) struct OwnForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    marks: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    scheme: String,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    model_essay: String,
}

impl OwnForm {
    fn of(o: &OwnQuestion) -> OwnForm {
        OwnForm {
            title: o.title.clone(),
            text: o.text.clone(),
            marks: o.marks.to_string(),
            topic: o.topic_slug.clone(),
            scheme: o.scheme.clone(),
            plan: o.plan.clone(),
            model_essay: o.model_essay.clone(),
        }
    }

    /// The question this form describes, or what is wrong with it (first problem first).
    fn validate(&self, st: &AppState, id: i64, owner: i64) -> Result<OwnQuestion, String> {
        let title = self.title.trim();
        if title.is_empty() || title.len() > MAX_TITLE {
            return Err(format!("Title: 1 to {MAX_TITLE} characters"));
        }
        let text = self.text.trim();
        if text.is_empty() || text.len() > MAX_TEXT {
            return Err(format!(
                "Question: its wording, up to {} kB",
                MAX_TEXT / 1024
            ));
        }
        let marks = self
            .marks
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|m| (1..=MAX_MARKS).contains(m))
            .ok_or(format!("Marks: a whole number from 1 to {MAX_MARKS}"))?;
        if !st.topics().iter().any(|t| t.slug.as_str() == self.topic) {
            return Err("Rubric: choose a topic from the list".into());
        }
        if self.scheme.len() > MAX_SCHEME {
            return Err(format!("Mark scheme: at most {} kB", MAX_SCHEME / 1024));
        }
        if self.plan.len() > MAX_PLAN {
            return Err(format!("Plan: at most {} kB", MAX_PLAN / 1024));
        }
        if self.model_essay.len() > MAX_ESSAY {
            return Err(format!("Model answer: at most {} kB", MAX_ESSAY / 1024));
        }
        let q = OwnQuestion {
            id,
            owner_id: owner,
            topic_slug: self.topic.clone(),
            title: title.to_string(),
            text: text.to_string(),
            marks,
            scheme: self.scheme.trim().to_string(),
            plan: self.plan.trim().to_string(),
            model_essay: self.model_essay.trim().to_string(),
            created_at: 0,
            updated_at: 0,
        };
        let parsed =
            own_question(&q).map_err(|e| format!("Mark scheme: {}", e.public_message()))?;
        if parsed.mark_scheme.bullets.is_empty() {
            return Err(
                "Mark scheme: paste at least one point, one per line (see the example)".into(),
            );
        }
        Ok(q)
    }
}

struct PointLine {
    text: String,
}

struct SideLines {
    heading: &'static str,
    points: Vec<PointLine>,
}

/// The teacher's question as students will meet it, and its scheme as the engine reads it.
struct Preview {
    key: String,
    text: String,
    marks: i64,
    rubric: String,
    sides: Vec<SideLines>,
    plan: String,
    model_essay: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "own_questions.html")]
struct OwnPage {
    title: String,
    q: String,
    nav: Nav,
    csrf: String,
    mine: Vec<(i64, String, String)>,
    preview: Option<Preview>,
    form: OwnForm,
    /// Where the form posts: `/own-questions` or `/own-questions/N`.
    action: String,
    topics: Vec<(String, String)>,
    error: Option<String>,
    saved: bool,
}

fn preview(st: &AppState, o: &OwnQuestion) -> Result<Preview, WebError> {
    let q = own_question(o)?;
    let sides = [
        (Side::Supporting, "Points that support the view"),
        (Side::Challenging, "Points that challenge the view"),
        (Side::Neutral, "Points"),
    ]
    .into_iter()
    .map(|(side, heading)| SideLines {
        heading,
        points: q
            .mark_scheme
            .bullets
            .iter()
            .filter(|b| b.side == side)
            .map(|b| PointLine {
                text: b.text.clone(),
            })
            .collect(),
    })
    .filter(|s| !s.points.is_empty())
    .collect();
    let rubric = st
        .topics()
        .iter()
        .find(|t| t.slug.as_str() == o.topic_slug)
        .map(|t| match &t.rubric {
            Some(r) => format!("{} (from {})", r.name, t.title),
            None => format!("{} (no levels: coverage only)", t.title),
        })
        .unwrap_or_else(|| "a topic no longer in the library".into());
    Ok(Preview {
        key: Slug::own_question(o.id).to_string(),
        text: o.text.clone(),
        marks: o.marks,
        rubric,
        sides,
        plan: o.plan.clone(),
        model_essay: o.model_essay.clone(),
        updated: date_time(o.updated_at),
    })
}

async fn render(
    st: &AppState,
    v: &Visitor,
    user: &User,
    current: Option<&OwnQuestion>,
    form: OwnForm,
    error: Option<String>,
    saved: bool,
) -> PageResult {
    let mine = st
        .store
        .own_questions(user.id)
        .await?
        .into_iter()
        .map(|o| (o.id, o.title, date_time(o.updated_at)))
        .collect();
    let preview = current.map(|o| preview(st, o)).transpose()?;
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut res = form_page(
        v,
        OwnPage {
            title: match current {
                Some(o) => format!("Your question: {}", o.title),
                None => "Your own questions".into(),
            },
            q: String::new(),
            nav: Nav::of(v),
            csrf: v.csrf().to_string(),
            mine,
            action: match current {
                Some(o) => format!("/own-questions/{}", o.id),
                None => "/own-questions".into(),
            },
            preview,
            form,
            topics: st
                .topics()
                .iter()
                .map(|t| {
                    let rubric = t
                        .rubric
                        .as_ref()
                        .map(|r| r.name.as_str())
                        .unwrap_or("no levels");
                    (t.slug.to_string(), format!("{} — {rubric}", t.title))
                })
                .collect(),
            error,
            saved,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// The teacher's own question `id`, or "not found" (also for another teacher's).
async fn owned(st: &AppState, user: &User, id: &str) -> Result<OwnQuestion, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    st.store
        .own_question(id)
        .await?
        .filter(|o| o.owner_id == user.id)
        .ok_or(WebError::NotFound)
}

async fn list_page(
    Teacher { visitor: v, user }: Teacher,
    State(st): State<AppState>,
) -> PageResult {
    let form = OwnForm {
        marks: "25".into(),
        ..OwnForm::default()
    };
    render(&st, &v, &user, None, form, None, false).await
}

async fn create(
    Teacher { visitor: v, user }: Teacher,
    State(st): State<AppState>,
    CsrfForm(f): CsrfForm<OwnForm>,
) -> PageResult {
    match f.validate(&st, 0, user.id) {
        Ok(q) => {
            let id = st.store.save_own_question(&q, now()).await?;
            Ok(Redirect::to(&format!("/own-questions/{id}?saved=1")).into_response())
        }
        Err(e) => render(&st, &v, &user, None, f, Some(e), false).await,
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

async fn question_page(
    Teacher { visitor: v, user }: Teacher,
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(s): Query<Saved>,
) -> PageResult {
    let o = owned(&st, &user, &id).await?;
    render(
        &st,
        &v,
        &user,
        Some(&o),
        OwnForm::of(&o),
        None,
        s.saved.is_some(),
    )
    .await
}

async fn update(
    Teacher { visitor: v, user }: Teacher,
    State(st): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<OwnForm>,
) -> PageResult {
    let o = owned(&st, &user, &id).await?;
    match f.validate(&st, o.id, user.id) {
        Ok(q) => {
            st.store.save_own_question(&q, now()).await?;
            Ok(Redirect::to(&format!("/own-questions/{}?saved=1", o.id)).into_response())
        }
        Err(e) => render(&st, &v, &user, Some(&o), f, Some(e), false).await,
    }
}
