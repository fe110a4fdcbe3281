//! The studypack website and JSON API.
//!
//! Server-rendered pages that work without JavaScript, a JSON API under `/api/v1`, search
//! through the tantivy index, security headers and body limits on every response. Accounts
//! sign in with a session stored in the database; a complete model essay is sent only to a
//! reader whose Study Pack covers it (see `premium`), everyone else gets a teaser and the
//! offer. Students practise essays under exam timing and get the feedback engine's report.

#![recursion_limit = "256"]

mod account;
mod admin;
mod api;
mod edge;
mod editor;
mod error;
mod headers;
mod markdown;
mod openapi;
mod pages;
mod practice;
mod premium;
mod routes;
mod server;
mod session;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use studypack_accounts::Accounts;
use studypack_feedback::Engine;
use studypack_search::SearchIndex;
use studypack_store::Store;
use tower_http::LatencyUnit;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};

pub use error::WebError;
pub use markdown::render as render_markdown;
pub use routes::{Access, Csrf, RouteRule, rules as route_rules};
pub use server::ServerLimits;
pub use session::{CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE};

/// How the server is deployed.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when serving over TLS; also set per request when a proxy
    /// says `X-Forwarded-Proto: https`).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_proxy: bool,
    /// Connection caps and read timeouts.
    pub limits: ServerLimits,
}

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

/// The library's topics, in the store's order and by slug.
#[derive(Default)]
struct TopicCache {
    list: Arc<Vec<Arc<studypack_domain::Topic>>>,
    by_slug: std::collections::HashMap<String, Arc<studypack_domain::Topic>>,
}

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub search: Arc<SearchIndex>,
    pub accounts: Accounts,
    pub config: WebConfig,
    /// The feedback engine, with IDF weights from the current library.
    engine: Arc<std::sync::RwLock<Arc<Engine>>>,
    /// The library version the search index was built from.
    indexed_version: Arc<std::sync::atomic::AtomicI64>,
    /// Rendered pages that are the same for every visitor, for the current library version.
    pub(crate) pages: Arc<PageCache>,
    /// Topics, read once per library version (they carry long timelines).
    topics: Arc<std::sync::RwLock<TopicCache>>,
}

impl AppState {
    /// Builds the search index from the store.
    pub async fn new(store: Arc<dyn Store>) -> Result<AppState, WebError> {
        let search = Arc::new(SearchIndex::in_memory()?);
        let state = AppState {
            accounts: Accounts::new(store.clone()),
            config: WebConfig::default(),
            engine: Arc::default(),
            store,
            search,
            indexed_version: Arc::new(std::sync::atomic::AtomicI64::new(-1)),
            topics: Arc::default(),
            pages: Arc::default(),
        };
        state.refresh_search().await?;
        Ok(state)
    }

    pub fn with_config(mut self, config: WebConfig) -> AppState {
        self.config = config;
        self
    }

    pub fn with_limits(mut self, limits: studypack_accounts::Limits) -> AppState {
        self.accounts = self.accounts.with_limits(limits);
        self
    }

    /// The feedback engine for the current library.
    pub(crate) fn engine(&self) -> Arc<Engine> {
        self.engine.read().map(|e| e.clone()).unwrap_or_default()
    }

    /// Rebuilds the search index if the library changed since it was built. Returns whether it did.
    pub async fn refresh_search(&self) -> Result<bool, WebError> {
        use std::sync::atomic::Ordering;
        let version = self.store.library_version().await?;
        if version == self.indexed_version.load(Ordering::SeqCst) {
            return Ok(false);
        }
        let lib = self.store.library().await?;
        let list: Vec<Arc<studypack_domain::Topic>> =
            lib.topics.iter().cloned().map(Arc::new).collect();
        let topics = TopicCache {
            by_slug: list
                .iter()
                .map(|t| (t.slug.to_string(), t.clone()))
                .collect(),
            list: Arc::new(list),
        };
        *self
            .topics
            .write()
            .map_err(|_| WebError::Internal("topic cache poisoned".into()))? = topics;
        let search = self.search.clone();
        let engine = tokio::task::spawn_blocking(move || {
            search
                .rebuild(&lib)
                .map(|()| studypack_feedback::engine_for_library(&lib))
        })
        .await
        .map_err(|e| WebError::Internal(e.to_string()))??;
        *self
            .engine
            .write()
            .map_err(|_| WebError::Internal("engine lock poisoned".into()))? = Arc::new(engine);
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
        let cached = self
            .topics
            .read()
            .ok()
            .and_then(|m| m.by_slug.get(slug).cloned());
        match cached {
            Some(t) => Ok(Some(t)),
            None => Ok(self.store.topic(slug).await?.map(Arc::new)),
        }
    }

    /// Every topic of the loaded library version, from the cache (never re-read per request).
    pub(crate) fn topics(&self) -> Arc<Vec<Arc<studypack_domain::Topic>>> {
        self.topics
            .read()
            .map(|m| m.list.clone())
            .unwrap_or_default()
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
    routes::table()
        .into_router()
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::load_visitor,
        ))
        .layer(axum::middleware::from_fn(edge::reject_unstorable_text))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            state.config.limits.body_timeout,
        ))
        .layer(axum::middleware::from_fn(headers::security_headers))
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
        api::ApiError(WebError::NotFound).into_response()
    } else {
        pages::not_found().await.into_response()
    }
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let refresher = state.spawn_refresher(Duration::from_secs(1));
    let limits = state.config.limits.clone();
    let app = router(state);
    let result = server::run(listener, app, limits, shutdown).await;
    refresher.abort();
    result
}
