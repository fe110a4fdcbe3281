//! `GET /healthz`: whether this instance can reach its database, for load balancers.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::guard::Access::Public;
use crate::routes::Table;
use crate::state::AppState;

pub(crate) fn routes() -> Table {
    Table::new().get("/healthz", Public, healthz)
}

pub async fn healthz(State(st): State<AppState>) -> Response {
    match st.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(
                serde_json::json!({ "status": "ok", "database": "ok", "indexed": st.search.len() }),
            ),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable", "database": "unreachable" })),
            )
                .into_response()
        }
    }
}
