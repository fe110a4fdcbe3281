//! Where the database is, and opening it.

use std::sync::Arc;

use anyhow::{Context, Result, bail};
use studypack_store::LibraryStore;
use studypack_store_sqlite::SqliteStore;

/// The default database: `studypack.db` in `$XDG_DATA_HOME/studypack` or `~/.local/share/studypack`.
pub fn default_database_url() -> Result<String> {
    let dir = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".local/share")))
        .map(|d| d.join("studypack"))
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create the data folder {}", dir.display()))?;
    Ok(format!("sqlite://{}", dir.join("studypack.db").display()))
}

/// Opens the library at `url` (or the default), loading the demo library into an empty database.
pub async fn open_library(url: Option<&str>) -> Result<Arc<dyn LibraryStore>> {
    let url = match url {
        Some(u) => u.to_string(),
        None => default_database_url()?,
    };
    let store: Arc<dyn LibraryStore> = if url.starts_with("sqlite:") {
        Arc::new(SqliteStore::open(&url, 8).await.with_context(|| format!("cannot open the database {url}"))?)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        bail!("PostgreSQL is not supported by this build yet; use a sqlite:// URL")
    } else {
        bail!("unsupported database URL {url:?}: expected sqlite://PATH")
    };
    if store.question_count().await? == 0 {
        let report = store.import(&studypack_demo::library()).await.context("cannot load the demo library")?;
        tracing::info!(questions = report.questions_created, "loaded the demo library into an empty database");
    }
    Ok(store)
}
