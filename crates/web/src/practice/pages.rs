//! The practice pages: a timed writing page with autosave, the feedback report, a student's
//! attempts over time.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use studypack_accounts::now;
use studypack_domain::{Question, Topic};
use studypack_feedback::Report;
use studypack_store::{Assignment, Attempt};

use super::marking::{MAX_ESSAY, assess, check_essay, exam_minutes, limit_text};
use super::report::{ReportView, point_labels, report_view};
use crate::catalogue::{markable, practisable};
use crate::error::WebError;
use crate::guard::{CsrfForm, SignedIn};
use crate::render::{Nav, PageResult, date, date_time, form_page};
use crate::session::Visitor;
use crate::state::AppState;

// ------------------------------------------------------------------------------- attempts

struct ChartPoint {
    x: u32,
    y: u32,
    level: i64,
    date: String,
}

/// Levels over time as points of a small SVG chart (320 × 120, level 0 at the bottom).
struct Chart {
    points: Vec<ChartPoint>,
    polyline: String,
    max_level: i64,
    gridlines: Vec<(u32, i64)>,
}

fn chart(attempts: &[Attempt], max_level: i64) -> Option<Chart> {
    let levelled: Vec<&Attempt> = attempts.iter().filter(|a| a.level.is_some()).collect();
    if levelled.is_empty() {
        return None;
    }
    let max_level = max_level.max(1);
    let n = levelled.len() as u32;
    let x = |i: u32| if n == 1 { 170 } else { 30 + i * 280 / (n - 1) };
    let y = |l: i64| 105 - (l.clamp(0, max_level) as u32 * 90 / max_level as u32);
    let points: Vec<ChartPoint> = levelled
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let level = a.level.unwrap_or(0);
            ChartPoint {
                x: x(i as u32),
                y: y(level),
                level,
                date: date(a.created_at),
            }
        })
        .collect();
    let polyline = points
        .iter()
        .map(|p| format!("{},{}", p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ");
    Some(Chart {
        polyline,
        gridlines: (0..=max_level).map(|l| (y(l), l)).collect(),
        points,
        max_level,
    })
}

struct AttemptLine {
    id: i64,
    date: String,
    level: String,
    covered: i64,
    total: i64,
    words: i64,
}

// ---------------------------------------------------------------------------------- pages

#[derive(Template)]
#[template(path = "practice.html")]
struct PracticePage {
    title: String,
    q: String,
    nav: Nav,
    csrf: String,
    slug: String,
    /// Where "Back to the question" goes: the library's page, or a teacher's own question's.
    question_url: String,
    question: String,
    marks: u32,
    minutes: u32,
    draft: String,
    /// Why the essay in the box was not marked (it is shown back, nothing lost).
    error: Option<String>,
    /// The longest essay marked, in bytes (the page checks before sending).
    max_bytes: usize,
    /// The limit for people: "100 kB (about 15,000 words)".
    limit: String,
    /// When this sitting began: the draft's start, or now for a new attempt (its clock).
    started_at: i64,
    /// When the draft was last saved on the server (seconds; 0 if none).
    saved_at: i64,
    /// A new attempt after earlier ones: offer to start from the last essay (or, if it was
    /// taken, to start blank).
    new_attempt: bool,
    from_last: bool,
    /// The start of the last submitted sitting (0 if none): a copy in the browser from that
    /// sitting or before belongs to a submitted essay, and is not restored.
    last_submitted: i64,
    /// Work set by a teacher that this essay answers.
    work: Option<SetWork>,
    /// The server's time when the page was made: the timer counts in the server's time, so
    /// a device whose clock is wrong still gets the right time left.
    now: i64,
    signed_in: bool,
    /// Whose copy of the draft the browser keeps (`visitor` before sign-in).
    user_key: String,
    attempts: Vec<AttemptLine>,
    chart: Option<Chart>,
}

#[derive(Deserialize, Default)]
pub(crate) struct PracticeParams {
    /// `last`: a new attempt starts from the last essay submitted.
    #[serde(default)]
    from: String,
    /// Writing for this assignment (the student must be in its class).
    #[serde(default)]
    assignment: Option<i64>,
}

/// Work set by a teacher, as the practice page shows it.
#[derive(Clone)]
pub(crate) struct SetWork {
    id: i64,
    class_name: String,
    due: String,
    timed: bool,
    used: i64,
    allowed: i64,
}

/// The assignment `id` for this student and question, with their submissions for it; 404
/// unless they are in its class and it is for this question.
async fn set_work(
    st: &AppState,
    v: &Visitor,
    slug: &str,
    id: i64,
) -> Result<(Assignment, SetWork), WebError> {
    let user = v.user().ok_or(WebError::Unauthorized)?;
    let a = st
        .store
        .assignment_for_member(id, user.id)
        .await?
        .filter(|a| a.question_slug == slug)
        .ok_or(WebError::NotFound)?;
    let used = st
        .store
        .attempts(user.id, slug)
        .await?
        .iter()
        .filter(|t| t.assignment_id == Some(a.id))
        .count() as i64;
    let shown = SetWork {
        id: a.id,
        class_name: a.class_name.clone(),
        due: date_time(a.due_at),
        timed: a.timed,
        used,
        allowed: a.attempts_allowed,
    };
    Ok((a, shown))
}

pub(crate) async fn practice_page(
    v: Visitor,
    State(st): State<AppState>,
    Path(slug): Path<String>,
    Query(p): Query<PracticeParams>,
) -> PageResult {
    let work = match p.assignment {
        Some(id) => Some(set_work(&st, &v, &slug, id).await?.1),
        None => None,
    };
    practice_view(&v, &st, slug, None, p.from == "last", work).await
}

/// An essay the page could not take, shown back in the essay box with the reason.
struct Refused {
    text: String,
    error: WebError,
}

/// The writing page: the student's draft, or an essay that was refused with the reason.
async fn practice_view(
    v: &Visitor,
    st: &AppState,
    slug: String,
    refused: Option<Refused>,
    from_last: bool,
    work: Option<SetWork>,
) -> PageResult {
    let (q, topic) = practisable(st, v, &slug).await?;
    let (draft, attempts) = match v.user() {
        Some(u) => (
            st.store.draft(u.id, &slug).await?,
            st.store.attempts(u.id, &slug).await?,
        ),
        None => (None, Vec::new()),
    };
    let max_level = topic
        .rubric
        .as_ref()
        .map(|r| r.levels.len() as i64)
        .unwrap_or(5);
    let status = refused.as_ref().map(|r| r.error.status());
    let retry_after = refused.as_ref().and_then(|r| r.error.retry_after());
    let (text, error) = match refused {
        Some(r) => (Some(r.text), Some(r.error.public_message())),
        None => (None, None),
    };
    // A submitted attempt is final: without a draft, this is a new sitting with a new clock,
    // blank unless the student asked to start from their last essay.
    let new_attempt = draft.is_none() && !attempts.is_empty();
    let from_last = new_attempt && from_last && text.is_none();
    let text = match (text, from_last) {
        (Some(t), _) => Some(t),
        (None, true) => attempts.last().map(|a| a.body.clone()),
        (None, false) => None,
    };
    let last_submitted = attempts
        .iter()
        .filter_map(|a| a.started_at)
        .max()
        .unwrap_or(0);
    // A new sitting starts now, and always after the last one submitted (sittings are told
    // apart by their start, in seconds).
    let sitting = draft
        .as_ref()
        .map(|d| d.started_at)
        .unwrap_or_else(|| now().max(last_submitted + 1));
    let mut res = form_page(
        v,
        PracticePage {
            question_url: question_url(v, &q),
            title: format!("Practise: {}", q.title),
            q: String::new(),
            nav: Nav::of(v),
            csrf: v.csrf().to_string(),
            question: q.text.clone(),
            marks: q.marks,
            // Untimed work has no clock (0 minutes: the page shows none).
            minutes: if work.as_ref().is_some_and(|w| !w.timed) {
                0
            } else {
                exam_minutes(topic.board, q.marks)
            },
            work,
            started_at: sitting,
            saved_at: draft.as_ref().map(|d| d.updated_at).unwrap_or(0),
            new_attempt,
            from_last,
            last_submitted,
            now: now(),
            draft: text.unwrap_or_else(|| draft.map(|d| d.body).unwrap_or_default()),
            error,
            max_bytes: MAX_ESSAY,
            limit: limit_text(),
            signed_in: v.user().is_some(),
            user_key: v
                .user()
                .map(|u| u.id.to_string())
                .unwrap_or_else(|| "visitor".into()),
            chart: chart(&attempts, max_level),
            attempts: attempts
                .iter()
                .rev()
                .map(|a| AttemptLine {
                    id: a.id,
                    date: date(a.created_at),
                    level: a.level.map(|l| l.to_string()).unwrap_or_else(|| "–".into()),
                    covered: a.covered,
                    total: a.total,
                    words: a.words,
                })
                .collect(),
            slug,
        },
    )?;
    if let Some(s) = status {
        *res.status_mut() = s;
    }
    if let Some(s) = retry_after {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(s.max(1)));
    }
    Ok(res)
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    title: String,
    q: String,
    nav: Nav,
    slug: String,
    question_url: String,
    /// A library question: its page has the free plan and the model essay.
    library: bool,
    question: String,
    r: ReportView,
    saved: bool,
    /// The question has a model essay; the reader's Study Pack opens it.
    model_essay: bool,
    model_open: bool,
    /// Where a reader without the pack gets it.
    unlock: String,
    /// Clears the browser's copy of the draft once the report is shown.
    clear_draft: bool,
    /// The teacher's mark and comment, once released.
    teacher: Option<TeacherView>,
    user_key: String,
}

