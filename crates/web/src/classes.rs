//! Classes: a teacher makes a class and gives students its code; students join and leave;
//! the teacher adds students by email and removes them. A class is seen only by its teachers
//! (anyone else gets "not found", as if it did not exist) and its list by its members.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use studypack_accounts::{MAX_CLASS_NAME, now, show_class_code};
use studypack_domain::PackScope;
use studypack_store::{Assignment, NewAssignment, SchoolClass, User};

use crate::error::WebError;
use crate::guard::{Access, CsrfForm, NoFields, SignedIn, Teacher};
use crate::render::{Nav, PageResult, date, date_time, datetime_value, form_page, parse_datetime};
use crate::routes::Table;
use crate::session::Visitor;
use crate::state::AppState;

pub(crate) fn routes() -> Table {
    Table::new()
        .get("/classes", Access::SignedIn, classes_page)
        .post("/classes", Access::Teacher, create)
        .post("/classes/join", Access::SignedIn, join)
        .get("/classes/{class}", Access::Teacher, class_page)
        .post("/classes/{class}/members", Access::Teacher, add_member)
        .post("/classes/{class}/remove", Access::Teacher, remove_member)
        .post("/classes/{class}/teachers", Access::Teacher, add_teacher)
        .post("/classes/{class}/assignments", Access::Teacher, set_work)
        .get(
            "/assignments/{assignment}",
            Access::SignedIn,
            open_assignment,
        )
        .post("/classes/{class}/leave", Access::SignedIn, leave)
}

struct ClassLine {
    id: i64,
    name: String,
    code: String,
    members: i64,
}

impl ClassLine {
    fn of(c: &SchoolClass) -> ClassLine {
        ClassLine {
            id: c.id,
            name: c.name.clone(),
            code: show_class_code(&c.join_code),
            members: c.members,
        }
    }
}

#[derive(Template)]
#[template(path = "classes.html")]
struct ClassesPage {
    title: String,
    q: String,
    nav: Nav,
    csrf: String,
    teacher: bool,
    taught: Vec<ClassLine>,
    joined: Vec<ClassLine>,
    assignments: Vec<StudentAssignment>,
    message: Option<String>,
    error: Option<String>,
    max_name: usize,
    name: String,
    code: String,
}

/// Where a student is with one assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AssignmentStatus {
    NotOpen,
    NotStarted,
    Draft,
    Submitted,
    Late,
    /// The teacher released a mark.
    Returned,
}

impl AssignmentStatus {
    pub(crate) fn label(self) -> &'static str {
        match self {
            AssignmentStatus::NotOpen => "not open yet",
            AssignmentStatus::NotStarted => "not started",
            AssignmentStatus::Draft => "draft",
            AssignmentStatus::Submitted => "submitted",
            AssignmentStatus::Late => "submitted late",
            AssignmentStatus::Returned => "returned",
        }
    }

    /// From when it opens and is due, whether there is a draft, and when the student's
    /// first submission for it was made.
    pub(crate) fn of(a: &Assignment, now: i64, draft: bool, first_submitted: Option<i64>) -> Self {
        match first_submitted {
            Some(t) if t > a.due_at => AssignmentStatus::Late,
            Some(_) => AssignmentStatus::Submitted,
            None if now < a.opens_at => AssignmentStatus::NotOpen,
            None if draft => AssignmentStatus::Draft,
            None => AssignmentStatus::NotStarted,
        }
    }
}

struct StudentAssignment {
    id: i64,
    title: String,
    class_name: String,
    due: String,
    overdue: bool,
    status: &'static str,
    open: bool,
    used: i64,
    allowed: i64,
}

