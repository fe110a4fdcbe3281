//! Where the database is, and opening it.

use std::sync::Arc;

use anyhow::{Context, Result, bail};
use studypack_store::Store;

/// The default database: `studypack.db` in `$XDG_DATA_HOME/studypack` or `~/.local/share/studypack`.
pub fn default_database_url() -> Result<String> {
    let dir = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".local/share"))
        })
        .map(|d| d.join("studypack"))
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the data folder {}", dir.display()))?;
    Ok(format!("sqlite://{}", dir.join("studypack.db").display()))
}

/// Connections per instance: `STUDYPACK_DB_POOL_SIZE`, default 8.
pub fn pool_size() -> Result<u32> {
    match std::env::var("STUDYPACK_DB_POOL_SIZE") {
        Ok(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .with_context(|| format!("STUDYPACK_DB_POOL_SIZE must be 1 to 1000, found {v:?}")),
        Err(_) => Ok(8),
    }
}

/// Opens the database at `url` (or the default) and applies its migrations.
pub async fn open_store(url: Option<&str>) -> Result<Arc<dyn Store>> {
    let url = match url {
        Some(u) => u.to_string(),
        None => default_database_url()?,
    };
    let pool = pool_size()?;
    let shown = redact(&url);
    Ok(if url.starts_with("sqlite:") {
        Arc::new(
            studypack_store_sqlite::open(&url, pool)
                .await
                .with_context(|| format!("cannot open the database {shown}"))?,
        )
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Arc::new(
            studypack_store_postgres::connect(&url, pool)
                .await
                .with_context(|| format!("cannot open the database {shown}"))?,
        )
    } else {
        bail!(
            "unsupported database URL {shown:?}: expected sqlite://PATH or postgres://USER@HOST/DB"
        )
    })
}

/// The notices of the library's changes that the database at `url` gives every instance
/// sharing it: PostgreSQL's (`LISTEN`); `None` for SQLite, whose one instance knows its own.
pub async fn change_notices(
    url: Option<&str>,
) -> Result<Option<Box<dyn studypack_store::ChangeNotices>>> {
    match url {
        Some(u) if u.starts_with("postgres:") || u.starts_with("postgresql:") => {
            let notices = studypack_store_postgres::library_notices(u, None)
                .await
                .with_context(|| format!("cannot listen at {}", redact(u)))?;
            Ok(Some(Box::new(notices)))
        }
        _ => Ok(None),
    }
}

/// A URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Opens the library at `url` (or the default), loading the demo library into an empty database.
pub async fn open_library(url: Option<&str>) -> Result<Arc<dyn Store>> {
    let store = open_store(url).await?;
    if store.question_count().await? == 0 {
        let report = store
            .import(&studypack_demo::library(), studypack_accounts::now())
            .await
            .context("cannot load the demo library")?;
        tracing::info!(
            questions = report.questions_created,
            "loaded the demo library into an empty database"
        );
    }
    Ok(store)
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://app:secret@db:5432/sp"),
            "postgres://app:***@db:5432/sp"
        );
        assert_eq!(
            super::redact("postgres://app@db/sp"),
            "postgres://app@db/sp"
        );
        assert_eq!(super::redact("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }
}