#[derive(Deserialize)]
pub(crate) struct Submission {
    #[serde(default)]
    text: String,
    /// The sitting the essay was written in (the page's clock start); 0 if unknown.
    #[serde(default)]
    started: i64,
    /// The assignment it answers (0: none).
    #[serde(default)]
    assignment: i64,
}

/// Marks a submitted essay: signed-in students' attempts are kept (and the draft cleared),
/// visitors get the report without saving. An essay that cannot be marked (empty, too long,
/// too many requests) comes back in the writing page with the reason, never cut or lost.
pub(crate) async fn submit(
    v: Visitor,
    State(st): State<AppState>,
    Path(slug): Path<String>,
    CsrfForm(f): CsrfForm<Submission>,
) -> PageResult {
    // Work set by a teacher: only for students in its class (404 for anyone else).
    let assigned = match f.assignment {
        id if id > 0 => Some(set_work(&st, &v, &slug, id).await?),
        _ => None,
    };
    let shown = || assigned.as_ref().map(|(_, w)| w.clone());
    if let Err(error) = admit(&st, &v, &f.text).await {
        if !matches!(
            error,
            WebError::BadRequest(_) | WebError::TooManyRequests(_)
        ) {
            return Err(error.into());
        }
        let refused = Refused {
            text: f.text,
            error,
        };
        return practice_view(&v, &st, slug, Some(refused), false, shown()).await;
    }
    let (q, topic) = practisable(&st, &v, &slug).await?;
    // A submitted attempt is final: the same sitting sent again (a double click, a retry
    // after a dropped connection) shows the attempt it made; different words from a sitting
    // already submitted come back as a new attempt, kept in the box.
    if let (Some(u), true) = (v.user(), f.started > 0) {
        let earlier = st.store.attempts(u.id, &slug).await?;
        if let Some(a) = earlier.iter().find(|a| a.started_at == Some(f.started)) {
            if a.body == f.text {
                return Ok(Redirect::to(&format!("/attempts/{}", a.id)).into_response());
            }
            let refused = Refused {
                text: f.text,
                error: WebError::Conflict(format!(
                    "You submitted an essay from this sitting on {}, and a submitted essay is final. \
                     Your new text is kept below as a new attempt: submit it to have it marked.",
                    date(a.created_at)
                )),
            };
            return practice_view(&v, &st, slug, Some(refused), false, shown()).await;
        }
    }
    // Set work is submitted once it is open, and no more times than it allows (an essay
    // refused for that is kept in the box).
    if let Some((a, w)) = &assigned {
        let refusal = if now() < a.opens_at {
            Some(WebError::BadRequest(format!(
                "This work opens on {}: keep your essay until then.",
                date_time(a.opens_at)
            )))
        } else if w.used >= w.allowed {
            Some(WebError::Conflict(format!(
                "You have made all {} submissions this work allows. Your essay is kept below.",
                w.allowed
            )))
        } else {
            None
        };
        if let Some(error) = refusal {
            let refused = Refused {
                text: f.text,
                error,
            };
            return practice_view(&v, &st, slug, Some(refused), false, shown()).await;
        }
    }
    let work = assigned.as_ref().map(|(a, _)| a.id);
    let report = assess(&st, &v, &q, &topic, f.text.clone()).await?;
    if let Some(u) = v.user() {
        let started_at = match f.started {
            s if s > 0 => s,
            _ => st
                .store
                .draft(u.id, &slug)
                .await?
                .map(|d| d.started_at)
                .unwrap_or_else(now),
        };
        let id = st
            .store
            .submit_attempt(&Attempt {
                id: 0,
                user_id: u.id,
                question_slug: slug.clone(),
                body: f.text.clone(),
                level: report.level.level.map(i64::from),
                covered: report.coverage.covered as i64,
                total: report.coverage.total as i64,
                words: report.words as i64,
                created_at: now(),
                started_at: Some(started_at),
                assignment_id: work,
            })
            .await?;
        return Ok(Redirect::to(&format!("/attempts/{id}")).into_response());
    }
    report_page(&st, &v, &q, &topic, &report, &f.text, false, None, &[]).await
}

