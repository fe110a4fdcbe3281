//! The marking queue: per assignment, a teacher sees the submissions with the engine's
//! indicative level, confirms or changes the level and mark, writes an overall comment and
//! releases marks to students (one at a time or all marked ones at once). Every change of a
//! mark is kept with who made it and when. A student sees nothing until it is released.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use studypack_accounts::now;
use studypack_domain::Side;
use studypack_feedback::{PointStatus, Report};
use studypack_store::{Assignment, PointTick, Submission, User};

use crate::error::WebError;
use crate::guard::{Access, CsrfForm, NoFields, Teacher};
use crate::practice::marking::assess_for_marking;
use crate::practice::report::point_labels;
use crate::render::{Nav, PageResult, date_time, form_page};
use crate::routes::Table;
use crate::state::AppState;

pub(crate) fn routes() -> Table {
    Table::new()
        .get("/work/{assignment}", Access::Teacher, queue)
        .post("/work/{assignment}/release", Access::Teacher, release_all)
        .get(
            "/work/{assignment}/submissions/{submission}",
            Access::Teacher,
            submission_page,
        )
        .post(
            "/work/{assignment}/submissions/{submission}",
            Access::Teacher,
            save_mark,
        )
        .post(
            "/work/{assignment}/submissions/{submission}/comments",
            Access::Teacher,
            add_comment,
        )
        .post(
            "/work/{assignment}/submissions/{submission}/comments/{comment}/delete",
            Access::Teacher,
            delete_comment,
        )
}

/// The longest comment on a sentence, in bytes.
const MAX_SENTENCE_COMMENT: usize = 2 * 1024;

/// The longest overall comment, in bytes.
const MAX_COMMENT: usize = 10 * 1024;

/// The top level and the marks a teacher may give for the question: its rubric's levels and
/// its marks, or 5 levels and 100 marks if the question has left the library since it was
/// set (its submissions stay markable).
async fn scale(st: &AppState, slug: &str) -> Result<(i64, i64), WebError> {
    match crate::catalogue::markable(st, slug).await {
        Ok((q, topic)) => Ok((
            topic
                .rubric
                .as_ref()
                .map(|r| r.levels.len() as i64)
                .unwrap_or(5),
            i64::from(q.marks),
        )),
        Err(WebError::NotFound) => Ok((5, 100)),
        Err(e) => Err(e),
    }
}

/// The assignment, if this teacher teaches its class; otherwise "not found".
pub(crate) async fn taught(
    st: &AppState,
    teacher: &User,
    id: &str,
) -> Result<Assignment, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    st.store
        .assignment_taught(id, teacher.id)
        .await?
        .ok_or(WebError::NotFound)
}

struct QueueLine {
    id: i64,
    email: String,
    submitted: String,
    late: bool,
    engine: String,
    covered: String,
    teacher: String,
    released: bool,
}

impl QueueLine {
    fn of(a: &Assignment, s: &Submission) -> QueueLine {
        QueueLine {
            id: s.attempt.id,
            email: s.email.clone(),
            submitted: date_time(s.attempt.created_at),
            late: s.attempt.created_at > a.due_at,
            engine: level_text(s.attempt.level),
            covered: format!("{} of {}", s.attempt.covered, s.attempt.total),
            teacher: match &s.mark {
                Some(m) => mark_text(m.level, m.mark),
                None => "not marked".into(),
            },
            released: s.mark.as_ref().is_some_and(|m| m.released_at.is_some()),
        }
    }
}

fn level_text(level: Option<i64>) -> String {
    level
        .map(|l| format!("level {l}"))
        .unwrap_or_else(|| "no level".into())
}

fn mark_text(level: Option<i64>, mark: Option<i64>) -> String {
    match (level, mark) {
        (Some(l), Some(m)) => format!("level {l}, {m} marks"),
        (Some(l), None) => format!("level {l}"),
        (None, Some(m)) => format!("{m} marks"),
        (None, None) => "comment only".into(),
    }
}

