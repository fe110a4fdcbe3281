//! The state every handler reads: the store, the search index and feedback engine built from
//! the library, the page and topic caches, and the library version they were built for.

use std::sync::Arc;
use std::time::Duration;

use studypack_accounts::Accounts;
use studypack_feedback::Engine;
use studypack_search::SearchIndex;
use studypack_store::Store;

use crate::config::WebConfig;
use crate::error::WebError;

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
    pub(crate) fn get(&self, key: &str, version: i64) -> Option<axum::body::Bytes> {
        self.map
            .read()
            .ok()?
            .get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, b)| b.clone())
    }

    pub(crate) fn put(&self, key: String, version: i64, body: axum::body::Bytes) {
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
    /// Questions prepared by the current engine, kept between requests.
    prepared: Arc<crate::prepared::PreparedCache>,
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
            prepared: Arc::default(),
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

    /// The engine, and question `q` prepared by it for `input` (from the cache when the
    /// engine already prepared it).
    pub(crate) fn prepared(
        &self,
        q: &studypack_domain::Question,
        topic: &studypack_domain::Topic,
        input: &studypack_feedback::QuestionInput<'_>,
    ) -> (Arc<Engine>, Arc<studypack_feedback::Prepared>) {
        let engine = self.engine();
        let p = self.prepared.get(&engine, q, topic, input);
        (engine, p)
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