/// Whether an essay may be marked now: not too long, not empty, within the rate limit.
async fn admit(st: &AppState, v: &Visitor, text: &str) -> Result<(), WebError> {
    check_essay(text)?;
    if text.trim().is_empty() {
        return Err(WebError::BadRequest(
            "Write your essay before asking for feedback.".into(),
        ));
    }
    st.accounts
        .spend_rate(
            &format!("feedback:{}", v.rate_key()),
            st.accounts.limits.feedback,
        )
        .await?;
    Ok(())
}

/// The page of the question: the library's, or for a teacher's own question its page for
/// the teacher and the class's work list for a student.
fn question_url(v: &Visitor, q: &Question) -> String {
    match studypack_domain::Slug::own_question_id(q.slug.as_str()) {
        Some(id) if v.user().is_some_and(|u| u.teacher) => format!("/own-questions/{id}"),
        Some(_) => "/classes".into(),
        None => format!("/questions/{}", q.slug),
    }
}

/// A teacher's released mark, as the student's report shows it.
struct TeacherView {
    mark: String,
    comment: String,
    released: String,
    /// Where the teacher's decision on a point differs from the machine's.
    points: Vec<String>,
    /// "Your teacher counts 6 of 10 points as made." (empty if they did not decide points).
    points_summary: String,
    /// The comments on sentences, placed in the essay; their number.
    comments: usize,
}

