//! The embedded SQLite store: WAL journal, foreign keys on, migrations embedded in the binary
//! and applied on open, the database file created on first use.

mod migrate;

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};

pub use migrate::MIGRATIONS;

/// The SQLite implementation of [`LibraryStore`].
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite://path`, `sqlite:path` or
    /// `sqlite::memory:`) and applies pending migrations.
    pub async fn open(url: &str, max_connections: u32) -> StoreResult<SqliteStore> {
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Invalid(format!("bad SQLite URL {url:?}: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections.max(1))
            .connect_with(opts)
            .await
            .map_err(db_err)?;
        migrate::run(&pool).await?;
        Ok(SqliteStore { pool })
    }

    /// The connection pool, for the crates that add tables of their own beside the library.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

studypack_store::impl_sql_library_store!(SqliteStore, sqlx::Sqlite, SqliteRow);
studypack_store::impl_sql_account_store!(SqliteStore);

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn wal_and_foreign_keys_are_on_and_the_file_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new").join("t.db");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let s = SqliteStore::open(&format!("sqlite://{}", path.display()), 2)
            .await
            .unwrap();
        assert!(path.exists());
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(s.pool())
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(s.pool())
            .await
            .unwrap();
        assert_eq!(fk, 1);
    }

    #[tokio::test]
    async fn a_database_newer_than_the_binary_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let s = SqliteStore::open(&url, 1).await.unwrap();
        sqlx::query(
            "INSERT INTO studypack_migrations (version, name, applied_at) VALUES (99, 'future', 0)",
        )
        .execute(s.pool())
        .await
        .unwrap();
        s.pool().close().await;
        let err = SqliteStore::open(&url, 1).await.err().expect("refused");
        assert!(
            err.to_string().contains("newer than this studypack"),
            "{err}"
        );
    }
}
