//! Guards in the handlers' types: who may call a handler ([`SignedIn`], [`Editor`],
//! [`Admin`]) and how a request that changes state proves it came from our own pages
//! ([`CsrfForm`], [`CsrfHeader`], [`JsonSignIn`]).
//!
//! Every extractor a handler may take says, through [`Declares`], what access it demands and
//! what CSRF proof it gives; [`HandlerArgs`] adds them up over a handler's arguments. The
//! route table (`routes.rs`) uses this twice:
//!
//! - a `POST`, `PUT` or `DELETE` handler that takes no CSRF guard **does not compile**
//!   (a `const` assertion on its argument types);
//! - the access written in the table must be the one the handler's guard enforces, or the
//!   router refuses to build (every test and every start builds it).
//!
//! An extractor type that has not declared itself cannot be used in a routed handler at all.

use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use studypack_domain::Role;
use studypack_store::User;

use crate::error::WebError;
use crate::extract::{ApiError, ApiJson, ApiQuery};
use crate::render::PageError;
use crate::session::Visitor;
use crate::state::AppState;

/// Who may use a route, from the least to the most trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account.
    SignedIn,
    /// Editors and admins.
    Editor,
    /// Accounts an admin made teachers (whatever their role).
    Teacher,
    /// Admins.
    Admin,
}

/// How a route that changes state is protected against cross-site requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Csrf {
    /// Reads only (GET).
    ReadOnly,
    /// The form's `csrf` field, or `X-CSRF-Token` for API clients using the session cookie.
    Token,
    /// A JSON-only sign-in: a cross-site page cannot send `application/json` without CORS.
    JsonSignIn,
}

/// What an extractor demands of the caller and what it proves about the request.
pub trait Declares {
    /// The access the extractor enforces (it rejects anyone with less).
    const ACCESS: Access = Access::Public;
    /// The CSRF proof the extractor checks, if any.
    const CSRF: Option<Csrf> = None;
}

/// What a handler's arguments, together, enforce: the strictest access of any argument and
/// the CSRF proof of the first that checks one.
pub trait HandlerArgs {
    const ACCESS: Access;
    const CSRF: Option<Csrf>;
}

const fn stricter(a: Access, b: Access) -> Access {
    if (a as u8) >= (b as u8) { a } else { b }
}

const fn either(a: Option<Csrf>, b: Option<Csrf>) -> Option<Csrf> {
    match a {
        Some(_) => a,
        None => b,
    }
}

/// A handler without arguments is public and checks nothing.
impl HandlerArgs for ((),) {
    const ACCESS: Access = Access::Public;
    const CSRF: Option<Csrf> = None;
}

// axum's `Handler<(M, T1, …, Tn), S>`: `M` marks how the last argument is extracted.
impl<M, A: Declares> HandlerArgs for (M, A) {
    const ACCESS: Access = A::ACCESS;
    const CSRF: Option<Csrf> = A::CSRF;
}
impl<M, A: Declares, B: Declares> HandlerArgs for (M, A, B) {
    const ACCESS: Access = stricter(A::ACCESS, B::ACCESS);
    const CSRF: Option<Csrf> = either(A::CSRF, B::CSRF);
}
impl<M, A: Declares, B: Declares, C: Declares> HandlerArgs for (M, A, B, C) {
    const ACCESS: Access = stricter(A::ACCESS, stricter(B::ACCESS, C::ACCESS));
    const CSRF: Option<Csrf> = either(A::CSRF, either(B::CSRF, C::CSRF));
}
impl<M, A: Declares, B: Declares, C: Declares, D: Declares> HandlerArgs for (M, A, B, C, D) {
    const ACCESS: Access = stricter(
        stricter(A::ACCESS, B::ACCESS),
        stricter(C::ACCESS, D::ACCESS),
    );
    const CSRF: Option<Csrf> = either(either(A::CSRF, B::CSRF), either(C::CSRF, D::CSRF));
}

impl<M, A: Declares, B: Declares, C: Declares, D: Declares, E: Declares> HandlerArgs
    for (M, A, B, C, D, E)
{
    const ACCESS: Access = stricter(
        stricter(A::ACCESS, B::ACCESS),
        stricter(C::ACCESS, stricter(D::ACCESS, E::ACCESS)),
    );
    const CSRF: Option<Csrf> = either(
        either(A::CSRF, B::CSRF),
        either(C::CSRF, either(D::CSRF, E::CSRF)),
    );
}
impl<M, A: Declares, B: Declares, C: Declares, D: Declares, E: Declares, F: Declares> HandlerArgs
    for (M, A, B, C, D, E, F)
{
    const ACCESS: Access = stricter(
        stricter(A::ACCESS, stricter(B::ACCESS, C::ACCESS)),
        stricter(D::ACCESS, stricter(E::ACCESS, F::ACCESS)),
    );
    const CSRF: Option<Csrf> = either(
        either(A::CSRF, either(B::CSRF, C::CSRF)),
        either(D::CSRF, either(E::CSRF, F::CSRF)),
    );
}

// Extractors that guard nothing.
impl Declares for State<AppState> {}
impl<T> Declares for Path<T> {}
impl<T> Declares for Query<T> {}
impl<T> Declares for ApiQuery<T> {}
impl<T> Declares for ApiJson<T> {}
/// The visitor, whoever it is: a public handler that adapts to who is asking.
impl Declares for Visitor {}

