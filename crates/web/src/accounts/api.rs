//! The accounts API: signing in and out with a bearer token, redeeming a licence code.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use studypack_accounts::Redeemed;
use utoipa::ToSchema;

use crate::error::WebError;
use crate::extract::{ApiError, ApiJson, ErrorBody};
use crate::guard::{CsrfHeader, JsonSignIn, SignedIn};
use crate::session::Visitor;
use crate::state::AppState;

/// An email address and password.
#[derive(Deserialize, ToSchema)]
pub(crate) struct SessionRequest {
    email: String,
    password: String,
}

/// A new session.
#[derive(Serialize, ToSchema)]
pub(crate) struct Session {
    /// For `Authorization: Bearer`; also set as the session cookie.
    token: String,
    /// What cookie clients send in `X-CSRF-Token` with their writes.
    csrf_token: String,
    /// Seconds since 1970.
    expires_at: i64,
    user: SessionUser,
}

/// Who signed in.
#[derive(Serialize, ToSchema)]
pub(crate) struct SessionUser {
    email: String,
    /// `student`, `editor` or `admin`.
    role: String,
}

/// `POST /api/v1/session`: signs in; the token works as a bearer token and is also set as
/// the session cookie.
#[utoipa::path(
    post,
    path = "/session",
    operation_id = "signIn",
    summary = "Sign in: a token for `Authorization: Bearer`, also set as the session cookie",
    request_body = SessionRequest,
    responses(
        (status = 200, description = "Signed in", body = Session),
        (status = 400, description = "Invalid body (including a NUL character anywhere in the request)", body = ErrorBody),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 413, description = "The body is larger than 1 MiB", body = ErrorBody),
        (status = 429, description = "Rate limited: see the Retry-After header", body = ErrorBody),
        (status = 500, description = "Server error", body = ErrorBody),
    )
)]
pub(crate) async fn create_session(
    v: Visitor,
    State(st): State<AppState>,
    JsonSignIn(req): JsonSignIn<SessionRequest>,
) -> Result<Response, ApiError> {
    let new = st
        .accounts
        .sign_in(&req.email, &req.password, &v.address)
        .await?;
    // As the sign-in form does: the session this client held before ends.
    if let Some(old) = &v.token {
        st.accounts.sign_out(old).await?;
    }
    let body = Session {
        token: new.token.clone(),
        csrf_token: new.session.csrf,
        expires_at: new.session.expires_at,
        user: SessionUser {
            email: new.session.user.email,
            role: new.session.user.role.label().into(),
        },
    };
    let mut res = Json(body).into_response();
    if let Some(c) = super::pages::session_cookie(&v, &new.token) {
        res.headers_mut().append(axum::http::header::SET_COOKIE, c);
    }
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// `DELETE /api/v1/session`: signs out. A missing, expired or made-up token is not a
/// session to end: 401.
#[utoipa::path(
    delete,
    path = "/session",
    operation_id = "signOut",
    summary = "Sign out (ends the session on the server)",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "No session to end (missing, expired or unknown token)", body = ErrorBody),
        (status = 403, description = "A missing or wrong CSRF token (cookie sessions)", body = ErrorBody),
    )
)]
pub(crate) async fn end_session(
    SignedIn { visitor: v, .. }: SignedIn,
    State(st): State<AppState>,
    _: CsrfHeader,
) -> Result<Response, ApiError> {
    if let Some(t) = &v.token {
        st.accounts.sign_out(t).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    if let Some(c) =
        crate::session::cookie(crate::session::SESSION_COOKIE, "", Some(0), v.secure, "Lax")
    {
        res.headers_mut().append(axum::http::header::SET_COOKIE, c);
    }
    Ok(res)
}

/// A licence code.
#[derive(Deserialize, ToSchema)]
pub(crate) struct RedeemRequest {
    /// `XXXXX-XXXXX-XXXXX-XXXXX`
    code: String,
}

/// The pack a code opened.
#[derive(Serialize, ToSchema)]
pub(crate) struct Pack {
    /// The pack's scope, e.g. `all` or `board:AQA`; `teacher` for a teacher's code (no pack).
    pack: String,
    /// What it opens, for people.
    covers: String,
    /// Seconds since 1970; `null` for no end.
    expires_at: Option<i64>,
}

/// `POST /api/v1/redeem`: redeems a licence code for the signed-in user.
#[utoipa::path(
    post,
    path = "/redeem",
    operation_id = "redeem",
    summary = "Redeem a Study Pack licence code (once per code)",
    security(("bearer" = []), ("cookie" = [])),
    request_body = RedeemRequest,
    responses(
        (status = 200, description = "The pack now held", body = Pack),
        (status = 400, description = "Invalid body, or a code that is unknown or used", body = ErrorBody),
        (status = 401, description = "Sign in first", body = ErrorBody),
        (status = 403, description = "A missing or wrong CSRF token (cookie sessions)", body = ErrorBody),
        (status = 413, description = "The body is larger than 1 MiB", body = ErrorBody),
        (status = 429, description = "Rate limited: see the Retry-After header", body = ErrorBody),
        (status = 500, description = "Server error", body = ErrorBody),
    )
)]
pub(crate) async fn redeem(
    SignedIn { user, .. }: SignedIn,
    State(st): State<AppState>,
    _: CsrfHeader,
    ApiJson(req): ApiJson<RedeemRequest>,
) -> Result<Json<Pack>, ApiError> {
    let e = match st.accounts.redeem(&user, &req.code).await? {
        Redeemed::Pack(e) => e,
        Redeemed::Teacher => {
            return Ok(Json(Pack {
                pack: studypack_store::TEACHER_CODE_SCOPE.into(),
                covers: "a teacher's account: classes and set work".into(),
                expires_at: None,
            }));
        }
    };
    let scope: studypack_domain::PackScope = e
        .scope
        .parse()
        .map_err(|_| WebError::Internal(format!("stored scope {:?}", e.scope)))?;
    Ok(Json(Pack {
        covers: scope.describe(),
        pack: e.scope,
        expires_at: e.expires_at,
    }))
}
