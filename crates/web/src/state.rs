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
use crate::upkeep::Upkeep;

/// Rendered pages by path, each with the library version it was rendered for and the topic
/// whose content it shows (`None`: it shows the whole library, as the home page does). A change
/// to the library drops only the pages that show what changed; bounded in count and in bytes.
#[derive(Default)]
pub(crate) struct PageCache {
    map: std::sync::RwLock<Pages>,
}

#[derive(Default)]
struct Pages {
    by_path: std::collections::HashMap<String, CachedPage>,
    /// The bodies' bytes, together.
    bytes: usize,
}

impl Pages {
    fn clear(&mut self) {
        self.by_path.clear();
        self.bytes = 0;
    }
}

struct CachedPage {
    version: i64,
    topic: Option<String>,
    body: axum::body::Bytes,
}

impl PageCache {
    /// The most pages kept, and the most bytes of them (a question page is 20–60 KB, so a
    /// library of 100,000 questions does not end up in memory); past either the cache starts
    /// again empty.
    const MAX_PAGES: usize = 20_000;
    const MAX_BYTES: usize = 64 << 20;

    /// A page rendered for library version `version`: an older one is never served.
    pub(crate) fn get(&self, key: &str, version: i64) -> Option<axum::body::Bytes> {
        self.map
            .read()
            .ok()?
            .by_path
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
            if m.by_path.len() >= Self::MAX_PAGES || m.bytes + body.len() > Self::MAX_BYTES {
                m.clear();
            }
            m.bytes += body.len();
            let page = CachedPage {
                version,
                topic,
                body,
            };
            if let Some(old) = m.by_path.insert(key, page) {
                m.bytes -= old.body.len();
            }
        }
    }

    /// Moves the pages of version `from` to version `to`, except those showing one of
    /// `topics` or the whole library, which are dropped. Pages of other versions are dropped.
    fn advance(&self, from: i64, to: i64, topics: &std::collections::BTreeSet<&str>) {
        if let Ok(mut m) = self.map.write() {
            m.by_path.retain(|_, p| {
                let unaffected =
                    p.version == from && p.topic.as_deref().is_some_and(|t| !topics.contains(t));
                if unaffected {
                    p.version = to;
                }
                unaffected
            });
            m.bytes = m.by_path.values().map(|p| p.body.len()).sum();
        }
    }

    fn clear(&self) {
        if let Ok(mut m) = self.map.write() {
            m.clear();
        }
    }

    /// The pages kept, and their bytes together.
    #[cfg(test)]
    fn size(&self) -> (usize, usize) {
        self.map
            .read()
            .map(|m| (m.by_path.len(), m.bytes))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::PageCache;

    #[test]
    fn the_page_cache_counts_its_bytes_and_starts_again_past_its_bound() {
        let cache = PageCache::default();
        let page = |n: usize| axum::body::Bytes::from(vec![b'x'; n]);
        cache.put("/a".into(), 1, None, page(1000));
        cache.put("/b".into(), 1, Some("t".into()), page(500));
        assert_eq!(cache.size(), (2, 1500));
        cache.put("/a".into(), 1, None, page(10));
        assert_eq!(
            cache.size(),
            (2, 510),
            "a replaced page's bytes are taken off"
        );
        cache.advance(1, 2, &["u"].into_iter().collect());
        assert_eq!(
            cache.size(),
            (1, 500),
            "the whole library's page is dropped, the topic's kept"
        );
        assert!(cache.get("/b", 2).is_some());
        cache.put("/big".into(), 2, None, page(PageCache::MAX_BYTES - 100));
        assert_eq!(
            cache.size(),
            (1, PageCache::MAX_BYTES - 100),
            "past the bound it started again"
        );
        assert!(cache.get("/b", 2).is_none());
    }
}

/// The library's topics, in the store's order and by slug.
#[derive(Default)]
struct TopicCache {
    list: Arc<Vec<Arc<studypack_domain::Topic>>>,
    by_slug: std::collections::HashMap<String, Arc<studypack_domain::Topic>>,
}

/// How many questions a rebuild reads from the store at a time: enough that the store's round
/// trips do not dominate, few enough that a batch's text is a few megabytes.
const REBUILD_BATCH: u32 = 500;

