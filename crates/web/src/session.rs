//! Who is asking: the session cookie (or an API bearer token), the CSRF token forms must
//! carry, and the client's address for rate limits.
//!
//! Every request passes through [`load_visitor`], which puts a [`Visitor`] in the request's
//! extensions. Responses to signed-in visitors are marked `Cache-Control: private, no-store`
//! so that no shared cache keeps a page that may hold premium text.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use studypack_accounts::{Access, random_token};
use studypack_store::{Session, User};

use crate::error::WebError;
use crate::state::AppState;

/// The session cookie: an opaque token whose hash names a row in `sessions`.
pub const SESSION_COOKIE: &str = "sp_session";
/// The CSRF cookie of visitors who are not signed in (double-submit).
pub const CSRF_COOKIE: &str = "sp_csrf";
/// The header API clients using the session cookie send the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The visitor of one request.
#[derive(Clone, Debug, Default)]
pub struct Visitor {
    pub session: Option<Session>,
    /// The session token from the cookie or the `Authorization` header.
    pub token: Option<String>,
    /// Authenticated by `Authorization: Bearer`, not by a cookie (no CSRF risk).
    pub bearer: bool,
    /// The anonymous CSRF token: from the cookie, or new (then it must be set).
    pub anon_csrf: String,
    pub anon_csrf_is_new: bool,
    pub address: String,
    /// Whether cookies get `Secure` (served over TLS).
    pub secure: bool,
    /// A one-time notice for the page after a redirect (read from its cookie, then cleared).
    pub notice: Option<Notice>,
}

/// The one-time notices a redirect can leave for the next page. The cookie carries only
/// the name of one of these, never text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// An account was just created (the page says so, and who is signed in).
    Welcome,
}

impl Notice {
    const COOKIE: &'static str = "studypack_notice";

    fn name(self) -> &'static str {
        match self {
            Notice::Welcome => "welcome",
        }
    }

    fn parse(s: &str) -> Option<Notice> {
        (s == "welcome").then_some(Notice::Welcome)
    }

    /// The `Set-Cookie` that leaves this notice for the next page (five minutes at most).
    pub fn set(self, v: &Visitor) -> Option<HeaderValue> {
        cookie(Notice::COOKIE, self.name(), Some(300), v.secure, "Lax")
    }
}

impl Visitor {
    pub fn user(&self) -> Option<&User> {
        self.session.as_ref().map(|s| &s.user)
    }

    /// The CSRF token this visitor's forms carry.
    pub fn csrf(&self) -> &str {
        match &self.session {
            Some(s) => &s.csrf,
            None => &self.anon_csrf,
        }
    }

    /// Checks a form's CSRF token.
    pub fn check_csrf(&self, sent: &str) -> Result<(), WebError> {
        let expected = self.csrf();
        if !expected.is_empty() && constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
            Ok(())
        } else {
            Err(WebError::Forbidden(
                "This form has expired or came from another site. Go back, reload the page and try again.".into(),
            ))
        }
    }

    /// Checks an API write: bearer clients need nothing more; cookie clients send the
    /// session's CSRF token in `X-CSRF-Token`.
    pub fn check_api_csrf(&self, headers: &HeaderMap) -> Result<(), WebError> {
        if self.bearer || self.session.is_none() {
            return Ok(());
        }
        let sent = headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        self.check_csrf(sent)
    }

    /// Who the rate limits count: the user, or else the address.
    pub fn rate_key(&self) -> String {
        match self.user() {
            Some(u) => format!("user:{}", u.id),
            None => format!("addr:{}", self.address),
        }
    }

    pub async fn access(&self, st: &AppState) -> Result<Access, WebError> {
        Ok(st.accounts.access(self.user()).await?)
    }

    /// The `Set-Cookie` for a new anonymous CSRF token, when this response must carry one.
    pub fn csrf_cookie(&self) -> Option<HeaderValue> {
        (self.session.is_none() && self.anon_csrf_is_new)
            .then(|| {
                cookie(
                    CSRF_COOKIE,
                    &self.anon_csrf,
                    Some(24 * 3600),
                    self.secure,
                    "Strict",
                )
            })
            .flatten()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = axum::http::StatusCode;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Visitor, Self::Rejection> {
        parts.extensions.get::<Visitor>().cloned().ok_or_else(|| {
            tracing::error!("the visitor middleware is missing from this route");
            axum::http::StatusCode::INTERNAL_SERVER_ERROR
        })
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A `Set-Cookie` value: `HttpOnly`, `Path=/`, the given `SameSite`, `Secure` over TLS.
/// `max_age` `None` is a session cookie; `Some(0)` deletes.
pub fn cookie(
    name: &str,
    value: &str,
    max_age: Option<i64>,
    secure: bool,
    same_site: &str,
) -> Option<HeaderValue> {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
    if let Some(a) = max_age {
        c.push_str(&format!("; Max-Age={a}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).ok()
}

fn client_address(req: &Request, trust_proxy: bool) -> String {
    if trust_proxy {
        // The proxy appends the address it saw last.
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|s| !s.is_empty());
        if let Some(a) = forwarded {
            return a.chars().take(64).collect();
        }
    }
    match req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    {
        // One IPv6 host usually holds a whole /64: count the /64.
        Some(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(ip) => ip.to_canonical().to_string(),
        None => "unknown".into(),
    }
}

/// Loads the visitor into the request; marks signed-in responses private.
pub async fn load_visitor(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let headers = req.headers();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let cookie_token = read_cookie(headers, SESSION_COOKIE);
    let secure = st.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    let (token, is_bearer) = match (bearer, cookie_token) {
        (Some(b), _) => (Some(b), true),
        (None, c) => (c, false),
    };
    let session = match &token {
        Some(t) => match st.accounts.session(t).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "loading a session");
                None
            }
        },
        None => None,
    };
    let anon = read_cookie(req.headers(), CSRF_COOKIE);
    let notice = read_cookie(req.headers(), Notice::COOKIE).and_then(|n| Notice::parse(&n));
    let visitor = Visitor {
        bearer: is_bearer && session.is_some(),
        token: token.filter(|_| session.is_some()),
        anon_csrf_is_new: anon.is_none(),
        anon_csrf: anon.unwrap_or_else(random_token),
        address: client_address(&req, st.config.trust_proxy),
        secure,
        session,
        notice,
    };
    let signed_in = visitor.session.is_some();
    req.extensions_mut().insert(visitor);
    let mut res = next.run(req).await;
    // A notice is shown once: the page that read it clears it (a redirect passes it on).
    if notice.is_some()
        && !res.status().is_redirection()
        && let Some(c) = cookie(Notice::COOKIE, "", Some(0), secure, "Lax")
    {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    if signed_in {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    res
}
