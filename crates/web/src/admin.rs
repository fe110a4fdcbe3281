//! The admin page: grant and revoke Study Packs, read the audit log.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use studypack_accounts::now;
use studypack_domain::PackScope;
use studypack_store::AuditEntry;

use crate::error::WebError;
use crate::guard::{Access, Admin, CsrfForm};
use crate::render::{Nav, PageResult, date, form_page};
use crate::routes::Table;
use crate::session::Visitor;
use crate::state::AppState;

pub(crate) fn routes() -> Table {
    Table::new().get("/admin", Access::Admin, admin_page).post(
        "/admin/packs",
        Access::Admin,
        change_pack,
    )
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
}

async fn view(
    st: &AppState,
    v: &Visitor,
    message: Option<String>,
    error: Option<String>,
) -> PageResult {
    let line = |e: AuditEntry| AuditLine {
        when: date(e.at),
        action: e.action,
        actor: e
            .actor_id
            .map(|a| format!("user {a}"))
            .unwrap_or_else(|| "command line".into()),
        user: e.user_id.map(|u| format!("user {u}")).unwrap_or_default(),
        detail: e.detail,
    };
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
                .audit_log(100)
                .await?
                .into_iter()
                .map(line)
                .collect(),
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
    view(&st, &v, None, None).await
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
    let outcome: Result<String, WebError> = async {
        let scope: PackScope = f
            .pack
            .parse()
            .map_err(|e: studypack_domain::error::InvalidValue| WebError::BadRequest(e.0))?;
        let days = match f.days.trim() {
            _ if f.action == "revoke" => None,
            "" => None,
            d => Some(
                d.parse::<i64>()
                    .ok()
                    .filter(|d| (1..=36_500).contains(d))
                    .ok_or_else(|| {
                        WebError::BadRequest(
                            "Days: a whole number from 1 to 36500, or empty".into(),
                        )
                    })?,
            ),
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
            Ok(format!("Revoked {n} pack(s) {scope} from {}.", user.email))
        } else {
            st.accounts
                .grant(
                    &f.email,
                    &scope,
                    days.map(|d| now() + d * 86_400),
                    Some(admin.id),
                )
                .await?;
            Ok(format!(
                "Granted {} to {}.",
                scope.describe(),
                f.email.trim()
            ))
        }
    }
    .await;
    match outcome {
        Ok(m) => view(&st, &v, Some(m), None).await,
        Err(WebError::BadRequest(e)) => view(&st, &v, None, Some(e)).await,
        Err(e) => Err(e.into()),
    }
}