/// How long an account's search waits for its own change to be applied before it is
/// answered without it (a change takes milliseconds; this is for a stalled one).
const OWN_CHANGE_WAIT: Duration = Duration::from_secs(5);

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
    /// Rendered pages that are the same for every visitor, for the current library version.
    pub(crate) pages: Arc<PageCache>,
    /// Topics, read once per library version (they carry long timelines).
    topics: Arc<std::sync::RwLock<TopicCache>>,
    /// Questions prepared by the current engine, kept between requests.
    prepared: Arc<crate::prepared::PreparedCache>,
    /// Held while the index, the engine and the caches catch up with the library, one
    /// refresh at a time.
    refreshing: Arc<tokio::sync::Mutex<()>>,
    /// The version of the kept index this instance took up at start, if it took one up
    /// (rather than building the index from the whole library).
    resumed_from: Option<i64>,
    /// Where the indexes are made and written: a thread below the serving threads' priority.
    upkeep: Arc<Upkeep>,
    /// Wakes the refresher before its next tick.
    poke: Arc<tokio::sync::Notify>,
    /// The library version the search index, the engine and the caches are for (-1 before the
    /// first refresh), as each refresh leaves it; requests may wait for one
    /// ([`AppState::caught_up_for`]).
    applied: Arc<tokio::sync::watch::Sender<i64>>,
    /// The library version each account's last change on this instance made: that account's
    /// own searches wait until the index has it (see [`AppState::wrote`]).
    written: Arc<std::sync::Mutex<std::collections::HashMap<i64, i64>>>,
    /// The store's notices of changes made by any instance, for the refresher to take.
    notices: Arc<std::sync::Mutex<Option<Box<dyn studypack_store::ChangeNotices>>>>,
}

impl AppState {
    /// An instance whose search indexes are in memory, built from the whole library.
    pub async fn new(store: Arc<dyn Store>) -> Result<AppState, WebError> {
        let upkeep = Upkeep::start()?;
        let (search, drafts) = upkeep
            .run(|| {
                Ok::<_, studypack_search::SearchError>((
                    SearchIndex::in_memory()?,
                    SearchIndex::in_memory_drafts()?,
                ))
            })
            .await??;
        Self::start(store, search, drafts, upkeep).await
    }

    /// An instance whose search indexes are kept in `dir` on local disk (`public/` and
    /// `drafts/`): at start it reopens them and applies only the library's changes since the
    /// version they recorded; a new directory, or one kept for another database, is built
    /// from the whole library once. One instance per directory.
    pub async fn kept_in(
        store: Arc<dyn Store>,
        dir: &std::path::Path,
    ) -> Result<AppState, WebError> {
        let library = store.library_identity().await?;
        let (public, drafts) = (dir.join("public"), dir.join("drafts"));
        let upkeep = Upkeep::start()?;
        let (search, drafts) = upkeep
            .run(move || {
                Ok::<_, studypack_search::SearchError>((
                    SearchIndex::open(&public, &library, studypack_domain::Status::Published)?,
                    SearchIndex::open(&drafts, &library, studypack_domain::Status::Draft)?,
                ))
            })
            .await??;
        Self::start(store, search, drafts, upkeep).await
    }

    async fn start(
        store: Arc<dyn Store>,
        search: SearchIndex,
        drafts: SearchIndex,
        upkeep: Upkeep,
    ) -> Result<AppState, WebError> {
        let state = AppState {
            drafts: Arc::new(drafts),
            search: Arc::new(search),
            upkeep: Arc::new(upkeep),
            accounts: Accounts::new(store.clone()),
            config: WebConfig::default(),
            engine: Arc::default(),
            store,
            topics: Arc::default(),
            pages: Arc::default(),
            prepared: Arc::default(),
            refreshing: Arc::default(),
            resumed_from: None,
            poke: Arc::default(),
            notices: Arc::default(),
            applied: Arc::new(tokio::sync::watch::Sender::new(-1)),
            written: Arc::default(),
        };
        let state = AppState {
            resumed_from: state.resume().await?,
            ..state
        };
        state.refresh_search().await?;
        Ok(state)
    }

    /// The version of the kept index this instance took up at start; `None` when it built
    /// its index from the whole library.
    pub fn resumed_from(&self) -> Option<i64> {
        self.resumed_from
    }

