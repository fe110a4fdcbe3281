//! Essay practice: a timed writing page with autosave, the feedback report with every
//! sentence marked by the mark-scheme point it earns, a student's attempts over time, and the
//! feedback and drafts API.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use studypack_accounts::now;
use studypack_domain::scheme_text::parse_scheme_text;
use studypack_domain::{Board, MarkScheme, Question, Side, Status as Publication, Topic};
use studypack_feedback::{QuestionInput, Report, Status, question_input};
use studypack_store::Attempt;

use crate::AppState;
use crate::api::{ApiError, ApiJson};
use crate::error::WebError;
use crate::pages::{Nav, PageResult, form_page};
use crate::session::Visitor;

const SCRIPT: &str = include_str!("../static/practice.js");

/// The longest essay the site marks, in bytes (a 45-minute essay is about 6 kB).
pub const MAX_ESSAY: usize = 100 * 1024;

pub async fn script() -> Response {
    crate::pages::static_asset(SCRIPT, "text/javascript; charset=utf-8")
}

/// Minutes the exam allows for an essay: 45 for a 25-mark AQA essay, otherwise 1.8 minutes a
/// mark (AQA's rate), rounded to 5 minutes, between 10 and 90.
pub fn exam_minutes(board: Option<Board>, marks: u32) -> u32 {
    if board == Some(Board::Aqa) && marks == 25 {
        return 45;
    }
    let m = (marks as f64 * 1.8 / 5.0).round() as u32 * 5;
    m.clamp(10, 90)
}

/// A published question and its topic.
async fn published(st: &AppState, slug: &str) -> Result<(Question, Arc<Topic>), WebError> {
    let q = st
        .store
        .question(slug)
        .await?
        .filter(|q| q.status == Publication::Published)
        .ok_or(WebError::NotFound)?;
    let topic = st
        .topic(q.topic.as_str())
        .await?
        .ok_or(WebError::NotFound)?;
    Ok((q, topic))
}

/// The longest mark scheme the API takes, in bytes.
pub const MAX_SCHEME: usize = 20 * 1024;

/// Runs the engine on a blocking thread: a long essay must not hold up other requests.
async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, WebError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// The report on `text` for question `q`. The check against the model essay (is this copied?)
/// runs only for readers who may read the essay: for anyone else its answer would reveal,
/// bit by bit, what the essay says.
async fn assess(
    st: &AppState,
    v: &Visitor,
    q: &Question,
    topic: &Arc<Topic>,
    text: String,
) -> Result<Report, WebError> {
    let compare = v.access(st).await?.can_read(topic);
    let engine = st.engine();
    let (q, topic) = (q.clone(), topic.clone());
    run_blocking(move || {
        let mut input = question_input(&q, &topic);
        if !compare {
            input.model_essay = None;
        }
        engine.assess(&input, &text)
    })
    .await
}

fn check_essay(text: &str) -> Result<(), WebError> {
    if text.len() > MAX_ESSAY {
        return Err(WebError::BadRequest(format!(
            "The essay is longer than {} kB; the feedback engine marks essays up to that size.",
            MAX_ESSAY / 1024
        )));
    }
    Ok(())
}

// ------------------------------------------------------------------------------ the report

struct Segment {
    text: String,
    /// Labels of the points this sentence earns, e.g. "S2" (supporting point 2).
    labels: Vec<String>,
    /// CSS class: `supporting`, `challenging`, `neutral`, `mixed` or empty.
    class: &'static str,
    title: String,
}

struct PointLine {
    label: String,
    text: String,
    side: &'static str,
    status: &'static str,
}

/// The report as the page shows it.
struct ReportView {
    level: Option<u8>,
    marks: Option<[u32; 2]>,
    mark: Option<u32>,
    rubric: String,
    criteria: String,
    reasons: Vec<String>,
    words: usize,
    covered: usize,
    partial: usize,
    total: usize,
    points: Vec<PointLine>,
    segments: Vec<Segment>,
    flags: Vec<(String, String)>,
    intro: &'static str,
    conclusion: &'static str,
    consistent: bool,
    substantiated: bool,
    balance: &'static str,
    add: Vec<String>,
    lift: String,
}

fn side_label(s: Side) -> &'static str {
    match s {
        Side::Supporting => "supporting",
        Side::Challenging => "challenging",
        Side::Neutral => "neutral",
    }
}

fn status_label(s: Status) -> &'static str {
    match s {
        Status::Covered => "covered",
        Status::Partial => "partial",
        Status::Missing => "missing",
    }
}

/// What a flag means, for a student.
fn flag_text(id: &str) -> &'static str {
    match id {
        "one-sided" => "The essay argues one side only; the mark scheme rewards weighing both.",
        "no-introduction" => "There is no introduction setting out your line of argument.",
        "no-conclusion" => "There is no conclusion reaching a judgement.",
        "no-judgement" => "The essay does not reach a clear judgement on the view in the question.",
        "inconsistent-judgement" => "The introduction and the conclusion argue different things.",
        "too-short" => "The essay is much shorter than the exam expects.",
        "off-topic" => "Little of the essay matches the question and its mark scheme.",
        "list-not-prose" => "The essay is a list, not paragraphs of argument.",
        "copied-model-essay" => {
            "Much of the essay repeats the model essay: write it in your own words."
        }
        "copied-mark-scheme" => {
            "Much of the essay repeats the mark scheme: explain and support the points instead."
        }
        _ => "See the report for details.",
    }
}

