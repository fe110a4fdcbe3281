//! The studypack website and JSON API.
//!
//! Server-rendered pages that work without JavaScript, a JSON API under `/api/v1`, search
//! through the tantivy index, security headers and body limits on every response. Premium
//! model essays are never sent in full: pages and the API carry a teaser and an invitation
//! to the Study Pack.

mod api;
mod error;
mod headers;
mod markdown;
mod openapi;
mod pages;
mod premium;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use studypack_search::SearchIndex;
use studypack_store::LibraryStore;
use tower_http::trace::TraceLayer;

pub use error::WebError;
pub use markdown::render as render_markdown;

/// The largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn LibraryStore>,
    pub search: Arc<SearchIndex>,
    /// The library version the search index was built from.
    indexed_version: Arc<std::sync::atomic::AtomicI64>,
}

impl AppState {
    /// Builds the search index from the store.
    pub async fn new(store: Arc<dyn LibraryStore>) -> Result<AppState, WebError> {
        let search = Arc::new(SearchIndex::in_memory()?);
        let state = AppState {
            store,
            search,
            indexed_version: Arc::new(std::sync::atomic::AtomicI64::new(-1)),
        };
        state.refresh_search().await?;
        Ok(state)
    }

    /// Rebuilds the search index if the library changed since it was built. Returns whether it did.
    pub async fn refresh_search(&self) -> Result<bool, WebError> {
        use std::sync::atomic::Ordering;
        let version = self.store.library_version().await?;
        if version == self.indexed_version.load(Ordering::SeqCst) {
            return Ok(false);
        }
        let lib = self.store.library().await?;
        let search = self.search.clone();
        tokio::task::spawn_blocking(move || search.rebuild(&lib))
            .await
            .map_err(|e| WebError::Internal(e.to_string()))??;
        self.indexed_version.store(version, Ordering::SeqCst);
        tracing::info!(version, docs = self.search.len(), "search index rebuilt");
        Ok(true)
    }

    /// Keeps the search index current: checks the library version every `every`.
    pub fn spawn_refresher(&self, every: Duration) -> tokio::task::JoinHandle<()> {
        let state = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = state.refresh_search().await {
                    tracing::warn!(error = %e, "search refresh failed");
                }
            }
        })
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/questions", get(pages::browse))
        .route("/questions/{slug}", get(pages::question))
        .route("/topics/{slug}", get(pages::topic))
        .route("/search", get(pages::search))
        .route("/static/style.css", get(pages::stylesheet))
        .route("/healthz", get(api::healthz))
        .nest("/api/v1", api::routes())
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(headers::security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let refresher = state.spawn_refresher(Duration::from_secs(1));
    let app = router(state);
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    refresher.abort();
    result
}