#[derive(Template)]
#[template(path = "work.html")]
struct QueuePage {
    title: String,
    q: String,
    nav: Nav,
    csrf: String,
    a: Assignment,
    due: String,
    lines: Vec<QueueLine>,
    unreleased: usize,
    message: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct Done {
    #[serde(default)]
    released: Option<usize>,
}

async fn queue(
    Teacher { visitor: v, user }: Teacher,
    State(st): State<AppState>,
    Path(id): Path<String>,
    axum::extract::Query(d): axum::extract::Query<Done>,
) -> PageResult {
    let a = taught(&st, &user, &id).await?;
    let subs = st.store.assignment_submissions(a.id).await?;
    let lines: Vec<QueueLine> = subs.iter().map(|s| QueueLine::of(&a, s)).collect();
    form_page(
        &v,
        QueuePage {
            title: format!("Marking: {}", a.question_title),
            q: String::new(),
            nav: Nav::of(&v),
            csrf: v.csrf().to_string(),
            due: date_time(a.due_at),
            unreleased: subs
                .iter()
                .filter(|s| s.mark.as_ref().is_some_and(|m| m.released_at.is_none()))
                .count(),
            lines,
            message: d.released.map(|n| {
                format!(
                    "Released {n} {}: the students can read them now.",
                    if n == 1 { "mark" } else { "marks" }
                )
            }),
            a,
        },
    )
}

async fn release_all(
    Teacher { user, .. }: Teacher,
    State(st): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> PageResult {
    let a = taught(&st, &user, &id).await?;
    let marked: Vec<i64> = st
        .store
        .assignment_submissions(a.id)
        .await?
        .into_iter()
        .filter(|s| s.mark.is_some())
        .map(|s| s.attempt.id)
        .collect();
    let n = st.store.release_marks(&marked, user.id, now()).await?;
    Ok(Redirect::to(&format!("/work/{}?released={n}", a.id)).into_response())
}

struct ChangeLine {
    by: String,
    at: String,
    change: String,
}

#[derive(Template)]
#[template(path = "submission.html")]
struct SubmissionPage {
    title: String,
    q: String,
    nav: Nav,
    csrf: String,
    a: Assignment,
    line: QueueLine,
    /// The essay by paragraph, sentence by sentence, with the comments on each sentence.
    paragraphs: Vec<Vec<SentenceLine>>,
    /// The scheme's points by side, with the engine's status and the teacher's tick (empty
    /// if the question has left the library).
    points: Vec<PointSide>,
    /// The teacher has saved decisions on the points (otherwise the ticks are the engine's).
    points_decided: bool,
    /// The level choices: 0 to the rubric's top level.
    levels: Vec<i64>,
    level: Option<i64>,
    mark: String,
    comment: String,
    history: Vec<ChangeLine>,
    error: Option<String>,
    saved: bool,
}

/// One sentence of the essay on the marking page.
struct SentenceLine {
    /// Its number in the essay, from 1 (the comment form names sentences by it).
    n: usize,
    text: String,
    comments: Vec<CommentLine>,
}

struct CommentLine {
    id: i64,
    body: String,
}

/// The points of one side: those the machine or the teacher found made first, the rest
/// behind a disclosure (their boxes are submitted with the form either way).
struct PointSide {
    heading: &'static str,
    /// "7 of 24 ticked".
    summary: String,
    found: Vec<PointLine>,
    rest: Vec<PointLine>,
}

/// Groups points by side (supporting, challenging, other), as the scheme lists them.
fn by_side(points: Vec<(Side, PointLine)>) -> Vec<PointSide> {
    [
        (Side::Supporting, "Points that support the view"),
        (Side::Challenging, "Points that challenge the view"),
        (Side::Neutral, "Other points"),
    ]
    .into_iter()
    .filter_map(|(side, heading)| {
        let (found, rest): (Vec<PointLine>, Vec<PointLine>) = points
            .iter()
            .filter(|(s, _)| *s == side)
            .map(|(_, p)| p.clone())
            .partition(|p| p.ticked || p.engine != "missing");
        let n = found.len() + rest.len();
        (n > 0).then(|| PointSide {
            heading,
            summary: format!(
                "{} of {n} ticked",
                found.iter().filter(|p| p.ticked).count()
            ),
            found,
            rest,
        })
    })
    .collect()
}

/// One mark-scheme point on the marking page.
#[derive(Clone)]
struct PointLine {
    index: usize,
    label: String,
    text: String,
    /// The engine's verdict in words: "made", "partly made", "missing".
    engine: &'static str,
    /// Ticked: the teacher's decision if saved, else the engine's (made = covered).
    ticked: bool,
}

fn status_name(s: PointStatus) -> &'static str {
    match s {
        PointStatus::Covered => "covered",
        PointStatus::Partial => "partial",
        PointStatus::Missing => "missing",
    }
}

fn status_words(s: PointStatus) -> &'static str {
    match s {
        PointStatus::Covered => "made",
        PointStatus::Partial => "partly made",
        PointStatus::Missing => "missing",
    }
}

