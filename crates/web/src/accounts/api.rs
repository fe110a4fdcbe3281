//! The accounts API: signing in and out with a bearer token, redeeming a licence code.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::error::WebError;
use crate::extract::{ApiError, ApiJson};
use crate::guard::{CsrfHeader, JsonSignIn, SignedIn};
use crate::session::Visitor;
use crate::state::AppState;

#[derive(Deserialize)]
pub(crate) struct SessionRequest {
    email: String,
    password: String,
}

/// `POST /api/v1/session`: signs in; the token works as a bearer token and is also set as
/// the session cookie.
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
    let body = serde_json::json!({
        "token": new.token,
        "csrf_token": new.session.csrf,
        "expires_at": new.session.expires_at,
        "user": { "email": new.session.user.email, "role": new.session.user.role.label() },
    });
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

/// `DELETE /api/v1/session`: signs out.
/// A missing, expired or made-up token is not a session to end: 401.
pub(crate) async fn end_session(
    SignedIn { visitor: v, .. }: SignedIn,
    State(st): State<AppState>,
    _: CsrfHeader,
) -> Result<Response, ApiError> {
    if let Some(t) = &v.token {
        st.accounts.sign_out(t).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    if let Some(c) = crate::session::cookie(crate::SESSION_COOKIE, "", Some(0), v.secure, "Lax") {
        res.headers_mut().append(axum::http::header::SET_COOKIE, c);
    }
    Ok(res)
}

#[derive(Deserialize)]
pub(crate) struct RedeemRequest {
    code: String,
}

/// `POST /api/v1/redeem`: redeems a licence code for the signed-in user.
pub(crate) async fn redeem(
    SignedIn { user, .. }: SignedIn,
    State(st): State<AppState>,
    _: CsrfHeader,
    ApiJson(req): ApiJson<RedeemRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let e = st.accounts.redeem(&user, &req.code).await?;
    let scope: studypack_domain::PackScope = e
        .scope
        .parse()
        .map_err(|_| WebError::Internal(format!("stored scope {:?}", e.scope)))?;
    Ok(Json(serde_json::json!({
        "pack": e.scope,
        "covers": scope.describe(),
        "expires_at": e.expires_at,
    })))
}