impl StudentAssignment {
    async fn of(st: &AppState, user: &User, a: Assignment) -> Result<StudentAssignment, WebError> {
        let at = now();
        let mine: Vec<_> = st
            .store
            .attempts(user.id, &a.question_slug)
            .await?
            .into_iter()
            .filter(|t| t.assignment_id == Some(a.id))
            .collect();
        let draft = st.store.draft(user.id, &a.question_slug).await?.is_some();
        let mut status = AssignmentStatus::of(&a, at, draft, mine.first().map(|t| t.created_at));
        for t in &mine {
            if st
                .store
                .teacher_mark(t.id)
                .await?
                .is_some_and(|m| m.released_at.is_some())
            {
                status = AssignmentStatus::Returned;
            }
        }
        Ok(StudentAssignment {
            id: a.id,
            title: if a.question_title.is_empty() {
                a.question_slug.clone()
            } else {
                a.question_title.clone()
            },
            class_name: a.class_name.clone(),
            due: date_time(a.due_at),
            overdue: at > a.due_at && mine.is_empty(),
            status: status.label(),
            open: at >= a.opens_at && (mine.len() as i64) < a.attempts_allowed,
            used: mine.len() as i64,
            allowed: a.attempts_allowed,
        })
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct Done {
    /// What the last form did: `joined`, `left`.
    #[serde(default)]
    done: String,
}

/// What the classes page says after a form.
#[derive(Default)]
struct Said {
    message: Option<String>,
    error: Option<String>,
    /// The form's text, kept when it is refused.
    name: String,
    code: String,
}

async fn classes_view(st: &AppState, v: &Visitor, user: &User, said: Said) -> PageResult {
    let taught = if user.teacher {
        st.store.classes_taught(user.id).await?
    } else {
        Vec::new()
    };
    let joined = st.store.classes_joined(user.id).await?;
    let mut assignments = Vec::new();
    for a in st.store.student_assignments(user.id).await? {
        assignments.push(StudentAssignment::of(st, user, a).await?);
    }
    let status = if said.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut res = form_page(
        v,
        ClassesPage {
            title: "Classes".into(),
            q: String::new(),
            nav: Nav::of(v),
            csrf: v.csrf().to_string(),
            teacher: user.teacher,
            taught: taught.iter().map(ClassLine::of).collect(),
            joined: joined.iter().map(ClassLine::of).collect(),
            assignments,
            message: said.message,
            error: said.error,
            max_name: MAX_CLASS_NAME,
            name: said.name,
            code: said.code,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

async fn classes_page(
    SignedIn { visitor: v, user }: SignedIn,
    State(st): State<AppState>,
    Query(d): Query<Done>,
) -> PageResult {
    let message = match d.done.as_str() {
        "joined" => Some("You have joined the class. Your teacher can now set you work.".into()),
        "left" => Some("You have left the class.".into()),
        _ => None,
    };
    classes_view(
        &st,
        &v,
        &user,
        Said {
            message,
            ..Said::default()
        },
    )
    .await
}

#[derive(Deserialize)]
pub(crate) struct NameForm {
    #[serde(default)]
    name: String,
}

async fn create(
    Teacher { visitor: v, user }: Teacher,
    State(st): State<AppState>,
    CsrfForm(f): CsrfForm<NameForm>,
) -> PageResult {
    match st.accounts.create_class(&user, &f.name).await {
        Ok(c) => Ok(Redirect::to(&format!("/classes/{}?done=created", c.id)).into_response()),
        Err(e) => {
            let m = refusal(e)?;
            let said = Said {
                error: Some(m),
                name: f.name,
                ..Said::default()
            };
            classes_view(&st, &v, &user, said).await
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default)]
    code: String,
}

async fn join(
    SignedIn { visitor: v, user }: SignedIn,
    State(st): State<AppState>,
    CsrfForm(f): CsrfForm<CodeForm>,
) -> PageResult {
    match st.accounts.join_class(&user, &f.code).await {
        Ok(_) => Ok(Redirect::to("/classes?done=joined").into_response()),
        Err(e) => {
            let m = refusal(e)?;
            let said = Said {
                error: Some(m),
                code: f.code,
                ..Said::default()
            };
            classes_view(&st, &v, &user, said).await
        }
    }
}

struct MemberLine {
    user_id: i64,
    email: String,
    joined: String,
}

#[derive(Template)]
#[template(path = "class.html")]
struct ClassPage {
    title: String,
    q: String,
    nav: Nav,
    csrf: String,
    class: ClassLine,
    members: Vec<MemberLine>,
    /// The class's school licences in force, in words.
    packs: Vec<String>,
    teachers: Vec<String>,
    work: Vec<WorkLine>,
    /// The set-work form's defaults (or what was typed, when it is refused).
    set: SetWorkForm,
    message: Option<String>,
    error: Option<String>,
    email: String,
}

/// The message of a form's refusal (a bad request) to show on its page; any other error is
/// the request's error.
fn refusal(e: studypack_accounts::AccountError) -> Result<String, crate::render::PageError> {
    match WebError::from(e) {
        WebError::BadRequest(m) => Ok(m),
        e => Err(e.into()),
    }
}

/// The class, if this teacher teaches it; otherwise "not found" (nobody learns it exists).
pub(crate) async fn taught(
    st: &AppState,
    teacher: &User,
    id: &str,
) -> Result<SchoolClass, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    st.store
        .class_taught(id, teacher.id)
        .await?
        .ok_or(WebError::NotFound)
}

struct WorkLine {
    id: i64,
    title: String,
    slug: String,
    opens: String,
    due: String,
    timed: bool,
    allowed: i64,
    submitted: i64,
}

async fn class_view(
    st: &AppState,
    v: &Visitor,
    class: &SchoolClass,
    said: Said,
    email: String,
) -> PageResult {
    class_view_with(st, v, class, said, email, None).await
}

async fn class_view_with(
    st: &AppState,
    v: &Visitor,
    class: &SchoolClass,
    said: Said,
    email: String,
    set: Option<SetWorkForm>,
) -> PageResult {
    let mut work = Vec::new();
    for a in st.store.class_assignments(class.id).await? {
        work.push(WorkLine {
            submitted: st.store.assignment_submitters(a.id).await?,
            id: a.id,
            title: a.question_title,
            slug: a.question_slug,
            opens: date_time(a.opens_at),
            due: date_time(a.due_at),
            timed: a.timed,
            allowed: a.attempts_allowed,
        });
    }
    let set = set.unwrap_or_else(|| {
        let at = now();
        SetWorkForm {
            question: String::new(),
            opens: datetime_value(at - at % 3600),
            due: datetime_value(at - at % 3600 + 7 * 86_400),
            timed: "on".into(),
            attempts: "1".into(),
        }
    });
    let members = st
        .accounts
        .class_members(class)
        .await?
        .into_iter()
        .map(|m| MemberLine {
            user_id: m.user_id,
            email: m.email,
            joined: date(m.joined_at),
        })
        .collect();
    let at = now();
    let packs = st
        .store
        .class_packs(class.id)
        .await?
        .into_iter()
        .filter(|p| p.active_at(at))
        .map(|p| {
            let what = p
                .scope
                .parse::<PackScope>()
                .map(|s| s.describe())
                .unwrap_or(p.scope);
            match p.expires_at {
                Some(e) => format!("{what}, until {}", date(e)),
                None => what,
            }
        })
        .collect();
    let status = if said.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut res = form_page(
        v,
        ClassPage {
            work,
            set,
            packs,
            teachers: st.store.class_teachers(class.id).await?,
            title: class.name.clone(),
            q: String::new(),
            nav: Nav::of(v),
            csrf: v.csrf().to_string(),
            class: ClassLine::of(class),
            members,
            message: said.message,
            error: said.error,
            email,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

async fn class_page(
    Teacher { visitor: v, user }: Teacher,
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(d): Query<Done>,
) -> PageResult {
    let class = taught(&st, &user, &id).await?;
    let message = match d.done.as_str() {
        "created" => Some(format!(
            "Class made. Give your students the code {} to join it.",
            show_class_code(&class.join_code)
        )),
        "added" => Some("Added to the class.".into()),
        "removed" => Some("Removed from the class.".into()),
        "teacher" => Some("Added as a teacher of the class.".into()),
        "set" => Some("Work set: the class sees it on their Classes page.".into()),
        _ => None,
    };
    let said = Said {
        message,
        ..Said::default()
    };
    class_view(&st, &v, &class, said, String::new()).await
}

#[derive(Deserialize)]
pub(crate) struct EmailForm {
    #[serde(default)]
    email: String,
}

async fn add_member(
    Teacher { visitor: v, user }: Teacher,
    State(st): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<EmailForm>,
) -> PageResult {
    let class = taught(&st, &user, &id).await?;
    match st.accounts.add_to_class(&user, &class, &f.email).await {
        Ok(_) => Ok(Redirect::to(&format!("/classes/{}?done=added", class.id)).into_response()),
        Err(e) => {
            let m = refusal(e)?;
            let said = Said {
                error: Some(format!(
                    "{m}. A student signs up first, or joins with the class code."
                )),
                ..Said::default()
            };
            class_view(&st, &v, &class, said, f.email).await
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct MemberForm {
    /// Missing or wrong: nobody to remove (404).
    #[serde(default)]
    user_id: i64,
}

async fn remove_member(
    Teacher { user, .. }: Teacher,
    State(st): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<MemberForm>,
) -> PageResult {
    let class = taught(&st, &user, &id).await?;
    if !st
        .store
        .remove_member(class.id, f.user_id, user.id, now())
        .await?
    {
        return Err(WebError::NotFound.into());
    }
    Ok(Redirect::to(&format!("/classes/{}?done=removed", class.id)).into_response())
}

async fn leave(
    SignedIn { user, .. }: SignedIn,
    State(st): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> PageResult {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    if !st.store.remove_member(id, user.id, user.id, now()).await? {
        return Err(WebError::NotFound.into());
    }
    Ok(Redirect::to("/classes?done=left").into_response())
}

async fn add_teacher(
    Teacher { visitor: v, user }: Teacher,
    State(st): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<EmailForm>,
) -> PageResult {
    let class = taught(&st, &user, &id).await?;
    match st.accounts.add_class_teacher(&user, &class, &f.email).await {
        Ok(_) => Ok(Redirect::to(&format!("/classes/{}?done=teacher", class.id)).into_response()),
        Err(e) => {
            let m = refusal(e)?;
            let said = Said {
                error: Some(format!("{m}.")),
                ..Said::default()
            };
            class_view(&st, &v, &class, said, String::new()).await
        }
    }
}

/// The set-work form as typed.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct SetWorkForm {
    /// A question's slug, or its address (`/questions/SLUG` or a full URL).
    #[serde(default)]
    question: String,
    #[serde(default)]
    opens: String,
    #[serde(default)]
    due: String,
    /// `on` when timed (a checkbox).
    #[serde(default)]
    timed: String,
    #[serde(default)]
    attempts: String,
}

/// The most submissions an assignment may allow each student.
const MAX_ATTEMPTS_ALLOWED: i64 = 10;

impl SetWorkForm {
    async fn validate(
        &self,
        st: &AppState,
        class: &SchoolClass,
        teacher_id: i64,
    ) -> Result<NewAssignment, String> {
        let q = self.question.trim();
        let slug = q.rsplit("/questions/").next().unwrap_or(q);
        let slug = slug.split(['/', '?', '#']).next().unwrap_or("").trim();
        // A library question, or one of this teacher's own questions (by its key).
        let known = match studypack_domain::Slug::own_question_id(slug) {
            Some(id) => match st.store.own_question(id).await {
                Ok(o) => o.is_some_and(|o| o.owner_id == teacher_id),
                Err(e) => return Err(crate::error::WebError::from(e).public_message()),
            },
            None => match crate::catalogue::published(st, slug).await {
                Ok(_) => true,
                Err(crate::error::WebError::NotFound) => false,
                Err(e) => return Err(e.public_message()),
            },
        };
        if slug.is_empty() || !known {
            return Err(
                "Question: paste the address of a question in the library (or its slug), or the key of one of your own questions (such as own--12)."
                    .into(),
            );
        }
        let opens = parse_datetime(&self.opens).ok_or("Opens: a date and time")?;
        let due = parse_datetime(&self.due).ok_or("Due: a date and time")?;
        if due <= opens {
            return Err("Due: after it opens".into());
        }
        let attempts = self
            .attempts
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_ATTEMPTS_ALLOWED).contains(n))
            .ok_or_else(|| format!("Attempts: a whole number from 1 to {MAX_ATTEMPTS_ALLOWED}"))?;
        Ok(NewAssignment {
            class_id: class.id,
            question_slug: slug.to_string(),
            opens_at: opens,
            due_at: due,
            timed: self.timed == "on",
            attempts_allowed: attempts,
        })
    }
}

async fn set_work(
    Teacher { visitor: v, user }: Teacher,
    State(st): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<SetWorkForm>,
) -> PageResult {
    let class = taught(&st, &user, &id).await?;
    match f.validate(&st, &class, user.id).await {
        Ok(new) => {
            st.store.create_assignment(&new, user.id, now()).await?;
            Ok(Redirect::to(&format!("/classes/{}?done=set", class.id)).into_response())
        }
        Err(m) => {
            let said = Said {
                error: Some(m),
                ..Said::default()
            };
            class_view_with(&st, &v, &class, said, String::new(), Some(f)).await
        }
    }
}

/// A student's way into set work: the practice page for its question, writing for it.
async fn open_assignment(
    SignedIn { user, .. }: SignedIn,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> PageResult {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let a = st
        .store
        .assignment_for_member(id, user.id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(Redirect::to(&format!(
        "/questions/{}/practice?assignment={}",
        a.question_slug, a.id
    ))
    .into_response())
}
