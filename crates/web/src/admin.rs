//! The admin page: grant and revoke Study Packs, make licence codes and see which were
//! redeemed, read the audit log.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use studypack_accounts::now;
use studypack_domain::{PackScope, Topic};
use studypack_store::{AuditEntry, LicenceCode, TEACHER_CODE_SCOPE};

use crate::error::WebError;
use crate::guard::{Access, Admin, CsrfForm};
use crate::render::{Nav, PageResult, date_time, form_page};
use crate::routes::Table;
use crate::session::Visitor;
use crate::state::AppState;

pub(crate) fn routes() -> Table {
    Table::new()
        .get("/admin", Access::Admin, admin_page)
        .post("/admin/packs", Access::Admin, change_pack)
        .post("/admin/codes", Access::Admin, make_codes)
        .post("/admin/teachers", Access::Admin, change_teacher)
        .post("/admin/class-packs", Access::Admin, grant_class_pack)
}

/// How many licence codes one form may make (the command line makes more).
const MAX_CODES_PER_FORM: usize = 500;
/// How many of the latest codes and audit lines the page lists.
const LISTED: u32 = 100;

/// The packs an admin can choose: every scope the library's topics give, as
/// (group, stored form, label).
fn scope_options(topics: &[Topic]) -> Vec<(&'static str, String, String)> {
    let mut out = vec![(
        "Everything",
        PackScope::All.to_string(),
        "Every model essay".to_string(),
    )];
    let mut add = |group: &'static str, scope: PackScope| {
        let value = scope.to_string();
        if !out.iter().any(|(_, v, _)| *v == value) {
            let label = match &scope {
                PackScope::Topic(slug) => topics
                    .iter()
                    .find(|t| t.slug == *slug)
                    .map(|t| t.title.clone())
                    .unwrap_or_else(|| slug.to_string()),
                PackScope::Subject(s) => s.clone(),
                PackScope::Board(b) => b.to_string(),
                PackScope::Level(l) => l.to_string(),
                PackScope::All => "Every model essay".into(),
            };
            out.push((group, value, label));
        }
    };
    for t in topics {
        if let Some(b) = t.board {
            add("Board", PackScope::Board(b));
        }
    }
    for t in topics {
        if let Some(l) = t.level {
            add("Level", PackScope::Level(l));
        }
    }
    for t in topics {
        add("Subject", PackScope::Subject(t.subject.clone()));
    }
    for t in topics {
        add("Topic", PackScope::Topic(t.slug.clone()));
    }
    out
}

struct ScopeGroup {
    name: &'static str,
    options: Vec<(String, String)>,
}

fn scope_groups(topics: &[Topic]) -> Vec<ScopeGroup> {
    let mut groups: Vec<ScopeGroup> = Vec::new();
    for (group, value, label) in scope_options(topics) {
        match groups.last_mut() {
            Some(g) if g.name == group => g.options.push((value, label)),
            _ => groups.push(ScopeGroup {
                name: group,
                options: vec![(value, label)],
            }),
        }
    }
    groups
}

struct CodeLine {
    fingerprint: String,
    pack: String,
    made: String,
    days: String,
    status: String,
}

impl CodeLine {
    fn of(c: LicenceCode) -> CodeLine {
        CodeLine {
            fingerprint: c.fingerprint,
            pack: if c.scope == TEACHER_CODE_SCOPE {
                "a teacher's account".into()
            } else {
                c.scope
                    .parse::<PackScope>()
                    .map(|s| s.describe())
                    .unwrap_or(c.scope)
            },
            made: date_time(c.created_at),
            days: c
                .days
                .map(|d| format!("{d} days from redemption"))
                .unwrap_or_else(|| "no end date".into()),
            status: match (c.redeemed_by, c.redeemed_at) {
                (Some(who), Some(at)) => format!("redeemed by {who}, {}", date_time(at)),
                (None, Some(at)) => format!("redeemed {}", date_time(at)),
                _ => "not redeemed".into(),
            },
        }
    }
}