#[allow(clippy::too_many_arguments)]
async fn report_page(
    st: &AppState,
    v: &Visitor,
    q: &Question,
    topic: &Topic,
    report: &Report,
    essay: &str,
    saved: bool,
    teacher: Option<TeacherView>,
    notes: &[(usize, String)],
) -> PageResult {
    // The model essay is linked for readers whose Study Pack opens it; anyone else is shown
    // the way to the pack, never the essay.
    let model_essay = !q.model_essay.is_empty();
    let model_open = model_essay && v.access(st).await?.can_read(topic);
    form_page(
        v,
        ReportPage {
            teacher,
            question_url: question_url(v, q),
            library: studypack_domain::Slug::own_question_id(q.slug.as_str()).is_none(),
            title: format!("Feedback: {}", q.title),
            q: String::new(),
            nav: Nav::of(v),
            slug: q.slug.to_string(),
            question: q.text.clone(),
            r: {
                let mut r = report_view(report, essay, topic.rubric.as_ref());
                r.place_notes(essay, notes);
                r
            },
            saved,
            model_essay,
            model_open,
            unlock: if v.user().is_some() {
                format!("/redeem?next=/questions/{}", q.slug)
            } else {
                "/signin?next=/redeem".to_string()
            },
            clear_draft: true,
            user_key: v
                .user()
                .map(|u| u.id.to_string())
                .unwrap_or_else(|| "visitor".into()),
        },
    )
}