    /// Takes up kept indexes where they were left: when both recorded a version of this
    /// library no newer than its current one, the engine's statistics are learned from the
    /// public index's own texts (not the database) and the instance stands at the older of
    /// the two versions, from which the next refresh applies the changes (applying a change
    /// twice changes nothing). Otherwise it stays at none, and the refresh rebuilds.
    async fn resume(&self) -> Result<Option<i64>, WebError> {
        let (Some(a), Some(b)) = (self.search.version(), self.drafts.version()) else {
            return Ok(None);
        };
        let kept = a.min(b);
        if kept > self.store.library_version().await? {
            tracing::warn!(
                kept,
                "the kept search index is newer than the library: rebuilding"
            );
            return Ok(None);
        }
        let started = std::time::Instant::now();
        self.load_topics(self.store.topics().await?)?;
        let search = self.search.clone();
        let engine = self
            .upkeep
            .run(move || {
                // A question at a time, so that the library's text is never all in memory.
                let mut builder = studypack_feedback::Engine::builder();
                search.each_stored(|t| builder.learn(stored_statistics(&t)))?;
                Ok::<_, studypack_search::SearchError>(builder.build())
            })
            .await??;
        self.set_engine(engine)?;
        self.stand_at(kept);
        tracing::info!(
            version = kept,
            docs = self.search.len(),
            resume_ms = started.elapsed().as_millis() as u64,
            "kept search index resumed"
        );
        Ok(Some(kept))
    }

    pub fn with_config(mut self, config: WebConfig) -> AppState {
        self.config = config;
        self
    }

    /// Has the refresher apply the library's changes as soon as `notices` announces them
    /// (PostgreSQL's), as well as at each tick.
    pub fn with_notices(self, notices: Box<dyn studypack_store::ChangeNotices>) -> AppState {
        if let Ok(mut n) = self.notices.lock() {
            *n = Some(notices);
        }
        self
    }

    pub fn with_limits(mut self, limits: studypack_accounts::Limits) -> AppState {
        self.accounts = self.accounts.with_limits(limits);
        self
    }

