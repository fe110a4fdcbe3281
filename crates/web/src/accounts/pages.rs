//! Sign up, sign in, sign out, the first-start setup, the account page (password, packs) and
//! redeeming licence codes.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use studypack_accounts::{AccountError, NewSession, Redeemed, now};
use studypack_domain::PackScope;

use crate::error::WebError;
use crate::guard::{CsrfForm, SignedIn};
use crate::render::{Nav, PageError, PageResult, date, form_page};
use crate::session::{SESSION_COOKIE, Visitor, cookie};
use crate::state::AppState;

/// The session cookie for a new session (`SameSite=Lax`: it comes along when a student
/// follows a link to the site, never on another site's form posts).
pub(crate) fn session_cookie(v: &Visitor, token: &str) -> Option<HeaderValue> {
    cookie(
        SESSION_COOKIE,
        token,
        Some(studypack_accounts::SESSION_SECONDS),
        v.secure,
        "Lax",
    )
}

/// Where to go after signing in: a path on this site only (`/` then anything but another
/// slash or backslash; visible ASCII only, so that no tab or newline can turn it into
/// `//elsewhere`).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.len() < 300
                && n.starts_with('/')
                && !n[1..].starts_with(['/', '\\'])
                && n.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            n.to_string()
        }
        _ => "/account".into(),
    }
}