/// The visitor the session middleware put in the request.
fn visitor(extensions: &axum::http::Extensions) -> Result<Visitor, WebError> {
    extensions.get::<Visitor>().cloned().ok_or_else(|| {
        WebError::Internal("the visitor middleware is missing from this route".into())
    })
}

/// An error from a guard, as a page or as the API's JSON by where the request went. A page
/// that needs signing in sends the visitor to sign in and then back to it.
fn reject(parts: &Parts, e: WebError) -> Response {
    if parts.uri.path().starts_with("/api/") {
        return ApiError::from(e).into_response();
    }
    if matches!(e, WebError::Unauthorized) && parts.method == axum::http::Method::GET {
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        if let Ok(q) = serde_urlencoded::to_string([("next", here)]) {
            return axum::response::Redirect::to(&format!("/signin?{q}")).into_response();
        }
    }
    PageError::from(e).into_response()
}

/// A signed-in visitor of a route, whose user has at least the guard's role.
fn signed_in(
    parts: &Parts,
    allowed: fn(&User) -> Result<(), WebError>,
) -> Result<(Visitor, User), WebError> {
    let v = visitor(&parts.extensions)?;
    let user = v.user().cloned().ok_or(WebError::Unauthorized)?;
    allowed(&user)?;
    Ok((v, user))
}

/// Any signed-in account; anyone else is sent to sign in (pages) or gets 401 (API).
pub struct SignedIn {
    pub visitor: Visitor,
    pub user: User,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Response> {
        let (visitor, user) = signed_in(parts, |_| Ok(())).map_err(|e| reject(parts, e))?;
        Ok(SignedIn { visitor, user })
    }
}

impl Declares for SignedIn {
    const ACCESS: Access = Access::SignedIn;
}

/// An editor or an admin; other accounts get 403.
pub struct Editor {
    pub visitor: Visitor,
    pub user: User,
}

impl FromRequestParts<AppState> for Editor {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Response> {
        let (visitor, user) = signed_in(parts, |u| {
            if u.role.edits() {
                Ok(())
            } else {
                Err(WebError::Forbidden(
                    "The editor is for editors and admins.".into(),
                ))
            }
        })
        .map_err(|e| reject(parts, e))?;
        Ok(Editor { visitor, user })
    }
}

impl Declares for Editor {
    const ACCESS: Access = Access::Editor;
}

/// An admin; other accounts get 403.
pub struct Admin {
    pub visitor: Visitor,
    pub user: User,
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Response> {
        let (visitor, user) = signed_in(parts, |u| {
            if u.role == Role::Admin {
                Ok(())
            } else {
                Err(WebError::Forbidden("This page is for admins.".into()))
            }
        })
        .map_err(|e| reject(parts, e))?;
        Ok(Admin { visitor, user })
    }
}

impl Declares for Admin {
    const ACCESS: Access = Access::Admin;
}

/// A teacher; other accounts get 403.
pub struct Teacher {
    pub visitor: Visitor,
    pub user: User,
}

impl FromRequestParts<AppState> for Teacher {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Response> {
        let (visitor, user) = signed_in(parts, |u| {
            if u.teacher {
                Ok(())
            } else {
                Err(WebError::Forbidden(
                    "This page is for teachers. An admin can make your account a teacher's.".into(),
                ))
            }
        })
        .map_err(|e| reject(parts, e))?;
        Ok(Teacher { visitor, user })
    }
}

impl Declares for Teacher {
    const ACCESS: Access = Access::Teacher;
}

/// The body of a form with nothing but its CSRF token (a button that changes state).
#[derive(serde::Deserialize)]
pub(crate) struct NoFields {}

/// A form posted from one of our pages: its `csrf` field must carry the visitor's token,
/// checked before the rest of the form is read. `T` is the form without that field.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = PageError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        let v = visitor(req.extensions())?;
        let is_form = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|c| c.to_str().ok())
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    WebError::PayloadTooLarge(crate::config::BODY_LIMIT)
                } else {
                    WebError::BadRequest("The form could not be read.".into())
                }
            })?;
        let sent = if is_form {
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                .ok()
                .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "csrf"))
                .map(|(_, v)| v)
                .unwrap_or_default()
        } else {
            String::new()
        };
        v.check_csrf(&sent)?;
        let form = serde_urlencoded::from_bytes::<T>(&bytes)
            .map_err(|e| WebError::BadRequest(format!("The form could not be read: {e}.")))?;
        Ok(CsrfForm(form))
    }
}

impl<T> Declares for CsrfForm<T> {
    const CSRF: Option<Csrf> = Some(Csrf::Token);
}

/// An API write: bearer-token clients need nothing more (a cross-site page cannot send the
/// header); clients riding the session cookie send its CSRF token in `X-CSRF-Token`.
pub struct CsrfHeader;

impl FromRequestParts<AppState> for CsrfHeader {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        visitor(&parts.extensions)?.check_api_csrf(&parts.headers)?;
        Ok(CsrfHeader)
    }
}

impl Declares for CsrfHeader {
    const CSRF: Option<Csrf> = Some(Csrf::Token);
}

/// A JSON body that signs in: it holds the password, so a cross-site form cannot forge it,
/// and `application/json` cannot be sent cross-site without CORS, which we do not allow.
pub struct JsonSignIn<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonSignIn<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        ApiJson::<T>::from_request(req, state)
            .await
            .map(|ApiJson(t)| JsonSignIn(t))
    }
}

impl<T> Declares for JsonSignIn<T> {
    const CSRF: Option<Csrf> = Some(Csrf::JsonSignIn);
}
