//! The studypack website and JSON API.
//!
//! Server-rendered pages that work without JavaScript, a JSON API under `/api/v1`, search
//! through the tantivy index, security headers and body limits on every response. Accounts
//! sign in with a session stored in the database; a complete model essay is sent only to a
//! reader whose Study Pack covers it (see `premium`), everyone else gets a teaser and the
//! offer. Students practise essays under exam timing and get the feedback engine's report.

#![recursion_limit = "256"]

// The shared layer, used by every resource module.
mod config;
mod error;
mod extract;
mod guard;
mod markdown;
mod prepared;
mod render;
mod routes;
mod server;
mod session;
mod state;
mod upkeep;

// The resources, each with its routes, pages and API handlers.
mod accounts;
mod admin;
mod assets;
mod catalogue;
mod classes;
mod editor;
mod health;
mod insight;
mod moderation;
mod openapi;
mod own_questions;
mod practice;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use tower_http::LatencyUnit;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};

pub use config::{BODY_LIMIT, ServerLimits, WebConfig};
pub use error::WebError;
pub use guard::{Access, Csrf};
pub use markdown::render as render_markdown;
pub use render::datetime_value;
pub use routes::RouteRule;
pub use session::{CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE};
pub use state::AppState;

/// Every route: the resource modules' tables, joined.
fn table() -> routes::Table {
    routes::Table::new()
        .merge(catalogue::routes())
        .merge(assets::routes())
        .merge(health::routes())
        .merge(accounts::routes())
        .merge(practice::routes())
        .merge(editor::routes())
        .merge(admin::routes())
        .merge(classes::routes())
        .merge(moderation::routes())
        .merge(insight::routes())
        .merge(own_questions::routes())
        .merge(openapi::routes())
}

/// The rules of every route, for tests and documentation.
pub fn route_rules() -> Vec<RouteRule> {
    table().rules().to_vec()
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    table()
        .into_router()
        .fallback(not_found)
        .layer(axum::middleware::from_fn(render::error_pages_with_nav))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::load_visitor,
        ))
        .layer(axum::middleware::from_fn(
            server::edge::reject_unstorable_text,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            state.config.limits.body_timeout,
        ))
        .layer(axum::middleware::from_fn(server::headers::security_headers))
        .layer(
            TraceLayer::new_for_http()
                // Request lines at `info`: shown with STUDYPACK_LOG=info, not by default.
                .make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO))
                .on_response(
                    DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(LatencyUnit::Micros),
                ),
        )
        .with_state(state)
}

/// No route: the API's JSON error under `/api/`, the page otherwise.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        extract::ApiError::from(WebError::NotFound).into_response()
    } else {
        render::PageError::from(WebError::NotFound).into_response()
    }
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let refresher = state.spawn_refresher(state.config.refresh_every);
    let limits = state.config.limits.clone();
    let app = router(state);
    let result = server::run(listener, app, limits, shutdown).await;
    refresher.abort();
    result
}