/// Redirects with the new session's cookie set.
fn signed_in(v: &Visitor, new: &NewSession, to: &str) -> Response {
    let mut res = Redirect::to(to).into_response();
    if let Some(c) = session_cookie(v, &new.token) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

#[derive(Template)]
#[template(path = "auth.html")]
struct AuthPage {
    title: String,
    q: String,
    nav: Nav,
    csrf: String,
    /// `signin`, `signup` or `setup`.
    mode: &'static str,
    action: String,
    email: String,
    error: Option<String>,
    next: String,
}

#[derive(Deserialize, Default)]
pub struct NextParam {
    next: Option<String>,
    token: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct Credentials {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    token: String,
}

fn auth_page(
    v: &Visitor,
    mode: &'static str,
    email: &str,
    error: Option<String>,
    next: &str,
    status: StatusCode,
) -> PageResult {
    let (title, action) = match mode {
        "signup" => ("Create an account", "/signup".to_string()),
        "setup" => ("Create the admin account", "/setup".to_string()),
        _ => ("Sign in", "/signin".to_string()),
    };
    let mut res = form_page(
        v,
        AuthPage {
            title: title.into(),
            q: String::new(),
            nav: Nav::of(v),
            csrf: v.csrf().to_string(),
            mode,
            action,
            email: email.to_string(),
            error,
            next: next.to_string(),
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// An account error that the form it came from shows: its message and status, and for a rate
/// limit the seconds to wait. Other errors go on to the error page.
struct FormError {
    message: String,
    status: StatusCode,
    retry_after: Option<i64>,
}

impl FormError {
    /// The error as its form shows it, if `shows` says the form shows that kind of error.
    fn of(e: AccountError, shows: fn(&WebError) -> bool) -> Result<FormError, PageError> {
        let e = WebError::from(e);
        if !shows(&e) {
            return Err(PageError::from(e));
        }
        Ok(FormError {
            message: e.public_message(),
            status: e.status(),
            retry_after: e.retry_after(),
        })
    }

    /// The form, shown again with the error, and `Retry-After` if it was a rate limit.
    fn on(self, mut form: Response) -> Response {
        if let Some(s) = self.retry_after {
            form.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s.max(1)));
        }
        form
    }
}

/// An account error shown on the sign-in or sign-up form (rate limits keep their 429).
fn form_error(
    v: &Visitor,
    mode: &'static str,
    email: &str,
    next: &str,
    e: AccountError,
) -> PageResult {
    let shown = FormError::of(e, |e| {
        matches!(
            e,
            WebError::BadRequest(_)
                | WebError::Forbidden(_)
                | WebError::BadCredentials(_)
                | WebError::TooManyRequests(_)
        )
    })?;
    let form = auth_page(
        v,
        mode,
        email,
        Some(shown.message.clone()),
        next,
        shown.status,
    )?;
    Ok(shown.on(form))
}

pub(crate) async fn sign_in_page(v: Visitor, Query(p): Query<NextParam>) -> PageResult {
    auth_page(
        &v,
        "signin",
        "",
        None,
        &safe_next(p.next.as_deref()),
        StatusCode::OK,
    )
}

pub(crate) async fn sign_in(
    v: Visitor,
    State(st): State<AppState>,
    CsrfForm(f): CsrfForm<Credentials>,
) -> PageResult {
    let next = safe_next(Some(&f.next));
    match st.accounts.sign_in(&f.email, &f.password, &v.address).await {
        Ok(new) => {
            // A session the visitor had before is ended: the new one has a new id.
            if let Some(old) = &v.token {
                st.accounts.sign_out(old).await?;
            }
            Ok(signed_in(&v, &new, &next))
        }
        Err(e) => form_error(&v, "signin", &f.email, &next, e),
    }
}

pub(crate) async fn sign_up_page(v: Visitor, Query(p): Query<NextParam>) -> PageResult {
    auth_page(
        &v,
        "signup",
        "",
        None,
        &safe_next(p.next.as_deref()),
        StatusCode::OK,
    )
}

pub(crate) async fn sign_up(
    v: Visitor,
    State(st): State<AppState>,
    CsrfForm(f): CsrfForm<Credentials>,
) -> PageResult {
    let next = safe_next(Some(&f.next));
    match st.accounts.sign_up(&f.email, &f.password, &v.address).await {
        Ok(new) => {
            if let Some(old) = &v.token {
                st.accounts.sign_out(old).await?;
            }
            let mut res = signed_in(&v, &new, &next);
            if let Some(c) = crate::session::Notice::Welcome.set(&v) {
                res.headers_mut().append(header::SET_COOKIE, c);
            }
            Ok(res)
        }
        Err(e) => form_error(&v, "signup", &f.email, &next, e),
    }
}

/// A form with nothing but its CSRF token.
#[derive(Deserialize)]
pub(crate) struct Empty {}

pub(crate) async fn sign_out(
    v: Visitor,
    State(st): State<AppState>,
    CsrfForm(Empty {}): CsrfForm<Empty>,
) -> PageResult {
    if let Some(t) = &v.token {
        st.accounts.sign_out(t).await?;
    }
    let mut res = Redirect::to("/").into_response();
    if let Some(c) = cookie(SESSION_COOKIE, "", Some(0), v.secure, "Lax") {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    // The browser's copies of drafts (localStorage) go with the session; the account page's
    // script does the same where the browser ignores this header (plain HTTP).
    res.headers_mut().insert(
        header::HeaderName::from_static("clear-site-data"),
        header::HeaderValue::from_static("\"storage\""),
    );
    Ok(res)
}

pub(crate) async fn setup_page(v: Visitor, Query(p): Query<NextParam>) -> PageResult {
    auth_page(
        &v,
        "setup",
        "",
        None,
        p.token.as_deref().unwrap_or(""),
        StatusCode::OK,
    )
}

pub(crate) async fn setup(
    v: Visitor,
    State(st): State<AppState>,
    CsrfForm(f): CsrfForm<Credentials>,
) -> PageResult {
    // The setup page keeps the token from its link in the form (in `next`'s place).
    match st
        .accounts
        .complete_setup(&f.token, &f.email, &f.password)
        .await
    {
        Ok(new) => Ok(signed_in(&v, &new, "/account")),
        Err(e) => form_error(&v, "setup", &f.email, &f.token, e),
    }
}

struct PackLine {
    covers: String,
    scope: String,
    state: &'static str,
    until: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    title: String,
    q: String,
    nav: Nav,
    csrf: String,
    email: String,
    role: String,
    packs: Vec<PackLine>,
    message: Option<String>,
    error: Option<String>,
}

async fn account_view(
    st: &AppState,
    v: &Visitor,
    user: &studypack_store::User,
    message: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let at = now();
    let packs = st
        .accounts
        .entitlements(user)
        .await?
        .into_iter()
        .map(|e| PackLine {
            covers: e
                .scope
                .parse::<PackScope>()
                .map(|s| s.describe())
                .unwrap_or_else(|_| e.scope.clone()),
            state: if e.revoked_at.is_some() {
                "revoked"
            } else if e.active_at(at) {
                "active"
            } else {
                "expired"
            },
            until: e
                .expires_at
                .map(date)
                .unwrap_or_else(|| "no end date".into()),
            scope: e.scope,
        })
        .chain(
            st.accounts
                .member_class_packs(user)
                .await?
                .into_iter()
                .map(|p| PackLine {
                    covers: format!(
                        "{}, from your class {}",
                        p.scope
                            .parse::<PackScope>()
                            .map(|s| s.describe())
                            .unwrap_or_else(|_| p.scope.clone()),
                        p.class_name
                    ),
                    state: if p.revoked_at.is_some() {
                        "revoked"
                    } else if p.active_at(at) {
                        "active"
                    } else {
                        "expired"
                    },
                    until: p
                        .expires_at
                        .map(date)
                        .unwrap_or_else(|| "while you are in the class".into()),
                    scope: p.scope,
                }),
        )
        .collect();
    let mut res = form_page(
        v,
        AccountPage {
            title: "Your account".into(),
            q: String::new(),
            nav: Nav::of(v),
            csrf: v.csrf().to_string(),
            email: user.email.clone(),
            role: user.role.label().into(),
            packs,
            message,
            error,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

pub(crate) async fn account_page(
    SignedIn { visitor: v, user }: SignedIn,
    State(st): State<AppState>,
) -> PageResult {
    account_view(&st, &v, &user, None, None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub(crate) struct PasswordChange {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
}

pub(crate) async fn change_password(
    SignedIn { visitor: v, user }: SignedIn,
    State(st): State<AppState>,
    CsrfForm(f): CsrfForm<PasswordChange>,
) -> PageResult {
    let token = v.token.clone().unwrap_or_default();
    match st
        .accounts
        .change_password(&user, &f.current, &f.new, &token, &v.address)
        .await
    {
        Ok(()) => {
            account_view(
                &st,
                &v,
                &user,
                Some("Your password has been changed. Other devices have been signed out.".into()),
                None,
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            let shown = FormError::of(e, |e| {
                matches!(
                    e,
                    WebError::BadRequest(_)
                        | WebError::Forbidden(_)
                        | WebError::BadCredentials(_)
                        | WebError::TooManyRequests(_)
                )
            })?;
            let form = account_view(
                &st,
                &v,
                &user,
                None,
                Some(shown.message.clone()),
                shown.status,
            );
            Ok(shown.on(form.await?))
        }
    }
}

#[derive(Template)]
#[template(path = "redeem.html")]
struct RedeemPage {
    title: String,
    q: String,
    nav: Nav,
    csrf: String,
    code: String,
    message: Option<String>,
    error: Option<String>,
    /// The question page the student came from (empty: none), to go back to after redeeming.
    next: String,
}

/// Where a redeem page sends the student back to: a question page they came from, or nothing.
fn question_to_return_to(next: Option<&str>) -> String {
    let next = safe_next(next);
    if next.starts_with("/questions/") {
        next
    } else {
        String::new()
    }
}

fn redeem_view(
    v: &Visitor,
    code: &str,
    next: &str,
    message: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let mut res = form_page(
        v,
        RedeemPage {
            title: "Redeem a Study Pack code".into(),
            q: String::new(),
            nav: Nav::of(v),
            csrf: v.csrf().to_string(),
            code: code.to_string(),
            message,
            error,
            next: next.to_string(),
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

pub(crate) async fn redeem_page(
    SignedIn { visitor: v, .. }: SignedIn,
    Query(p): Query<NextParam>,
) -> PageResult {
    let next = question_to_return_to(p.next.as_deref());
    redeem_view(&v, "", &next, None, None, StatusCode::OK)
}

#[derive(Deserialize)]
pub(crate) struct RedeemForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

pub(crate) async fn redeem(
    SignedIn { visitor: v, user }: SignedIn,
    State(st): State<AppState>,
    CsrfForm(f): CsrfForm<RedeemForm>,
) -> PageResult {
    let next = question_to_return_to(Some(&f.next));
    match st.accounts.redeem(&user, &f.code).await {
        Ok(Redeemed::Teacher) => redeem_view(
            &v,
            "",
            "",
            Some("Done: your account is now a teacher's. Make a class on the Classes page.".into()),
            None,
            StatusCode::OK,
        ),
        Ok(Redeemed::Pack(e)) => {
            let covers = e
                .scope
                .parse::<PackScope>()
                .map(|s| s.describe())
                .unwrap_or(e.scope);
            let until = e
                .expires_at
                .map(|x| format!(" until {}", date(x)))
                .unwrap_or_default();
            redeem_view(
                &v,
                "",
                &next,
                Some(format!("Done: your Study Pack now opens {covers}{until}.")),
                None,
                StatusCode::OK,
            )
        }
        Err(e) => {
            let shown = FormError::of(e, |e| {
                matches!(e, WebError::BadRequest(_) | WebError::TooManyRequests(_))
            })?;
            let form = redeem_view(
                &v,
                &f.code,
                &next,
                None,
                Some(shown.message.clone()),
                shown.status,
            )?;
            Ok(shown.on(form))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_and_next() {
        assert_eq!(super::safe_next(Some("/redeem")), "/redeem");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "",
            "/\t/evil.example",
            "/x\r\nSet-Cookie: a=b",
            "/ /evil",
        ] {
            assert_eq!(super::safe_next(Some(bad)), "/account", "{bad}");
        }
    }
}
