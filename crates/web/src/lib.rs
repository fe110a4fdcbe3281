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
use tower_http::LatencyUnit;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};

pub use error::WebError;
pub use markdown::render as render_markdown;

/// The largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Rendered pages by path. Cleared whenever the library changes; bounded in size.
#[derive(Default)]
pub(crate) struct PageCache {
    /// Path → (library version it was rendered for, body).
    map: std::sync::RwLock<std::collections::HashMap<String, (i64, axum::body::Bytes)>>,
}

impl PageCache {
    /// The most pages kept; past it the cache starts again empty.
    const MAX_PAGES: usize = 20_000;

    /// A page rendered for library version `version`: an older one is never served.
    fn get(&self, key: &str, version: i64) -> Option<axum::body::Bytes> {
        self.map
            .read()
            .ok()?
            .get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, b)| b.clone())
    }

    fn put(&self, key: String, version: i64, body: axum::body::Bytes) {
        if let Ok(mut m) = self.map.write() {
            if m.len() >= Self::MAX_PAGES {
                m.clear();
            }
            m.insert(key, (version, body));
        }
    }

    fn clear(&self) {
        if let Ok(mut m) = self.map.write() {
            m.clear();
        }
    }
}

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn LibraryStore>,
    pub search: Arc<SearchIndex>,
    /// The library version the search index was built from.
    indexed_version: Arc<std::sync::atomic::AtomicI64>,
    /// Rendered pages that are the same for every visitor, for the current library version.
    pub(crate) pages: Arc<PageCache>,
    /// Topics by slug, read once per library version (they carry long timelines).
    topics: Arc<std::sync::RwLock<std::collections::HashMap<String, Arc<studypack_domain::Topic>>>>,
}

impl AppState {
    /// Builds the search index from the store.
    pub async fn new(store: Arc<dyn LibraryStore>) -> Result<AppState, WebError> {
        let search = Arc::new(SearchIndex::in_memory()?);
        let state = AppState {
            store,
            search,
            indexed_version: Arc::new(std::sync::atomic::AtomicI64::new(-1)),
            topics: Arc::default(),
            pages: Arc::default(),
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
        let topics = lib
            .topics
            .iter()
            .map(|t| (t.slug.to_string(), Arc::new(t.clone())))
            .collect();
        *self
            .topics
            .write()
            .map_err(|_| WebError::Internal("topic cache poisoned".into()))? = topics;
        let search = self.search.clone();
        tokio::task::spawn_blocking(move || search.rebuild(&lib))
            .await
            .map_err(|e| WebError::Internal(e.to_string()))??;
        self.indexed_version.store(version, Ordering::SeqCst);
        self.pages.clear();
        tracing::info!(version, docs = self.search.len(), "search index rebuilt");
        Ok(true)
    }

    /// The library version this instance has loaded.
    pub(crate) fn version(&self) -> i64 {
        self.indexed_version
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// A topic, from the cache when it is there.
    pub async fn topic(
        &self,
        slug: &str,
    ) -> Result<Option<Arc<studypack_domain::Topic>>, WebError> {
        let cached = self.topics.read().ok().and_then(|m| m.get(slug).cloned());
        match cached {
            Some(t) => Ok(Some(t)),
            None => Ok(self.store.topic(slug).await?.map(Arc::new)),
        }
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
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO))
                .on_response(
                    DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(LatencyUnit::Micros),
                ),
        )
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