/// The engine's report on a submission and the essay's sentences, or `None` if the question
/// has left the library (its submissions stay markable, without points).
async fn engine_reading(
    st: &AppState,
    a: &Assignment,
    s: &Submission,
) -> Result<Option<(Report, Vec<Vec<(usize, usize)>>)>, WebError> {
    match crate::catalogue::markable(st, &a.question_slug).await {
        Ok((q, topic)) => Ok(Some(
            assess_for_marking(st, &q, &topic, s.attempt.body.clone()).await?,
        )),
        Err(WebError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The sentence numbered `n` (from 1) of the essay as the engine reads it.
fn nth_sentence(sentences: &[Vec<(usize, usize)>], n: usize) -> Option<(usize, usize)> {
    sentences.iter().flatten().nth(n.checked_sub(1)?).copied()
}

/// The assignment and one of its submissions, or "not found".
async fn submission(
    st: &AppState,
    teacher: &User,
    assignment: &str,
    id: &str,
) -> Result<(Assignment, Submission), WebError> {
    let a = taught(st, teacher, assignment).await?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let s = st
        .store
        .assignment_submissions(a.id)
        .await?
        .into_iter()
        .find(|s| s.attempt.id == id)
        .ok_or(WebError::NotFound)?;
    Ok((a, s))
}

async fn submission_view(
    st: &AppState,
    v: &crate::session::Visitor,
    a: Assignment,
    s: Submission,
    form: Option<(MarkForm, String)>,
    saved: bool,
) -> PageResult {
    let (top, _) = scale(st, &a.question_slug).await?;
    let reading = engine_reading(st, &a, &s).await?;
    let decided = st.store.points(s.attempt.id).await?;
    let comments = st.store.comments(s.attempt.id).await?;
    let body = &s.attempt.body;
    let mut n = 0;
    let paragraphs: Vec<Vec<SentenceLine>> = match &reading {
        Some((_, sentences)) => sentences
            .iter()
            .map(|p| {
                p.iter()
                    .map(|&(start, end)| {
                        n += 1;
                        SentenceLine {
                            n,
                            text: body[start..end].to_string(),
                            comments: comments
                                .iter()
                                .filter(|c| c.start as usize == start)
                                .map(|c| CommentLine {
                                    id: c.id,
                                    body: c.body.clone(),
                                })
                                .collect(),
                        }
                    })
                    .collect()
            })
            .collect(),
        None => body
            .split("\n\n")
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .map(|p| {
                vec![SentenceLine {
                    n: 0,
                    text: p.to_string(),
                    comments: Vec::new(),
                }]
            })
            .collect(),
    };
    let ticks_from_form = form.as_ref().map(|(f, _)| f.ticked());
    let points: Vec<(Side, PointLine)> = match &reading {
        Some((report, _)) => {
            let labels = point_labels(report);
            report
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    (
                        p.side,
                        PointLine {
                            index: i,
                            label: labels[i].clone(),
                            text: p.text.to_string(),
                            engine: status_words(p.status),
                            ticked: match &ticks_from_form {
                                Some(t) => t.contains(&i),
                                None => match decided.iter().find(|d| d.point == i as i64) {
                                    Some(d) => d.made,
                                    None => p.status == PointStatus::Covered,
                                },
                            },
                        },
                    )
                })
                .collect()
        }
        None => Vec::new(),
    };
    let history = st
        .store
        .mark_history(s.attempt.id)
        .await?
        .into_iter()
        .map(|c| ChangeLine {
            by: c.by.unwrap_or_else(|| "an account since removed".into()),
            at: date_time(c.at),
            change: format!(
                "{} → {}",
                if c.from_level.is_none() && c.from_mark.is_none() {
                    "not marked".to_string()
                } else {
                    mark_text(c.from_level, c.from_mark)
                },
                mark_text(c.to_level, c.to_mark)
            ),
        })
        .collect();
    let (level, mark, comment, error) = match form {
        Some((f, e)) => (f.level.trim().parse().ok(), f.mark, f.comment, Some(e)),
        None => match &s.mark {
            Some(m) => (
                m.level,
                m.mark.map(|m| m.to_string()).unwrap_or_default(),
                m.comment.clone(),
                None,
            ),
            // Unmarked: the engine's indicative level is the starting point.
            None => (s.attempt.level, String::new(), String::new(), None),
        },
    };
    let status = if error.is_some() {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    };
    let mut res = form_page(
        v,
        SubmissionPage {
            title: format!("Marking: {}", s.email),
            q: String::new(),
            nav: Nav::of(v),
            csrf: v.csrf().to_string(),
            paragraphs,
            points: by_side(points),
            points_decided: !decided.is_empty(),
            line: QueueLine::of(&a, &s),
            levels: (0..=top).collect(),
            level,
            mark,
            comment,
            history,
            error,
            saved,
            a,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

#[derive(Deserialize, Default)]
pub(crate) struct SavedParam {
    #[serde(default)]
    saved: Option<String>,
}

async fn submission_page(
    Teacher { visitor: v, user }: Teacher,
    State(st): State<AppState>,
    Path((assignment, id)): Path<(String, String)>,
    axum::extract::Query(p): axum::extract::Query<SavedParam>,
) -> PageResult {
    let (a, s) = submission(&st, &user, &assignment, &id).await?;
    submission_view(&st, &v, a, s, None, p.saved.is_some()).await
}

#[derive(Deserialize, Default, Clone)]
pub(crate) struct MarkForm {
    /// A level number, or empty for none.
    #[serde(default)]
    level: String,
    /// Marks, or empty for none.
    #[serde(default)]
    mark: String,
    #[serde(default)]
    comment: String,
    /// `save` or `release` (save, then show it to the student).
    #[serde(default)]
    action: String,
    /// `1`: the form showed the points, so an unticked box means "not made".
    #[serde(default)]
    points_shown: String,
    /// The point boxes: `point-N=made` for each ticked point N.
    #[serde(flatten)]
    boxes: std::collections::HashMap<String, String>,
}

impl MarkForm {
    /// The points the teacher ticked.
    fn ticked(&self) -> Vec<usize> {
        let mut t: Vec<usize> = self
            .boxes
            .keys()
            .filter_map(|k| k.strip_prefix("point-")?.parse().ok())
            .collect();
        t.sort_unstable();
        t
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct CommentForm {
    /// The sentence's number in the essay, from 1.
    #[serde(default)]
    sentence: String,
    #[serde(default)]
    body: String,
}

async fn add_comment(
    Teacher { user, .. }: Teacher,
    State(st): State<AppState>,
    Path((assignment, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<CommentForm>,
) -> PageResult {
    let (a, s) = submission(&st, &user, &assignment, &id).await?;
    let body = f.body.trim();
    if body.is_empty() {
        return Err(WebError::BadRequest("Write the comment before adding it.".into()).into());
    }
    if body.len() > MAX_SENTENCE_COMMENT {
        return Err(WebError::BadRequest(format!(
            "A comment on a sentence is at most {} kB; use the overall comment for more.",
            MAX_SENTENCE_COMMENT / 1024
        ))
        .into());
    }
    let (_, sentences) = engine_reading(&st, &a, &s).await?.ok_or_else(|| {
        WebError::BadRequest("This question has left the library: use the overall comment.".into())
    })?;
    let n: usize = f.sentence.trim().parse().unwrap_or(0);
    let (start, end) = nth_sentence(&sentences, n).ok_or_else(|| {
        WebError::BadRequest(format!(
            "Choose a sentence from 1 to {}.",
            sentences.iter().flatten().count()
        ))
    })?;
    st.store
        .add_comment(s.attempt.id, start as i64, end as i64, body, user.id, now())
        .await?;
    Ok(Redirect::to(&format!(
        "/work/{}/submissions/{}?saved=1#s{n}",
        a.id, s.attempt.id
    ))
    .into_response())
}

async fn delete_comment(
    Teacher { user, .. }: Teacher,
    State(st): State<AppState>,
    Path((assignment, id, comment)): Path<(String, String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> PageResult {
    let (a, s) = submission(&st, &user, &assignment, &id).await?;
    let comment: i64 = comment.parse().map_err(|_| WebError::NotFound)?;
    if !st
        .store
        .delete_comment(s.attempt.id, comment, user.id, now())
        .await?
    {
        return Err(WebError::NotFound.into());
    }
    Ok(Redirect::to(&format!(
        "/work/{}/submissions/{}?saved=1",
        a.id, s.attempt.id
    ))
    .into_response())
}

async fn save_mark(
    Teacher { visitor: v, user }: Teacher,
    State(st): State<AppState>,
    Path((assignment, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<MarkForm>,
) -> PageResult {
    let (a, s) = submission(&st, &user, &assignment, &id).await?;
    let top = scale(&st, &a.question_slug).await?;
    let parsed: Result<(Option<i64>, Option<i64>), String> = (|| {
        let level = match f.level.trim() {
            "" => None,
            l => Some(
                l.parse::<i64>()
                    .ok()
                    .filter(|l| (0..=top.0).contains(l))
                    .ok_or(format!("Level: from 0 to {}", top.0))?,
            ),
        };
        let mark = match f.mark.trim() {
            "" => None,
            m => Some(
                m.parse::<i64>()
                    .ok()
                    .filter(|m| (0..=top.1).contains(m))
                    .ok_or(format!("Mark: a whole number from 0 to {}", top.1))?,
            ),
        };
        if f.comment.len() > MAX_COMMENT {
            return Err(format!("Comment: at most {} kB", MAX_COMMENT / 1024));
        }
        Ok((level, mark))
    })();
    let (level, mark) = match parsed {
        Ok(x) => x,
        Err(e) => return submission_view(&st, &v, a, s, Some((f, e)), false).await,
    };
    st.store
        .set_mark(s.attempt.id, level, mark, f.comment.trim(), user.id, now())
        .await?;
    if f.points_shown == "1"
        && let Some((report, _)) = engine_reading(&st, &a, &s).await?
    {
        let ticked = f.ticked();
        let ticks: Vec<PointTick> = report
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| PointTick {
                point: i as i64,
                text: p.text.to_string(),
                made: ticked.contains(&i),
                engine: status_name(p.status).to_string(),
            })
            .collect();
        st.store
            .set_points(s.attempt.id, &ticks, user.id, now())
            .await?;
    }
    if f.action == "release" {
        st.store
            .release_marks(&[s.attempt.id], user.id, now())
            .await?;
    }
    Ok(Redirect::to(&format!(
        "/work/{}/submissions/{}?saved=1",
        a.id, s.attempt.id
    ))
    .into_response())
}