fn point_label(side: Side, n: usize) -> String {
    let letter = match side {
        Side::Supporting => 'S',
        Side::Challenging => 'C',
        Side::Neutral => 'N',
    };
    format!("{letter}{n}")
}

fn report_view(report: &Report, essay: &str) -> ReportView {
    // Number the points per side, as the page lists them.
    let mut counters = [0usize; 3];
    let labels: Vec<String> = report
        .points
        .iter()
        .map(|p| {
            let i = match p.side {
                Side::Supporting => 0,
                Side::Challenging => 1,
                Side::Neutral => 2,
            };
            counters[i] += 1;
            point_label(p.side, counters[i])
        })
        .collect();
    // Sentences that earn points, by byte range.
    let mut spans: std::collections::BTreeMap<(usize, usize), Vec<usize>> = Default::default();
    for (i, p) in report.points.iter().enumerate() {
        // A sentence is marked with the points it earns outright; partial credit is listed
        // in the table of points.
        if p.status != Status::Covered {
            continue;
        }
        for e in &p.evidence {
            if e.start < e.end
                && e.end <= essay.len()
                && essay.is_char_boundary(e.start)
                && essay.is_char_boundary(e.end)
            {
                spans.entry((e.start, e.end)).or_default().push(i);
            }
        }
    }
    let mut segments = Vec::new();
    let mut at = 0;
    for ((start, end), points) in spans {
        if start < at {
            continue; // overlapping evidence: the first sentence wins
        }
        if start > at {
            segments.push(Segment {
                text: essay[at..start].to_string(),
                labels: vec![],
                class: "",
                title: String::new(),
            });
        }
        let sides: std::collections::BTreeSet<&str> = points
            .iter()
            .map(|&i| side_label(report.points[i].side))
            .collect();
        segments.push(Segment {
            text: essay[start..end].to_string(),
            labels: points.iter().map(|&i| labels[i].clone()).collect(),
            class: if sides.len() == 1 {
                sides.into_iter().next().unwrap_or("")
            } else {
                "mixed"
            },
            title: points
                .iter()
                .map(|&i| format!("{}: {}", labels[i], report.points[i].text))
                .collect::<Vec<_>>()
                .join(" · "),
        });
        at = end;
    }
    if at < essay.len() {
        segments.push(Segment {
            text: essay[at..].to_string(),
            labels: vec![],
            class: "",
            title: String::new(),
        });
    }
    ReportView {
        level: report.level.level,
        marks: report.level.marks,
        mark: report.level.mark,
        rubric: report.level.rubric.clone().unwrap_or_default(),
        criteria: report.level.criteria.clone().unwrap_or_default(),
        reasons: report.level.reasons.clone(),
        words: report.words,
        covered: report.coverage.covered,
        partial: report.coverage.partial,
        total: report.coverage.total,
        points: report
            .points
            .iter()
            .zip(&labels)
            .map(|(p, l)| PointLine {
                label: l.clone(),
                text: p.text.to_string(),
                side: side_label(p.side),
                status: status_label(p.status),
            })
            .collect(),
        segments,
        flags: report
            .flags
            .iter()
            .map(|f| (f.to_string(), flag_text(f).to_string()))
            .collect(),
        intro: report.judgement.introduction.label(),
        conclusion: report.judgement.conclusion.label(),
        consistent: report.judgement.consistent,
        substantiated: report.judgement.substantiated,
        balance: report.balance.verdict,
        add: report.next_steps.add.clone(),
        lift: report.next_steps.lift.clone(),
    }
}

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
                date: crate::account::date(a.created_at),
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
    question: String,
    marks: u32,
    minutes: u32,
    draft: String,
    /// When the draft was started and last saved on the server (seconds; 0 if none).
    started_at: i64,
    saved_at: i64,
    signed_in: bool,
    /// Whose copy of the draft the browser keeps (`visitor` before sign-in).
    user_key: String,
    attempts: Vec<AttemptLine>,
    chart: Option<Chart>,
}

pub async fn practice_page(
    State(st): State<AppState>,
    v: Visitor,
    Path(slug): Path<String>,
) -> PageResult {
    let (q, topic) = published(&st, &slug).await?;
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
    form_page(
        &v,
        PracticePage {
            title: format!("Practise: {}", q.title),
            q: String::new(),
            nav: Nav::of(&v),
            csrf: v.csrf().to_string(),
            question: q.text.clone(),
            marks: q.marks,
            minutes: exam_minutes(topic.board, q.marks),
            started_at: draft.as_ref().map(|d| d.started_at).unwrap_or(0),
            saved_at: draft.as_ref().map(|d| d.updated_at).unwrap_or(0),
            draft: draft.map(|d| d.body).unwrap_or_default(),
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
                    date: crate::account::date(a.created_at),
                    level: a.level.map(|l| l.to_string()).unwrap_or_else(|| "–".into()),
                    covered: a.covered,
                    total: a.total,
                    words: a.words,
                })
                .collect(),
            slug,
        },
    )
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    title: String,
    q: String,
    nav: Nav,
    slug: String,
    question: String,
    r: ReportView,
    saved: bool,
    /// Clears the browser's copy of the draft once the report is shown.
    clear_draft: bool,
    user_key: String,
}

