//! What a class makes of its work: per assignment, which mark-scheme points each student
//! made (a table of points × students, in text as well as colour), the level distribution
//! and the most-missed points with the essays that made them; per class, each student's
//! levels over time; and both as CSV. Seen only by the class's teachers.
//!
//! A point counts as made where the teacher ticked it; where the teacher has not decided the
//! points of a submission, the machine's reading stands (made, partly made or missing).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use studypack_domain::Side;
use studypack_feedback::PointStatus;
use studypack_store::{Assignment, Submission};

use crate::error::WebError;
use crate::guard::{Access, Teacher};
use crate::practice::marking::run_blocking;
use crate::practice::report::point_labels;
use crate::render::{Nav, PageResult, date_time, form_page};
use crate::routes::Table;
use crate::state::AppState;

pub(crate) fn routes() -> Table {
    Table::new()
        .get(
            "/work/{assignment}/insight",
            Access::Teacher,
            assignment_page,
        )
        .get(
            "/work/{assignment}/export.csv",
            Access::Teacher,
            assignment_csv,
        )
        .get("/classes/{class}/insight", Access::Teacher, class_page)
        .get("/classes/{class}/export.csv", Access::Teacher, class_csv)
}

// ------------------------------------------------------------------------------ the data

/// How far a student made a point.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Made {
    Yes,
    Partly,
    No,
}

impl Made {
    fn word(self) -> &'static str {
        match self {
            Made::Yes => "made",
            Made::Partly => "partly",
            Made::No => "missing",
        }
    }
}

/// A point of the scheme, as the tables head it.
struct PointHead {
    label: String,
    text: String,
    side: &'static str,
}

/// A student's latest submission for the assignment, read point by point.
struct Script {
    sub: Submission,
    /// Per point, in scheme order.
    made: Vec<Made>,
    /// The teacher decided the points (otherwise they are the machine's).
    decided: bool,
}

