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
use studypack_store::{SchoolClass, User};

use crate::error::WebError;
use crate::guard::{Access, CsrfForm, SignedIn, Teacher};
use crate::render::{Nav, PageResult, date, form_page};
use crate::routes::Table;
use crate::session::Visitor;
use crate::state::AppState;

pub(crate) fn routes() -> Table {
    Table::new()
        .get("/classes", Access::SignedIn, classes_page)
        .post("/classes", Access::Teacher, create)
        .post("/classes/join", Access::SignedIn, join)
        .get("/classes/{id}", Access::Teacher, class_page)
        .post("/classes/{id}/members", Access::Teacher, add_member)
        .post("/classes/{id}/remove", Access::Teacher, remove_member)
        .post("/classes/{id}/teachers", Access::Teacher, add_teacher)
        .post("/classes/{id}/leave", Access::SignedIn, leave)
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
    message: Option<String>,
    error: Option<String>,
    max_name: usize,
    name: String,
    code: String,
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
        Err(e) => match WebError::from(e) {
            WebError::BadRequest(m) => {
                let said = Said {
                    error: Some(m),
                    name: f.name,
                    ..Said::default()
                };
                classes_view(&st, &v, &user, said).await
            }
            e => Err(e.into()),
        },
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
        Err(e) => match WebError::from(e) {
            WebError::BadRequest(m) => {
                let said = Said {
                    error: Some(m),
                    code: f.code,
                    ..Said::default()
                };
                classes_view(&st, &v, &user, said).await
            }
            e => Err(e.into()),
        },
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
    message: Option<String>,
    error: Option<String>,
    email: String,
}

/// The class, if this teacher teaches it; otherwise "not found" (nobody learns it exists).
async fn taught(st: &AppState, teacher: &User, id: &str) -> Result<SchoolClass, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    st.store
        .class_taught(id, teacher.id)
        .await?
        .ok_or(WebError::NotFound)
}

async fn class_view(
    st: &AppState,
    v: &Visitor,
    class: &SchoolClass,
    said: Said,
    email: String,
) -> PageResult {
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
        Err(e) => match WebError::from(e) {
            WebError::BadRequest(m) => {
                let said = Said {
                    error: Some(format!(
                        "{m}. A student signs up first, or joins with the class code."
                    )),
                    ..Said::default()
                };
                class_view(&st, &v, &class, said, f.email).await
            }
            e => Err(e.into()),
        },
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

/// A form with nothing but its CSRF token.
#[derive(Deserialize)]
pub(crate) struct NoFields {}

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
        Err(e) => match WebError::from(e) {
            WebError::BadRequest(m) => {
                let said = Said {
                    error: Some(format!("{m}.")),
                    ..Said::default()
                };
                class_view(&st, &v, &class, said, String::new()).await
            }
            e => Err(e.into()),
        },
    }
}