#[derive(Deserialize)]
pub struct Submission {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

/// Marks a submitted essay: signed-in students' attempts are kept (and the draft cleared),
/// visitors get the report without saving.
pub async fn submit(
    State(st): State<AppState>,
    v: Visitor,
    Path(slug): Path<String>,
    Form(f): Form<Submission>,
) -> PageResult {
    v.check_csrf(&f.csrf)?;
    check_essay(&f.text)?;
    if f.text.trim().is_empty() {
        return Err(
            WebError::BadRequest("Write your essay before asking for feedback.".into()).into(),
        );
    }
    st.accounts
        .spend_rate(
            &format!("feedback:{}", v.rate_key()),
            st.accounts.limits.feedback,
        )
        .await?;
    let (q, topic) = published(&st, &slug).await?;
    let report = assess(&st, &v, &q, &topic, f.text.clone()).await?;
    if let Some(u) = v.user() {
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
            })
            .await?;
        return Ok(Redirect::to(&format!("/attempts/{id}")).into_response());
    }
    report_page(&v, &q, &report, &f.text, false)
}

fn report_page(v: &Visitor, q: &Question, report: &Report, essay: &str, saved: bool) -> PageResult {
    form_page(
        v,
        ReportPage {
            title: format!("Feedback: {}", q.title),
            q: String::new(),
            nav: Nav::of(v),
            slug: q.slug.to_string(),
            question: q.text.clone(),
            r: report_view(report, essay),
            saved,
            clear_draft: true,
            user_key: v
                .user()
                .map(|u| u.id.to_string())
                .unwrap_or_else(|| "visitor".into()),
        },
    )
}

pub async fn attempt_page(
    State(st): State<AppState>,
    v: Visitor,
    Path(id): Path<i64>,
) -> PageResult {
    let user = v.require_user()?;
    let a = st
        .store
        .attempt(user.id, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let (q, topic) = published(&st, &a.question_slug).await?;
    // The engine is deterministic: the report is made again from the stored essay.
    let report = assess(&st, &v, &q, &topic, a.body.clone()).await?;
    report_page(&v, &q, &report, &a.body, true)
}

// -------------------------------------------------------------------------------- the API

#[derive(Deserialize)]
pub struct FeedbackRequest {
    question: Option<String>,
    scheme: Option<String>,
    text: String,
}

/// `POST /api/v1/feedback`: the engine's report on `text` against a library question or a
/// plain-text mark scheme. Rate limited per user or address.
pub async fn api_feedback(
    State(st): State<AppState>,
    v: Visitor,
    headers: HeaderMap,
    ApiJson(req): ApiJson<FeedbackRequest>,
) -> Result<Json<Report>, ApiError> {
    v.check_api_csrf(&headers)?;
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
pub struct DraftRequest {
    text: String,
}

/// `PUT /api/v1/drafts/{slug}`: saves the signed-in student's draft.
pub async fn api_save_draft(
    State(st): State<AppState>,
    v: Visitor,
    headers: HeaderMap,
    Path(slug): Path<String>,
    ApiJson(req): ApiJson<DraftRequest>,
) -> Result<Json<studypack_store::Draft>, ApiError> {
    let user = v.require_user()?;
    v.check_api_csrf(&headers)?;
    check_essay(&req.text)?;
    published(&st, &slug).await?;
    Ok(Json(
        st.store
            .save_draft(user.id, &slug, &req.text, now())
            .await?,
    ))
}

/// `GET /api/v1/drafts/{slug}`: the signed-in student's draft.
pub async fn api_get_draft(
    State(st): State<AppState>,
    v: Visitor,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let user = v.require_user()?;
    match st.store.draft(user.id, &slug).await? {
        Some(d) => Ok(Json(d).into_response()),
        None => Ok(StatusCode::NO_CONTENT.into_response()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exam_timing() {
        assert_eq!(exam_minutes(Some(Board::Aqa), 25), 45);
        assert_eq!(exam_minutes(Some(Board::Ocr), 20), 35);
        assert_eq!(exam_minutes(None, 30), 55);
        assert_eq!(exam_minutes(None, 1), 10);
        assert_eq!(exam_minutes(None, 500), 90);
    }

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
        };
        assert!(chart(&[a(None)], 5).is_none());
        let c = chart(&[a(Some(1)), a(None), a(Some(5))], 5).unwrap();
        assert_eq!(c.points.len(), 2);
        assert_eq!((c.points[0].x, c.points[0].y), (30, 87));
        assert_eq!((c.points[1].x, c.points[1].y), (310, 15));
        assert_eq!(c.polyline, "30,87 310,15");
    }
}