struct AuditLine {
    when: String,
    action: String,
    actor: String,
    user: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    title: String,
    q: String,
    nav: Nav,
    csrf: String,
    message: Option<String>,
    error: Option<String>,
    log: Vec<AuditLine>,
    scopes: Vec<ScopeGroup>,
    codes: Vec<CodeLine>,
    /// Codes just made: shown once, on the page that made them.
    new_codes: String,
}

/// What a form did, for the page shown after it.
#[derive(Default)]
struct Outcome {
    message: Option<String>,
    error: Option<String>,
    new_codes: Vec<String>,
}

async fn view(st: &AppState, v: &Visitor, outcome: Outcome) -> PageResult {
    let Outcome {
        message,
        error,
        new_codes,
    } = outcome;
    let line = |e: AuditEntry| AuditLine {
        when: date_time(e.at),
        action: e.action,
        // An account that was removed since keeps its number.
        actor: match (e.actor_email, e.actor_id) {
            (Some(email), _) => email,
            (None, Some(id)) => format!("account {id} (removed)"),
            (None, None) => "command line".into(),
        },
        user: match (e.user_email, e.user_id) {
            (Some(email), _) => email,
            (None, Some(id)) => format!("account {id} (removed)"),
            (None, None) => String::new(),
        },
        detail: e.detail,
    };
    let topics = st.store.topics().await?;
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut res = form_page(
        v,
        AdminPage {
            title: "Admin".into(),
            q: String::new(),
            nav: Nav::of(v),
            csrf: v.csrf().to_string(),
            message,
            error,
            log: st
                .store
                .audit_log(LISTED)
                .await?
                .into_iter()
                .map(line)
                .collect(),
            scopes: scope_groups(&topics),
            codes: st
                .store
                .licence_codes(LISTED)
                .await?
                .into_iter()
                .map(CodeLine::of)
                .collect(),
            new_codes: new_codes.join("\n"),
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// A stored scope and a typed one name the same pack (subjects compare without case).
fn same_scope(stored: &str, scope: &PackScope) -> bool {
    stored.to_lowercase() == scope.to_string().to_lowercase()
}

async fn admin_page(Admin { visitor: v, .. }: Admin, State(st): State<AppState>) -> PageResult {
    view(&st, &v, Outcome::default()).await
}

/// `days` as typed: empty for no end date, else 1 to 36,500.
fn parse_days(days: &str) -> Result<Option<i64>, WebError> {
    match days.trim() {
        "" => Ok(None),
        d => d
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=36_500).contains(d))
            .map(Some)
            .ok_or_else(|| {
                WebError::BadRequest("Days: a whole number from 1 to 36500, or empty".into())
            }),
    }
}

fn parse_scope(pack: &str) -> Result<PackScope, WebError> {
    pack.parse()
        .map_err(|e: studypack_domain::error::InvalidValue| WebError::BadRequest(e.0))
}

/// The page after a form: its message, or the form's error (400), or a failure.
async fn after(st: &AppState, v: &Visitor, outcome: Result<Outcome, WebError>) -> PageResult {
    match outcome {
        Ok(o) => view(st, v, o).await,
        Err(WebError::BadRequest(e)) => {
            view(
                st,
                v,
                Outcome {
                    error: Some(e),
                    ..Outcome::default()
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(crate) struct PackForm {
    /// `grant` or `revoke`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    pack: String,
    #[serde(default)]
    days: String,
}

async fn change_pack(
    Admin {
        visitor: v,
        user: admin,
    }: Admin,
    State(st): State<AppState>,
    CsrfForm(f): CsrfForm<PackForm>,
) -> PageResult {
    let outcome: Result<Outcome, WebError> = async {
        let scope = parse_scope(&f.pack)?;
        let days = if f.action == "revoke" {
            None
        } else {
            parse_days(&f.days)?
        };
        if f.action == "revoke" {
            let user = st.accounts.user(&f.email).await?;
            let mut n = 0;
            for e in st.accounts.entitlements(&user).await? {
                if same_scope(&e.scope, &scope)
                    && e.revoked_at.is_none()
                    && st.accounts.revoke(e.id, Some(admin.id)).await?
                {
                    n += 1;
                }
            }
            Ok(Outcome {
                message: Some(format!(
                    "Revoked {n} {} ({}) from {}.",
                    if n == 1 { "pack" } else { "packs" },
                    scope.describe(),
                    user.email
                )),
                ..Outcome::default()
            })
        } else {
            st.accounts
                .grant(
                    &f.email,
                    &scope,
                    days.map(|d| now() + d * 86_400),
                    Some(admin.id),
                )
                .await?;
            Ok(Outcome {
                message: Some(format!(
                    "Granted {} to {}.",
                    scope.describe(),
                    f.email.trim()
                )),
                ..Outcome::default()
            })
        }
    }
    .await;
    after(&st, &v, outcome).await
}

#[derive(Deserialize)]
pub(crate) struct CodesForm {
    #[serde(default)]
    pack: String,
    #[serde(default)]
    count: String,
    #[serde(default)]
    days: String,
}

/// Makes licence codes and shows them once: only their hashes are kept.
async fn make_codes(
    Admin {
        visitor: v,
        user: admin,
    }: Admin,
    State(st): State<AppState>,
    CsrfForm(f): CsrfForm<CodesForm>,
) -> PageResult {
    let outcome: Result<Outcome, WebError> = async {
        let count = f
            .count
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_CODES_PER_FORM).contains(n))
            .ok_or_else(|| {
                WebError::BadRequest(format!(
                    "How many: a whole number from 1 to {MAX_CODES_PER_FORM}"
                ))
            })?;
        let days = parse_days(&f.days)?;
        let (codes, what) = if f.pack == TEACHER_CODE_SCOPE {
            let codes = st
                .accounts
                .create_teacher_codes(count, Some(admin.id))
                .await?;
            (codes, "teacher accounts".to_string())
        } else {
            let scope = parse_scope(&f.pack)?;
            let codes = st
                .accounts
                .create_codes(&scope, count, days, Some(admin.id))
                .await?;
            (codes, scope.describe())
        };
        Ok(Outcome {
            message: Some(format!(
                "Made {count} {} for {}. Copy {} now: studypack keeps only a hash, so {} cannot be shown again.",
                if count == 1 { "code" } else { "codes" },
                what,
                if count == 1 { "it" } else { "them" },
                if count == 1 { "it" } else { "they" },
            )),
            new_codes: codes,
            ..Outcome::default()
        })
    }
    .await;
    after(&st, &v, outcome).await
}

#[derive(Deserialize)]
pub(crate) struct TeacherForm {
    /// `grant` or `revoke`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    email: String,
}

/// Makes an account a teacher's (classes, set work), or takes that away.
async fn change_teacher(
    Admin {
        visitor: v,
        user: admin,
    }: Admin,
    State(st): State<AppState>,
    CsrfForm(f): CsrfForm<TeacherForm>,
) -> PageResult {
    let grant = f.action != "revoke";
    let outcome = st
        .accounts
        .set_teacher(&f.email, grant, Some(admin.id))
        .await
        .map(|u| Outcome {
            message: Some(if grant {
                format!("{} is a teacher: they can now make classes.", u.email)
            } else {
                format!("{} is no longer a teacher.", u.email)
            }),
            ..Outcome::default()
        })
        .map_err(WebError::from);
    after(&st, &v, outcome).await
}

#[derive(Deserialize)]
pub(crate) struct ClassPackForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    pack: String,
    #[serde(default)]
    days: String,
}

/// A school licence: a pack for every member of a class, while they are in it.
async fn grant_class_pack(
    Admin {
        visitor: v,
        user: admin,
    }: Admin,
    State(st): State<AppState>,
    CsrfForm(f): CsrfForm<ClassPackForm>,
) -> PageResult {
    let outcome: Result<Outcome, WebError> = async {
        let scope = parse_scope(&f.pack)?;
        let days = parse_days(&f.days)?;
        let (class, _) = st
            .accounts
            .grant_class_pack(&f.code, &scope, days, Some(admin.id))
            .await?;
        Ok(Outcome {
            message: Some(format!(
                "Granted {} to every student in {} while they are in it.",
                scope.describe(),
                class.name
            )),
            ..Outcome::default()
        })
    }
    .await;
    after(&st, &v, outcome).await
}