    /// The feedback engine for the loaded library version.
    pub fn engine(&self) -> Arc<Engine> {
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
    /// their share of the engine's statistics, and the cached pages that show them; other
    /// pages stay cached.
    pub async fn refresh_search(&self) -> Result<bool, WebError> {
        let _one_at_a_time = self.refreshing.lock().await;
        let loaded = self.version();
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
        let read_ms = started.elapsed().as_millis() as u64;
        let (search, drafts, engine) = (self.search.clone(), self.drafts.clone(), self.engine());
        let version = c.version;
        let (engine, engine_ms, public_ms, drafts_ms) = self
            .upkeep
            .run(move || {
                let started = std::time::Instant::now();
                // The engine counts what the public index holds: what it held of each changed
                // question comes out of the statistics, what it will hold goes in.
                let changed: Vec<&str> = items
                    .iter()
                    .map(|(q, _)| q.slug.as_str())
                    .chain(gone.iter().map(String::as_str))
                    .collect();
                let mut before = Vec::new();
                for slug in &changed {
                    before.extend(search.stored_texts(slug)?);
                }
                let after: Vec<&studypack_domain::Question> = items
                    .iter()
                    .map(|(q, _)| q)
                    .filter(|q| q.status == studypack_domain::Status::Published)
                    .collect();
                let engine = engine.updated(
                    before.iter().flat_map(stored_statistics),
                    after
                        .iter()
                        .flat_map(|q| studypack_feedback::question_texts(q)),
                );
                let engine_ms = started.elapsed().as_millis() as u64;
                let pairs: Vec<(&studypack_domain::Question, &studypack_domain::Topic)> =
                    items.iter().map(|(q, t)| (q, &**t)).collect();
                let started = std::time::Instant::now();
                search.apply(&pairs, &gone, version)?;
                let public_ms = started.elapsed().as_millis() as u64;
                let started = std::time::Instant::now();
                // The drafts' index is committed only when it holds or will hold a changed
                // question: it then lags behind in version, which a start takes up from (applying
                // a change twice changes nothing).
                let mut drafts_touched = pairs
                    .iter()
                    .any(|(q, _)| q.status == studypack_domain::Status::Draft);
                for slug in &changed {
                    if drafts_touched {
                        break;
                    }
                    drafts_touched = drafts.holds(slug)?;
                }
                if drafts_touched {
                    drafts.apply(&pairs, &gone, version)?;
                }
                let drafts_ms = started.elapsed().as_millis() as u64;
                Ok::<_, studypack_search::SearchError>((engine, engine_ms, public_ms, drafts_ms))
            })
            .await??;
        self.set_engine(engine)?;
        let indexed = started.elapsed();
        self.pages.advance(loaded, c.version, &touched);
        self.stand_at(c.version);
        tracing::info!(
            version = c.version,
            questions = slugs.len(),
            topics = changed_topics.len(),
            indexed_ms = indexed.as_millis() as u64,
            read_ms,
            engine_ms,
            public_ms,
            drafts_ms,
            "library changes applied"
        );
        Ok(())
    }

    /// Rebuilds the search index, the caches and the engine from the whole library, read
    /// [`REBUILD_BATCH`] questions at a time (the library's text is never all in memory).
    async fn rebuild_all(&self) -> Result<(), WebError> {
        use studypack_domain::{Question, Topic};
        enum Feed {
            Batch(Vec<(Question, Option<Arc<Topic>>)>),
            End,
        }
        let started = std::time::Instant::now();
        // The version is read first: changes made while the library is read are applied again
        // by the next refresh, which is harmless.
        let version = self.store.library_version().await?;
        self.load_topics(self.store.topics().await?)?;
        let (search, drafts) = (self.search.clone(), self.drafts.clone());
        let (feed, mut fed) = tokio::sync::mpsc::channel::<Feed>(2);
        let build = self.upkeep.run(move || {
            let mut public = search.rebuilding()?;
            let mut editors = drafts.rebuilding()?;
            let mut engine = Engine::builder();
            loop {
                match fed.blocking_recv() {
                    Some(Feed::Batch(batch)) => {
                        for (q, t) in &batch {
                            if let Some(t) = t {
                                public.add(q, t)?;
                                editors.add(q, t)?;
                            }
                            engine.learn_question(q);
                        }
                    }
                    Some(Feed::End) => break,
                    // The library could not be read to the end: both rebuilds are dropped
                    // unfinished, and the indexes keep what they held.
                    None => return Err(WebError::Internal("the rebuild was not fed".into())),
                }
            }
            public.finish(version)?;
            editors.finish(version)?;
            Ok(engine.build())
        });
        let read = async move {
            let mut after: Option<String> = None;
            loop {
                let batch = self
                    .store
                    .questions_after(after.as_deref(), REBUILD_BATCH)
                    .await?;
                let Some(next) = batch.next else { break };
                after = Some(next);
                let mut items = Vec::with_capacity(batch.questions.len());
                for q in batch.questions {
                    let t = self.topic(q.topic.as_str()).await?;
                    items.push((q, t));
                }
                if feed.send(Feed::Batch(items)).await.is_err() {
                    return Ok(()); // the build stopped; its error says why
                }
            }
            let _ = feed.send(Feed::End).await;
            Ok::<(), WebError>(())
        };
        let (read, built) = tokio::join!(read, build);
        read?;
        self.set_engine(built??)?;
        self.pages.clear();
        self.stand_at(version);
        tracing::info!(
            version,
            docs = self.search.len(),
            rebuild_ms = started.elapsed().as_millis() as u64,
            "search index rebuilt"
        );
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

    /// Puts `engine` in the place of the current one. The old engine, and the questions it
    /// prepared, are handed to the upkeep thread to free, not freed on the serving thread that
    /// applied the change (a request still holding the old engine frees it when done).
    fn set_engine(&self, engine: Engine) -> Result<(), WebError> {
        let old = std::mem::replace(
            &mut *self
                .engine
                .write()
                .map_err(|_| WebError::Internal("engine lock poisoned".into()))?,
            Arc::new(engine),
        );
        self.upkeep.drop_later((old, self.prepared.take()));
        Ok(())
    }

    /// Records that the index and the caches now stand at the library's version `version`.
    fn stand_at(&self, version: i64) {
        self.applied.send_replace(version);
    }

    /// Records that the account `user` changed the library (to its version `version`) through
    /// this instance, and has the change applied now, without waiting for it. The save is in
    /// the database when this is called; the index follows within milliseconds, and until it
    /// has, that account's own searches wait for it ([`AppState::caught_up_for`]): an editor
    /// finds what they just saved. Other visitors, like other instances, see it once applied.
    pub(crate) fn wrote(&self, user: i64, version: i64) {
        if let Ok(mut w) = self.written.lock() {
            // Versions the index has passed are forgotten, so the map holds only the accounts
            // whose change is still being applied.
            let now = self.version();
            w.retain(|_, v| *v > now);
            let v = w.entry(user).or_insert(version);
            *v = (*v).max(version);
        }
        let state = self.clone();
        tokio::spawn(async move {
            if let Err(e) = state.refresh_search().await {
                tracing::warn!(error = %e, "applying a change failed; the refresher will retry");
            }
        });
    }

    /// Waits, up to [`OWN_CHANGE_WAIT`], until the index holds the last change `user` made
    /// through this instance; at once for anyone else, or when it holds it already.
    pub(crate) async fn caught_up_for(&self, user: Option<i64>) {
        let Some(user) = user else { return };
        let wanted = self.written.lock().ok().and_then(|w| w.get(&user).copied());
        let Some(wanted) = wanted.filter(|v| *v > self.version()) else {
            return;
        };
        let mut applied = self.applied.subscribe();
        if tokio::time::timeout(OWN_CHANGE_WAIT, applied.wait_for(|v| *v >= wanted))
            .await
            .is_err()
        {
            tracing::warn!(
                user,
                wanted,
                "an account's own change was not applied in time"
            );
        }
    }

    /// Whether the page at `path` is in the page cache for the loaded library version (what
    /// an anonymous visitor would be served without rendering it again).
    pub fn is_page_cached(&self, path: &str) -> bool {
        self.pages.get(path, self.version()).is_some()
    }

    /// The library version this instance has loaded.
    pub(crate) fn version(&self) -> i64 {
        *self.applied.borrow()
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

    /// Keeps the search index current: checks the library version every `every`, and at once
    /// when the store announces a change (see [`AppState::with_notices`]).
    pub fn spawn_refresher(&self, every: Duration) -> tokio::task::JoinHandle<()> {
        let state = self.clone();
        let notices = self.notices.lock().ok().and_then(|mut n| n.take());
        tokio::spawn(async move {
            let poke = state.poke.clone();
            let listen = async move {
                let Some(mut notices) = notices else {
                    return std::future::pending().await;
                };
                loop {
                    match notices.next().await {
                        Ok(()) => poke.notify_one(),
                        Err(e) => {
                            tracing::warn!(error = %e, "not listening for the library's changes: polling");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                }
            };
            let refresh = async {
                let mut tick = tokio::time::interval(every);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tokio::select! {
                        _ = tick.tick() => {}
                        () = state.poke.notified() => {}
                    }
                    if let Err(e) = state.refresh_search().await {
                        tracing::warn!(error = %e, "search refresh failed");
                    }
                }
            };
            tokio::join!(listen, refresh);
        })
    }
}

/// The texts of a question the public index holds, as the engine's statistics counted them.
fn stored_statistics(t: &studypack_search::StoredTexts) -> Vec<&str> {
    studypack_feedback::statistics_texts(&t.question, &t.plan, t.bullets.iter().map(String::as_str))
}

#[cfg(test)]
mod own_changes {
    use std::time::Duration;

    use super::AppState;

    /// A change an account saved through this instance is applied after the save returns; that
    /// account's searches wait for it (and no one else's do), so an editor always finds what
    /// they just saved.
    #[tokio::test]
    async fn an_accounts_searches_wait_for_its_own_change_and_no_one_elses() {
        let db = studypack_test_support::TestDb::sqlite().await;
        db.store
            .import(&studypack_demo::library(), 1)
            .await
            .unwrap();
        let st = AppState::new(db.store.clone()).await.unwrap();
        let at_start = st.version();
        // The upkeep thread is kept busy, so the change waits to be applied.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let upkeep = st.upkeep.clone();
        let hold = tokio::spawn(async move { upkeep.run(move || held.recv()).await });
        let mut q = studypack_demo::library().questions[0].clone();
        q.plan = format!("Quodlibetical opening.\n\n{}", q.plan);
        db.store
            .import(
                &studypack_domain::Library {
                    topics: vec![],
                    questions: vec![q],
                },
                2,
            )
            .await
            .unwrap();
        let saved = db.store.library_version().await.unwrap();
        assert!(saved > at_start);
        st.wrote(7, saved);
        let quick = |user: Option<i64>| {
            let st = st.clone();
            async move {
                tokio::time::timeout(Duration::from_millis(300), st.caught_up_for(user))
                    .await
                    .is_ok()
            }
        };
        assert!(quick(None).await, "a visitor does not wait");
        assert!(quick(Some(8)).await, "another account does not wait");
        assert!(
            !quick(Some(7)).await,
            "the saving account waits for its change"
        );
        assert_eq!(st.version(), at_start, "the change is not applied yet");
        release.send(()).unwrap();
        // Within less than the wait's own bound: it returned because the change was applied.
        tokio::time::timeout(
            super::OWN_CHANGE_WAIT - Duration::from_secs(1),
            st.caught_up_for(Some(7)),
        )
        .await
        .unwrap();
        hold.await.unwrap().unwrap().unwrap();
        assert!(st.version() >= saved);
        let found = st
            .search
            .search(&studypack_search::SearchRequest {
                q: "Quodlibetical".into(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(found.total, 1);
        // Once applied, it is forgotten: nothing waits again.
        assert!(quick(Some(7)).await);
    }
}
