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

/// Rendered pages by path, each with the library version it was rendered for and the topic
/// whose content it shows (`None`: it shows the whole library, as the home page does). A change
/// to the library drops only the pages that show what changed; bounded in size.
#[derive(Default)]
pub(crate) struct PageCache {
    map: std::sync::RwLock<std::collections::HashMap<String, CachedPage>>,
}

struct CachedPage {
    version: i64,
    topic: Option<String>,
    body: axum::body::Bytes,
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
            .filter(|p| p.version == version)
            .map(|p| p.body.clone())
    }

    pub(crate) fn put(
        &self,
        key: String,
        version: i64,
        topic: Option<String>,
        body: axum::body::Bytes,
    ) {
        if let Ok(mut m) = self.map.write() {
            if m.len() >= Self::MAX_PAGES {
                m.clear();
            }
            m.insert(
                key,
                CachedPage {
                    version,
                    topic,
                    body,
                },
            );
        }
    }

    /// Moves the pages of version `from` to version `to`, except those showing one of
    /// `topics` or the whole library, which are dropped. Pages of other versions are dropped.
    fn advance(&self, from: i64, to: i64, topics: &std::collections::BTreeSet<&str>) {
        if let Ok(mut m) = self.map.write() {
            m.retain(|_, p| {
                let unaffected =
                    p.version == from && p.topic.as_deref().is_some_and(|t| !topics.contains(t));
                if unaffected {
                    p.version = to;
                }
                unaffected
            });
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
    /// The draft questions, searchable by editors and admins only (a separate index, so that
    /// no draft changes what anyone else's search finds, counts or suggests).
    pub drafts: Arc<SearchIndex>,
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
    /// Held while the index and caches catch up with the library, one refresh at a time.
    refreshing: Arc<tokio::sync::Mutex<()>>,
    /// The library version the engine's statistics were learned at; held while they are
    /// learned again, which runs apart from the index's refresh (it takes far longer).
    engine_version: Arc<tokio::sync::Mutex<i64>>,
}

impl AppState {
    /// Builds the search index from the store.
    pub async fn new(store: Arc<dyn Store>) -> Result<AppState, WebError> {
        let search = Arc::new(SearchIndex::in_memory()?);
        let drafts = Arc::new(SearchIndex::in_memory_drafts()?);
        let state = AppState {
            drafts,
            accounts: Accounts::new(store.clone()),
            config: WebConfig::default(),
            engine: Arc::default(),
            store,
            search,
            indexed_version: Arc::new(std::sync::atomic::AtomicI64::new(-1)),
            topics: Arc::default(),
            pages: Arc::default(),
            prepared: Arc::default(),
            refreshing: Arc::default(),
            engine_version: Arc::new(tokio::sync::Mutex::new(-1)),
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

    /// Brings the search index, the topic and page caches and the feedback engine up to the
    /// library's current version. Returns whether the library had changed.
    ///
    /// A fresh instance, or a change of everything (`studypack reindex`), rebuilds from the
    /// whole library. Otherwise only the recorded changes since the loaded version are applied:
    /// the changed questions' search documents (and those of the questions of a changed topic),
    /// and the cached pages that show them; other pages stay cached. The engine's statistics
    /// are then learned again from the whole library (issue 18 item 1, not yet incremental);
    /// the server's refresher leaves that to run on its own, this waits for it.
    pub async fn refresh_search(&self) -> Result<bool, WebError> {
        let changed = self.refresh_index().await?;
        self.catch_up_engine().await?;
        Ok(changed)
    }

    /// Brings the index and caches up to the library's version now, and starts the engine's
    /// statistics catching up on a task of their own: what an editor's save and the server's
    /// refresher use, so that neither waits for the engine.
    pub(crate) async fn refresh_index_now(&self) -> Result<(), WebError> {
        if self.refresh_index().await? {
            let state = self.clone();
            tokio::spawn(async move {
                if let Err(e) = state.catch_up_engine().await {
                    tracing::warn!(error = %e, "engine refresh failed");
                }
            });
        }
        Ok(())
    }

    /// The index and caches part of [`AppState::refresh_search`]: what makes a change visible.
    async fn refresh_index(&self) -> Result<bool, WebError> {
        use std::sync::atomic::Ordering;
        let _one_at_a_time = self.refreshing.lock().await;
        let loaded = self.indexed_version.load(Ordering::SeqCst);
        let changes = if loaded < 0 {
            None
        } else {
            let c = self.store.library_changes(loaded).await?;
            if c.version == loaded {
                return Ok(false);
            }
            Some(c)
        };
        let incremental = changes.filter(|c| {
            !c.unrecorded
                && !c.changes.is_empty()
                && !c.changes.contains(&studypack_store::LibraryChange::All)
        });
        match incremental {
            Some(c) => self.apply_changes(loaded, &c).await?,
            None => self.rebuild_all().await?,
        }
        Ok(true)
    }

    /// Applies the changes `c` to an instance at version `loaded`.
    async fn apply_changes(
        &self,
        loaded: i64,
        c: &studypack_store::LibraryChanges,
    ) -> Result<(), WebError> {
        use std::collections::BTreeSet;
        use studypack_store::LibraryChange;
        let mut slugs: BTreeSet<String> = BTreeSet::new();
        let mut touched: BTreeSet<&str> = BTreeSet::new();
        let mut changed_topics: Vec<&str> = Vec::new();
        for change in &c.changes {
            match change {
                LibraryChange::Question { slug, topic } => {
                    slugs.insert(slug.clone());
                    touched.insert(topic);
                }
                LibraryChange::Topic { slug } => {
                    touched.insert(slug);
                    changed_topics.push(slug);
                }
                LibraryChange::All => {}
            }
        }
        if !changed_topics.is_empty() {
            self.load_topics(self.store.topics().await?)?;
            // A topic's title and details are in its questions' search documents.
            for t in &changed_topics {
                let listing = self
                    .store
                    .questions(&studypack_store::QuestionFilter {
                        topic: Some((*t).to_string()),
                        include_drafts: true,
                        ..Default::default()
                    })
                    .await?;
                slugs.extend(
                    listing
                        .items
                        .into_iter()
                        .filter(|q| q.topic_slug == *t)
                        .map(|q| q.slug),
                );
            }
        }
        let started = std::time::Instant::now();
        let mut items = Vec::with_capacity(slugs.len());
        let mut gone = Vec::new();
        for slug in &slugs {
            match self.store.question(slug).await? {
                Some(q) => match self.topic(q.topic.as_str()).await? {
                    Some(t) => items.push((q, t)),
                    None => gone.push(slug.clone()),
                },
                None => gone.push(slug.clone()),
            }
        }
        let indexes = [self.search.clone(), self.drafts.clone()];
        tokio::task::spawn_blocking(move || {
            let pairs: Vec<(&studypack_domain::Question, &studypack_domain::Topic)> =
                items.iter().map(|(q, t)| (q, &**t)).collect();
            for index in &indexes {
                index.upsert(&pairs)?;
                index.remove(&gone)?;
            }
            Ok::<(), studypack_search::SearchError>(())
        })
        .await
        .map_err(|e| WebError::Internal(e.to_string()))??;
        let indexed = started.elapsed();
        self.pages.advance(loaded, c.version, &touched);
        self.indexed_version
            .store(c.version, std::sync::atomic::Ordering::SeqCst);
        tracing::info!(
            version = c.version,
            questions = slugs.len(),
            topics = changed_topics.len(),
            indexed_ms = indexed.as_millis() as u64,
            "library changes applied"
        );
        Ok(())
    }

    /// Rebuilds the search index, the caches and the engine from the whole library.
    async fn rebuild_all(&self) -> Result<(), WebError> {
        // The version is read first: changes made while the library is read are applied again
        // by the next refresh, which is harmless.
        let version = self.store.library_version().await?;
        let lib = self.store.library().await?;
        self.load_topics(lib.topics.clone())?;
        let (search, drafts) = (self.search.clone(), self.drafts.clone());
        let engine = tokio::task::spawn_blocking(move || {
            search
                .rebuild(&lib)
                .and_then(|()| drafts.rebuild(&lib))
                .map(|()| studypack_feedback::engine_for_library(&lib))
        })
        .await
        .map_err(|e| WebError::Internal(e.to_string()))??;
        self.set_engine(engine)?;
        {
            let mut learned_at = self.engine_version.lock().await;
            *learned_at = (*learned_at).max(version);
        }
        self.indexed_version
            .store(version, std::sync::atomic::Ordering::SeqCst);
        self.pages.clear();
        tracing::info!(version, docs = self.search.len(), "search index rebuilt");
        Ok(())
    }

    fn load_topics(&self, topics: Vec<studypack_domain::Topic>) -> Result<(), WebError> {
        let list: Vec<Arc<studypack_domain::Topic>> = topics.into_iter().map(Arc::new).collect();
        let cache = TopicCache {
            by_slug: list
                .iter()
                .map(|t| (t.slug.to_string(), t.clone()))
                .collect(),
            list: Arc::new(list),
        };
        *self
            .topics
            .write()
            .map_err(|_| WebError::Internal("topic cache poisoned".into()))? = cache;
        Ok(())
    }

    /// Learns the engine's vocabulary and IDF weights again from the library's public text,
    /// if the index has moved past the version they were learned at. One at a time; a call
    /// that waited for another finds the engine current and returns.
    async fn catch_up_engine(&self) -> Result<(), WebError> {
        let mut learned_at = self.engine_version.lock().await;
        if *learned_at >= self.version() {
            return Ok(());
        }
        let started = std::time::Instant::now();
        // The version is read first: the library read after it is at least as new.
        let version = self.store.library_version().await?;
        let lib = self.store.library().await?;
        let engine =
            tokio::task::spawn_blocking(move || studypack_feedback::engine_for_library(&lib))
                .await
                .map_err(|e| WebError::Internal(e.to_string()))?;
        self.set_engine(engine)?;
        *learned_at = version;
        tracing::info!(
            version,
            engine_ms = started.elapsed().as_millis() as u64,
            "engine statistics learned again"
        );
        Ok(())
    }

    fn set_engine(&self, engine: Engine) -> Result<(), WebError> {
        *self
            .engine
            .write()
            .map_err(|_| WebError::Internal("engine lock poisoned".into()))? = Arc::new(engine);
        Ok(())
    }

    /// Whether the page at `path` is in the page cache for the loaded library version (what
    /// an anonymous visitor would be served without rendering it again).
    pub fn is_page_cached(&self, path: &str) -> bool {
        self.pages.get(path, self.version()).is_some()
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
                // The engine catches up on its own, so that the next change reaches the index
                // without waiting for it.
                if let Err(e) = state.refresh_index_now().await {
                    tracing::warn!(error = %e, "search refresh failed");
                }
            }
        })
    }
}