/// The points of the assignment's question and each student's latest submission, read; no
/// points if the question has left the library.
async fn scripts(st: &AppState, a: &Assignment) -> Result<(Vec<PointHead>, Vec<Script>), WebError> {
    let mut latest: Vec<Submission> = Vec::new();
    for s in st.store.assignment_submissions(a.id).await? {
        match latest
            .iter_mut()
            .find(|l| l.attempt.user_id == s.attempt.user_id)
        {
            Some(l) => *l = s,
            None => latest.push(s),
        }
    }
    latest.sort_by(|x, y| x.email.cmp(&y.email));
    let (q, topic) = match crate::catalogue::markable(st, &a.question_slug).await {
        Ok(x) => x,
        Err(WebError::NotFound) => {
            let scripts = latest
                .into_iter()
                .map(|sub| Script {
                    sub,
                    made: Vec::new(),
                    decided: false,
                })
                .collect();
            return Ok((Vec::new(), scripts));
        }
        Err(e) => return Err(e),
    };
    let mut decided = Vec::with_capacity(latest.len());
    for s in &latest {
        decided.push(st.store.points(s.attempt.id).await?);
    }
    // One blocking task for the whole class: the question prepared once.
    let st2 = st.clone();
    let bodies: Vec<String> = latest.iter().map(|s| s.attempt.body.clone()).collect();
    let (heads, statuses) = run_blocking(move || {
        let mut input = studypack_feedback::question_input(&q, &topic);
        input.model_essay = None;
        let (engine, prepared) = st2.prepared(&q, &topic, &input);
        let reports: Vec<_> = bodies.iter().map(|b| engine.report(&prepared, b)).collect();
        let heads = match reports.first() {
            Some(r) => {
                let labels = point_labels(r);
                r.points
                    .iter()
                    .zip(labels)
                    .map(|(p, label)| PointHead {
                        label,
                        text: p.text.to_string(),
                        side: match p.side {
                            Side::Supporting => "supporting",
                            Side::Challenging => "challenging",
                            Side::Neutral => "neutral",
                        },
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        let statuses: Vec<Vec<PointStatus>> = reports
            .iter()
            .map(|r| r.points.iter().map(|p| p.status).collect())
            .collect();
        (heads, statuses)
    })
    .await?;
    let scripts = latest
        .into_iter()
        .zip(statuses)
        .zip(decided)
        .map(|((sub, status), ticks)| {
            let made = status
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    if !ticks.is_empty() {
                        match ticks.iter().find(|t| t.point == i as i64) {
                            Some(t) if t.made => Made::Yes,
                            _ => Made::No,
                        }
                    } else {
                        match s {
                            PointStatus::Covered => Made::Yes,
                            PointStatus::Partial => Made::Partly,
                            PointStatus::Missing => Made::No,
                        }
                    }
                })
                .collect();
            Script {
                sub,
                made,
                decided: !ticks.is_empty(),
            }
        })
        .collect();
    Ok((heads, scripts))
}

/// The level a submission has: the teacher's if they gave one, else the machine's.
fn level_of(s: &Submission) -> (Option<i64>, bool) {
    match s.mark.as_ref().and_then(|m| m.level) {
        Some(l) => (Some(l), true),
        None => (s.attempt.level, false),
    }
}

/// "3 of 7 (43%)".
fn share(n: usize, of: usize) -> String {
    if of == 0 {
        return "0 of 0".into();
    }
    format!("{n} of {of} ({}%)", (n * 100 + of / 2) / of)
}

// -------------------------------------------------------------------------- the assignment

struct Row {
    label: String,
    text: String,
    side: &'static str,
    share: String,
    cells: Vec<(&'static str, &'static str)>,
}

struct Missed {
    label: String,
    text: String,
    share: String,
    /// Submissions that made it: (student, link).
    made_by: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "insight.html")]
struct AssignmentPage {
    title: String,
    q: String,
    nav: Nav,
    a: Assignment,
    students: Vec<String>,
    rows: Vec<Row>,
    levels: Vec<(String, usize, String)>,
    missed: Vec<Missed>,
    decided: usize,
}

/// How many of the most-missed points are listed.
const MOST_MISSED: usize = 5;

async fn assignment_page(
    Teacher { visitor: v, user }: Teacher,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> PageResult {
    let a = crate::moderation::taught(&st, &user, &id).await?;
    let (heads, scripts) = scripts(&st, &a).await?;
    let n = scripts.len();
    let made_count = |i: usize| {
        scripts
            .iter()
            .filter(|s| s.made.get(i) == Some(&Made::Yes))
            .count()
    };
    let rows: Vec<Row> = heads
        .iter()
        .enumerate()
        .map(|(i, h)| Row {
            label: h.label.clone(),
            text: h.text.clone(),
            side: h.side,
            share: share(made_count(i), n),
            cells: scripts
                .iter()
                .map(|s| {
                    let m = s.made.get(i).copied().unwrap_or(Made::No);
                    (
                        m.word(),
                        match m {
                            Made::Yes => "✓ made",
                            Made::Partly => "½ partly",
                            Made::No => "– missing",
                        },
                    )
                })
                .collect(),
        })
        .collect();
    let mut order: Vec<usize> = (0..heads.len()).collect();
    order.sort_by_key(|&i| (made_count(i), i));
    let missed = order
        .into_iter()
        .take(MOST_MISSED)
        .map(|i| Missed {
            label: heads[i].label.clone(),
            text: heads[i].text.clone(),
            share: share(made_count(i), n),
            made_by: scripts
                .iter()
                .filter(|s| s.made.get(i) == Some(&Made::Yes))
                .map(|s| {
                    (
                        s.sub.email.clone(),
                        format!("/work/{}/submissions/{}", a.id, s.sub.attempt.id),
                    )
                })
                .collect(),
        })
        .collect();
    let top = scripts
        .iter()
        .filter_map(|s| level_of(&s.sub).0)
        .max()
        .unwrap_or(0)
        .max(5);
    let mut levels: Vec<(String, usize, String)> = (0..=top)
        .map(|l| {
            let k = scripts
                .iter()
                .filter(|s| level_of(&s.sub).0 == Some(l))
                .count();
            (format!("Level {l}"), k, share(k, n))
        })
        .collect();
    let none = scripts
        .iter()
        .filter(|s| level_of(&s.sub).0.is_none())
        .count();
    if none > 0 {
        levels.push(("No level".into(), none, share(none, n)));
    }
    form_page(
        &v,
        AssignmentPage {
            title: format!("Class insight: {}", a.question_title),
            q: String::new(),
            nav: Nav::of(&v),
            students: scripts.iter().map(|s| s.sub.email.clone()).collect(),
            decided: scripts.iter().filter(|s| s.decided).count(),
            rows,
            levels,
            missed,
            a,
        },
    )
}

// ---------------------------------------------------------------------------------- CSV

/// One CSV cell: quoted when it holds a comma, quote or line break, and a leading `=`, `+`,
/// `-`, `@`, tab or carriage return made inert with a `'` so a spreadsheet does not run it
/// as a formula.
fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv_line(cells: &[String]) -> String {
    let mut line: String = cells
        .iter()
        .map(|c| csv_cell(c))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

fn csv_response(name: &str, body: String) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

fn opt(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

async fn assignment_csv(
    Teacher { user, .. }: Teacher,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> PageResult {
    let a = crate::moderation::taught(&st, &user, &id).await?;
    let (heads, scripts) = scripts(&st, &a).await?;
    let mut head: Vec<String> = [
        "student",
        "submitted (UTC)",
        "late",
        "machine level",
        "teacher level",
        "teacher mark",
        "released",
        "points decided by",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    head.extend(heads.iter().map(|h| format!("{} {}", h.label, h.text)));
    let mut out = csv_line(&head);
    for s in &scripts {
        let m = s.sub.mark.as_ref();
        let mut row = vec![
            s.sub.email.clone(),
            date_time(s.sub.attempt.created_at),
            (s.sub.attempt.created_at > a.due_at).to_string(),
            opt(s.sub.attempt.level),
            opt(m.and_then(|m| m.level)),
            opt(m.and_then(|m| m.mark)),
            m.is_some_and(|m| m.released_at.is_some()).to_string(),
            if s.decided { "teacher" } else { "machine" }.to_string(),
        ];
        row.extend(s.made.iter().map(|m| m.word().to_string()));
        out.push_str(&csv_line(&row));
    }
    Ok(csv_response(&format!("assignment-{}.csv", a.id), out))
}

// ------------------------------------------------------------------------------- the class

struct LevelRow {
    email: String,
    /// Per assignment: the level shown ("4", "3 (machine)", "–").
    cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "class_insight.html")]
struct ClassPage {
    title: String,
    q: String,
    nav: Nav,
    class_id: i64,
    class_name: String,
    work: Vec<(i64, String)>,
    rows: Vec<LevelRow>,
}

/// The class's work in order set, and per member their latest level for each: (level,
/// from the teacher), or `None` if they submitted nothing.
#[allow(clippy::type_complexity)]
async fn levels_over_time(
    st: &AppState,
    class_id: i64,
) -> Result<
    (
        Vec<Assignment>,
        Vec<(String, Vec<Option<(Option<i64>, bool)>>)>,
    ),
    WebError,
> {
    let mut work = st.store.class_assignments(class_id).await?;
    work.sort_by_key(|a| (a.opens_at, a.id));
    let members = st.store.class_members(class_id).await?;
    let mut subs = Vec::with_capacity(work.len());
    for a in &work {
        subs.push(st.store.assignment_submissions(a.id).await?);
    }
    let rows = members
        .iter()
        .map(|m| {
            let cells = subs
                .iter()
                .map(|list| {
                    list.iter()
                        .rev()
                        .find(|s| s.attempt.user_id == m.user_id)
                        .map(level_of)
                })
                .collect();
            (m.email.clone(), cells)
        })
        .collect();
    Ok((work, rows))
}

async fn class_page(
    Teacher { visitor: v, user }: Teacher,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> PageResult {
    let class = crate::classes::taught(&st, &user, &id).await?;
    let (work, rows) = levels_over_time(&st, class.id).await?;
    form_page(
        &v,
        ClassPage {
            title: format!("Levels over time: {}", class.name),
            q: String::new(),
            nav: Nav::of(&v),
            class_id: class.id,
            class_name: class.name,
            work: work
                .iter()
                .map(|a| {
                    let title = if a.question_title.is_empty() {
                        a.question_slug.clone()
                    } else {
                        a.question_title.clone()
                    };
                    (a.id, title)
                })
                .collect(),
            rows: rows
                .into_iter()
                .map(|(email, cells)| LevelRow {
                    email,
                    cells: cells
                        .into_iter()
                        .map(|c| match c {
                            None => "–".into(),
                            Some((None, _)) => "no level".into(),
                            Some((Some(l), true)) => l.to_string(),
                            Some((Some(l), false)) => format!("{l} (machine)"),
                        })
                        .collect(),
                })
                .collect(),
        },
    )
}

async fn class_csv(
    Teacher { user, .. }: Teacher,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> PageResult {
    let class = crate::classes::taught(&st, &user, &id).await?;
    let (work, rows) = levels_over_time(&st, class.id).await?;
    let mut head = vec!["student".to_string()];
    for a in &work {
        let t = if a.question_title.is_empty() {
            &a.question_slug
        } else {
            &a.question_title
        };
        head.push(format!("{t} (due {}): level", date_time(a.due_at)));
        head.push("level from".into());
    }
    let mut out = csv_line(&head);
    for (email, cells) in rows {
        let mut row = vec![email];
        for c in cells {
            match c {
                None => row.extend(["".to_string(), "not submitted".to_string()]),
                Some((l, teacher)) => row.extend([
                    opt(l),
                    if teacher { "teacher" } else { "machine" }.to_string(),
                ]),
            }
        }
        out.push_str(&csv_line(&row));
    }
    Ok(csv_response(&format!("class-{}.csv", class.id), out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_made_inert() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_line(&["a".into(), "b,c".into()]), "a,\"b,c\"\r\n");
        assert_eq!(share(1, 3), "1 of 3 (33%)");
        assert_eq!(share(2, 3), "2 of 3 (67%)");
        assert_eq!(share(0, 0), "0 of 0");
    }
}