pub(crate) async fn attempt_page(
    SignedIn { visitor: v, user }: SignedIn,
    State(st): State<AppState>,
    Path(id): Path<i64>,
) -> PageResult {
    let a = st
        .store
        .attempt(user.id, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let (q, topic) = markable(&st, &a.question_slug).await?;
    // The engine is deterministic: the report is made again from the stored essay.
    let report = assess(&st, &v, &q, &topic, a.body.clone()).await?;
    // The teacher's mark, points and comments, once they have released it (never before).
    let released = st
        .store
        .teacher_mark(a.id)
        .await?
        .filter(|m| m.released_at.is_some());
    let (teacher, notes) = match released {
        Some(m) => {
            let notes: Vec<(usize, String)> = st
                .store
                .comments(a.id)
                .await?
                .into_iter()
                .map(|c| (c.end.max(0) as usize, c.body))
                .collect();
            let ticks = st.store.points(a.id).await?;
            let labels = point_labels(&report);
            let label = |i: i64| labels.get(i as usize).cloned().unwrap_or_default();
            let view = TeacherView {
                mark: match (m.level, m.mark) {
                    (Some(l), Some(k)) => format!("Level {l}, {k} marks"),
                    (Some(l), None) => format!("Level {l}"),
                    (None, Some(k)) => format!("{k} marks"),
                    (None, None) => String::new(),
                },
                comment: m.comment,
                released: date_time(m.released_at.unwrap_or(m.updated_at)),
                points_summary: if ticks.is_empty() {
                    String::new()
                } else {
                    format!(
                        "Your teacher counts {} of {} points as made.",
                        ticks.iter().filter(|t| t.made).count(),
                        ticks.len()
                    )
                },
                points: ticks
                    .iter()
                    .filter(|t| t.made != (t.engine == "covered"))
                    .map(|t| {
                        if t.made {
                            format!(
                                "{} counts as made (the machine did not find it): {}",
                                label(t.point),
                                t.text
                            )
                        } else {
                            format!(
                                "{} does not count (the machine thought it made): {}",
                                label(t.point),
                                t.text
                            )
                        }
                    })
                    .collect(),
                comments: notes.len(),
            };
            (Some(view), notes)
        }
        None => (None, Vec::new()),
    };
    report_page(&st, &v, &q, &topic, &report, &a.body, true, teacher, &notes).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_places_levels() {
        let a = |level| Attempt {
            id: 1,
            user_id: 1,
            question_slug: "q".into(),
            body: String::new(),
            level,
            covered: 0,
            total: 0,
            words: 0,
            created_at: 0,
            started_at: None,
            assignment_id: None,
        };
        assert!(chart(&[a(None)], 5).is_none());
        let c = chart(&[a(Some(1)), a(None), a(Some(5))], 5).unwrap();
        assert_eq!(c.points.len(), 2);
        assert_eq!((c.points[0].x, c.points[0].y), (30, 87));
        assert_eq!((c.points[1].x, c.points[1].y), (310, 15));
        assert_eq!(c.polyline, "30,87 310,15");
    }
}
